"""Ingestion and search: files -> documents -> chunks -> vectors (Chroma) and keywords (BM25)."""
