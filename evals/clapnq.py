"""ClapNQ as a closed benchmark: its gold passages become a corpus, its questions a Q&A set in the spec's format.

    python -m evals.clapnq prepare OUT      # OUT/passages/*.md and OUT/clapnq.jsonl
    assistant eval OUT/clapnq.jsonl --docs OUT/passages --report OUT/report
    python -m evals.clapnq compare OUT      # retrieval modes and answerer settings, one index, one table

The corpus is only the 597 distinct passages of the 600 dev questions (300 answerable, 300 not), not the paper's
full Wikipedia corpus: retrieval is much easier here, and the figures are not comparable with the paper's.
Answerable items take the long-form answers as `answers` and the annotators' selected sentences as `evidence`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "clapnq"
FILES = ("clapnq_dev_answerable.jsonl", "clapnq_dev_unanswerable.jsonl")


def prepare(out: Path, data: Path = DATA, limit: int | None = None) -> tuple[int, int]:
    """Writes the corpus and the Q&A set; returns (passages, questions). `limit` keeps that many of each file."""
    passages_dir = out / "passages"
    passages_dir.mkdir(parents=True, exist_ok=True)
    written, items = set(), []
    for name in FILES:
        lines = (data / name).read_text(encoding="utf-8").splitlines()
        for line in lines[:limit] if limit else lines:
            raw = json.loads(line)
            for passage in raw["passages"]:
                key = hashlib.sha256(passage["text"].encode("utf-8")).hexdigest()[:16]
                if key not in written:
                    written.add(key)
                    front = f"---\ntitle: {json.dumps(passage['title'], ensure_ascii=False)}\ntype: wikipedia\n---\n"
                    (passages_dir / f"{key}.md").write_text(front + passage["text"] + "\n", encoding="utf-8")
            outputs = [o for o in raw.get("output") or [] if o.get("answer")]
            answerable = bool(outputs)
            items.append({
                "id": raw["id"],
                "question": raw["input"],
                "answers": [o["answer"] for o in outputs],
                "evidence": sorted({s for o in outputs for s in o.get("selected_sentences") or []}),
                "answerable": answerable,
            })
    with (out / "clapnq.jsonl").open("w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps(item, ensure_ascii=False) + "\n")
    return len(written), len(items)


VARIANTS = {
    # name: settings changed from the defaults
    "fused (default)": {},
    "dense only": {"retrieval": "dense"},
    "bm25 only": {"retrieval": "keyword"},
}


def compare(out: Path, variants: dict[str, dict], settings) -> list[dict]:
    """Indexes OUT/passages once into a temporary index, then runs the set under each variant of the settings."""
    import tempfile

    from assistant.assemble import assemble, open_index
    from assistant.progress import ProgressBar

    from .metrics import Locator
    from .qa import read_qa_set
    from .run import run, summarize

    items = read_qa_set(out / "clapnq.jsonl")
    rows = []
    with tempfile.TemporaryDirectory(prefix="clapnq-") as tmp:
        base = settings.model_copy(update={"data_dir": Path(tmp), "chroma_host": None})
        index = open_index(base)
        with ProgressBar("ingest", "file") as progress:
            index.ingest([out / "passages"], progress=progress)
        locator = Locator({d["id"]: index.text(d["id"]) or "" for d in index.catalog.documents()})
        for name, changes in variants.items():
            assistant = assemble(base.model_copy(update=changes), index)
            with ProgressBar(name, "question") as progress:
                results = run(items, assistant, locator, progress)
            rows.append({"variant": name, "settings": changes, "metrics": summarize(results)})
            print(_row(rows[-1]), file=sys.stderr)
        index.catalog.close()
    return rows


COLUMNS = ("hit@1", "hit@5", "mrr@10", "evidence_recall@10", "reference_recall", "citation_precision",
           "refusal_recall", "false_refusal_rate", "refusal_accuracy", "latency_p50_ms")


def _cell(value: float | None, milliseconds: bool) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if milliseconds else f"{value:.3f}"


def _row(row: dict) -> str:
    cells = [row["variant"]] + [_cell(row["metrics"].get(c), c.endswith("_ms")) for c in COLUMNS]
    return "| " + " | ".join(cells) + " |"


def table(rows: list[dict]) -> str:
    return "\n".join(["| variant | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
                     + [_row(r) for r in rows])


def parse_variant(text: str) -> tuple[str, dict]:
    """'name:key=value,key=value' -> (name, {key: value})."""
    name, _, assignments = text.partition(":")
    changes = {}
    for assignment in filter(None, assignments.split(",")):
        key, _, value = assignment.partition("=")
        try:
            changes[key.strip()] = json.loads(value)  # numbers, true/false
        except ValueError:
            changes[key.strip()] = value.strip()  # words such as dense or logistic
    return name, changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.clapnq", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    prep = commands.add_parser("prepare", help="write the closed corpus and the Q&A set")
    prep.add_argument("out", type=Path)
    prep.add_argument("--data", type=Path, default=DATA, help=f"the ClapNQ folder (default {DATA})")
    prep.add_argument("--limit", type=int, help="keep only this many questions of each file")
    cmp_ = commands.add_parser("compare", help="run retrieval and answerer variants on a prepared folder")
    cmp_.add_argument("out", type=Path)
    cmp_.add_argument("--variant", action="append", default=[], metavar="NAME:KEY=VALUE,...",
                      help="a variant of the settings, e.g. 'strict:min_coverage=0.6' (repeatable; "
                           "default: fused, dense only, BM25 only)")
    cmp_.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args(argv)

    if args.command == "prepare":
        passages, questions = prepare(args.out, args.data, args.limit)
        print(f"{passages} passages in {args.out / 'passages'}, {questions} questions in {args.out / 'clapnq.jsonl'}")
        return 0
    from assistant.settings import Settings

    variants = dict(parse_variant(v) for v in args.variant) or VARIANTS
    rows = compare(args.out, variants, Settings())
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
