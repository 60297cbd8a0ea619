"""The `assistant` command as a user runs it: ingest, ask, and serve over real HTTP."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from .contract import fold
from .servers import running_server

ROOT = Path(__file__).resolve().parent.parent
ASSISTANT = [sys.executable, "-m", "assistant.cli"]


def run(args, env, **kwargs):
    return subprocess.run(ASSISTANT + args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    data = tmp_path_factory.mktemp("cli-data")
    return {**os.environ, "ASSISTANT_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


@pytest.fixture(scope="module")
def ingested(env, tmp_path_factory):
    corpus = tmp_path_factory.mktemp("cli-corpus") / "documents"
    shutil.copytree(ROOT / "documents", corpus)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not a pdf")
    result = run(["ingest", str(corpus), "--json"], env)
    return corpus, result


@pytest.mark.slow
def test_ingest_json_summary(ingested):
    """`ingest --json` prints the spec's summary, lists the broken file and exits 0."""
    _, result = ingested
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert set(summary) == {"added", "updated", "unchanged", "removed", "failed", "chunks", "seconds"}
    assert summary["added"] == 6 and summary["chunks"] > 4
    assert [f["path"] for f in summary["failed"]] == ["documents/broken.pdf"]
    assert "PDF" in summary["failed"][0]["error"]


@pytest.mark.slow
def test_ingest_of_nothing_readable_exits_1(env, tmp_path):
    """A folder whose every file fails indexes nothing: exit 1, and the index is left as it was."""
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    result = run(["ingest", str(bad), "--json"], {**env, "ASSISTANT_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 1
    assert json.loads(result.stdout)["failed"][0]["error"] == "empty file"


@pytest.mark.slow
def test_ask_json_prints_an_answer_object(ingested, env):
    """`ask --json` prints one Answer object with exact quotes."""
    corpus, _ = ingested
    result = run(["ask", "What was agreed on CBRN readiness?", "--json"], env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"answer", "refused", "citations"}
    texts = [p.read_text(encoding="utf-8") for p in corpus.rglob("*.md")]
    assert all(any(fold(c["quote"]) in fold(t) for t in texts) for c in answer["citations"])


@pytest.mark.slow
def test_ask_prints_sources_for_people(ingested, env):
    """Plain `ask` prints the answer, then each source with its title and quote."""
    result = run(["ask", "Where was the RFL course held?", "--type", "news"], env)
    assert result.returncode == 0, result.stderr
    assert "Oman" in result.stdout and "Sources:" in result.stdout and "undated" in result.stdout


@pytest.mark.slow
def test_serve_answers_over_real_http(ingested, env):
    """`assistant serve` serves health, the page and a cited answer on 127.0.0.1."""
    with running_server(env) as base:
        health = httpx.get(f"{base}/health", timeout=2)
        assert health.json()["documents"] == 6
        assert 'id="ask-form"' in httpx.get(base + "/").text
        answer = httpx.post(f"{base}/chat", json={"message": "What was agreed on CBRN readiness?"}, timeout=30).json()
        assert not answer["refused"] and "Alishvandi" in answer["answer"]

