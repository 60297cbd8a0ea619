"""The evaluation runner end to end: the partnership gate as `make test` runs it, reports with plots, the baseline
comparison, the ClapNQ adapter and the refusal calibration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "evals" / "sets" / "partnership.jsonl"
BASELINE = ROOT / "evals" / "sets" / "partnership.baseline.json"
PNG = b"\x89PNG\r\n\x1a\n"


def run_gate(out: Path, qa: Path, baseline: Path, *docs: Path) -> subprocess.CompletedProcess:
    """`assistant eval` on a set against its committed baseline, with the default settings."""
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(out / "unused-data")}
    for name in [k for k in env if k.startswith("ASSISTANT_") and k != "ASSISTANT_DATA_DIR"]:
        del env[name]  # the committed baseline is for the default settings
    folders = [arg for folder in docs for arg in ("--docs", str(folder))]
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "eval", str(qa), *folders, "--baseline", str(baseline),
         "--report", str(out / "report")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="module")
def gate_run(tmp_path_factory):
    """The partnership set against its committed baseline: the gate of `make test`."""
    out = tmp_path_factory.mktemp("eval")
    return run_gate(out, SET, BASELINE, ROOT / "documents"), out / "report"


@pytest.mark.slow
def test_paraphrase_set_passes_its_baseline_gate(tmp_path):
    """The paraphrase set (questions in staff's words, over documents/ and other partners' documents) guards the
    answer-or-refuse decision: a change that refuses good questions again, or answers another organisation's facts,
    fails here."""
    sets = ROOT / "evals" / "sets"
    proc = run_gate(tmp_path, sets / "paraphrase.jsonl", sets / "paraphrase.baseline.json", ROOT / "documents",
                    ROOT / "evals" / "corpus" / "partners")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "regression" not in proc.stderr


@pytest.mark.slow
def test_persian_set_passes_its_baseline_gate(tmp_path):
    """The Persian set (Persian questions over English documents and the reverse, Persian statements, Solar Hijri
    dates) over documents/ and an invented Persian-only note: a change that loses Persian ground fails here."""
    sets = ROOT / "evals" / "sets"
    proc = run_gate(tmp_path, sets / "persian.jsonl", sets / "persian.baseline.json", ROOT / "documents",
                    ROOT / "evals" / "corpus" / "fa")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "regression" not in proc.stderr


@pytest.mark.slow
def test_partnership_set_passes_its_baseline_gate(gate_run):
    proc, _ = gate_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "regression" not in proc.stderr
    assert "citation_precision" in proc.stdout and "(baseline" in proc.stdout


@pytest.mark.slow
def test_partnership_set_meets_its_targets_and_every_evidence_span_is_in_the_documents(gate_run):
    _, report_dir = gate_run
    report = json.loads((report_dir / "report.json").read_text())
    assert report["questions"] >= 40 and report["unanswerable"] >= 10
    assert [r["id"] for r in report["results"] if r["unlocated_evidence"]] == []
    assert report["metrics"]["evidence_recall@10"] >= 0.95
    # issue 3's target (0.90) holds for its 57 questions, the first lines of the set; the 21 added for issue 5's
    # slices have their own targets, still open (the report's slice table); the baseline gates their figures
    first = [ok for r in report["results"][:57] if r["answerable"] for ok in r["citations_correct"]]
    assert sum(first) / len(first) >= 0.90
    assert report["metrics"]["proposals_called_agreements"] == 0


@pytest.mark.slow
def test_report_has_markdown_json_and_three_plots(gate_run):
    _, report_dir = gate_run
    for name in ("metrics.png", "latency.png", "outcomes.png"):
        assert (report_dir / name).read_bytes()[:8] == PNG
    markdown = (report_dir / "report.md").read_text()
    report = json.loads((report_dir / "report.json").read_text())
    assert "| metric | measured | baseline | change |" in markdown and "Gate (tolerance 0.02): passed." in markdown
    assert "![outcomes.png](outcomes.png)" in markdown
    failed = [r for r in report["results"] if r["outcome"] not in ("answered", "refused")]
    assert f"## Failed questions ({len(failed)})" in markdown
    for r in failed:
        assert f"| {r['id']} |" in markdown
    assert len(report["results"]) == report["questions"] and {"signals", "latency_ms"} <= set(report["results"][0])


@pytest.mark.slow
def test_a_metric_below_the_baseline_fails_the_run(tmp_path, assistant, sample_settings, capsys):
    from evals import cli

    worse = json.loads(BASELINE.read_text())
    worse["metrics"]["citation_precision"] = 1.01  # no run can reach it
    worse["metrics"]["false_refusal_rate"] = -0.5
    (tmp_path / "baseline.json").write_text(json.dumps(worse))
    args = _args(SET, baseline=tmp_path / "baseline.json")
    assert cli.run(args, sample_settings) == 1
    err = capsys.readouterr().err
    assert "regression: citation_precision" in err and "regression: false_refusal_rate" in err


@pytest.mark.slow
def test_save_baseline_then_compare_with_it_passes(tmp_path, sample_index, sample_settings, capsys):
    from evals import cli

    assert cli.run(_args(SET, save_baseline=tmp_path / "b.json", json=True), sample_settings) == 0
    printed = json.loads(capsys.readouterr().out)
    saved = json.loads((tmp_path / "b.json").read_text())
    assert saved["metrics"] == printed["metrics"] and "results" not in saved
    assert cli.run(_args(SET, baseline=tmp_path / "b.json"), sample_settings) == 0


def test_bad_inputs_are_reported_not_raised(tmp_path, capsys):
    from evals import cli

    (tmp_path / "bad.jsonl").write_text('{"question": "ok"}\nnot json\n')
    assert cli.run(_args(tmp_path / "bad.jsonl"), None) == 1
    assert "bad.jsonl:2: not JSON" in capsys.readouterr().err
    assert cli.run(_args(tmp_path / "missing.jsonl"), None) == 1
    (tmp_path / "b.json").write_text("{}")
    assert cli.run(_args(SET, baseline=tmp_path / "b.json"), None) == 1
    assert "cannot read the baseline" in capsys.readouterr().err


def _args(qa_set, **overrides):
    import argparse

    from evals import cli

    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    args = parser.parse_args([str(qa_set)])
    for key, value in overrides.items():
        setattr(args, key, value)
    return args


def test_clapnq_adapter_writes_a_closed_corpus_whose_evidence_is_in_its_passages(tmp_path):
    from evals.clapnq import prepare
    from evals.metrics import Locator
    from evals.qa import read_qa_set

    # the first 5 questions of each ClapNQ dev file, committed (Apache-2.0), so the test runs without ../shared
    passages, questions = prepare(tmp_path, data=ROOT / "tests" / "data" / "clapnq", limit=4)
    items = read_qa_set(tmp_path / "clapnq.jsonl")
    assert questions == len(items) == 8 and 4 <= passages <= 8
    assert sum(i.answerable for i in items) == 4 and all(i.evidence and i.answers for i in items if i.answerable)
    assert not any(i.evidence or i.answers for i in items if not i.answerable)
    texts = {}
    for path in (tmp_path / "passages").glob("*.md"):
        texts[path.name] = path.read_text().split("---\n", 2)[2]
    locator = Locator(texts)
    assert all(locator.find(span) for i in items for span in i.evidence)


def test_calibration_recovers_the_direction_of_a_separating_signal():
    from assistant.refusal import FEATURES, LogisticRefusal
    from evals.calibrate import cross_validate, fit

    rng = np.random.default_rng(1)
    y = np.array([0.0] * 100 + [1.0] * 100)
    x = rng.normal(size=(200, len(FEATURES)))
    x[:, FEATURES.index("coverage")] -= 3 * y  # unanswerable questions are covered less
    weights, bias = fit(x, y)
    assert weights[FEATURES.index("coverage")] < -1
    model = LogisticRefusal(dict(zip(FEATURES, weights)), bias, 0.5)
    low, high = dict.fromkeys(FEATURES, 0.0) | {"coverage": -3.0}, dict.fromkeys(FEATURES, 0.0)
    assert model.refuse(low) and not model.refuse(high)
    assert cross_validate(x, y, cost=1.0)[0]["refusal_accuracy"] > 0.8


def test_calibration_weighs_every_set_the_same():
    """A small set whose questions separate on another signal is not drowned by a large one."""
    from assistant.refusal import FEATURES
    from evals.calibrate import balance, cross_validate

    rng = np.random.default_rng(2)
    big_y, small_y = np.array([0.0, 1.0] * 300), np.array([0.0, 1.0] * 40)
    big, small = rng.normal(size=(600, len(FEATURES))), rng.normal(size=(80, len(FEATURES)))
    big[:, FEATURES.index("similarity")] -= 3 * big_y
    small[:, FEATURES.index("coverage")] -= 3 * small_y
    x, y = np.vstack([big, small]), np.concatenate([big_y, small_y])
    groups = np.array([0] * 600 + [1] * 80)
    weights = balance(groups)
    assert weights[:600].sum() == pytest.approx(weights[600:].sum())
    per_set = cross_validate(x, y, groups, cost=1.0)
    assert per_set[0]["refusal_accuracy"] > 0.8 and per_set[1]["refusal_accuracy"] > 0.8


def test_refusal_model_round_trips_through_its_file(tmp_path):
    from assistant.refusal import LogisticRefusal

    model = LogisticRefusal({"coverage": -3.0, "similarity": -1.0}, 1.5, 0.4)
    model.save(tmp_path / "r.json", fitted_on="test")
    again = LogisticRefusal.load(tmp_path / "r.json")
    signals = {"coverage": 0.5, "similarity": 0.2}
    assert again.probability(signals) == pytest.approx(model.probability(signals))
    assert LogisticRefusal.load(tmp_path / "r.json", threshold=0.9).threshold == 0.9


def test_a_false_refusal_costs_more_than_a_wrong_answer_when_the_threshold_is_chosen():
    """With false refusals weighing twice, the threshold moves up: fewer good questions are refused."""
    from evals.calibrate import best_threshold, figures

    rng = np.random.default_rng(3)
    y = np.array([0.0] * 200 + [1.0] * 200)
    p = np.clip(0.5 + 0.25 * (2 * y - 1) + rng.normal(scale=0.2, size=400), 0, 1)
    even, costly = best_threshold(p, y, cost=1.0), best_threshold(p, y, cost=2.0)
    assert costly > even
    assert figures(p, y, costly)["false_refusal_rate"] < figures(p, y, even)["false_refusal_rate"]
