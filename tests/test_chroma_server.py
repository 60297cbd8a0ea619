"""The index against a real Chroma server (`chroma run`), instead of the embedded store."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.assemble import open_index
from assistant.settings import Settings
from index.embed import SentenceTransformerEmbedder, packaged_model_path
from index.errors import IndexUnavailable
from index.store import ChromaStore

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMA.exists():
        pytest.fail(f"no chroma executable at {CHROMA}")
    tmp = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = open(tmp / "server.log", "wb")
    process = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.flush()
                pytest.fail(f"chroma run exited with {process.returncode}: {(tmp / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the Chroma server did not answer its heartbeat within 60 s")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def embedder():
    return SentenceTransformerEmbedder(packaged_model_path())


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "flood.md").write_text(
        "---\ntitle: Flood response\ndate: 2024-05-02\n---\n"
        "Volunteers distributed blankets, water and hygiene kits after the river flooded the valley.\n"
        "Branches set up three shelters in school buildings.\n"
    )
    (folder / "training.txt").write_text(
        "First aid training\n\nTwenty instructors were certified in first aid this spring.\n"
        "They will train teachers in every district before the school year starts.\n"
    )
    (folder / "budget.txt").write_text(
        "Budget review\n\nThe partners agreed on the annual budget for cash assistance and logistics.\n"
    )
    return folder


def test_ingest_and_search_against_a_chroma_server(tmp_path, server, embedder, corpus):
    settings = Settings(data_dir=tmp_path / "data", chroma_host="127.0.0.1", chroma_port=server)
    index = open_index(settings)
    index.embedder = embedder
    assert index.store.location == f"http://127.0.0.1:{server}"
    assert index.store.location.startswith("http://")

    report = index.ingest([corpus])
    assert len(report.added) == 3 and report.failed == []
    assert report.chunks > 0
    assert not (tmp_path / "data" / "chroma").exists(), "the embedded store was used instead of the server"

    documents, chunks = index.catalog.counts()
    assert documents == 3
    assert index.store.count() == chunks == report.chunks

    # a separate client of the same server sees the same collection
    other = ChromaStore(host="127.0.0.1", port=server, collection=settings.collection)
    assert other.count() == chunks

    vector = embedder.embed(["Where were the flood shelters set up?"])[0]
    hits = index.store.search(vector, 3)
    assert hits
    assert len(hits) == min(3, chunks)
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    found = index.store.get([cid for cid, _ in hits])
    assert found[hits[0][0]].source == "docs/flood.md"
    assert found[hits[0][0]].date == "2024-05-02"

    # unchanged re-ingest against the server: nothing to do, model untouched
    again = open_index(settings)
    report = again.ingest([corpus])
    assert len(report.unchanged) == 3
    assert again.embedder.loaded is False
    assert again.store.count() == chunks


def test_unreachable_server_is_a_clear_error(tmp_path):
    store = ChromaStore(host="127.0.0.1", port=free_port())
    with pytest.raises(IndexUnavailable):
        store.count()
