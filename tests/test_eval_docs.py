"""`assistant eval --docs A --docs B`: several folders ingested together into the one temporary index."""

from __future__ import annotations

import argparse
import json

import pytest

ALPHA = """---
title: Alpha meeting
date: 2025-10-01
type: meeting-notes
---
The Alpha Society agreed to open a field hospital in Riverton in May 2026.
"""
BETA = """---
title: Beta news
date: 2025-11-02
type: news
---
The Beta Agency donated 9 water tankers to the Gamma Society on Tuesday.
"""
QA = [
    {"id": "alpha", "question": "Where will the Alpha Society open a field hospital?", "answers": ["Riverton"],
     "evidence": ["open a field hospital in Riverton"], "answerable": True},
    {"id": "beta", "question": "How many water tankers did the Beta Agency donate?", "answers": ["9 water tankers"],
     "evidence": ["donated 9 water tankers to the Gamma Society"], "answerable": True},
]


def _args(argv):
    from evals import cli

    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(argv)


@pytest.fixture()
def folders(tmp_path):
    (tmp_path / "alpha").mkdir()
    (tmp_path / "alpha" / "meeting.md").write_text(ALPHA)
    (tmp_path / "other" / "beta").mkdir(parents=True)
    (tmp_path / "other" / "beta" / "news.md").write_text(BETA)
    (tmp_path / "set.jsonl").write_text("".join(json.dumps(q) + "\n" for q in QA))
    return tmp_path


def test_docs_repeats_and_one_docs_is_still_a_list_of_one():
    assert _args(["set.jsonl"]).docs is None
    assert [str(p) for p in _args(["set.jsonl", "--docs", "documents"]).docs] == ["documents"]
    assert [str(p) for p in _args(["set.jsonl", "--docs", "a", "--docs", "b/c"]).docs] == ["a", "b/c"]


@pytest.mark.slow
def test_two_docs_folders_are_indexed_together(folders, embedder, monkeypatch, capsys):
    from assistant.settings import Settings
    from evals import cli
    from index.index import Index

    opened = Index.open.__func__

    def with_loaded_model(cls, config):  # the session's model instead of loading it again
        index = opened(cls, config)
        index.embedder = embedder
        return index

    monkeypatch.setattr(Index, "open", classmethod(with_loaded_model))
    args = _args([str(folders / "set.jsonl"), "--docs", str(folders / "alpha"), "--docs",
                  str(folders / "other" / "beta"), "--json"])
    assert cli.run(args, Settings(data_dir=folders / "unused")) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents"] == f"{folders / 'alpha'}, {folders / 'other' / 'beta'}"
    by_id = {r["id"]: r for r in report["results"]}
    # each question's evidence is in a different folder: both are found only if both folders were indexed
    assert by_id["alpha"]["unlocated_evidence"] == [] and by_id["beta"]["unlocated_evidence"] == []
    assert by_id["alpha"]["hit_at_10"] == 1.0 and by_id["beta"]["hit_at_10"] == 1.0
    sources = {c["source"] for r in report["results"] for c in r["citations"]}
    assert sources <= {"alpha/meeting.md", "beta/news.md"}
    assert not (folders / "unused").exists()  # a fresh temporary index, not the configured one


def test_two_docs_folders_of_one_name_are_refused(tmp_path, capsys):
    from evals import cli

    for parent in ("x", "y"):
        (tmp_path / parent / "docs").mkdir(parents=True)
    (tmp_path / "set.jsonl").write_text(json.dumps(QA[0]) + "\n")
    args = _args([str(tmp_path / "set.jsonl"), "--docs", str(tmp_path / "x" / "docs"), "--docs",
                  str(tmp_path / "y" / "docs")])
    assert cli.run(args, None) == 1
    assert "--docs folders must have different names; docs is given twice" in capsys.readouterr().err
