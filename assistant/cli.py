"""The `assistant` command: ingest, ask, serve. Settings are read here, and domain errors become messages."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from evals import cli as eval_cli
from index.errors import AssistantError

from .progress import ProgressBar
from .settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="assistant", description="Answers from the partnership documents, with citations.")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="index documents (incremental)")
    ingest.add_argument("paths", nargs="*", type=Path, help="files or folders (default: ASSISTANT_DOCUMENTS_DIR)")
    ingest.add_argument("--json", action="store_true", help="print the summary as JSON")

    ask = commands.add_parser("ask", help="ask a question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the Answer object as JSON")
    ask.add_argument("--top-k", type=int, default=None, help="fused chunks to read (default: ASSISTANT_TOP_K)")
    ask.add_argument("--type", action="append", help="only documents of this type (repeatable)")
    ask.add_argument("--since", help="only documents dated on or after (YYYY, YYYY-MM or YYYY-MM-DD)")
    ask.add_argument("--until", help="only documents dated on or before")
    ask.add_argument("--source", action="append", help="only this document path or folder (repeatable)")

    statements = commands.add_parser("statements", help="list statements across documents, with filters")
    statements.add_argument("--kind", action="append", help="agreed, proposed, requested, planned or reported (repeatable)")
    statements.add_argument("--organisation", "--org", action="append", help="IRCS, ICRC, ... (repeatable)")
    statements.add_argument("--topic", help="words every listed statement contains (acronyms count for long forms)")
    statements.add_argument("--since", help="events (or undated statements' documents) on or after this date")
    statements.add_argument("--until", help="events on or before this date")
    statements.add_argument("--json", action="store_true", help="print the list as JSON")

    serve = commands.add_parser("serve", help="serve the HTTP API and the web chat")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)

    evaluate = commands.add_parser("eval", help="run a Q&A set and print its metrics (see evals/README.md)")
    eval_cli.add_arguments(evaluate)

    args = parser.parse_args(argv)
    settings = Settings()
    try:
        commands = {"ingest": run_ingest, "ask": run_ask, "statements": run_statements, "serve": run_serve,
                    "eval": eval_cli.run}
        return commands[args.command](args, settings)
    except AssistantError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run_ingest(args, settings: Settings) -> int:
    from .assemble import open_index

    index = open_index(settings)
    paths = args.paths or [settings.documents_dir]
    with ProgressBar("ingest", "file") as progress:
        report = index.ingest(paths, progress=progress)
    if args.json:
        print(json.dumps(report.summary(), ensure_ascii=False))
    else:
        summary = report.summary()
        print(
            f"{summary['added']} added, {summary['updated']} updated, {summary['unchanged']} unchanged, "
            f"{summary['removed']} removed, {len(report.failed)} failed; {summary['chunks']} chunks in the index "
            f"({summary['seconds']:.1f} s)"
        )
        for failure in report.failed:
            print(f"  failed: {failure['path']}: {failure['error']}", file=sys.stderr)
    return 1 if report.indexed_nothing else 0


def run_ask(args, settings: Settings) -> int:
    from .assemble import assemble
    from .retrieve import Filters

    assistant = assemble(settings)
    filters = Filters.of(type=args.type, since=args.since, until=args.until, source=args.source)
    answer = assistant.ask(args.question, filters, top_k=args.top_k)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(answer.answer)
    if answer.citations:
        print("\nClosest passages:" if answer.refused else "\nSources:")
    for c in answer.citations:
        print(f"[{c.marker}] {c.title} ({c.date or 'undated'}), {c.source}\n    “{c.quote}”")
    return 0


def run_statements(args, settings: Settings) -> int:
    from .assemble import assemble

    items = assemble(settings).statements(
        kind=args.kind, organisation=args.organisation, topic=args.topic, since=args.since, until=args.until)
    if args.json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return 0
    if not items:
        print("No statement in the documents matches these filters.")
    for n, item in enumerate(items, start=1):
        who = ", ".join(x for x in (item["speaker"], item["organisation"]) if x) or "unattributed"
        when = f"; {item['date_text']}" + (f" ({item['date_start']} to {item['date_end']})" if item["date_start"] else "")
        c = item["citation"]
        print(f"{n}. [{item['kind']}] {who}{when if item['date_text'] else ''}\n   “{item['text']}”\n"
              f"   {c['title']} ({c['date'] or 'undated'}), {c['source']}"
              + "".join(f"\n   also in: {a['source']}" for a in item["also_in"]))
    return 0


def run_serve(args, settings: Settings) -> int:
    import uvicorn

    from api.app import create_app

    host, port = args.host or settings.host, args.port or settings.port
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
