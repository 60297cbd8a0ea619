"""A running server answers from the index it reports: after another process ingests into its data directory,
its counts and its answers both follow (before the fix, /health changed at once while no new document was found
until a restart)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from .servers import running_server

ROOT = Path(__file__).resolve().parent.parent
FIRST = "# Warehouse\n\nThe Kerman warehouse stores blankets for the winter response.\n"
SECOND = ("# Boats\n\nThe Bushehr branch bought four rescue boats for flood response in the Persian Gulf ports in "
          "May 2025.\n")


def ingest(folder: Path, env: dict) -> None:
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(folder), "--json"], env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def indexed_warehouse(tmp_path: Path) -> tuple[Path, dict]:
    """A folder holding the warehouse note, ingested into a data directory of its own; the environment to serve it."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "warehouse.md").write_text(FIRST, encoding="utf-8")
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_DOCUMENTS_DIR": str(folder),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    ingest(folder, env)
    return folder, env


def test_a_server_answers_from_a_new_ingest_without_a_restart(tmp_path):
    """After an ingest by another process, /health counts it and the next question is answered from it."""
    folder, env = indexed_warehouse(tmp_path)
    question = {"message": "How many rescue boats did the Bushehr branch buy?"}
    with running_server(env) as base:
        assert httpx.get(base + "/health").json()["documents"] == 1
        before = httpx.post(base + "/chat", json=question, timeout=60).json()
        assert not any(c["source"].endswith("boats.md") for c in before["citations"])

        (folder / "boats.md").write_text(SECOND, encoding="utf-8")
        ingest(folder, env)
        deadline = time.monotonic() + 15  # an idle server notices within a few seconds
        while httpx.get(base + "/health").json()["documents"] != 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert httpx.get(base + "/health").json() == {"status": "ok", "documents": 2, "chunks": 2}
        after = httpx.post(base + "/chat", json=question, timeout=60).json()
        assert not after["refused"] and any(c["source"].endswith("boats.md") for c in after["citations"])
        assert "four" in after["answer"]


def test_health_is_not_starved_by_hostile_questions(tmp_path):
    """While 4 clients send 2,000-character messages built to make backtracking patterns blow up (36 s each
    before), /health answers within 0.5 s at p95 (benchmarks/health.py measures the 50 ms target with 8)."""
    import statistics
    import threading

    _, env = indexed_warehouse(tmp_path)
    env["ASSISTANT_RATE_LIMIT"] = ""  # four clients answered concurrently pass 120 a minute: not what this tests
    hostile = ["What did the IRCS say about " + "a  " * 655 + "?", "about " + " " * 1990 + "?x",
               "what about" + " " * 1985 + "?x", "and " + " " * 1990 + "x?y"]
    with running_server(env) as base:
        stop, statuses = threading.Event(), []

        def ask(message: str) -> None:
            with httpx.Client(timeout=120) as client:
                while not stop.is_set():
                    statuses.append(client.post(base + "/chat", json={"message": message}).status_code)

        workers = [threading.Thread(target=ask, args=(m,)) for m in hostile]
        for worker in workers:
            worker.start()
        timings = []
        try:
            time.sleep(0.5)
            with httpx.Client(timeout=60) as client:
                for _ in range(40):
                    started = time.perf_counter()
                    assert client.get(base + "/health").status_code == 200
                    timings.append(time.perf_counter() - started)
                    time.sleep(0.05)
        finally:
            stop.set()
            for worker in workers:
                worker.join()
    assert statuses and set(statuses) == {200}
    assert statistics.quantiles(timings, n=20)[18] < 0.5


def test_counts_follow_an_ingest_in_the_same_process(embedder, tmp_path):
    """An ingest through the assistant's own index (the evaluation runner does this) moves its counts too."""
    from assistant.assemble import assemble, open_index
    from assistant.settings import Settings

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "warehouse.md").write_text(FIRST, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", documents_dir=folder)
    index = open_index(settings)
    index.embedder = embedder
    index.ingest([folder])
    assistant = assemble(settings, index)
    assert assistant.health()["documents"] == 1
    (folder / "boats.md").write_text(SECOND, encoding="utf-8")
    index.ingest([folder])
    assert assistant.health() == {"status": "ok", "documents": 2, "chunks": 2}
    assert any(c.source.endswith("boats.md") for c in assistant.ask("How many rescue boats did Bushehr buy?").citations)
