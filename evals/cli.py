"""`assistant eval` and `python -m evals`: run a Q&A set, print the metrics, write reports, gate on a baseline."""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_TOLERANCE = 0.02
REPORTED_SETTINGS = ("retrieval", "keyword_weight", "candidates", "rrf_k", "top_k", "max_sentences", "refusal",
                     "refusal_threshold", "min_similarity", "min_coverage")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("qa_set", type=Path, metavar="QA.jsonl", help="a Q&A set (spec format)")
    parser.add_argument("--docs", type=Path, action="append", metavar="DIR",
                        help="index this folder into a fresh temporary index first; repeat it to index several "
                             "folders together")
    parser.add_argument("--json", action="store_true", help="print the report (metrics and every question) as JSON")
    parser.add_argument("--report", type=Path, metavar="DIR", help="write report.json, report.md and PNG plots here")
    parser.add_argument("--baseline", type=Path, metavar="FILE",
                        help="compare with this report or baseline; exit 1 when a metric drops beyond the tolerance")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE,
                        help=f"absolute drop allowed against the baseline (default {DEFAULT_TOLERANCE})")
    parser.add_argument("--save-baseline", type=Path, metavar="FILE", help="write this run's metrics as a baseline")


def main(argv: list[str] | None = None) -> int:
    from assistant.settings import Settings
    from index.errors import AssistantError

    parser = argparse.ArgumentParser(prog="python -m evals", description="Run a Q&A set against the assistant.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args, Settings())
    except AssistantError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def run(args, settings) -> int:
    from assistant.assemble import assemble, open_index
    from assistant.progress import ProgressBar

    from . import report as reports
    from .metrics import Locator
    from .qa import QASetError, read_qa_set
    from .run import by_slice, compare, summarize
    from .run import run as run_set

    try:
        items = read_qa_set(args.qa_set)
    except (OSError, QASetError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    baseline = None
    if args.baseline:
        try:
            baseline = json.loads(args.baseline.read_text(encoding="utf-8"))
            baseline["metrics"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            print(f"error: cannot read the baseline {args.baseline}: {error!r}", file=sys.stderr)
            return 1
    if not items:
        print(f"error: {args.qa_set} holds no questions", file=sys.stderr)
        return 1
    docs = _folders(args.docs)
    names = [folder.resolve().name for folder in docs]
    clash = sorted({name for name in names if names.count(name) > 1})
    if clash:  # a document's source is "folder-name/relative/path": two folders of one name would overwrite each other
        print(f"error: --docs folders must have different names; {', '.join(clash)} is given twice", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="assistant-eval-") as tmp:
        if docs:
            settings = settings.model_copy(update={"data_dir": Path(tmp), "chroma_host": None})
        index = open_index(settings)
        if docs:
            with ProgressBar("ingest", "file") as progress:
                ingested = index.ingest(docs, progress=progress)
            if ingested.indexed_nothing:
                print(f"error: nothing could be indexed from {', '.join(map(str, docs))}", file=sys.stderr)
                return 1
        documents = index.catalog.documents()
        if not documents:
            print(f"error: the index at {settings.data_dir} is empty; ingest documents or pass --docs", file=sys.stderr)
            return 1
        locator = Locator({d["id"]: index.text(d["id"]) or "" for d in documents})
        assistant = assemble(settings, index)
        with ProgressBar("eval", "question") as progress:
            results = run_set(items, assistant, locator, progress)
        index.catalog.close()

    report = {
        "set": str(args.qa_set),
        "documents": ", ".join(map(str, docs)) if docs else str(settings.data_dir),
        "questions": len(results),
        "answerable": sum(r.answerable for r in results),
        "unanswerable": sum(not r.answerable for r in results),
        "commit": _commit(),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {_cores()} cores, Python {platform.python_version()}",
        "settings": {k: getattr(settings, k) for k in REPORTED_SETTINGS},
        "metrics": summarize(results),
        "slices": by_slice(results),
        "tolerance": args.tolerance if baseline else None,
        "results": [r.to_dict() for r in results],
    }
    regressions = compare(report["metrics"], baseline["metrics"], args.tolerance) if baseline else []

    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_metrics(report, baseline)
    if args.report:
        written = reports.write(report, args.report, baseline, regressions)
        print(f"report: {written[1]}", file=sys.stderr)
    if args.save_baseline:
        keep = ("set", "documents", "questions", "commit", "date", "machine", "settings", "metrics")
        args.save_baseline.write_text(json.dumps({k: report[k] for k in keep}, indent=2) + "\n", encoding="utf-8")
    unlocated = sum(len(r.unlocated_evidence) for r in results)
    if unlocated:
        print(f"warning: {unlocated} evidence spans are found in no document (see the report)", file=sys.stderr)
    for regression in regressions:
        print(f"regression: {regression}", file=sys.stderr)
    return 1 if regressions else 0


def _print_metrics(report: dict, baseline: dict | None) -> None:
    from .report import number
    from .run import SLICE_COLUMNS

    before = (baseline or {}).get("metrics", {})
    print(f"{report['set']}: {report['questions']} questions "
          f"({report['answerable']} answerable, {report['unanswerable']} not)")
    for name, value in report["metrics"].items():
        text = "–" if value is None else f"{value:.3f}"
        old = before.get(name)
        print(f"  {name:<27} {text:>9}" + (f"   (baseline {old:.3f})" if isinstance(old, (int, float)) else ""))
    if report["slices"]:
        print("slices:")
        for name, row in report["slices"].items():
            print(f"  {name:<12} " + "  ".join(f"{k} {number(row.get(k))}" for k in SLICE_COLUMNS))



def _folders(docs) -> list[Path]:
    """The --docs folders: none, one (a path, as callers that build the arguments themselves may pass) or several."""
    if not docs:
        return []
    return [Path(docs)] if isinstance(docs, (str, Path)) else [Path(d) for d in docs]


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, timeout=5, cwd=Path(__file__).resolve().parent).stdout.strip()
        return out.stdout.strip() + ("+changes" if dirty else "") if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
