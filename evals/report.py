"""Reports of an evaluation run: report.json for machines, report.md with PNG plots for people."""

from __future__ import annotations

import json
from pathlib import Path

from .run import (
    GOOD_OUTCOMES,
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    REPORTED_ONLY,
    SLICE_COLUMNS,
    Regression,
)

OUTCOME_COLOURS = {
    "answered": "#2e7d32",
    "refused": "#81c784",
    "unsupported": "#f9a825",
    "false refusal": "#e65100",
    "should refuse": "#c62828",
}


def write(report: dict, folder: Path, baseline: dict | None, regressions: list[Regression]) -> list[Path]:
    """Writes report.json, report.md and the plots into `folder`; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    plots = _plots(report, folder, baseline)
    (folder / "report.md").write_text(markdown(report, baseline, regressions, plots), encoding="utf-8")
    return [folder / "report.json", folder / "report.md", *(folder / p for p in plots)]


def number(value) -> str:
    return "–" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))


def markdown(report: dict, baseline: dict | None, regressions: list[Regression], plots: list[str]) -> str:
    metrics, before = report["metrics"], (baseline or {}).get("metrics", {})
    lines = [
        f"# Evaluation of `{report['set']}`",
        "",
        f"{report['questions']} questions ({report['answerable']} answerable, {report['unanswerable']} not), "
        f"documents `{report['documents']}`; commit `{report['commit']}`, {report['date']}, {report['machine']}.",
        "",
        "Settings: " + ", ".join(f"`{k}={v}`" for k, v in report["settings"].items()) + ".",
        "",
        "| metric | measured | baseline | change |" if baseline else "| metric | measured |",
        "|---|---|---|---|" if baseline else "|---|---|",
    ]
    for name, value in metrics.items():
        if baseline:
            old = before.get(name)
            change = number(value - old) if isinstance(value, (int, float)) and isinstance(old, (int, float)) else "–"
            lines.append(f"| {name} | {number(value)} | {number(old)} | {change} |")
        else:
            lines.append(f"| {name} | {number(value)} |")
    if metrics.get("direct_answer_questions"):
        lines += ["", f"direct_answer: {number(metrics.get('direct_answer'))} of the "
                      f"{metrics['direct_answer_questions']} answered questions asking for a date, number, person or "
                      "place lead with the reference answer (not gated)."]
    if baseline is not None:
        lines += ["", f"Gate (tolerance {report.get('tolerance')}): " + (
            "passed." if not regressions else "**failed**: " + "; ".join(str(r) for r in regressions) + "."
        )]
    if report.get("slices"):
        lines += ["", "## Slices", "", "| slice | " + " | ".join(SLICE_COLUMNS) + " |",
                  "|---|" + "---|" * len(SLICE_COLUMNS)]
        for name, row in report["slices"].items():
            lines.append(f"| {name} | " + " | ".join(number(row.get(k)) for k in SLICE_COLUMNS) + " |")
    lines += [""] + [f"![{p}]({p})" for p in plots]
    failed = [r for r in report["results"] if r["outcome"] not in GOOD_OUTCOMES]
    lines += ["", f"## Failed questions ({len(failed)})", ""]
    if failed:
        lines += ["| id | question | outcome | answer | citations |", "|---|---|---|---|---|"]
        for r in failed:
            cites = "<br>".join(
                f"[{c['marker']}] {'✓' if ok else '✗'} {c['source']}: “{_cell(c['quote'], 160)}”"
                for c, ok in zip(r["citations"], r["citations_correct"] or [None] * len(r["citations"]))
            )
            lines.append(
                f"| {r['id']} | {_cell(r['question'], 200)} | {r['outcome']} | {_cell(r['answer'], 400)} | {cites} |"
            )
    unlocated = [(r["id"], s) for r in report["results"] for s in r.get("unlocated_evidence", [])]
    if unlocated:
        lines += ["", "## Evidence spans found in no document", ""]
        lines += [f"- {qid}: “{_cell(span, 200)}”" for qid, span in unlocated]
    return "\n".join(lines) + "\n"


def _cell(text: str, limit: int) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plots(report: dict, folder: Path, baseline: dict | None) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    # 1. quality metrics against the baseline
    names = [n for n in HIGHER_IS_BETTER + LOWER_IS_BETTER + REPORTED_ONLY if report["metrics"].get(n) is not None]
    before = (baseline or {}).get("metrics", {})
    figure, axes = plt.subplots(figsize=(8, 0.35 * len(names) + 1.2))
    rows = range(len(names))
    if baseline:
        axes.barh([y + 0.2 for y in rows], [before.get(n) or 0 for n in names], height=0.4, color="#9e9e9e",
                  label="baseline")
    axes.barh([y - 0.2 if baseline else y for y in rows], [report["metrics"][n] for n in names],
              height=0.4 if baseline else 0.6, color="#1565c0", label="this run")
    axes.set_yticks(list(rows), names)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.set_title("Metrics" + (" against the baseline" if baseline else "") + " (false_refusal_rate: lower is better)",
                   fontsize=9)
    axes.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    figure.savefig(folder / "metrics.png", dpi=110)
    plt.close(figure)
    written.append("metrics.png")

    # 2. latency histogram
    latencies = [r["latency_ms"] for r in report["results"]]
    figure, axes = plt.subplots(figsize=(7, 3))
    axes.hist(latencies, bins=min(40, max(5, len(latencies) // 5)), color="#1565c0")
    for name, style in (("latency_p50_ms", "-"), ("latency_p95_ms", "--")):
        value = report["metrics"].get(name)
        if value is not None:
            axes.axvline(value, color="black", linestyle=style, label=f"{name[8:11]} {value:.0f} ms")
    axes.set_xlabel("ms per question (embedding, retrieval, answer)")
    axes.set_ylabel("questions")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(folder / "latency.png", dpi=110)
    plt.close(figure)
    written.append("latency.png")

    # 3. outcome per question: one cell per question, in set order
    results = report["results"]
    columns = 30 if len(results) > 60 else 10
    figure, axes = plt.subplots(figsize=(8, 0.3 * (len(results) // columns + 1) + 1.2))
    for i, r in enumerate(results):
        axes.add_patch(plt.Rectangle((i % columns, -(i // columns)), 0.9, 0.9,
                                     color=OUTCOME_COLOURS.get(r["outcome"], "grey")))
    axes.set_xlim(0, columns)
    axes.set_ylim(-(len(results) // columns) - 0.2, 1)
    axes.axis("off")
    counts = {o: sum(r["outcome"] == o for r in results) for o in OUTCOME_COLOURS}
    axes.legend(handles=[plt.Rectangle((0, 0), 1, 1, color=c) for c in OUTCOME_COLOURS.values()],
                labels=[f"{o} ({counts[o]})" for o in OUTCOME_COLOURS], loc="upper center",
                bbox_to_anchor=(0.5, 0), ncol=5, fontsize=7, frameon=False)
    axes.set_title("Outcome per question, in set order", fontsize=9)
    figure.tight_layout()
    figure.savefig(folder / "outcomes.png", dpi=110)
    plt.close(figure)
    written.append("outcomes.png")
    return written
