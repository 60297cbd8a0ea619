"""Evaluation runs over Q&A sets (format in ../shared/spec.md)."""
