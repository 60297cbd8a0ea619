"""An ingest killed with SIGKILL at any moment is repaired by the next run: the result equals a clean run's.

Every ingest runs in a real subprocess (the model is loaded there, never in the test process).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.catalog import Catalog
from index.keywords import KeywordIndex

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]

WORDS = (
    "volunteer branch flood relief shelter water sanitation hygiene convoy district village municipality "
    "partnership programme cash assistance training first aid instructor community health clinic medical "
    "supplies warehouse logistics truck bridge road season rain drought harvest family household registration "
    "survey assessment report budget donor coordination meeting agenda minutes decision review monitoring "
    "evaluation emergency response preparedness risk reduction school teacher children protection migration "
    "border camp tent blanket kitchen parcel food nutrition vaccine outbreak cholera ambulance hospital "
    "radio network headquarters delegation regional national society federation committee mandate principle"
).split()


def paragraph(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(4, 8)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def make_corpus(folder: Path, files: int = 40) -> None:
    rng = random.Random(20240607)
    folder.mkdir(parents=True)
    for n in range(files):
        parts = []
        while sum(len(p.split()) for p in parts) < rng.randint(300, 600):
            parts.append(paragraph(rng))
        body = f"Report number {n}\n\n" + "\n\n".join(parts) + "\n"
        if n % 3 == 0:
            name = f"report-{n:02d}.md"
            body = f"---\ntitle: Report {n}\ntype: news\ndate: 2024-{n % 12 + 1:02d}-{n % 27 + 1:02d}\n---\n" + body
        else:
            name = f"report-{n:02d}.txt"
        sub = folder / ("a" if n % 2 else "b")
        sub.mkdir(exist_ok=True)
        (sub / name).write_text(body)


def command(data: Path, corpus: Path) -> list[str]:
    code = (
        "from assistant.settings import Settings; from assistant.assemble import open_index; "
        f"open_index(Settings(data_dir={str(data)!r})).ingest([{str(corpus)!r}])"
    )
    return [sys.executable, "-c", code]


def environment(bridge: bool) -> dict:
    """The default settings; `bridge` False turns the multilingual space off (index/bridge.py), which makes an ingest
    several times faster: one moment is killed with it, the others without."""
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    for key in [k for k in env if k.startswith("ASSISTANT_") or k.startswith("CHROMA_")]:
        del env[key]
    if not bridge:
        env["ASSISTANT_CROSSLINGUAL"] = "false"
    return env


def run_ingest(data: Path, corpus: Path, bridge: bool) -> None:
    done = subprocess.run(command(data, corpus), cwd=ROOT, env=environment(bridge), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


def catalog_states(data: Path) -> tuple[int, int]:
    """(ready, pending) rows of the catalog, read without disturbing the writer; (0, 0) before it exists."""
    path = data / "catalog.sqlite3"
    if not path.exists():
        return 0, 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.1)
        try:
            rows = dict(db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state").fetchall())
        finally:
            db.close()
    except sqlite3.Error:
        return 0, 0
    return rows.get("ready", 0), rows.get("pending", 0)


# When to kill, as a condition on the catalog (ready, pending) polled every 10 ms; the moments killed with the
# multilingual space on (BRIDGED) also check its collections
BRIDGED = {"second-batch"}
MOMENTS = {
    # the first document is pending: Chroma is being opened and its first chunks written
    "first-write": lambda ready, pending: ready + pending >= 1,
    # in the middle of the first batch's chunk writes
    "mid-batch": lambda ready, pending: ready + pending >= 12,
    # in the middle of the second batch's chunk writes
    "second-batch": lambda ready, pending: ready + pending >= 30,
}


def kill_during_ingest(data: Path, corpus: Path, moment, bridge: bool) -> tuple[int, int]:
    """Start an ingest, SIGKILL it as soon as the catalog reaches `moment`; the catalog's (ready, pending) after."""
    process = subprocess.Popen(command(data, corpus), cwd=ROOT, env=environment(bridge),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not moment(*catalog_states(data)):
            assert process.poll() is None, "the ingest ended before the moment to kill it"
            assert time.monotonic() < deadline, "the ingest never reached the moment to kill it"
            time.sleep(0.01)
        finished_early = process.poll() is not None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert not finished_early, "the ingest finished before the kill"
        assert process.returncode == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return catalog_states(data)


def snapshot(data: Path) -> dict:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(data / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    got = client.get_collection("chunks").get(include=["documents", "metadatas"])
    ids = got["ids"]
    triples = {
        (cid, text, tuple(sorted(meta.items())))
        for cid, text, meta in zip(ids, got["documents"], got["metadatas"])
    }
    names = {c.name for c in client.list_collections()}  # the multilingual space (index/bridge.py), per language
    bridge = sorted(cid for name in names if name.startswith("chunks-multilingual-")
                    for cid in client.get_collection(name).get(include=[])["ids"])
    catalog = Catalog(data / "catalog.sqlite3")
    try:
        documents = catalog.documents()
        entries = catalog.entries()
        counts = catalog.counts()
    finally:
        catalog.close()
    return {
        "ids": ids,
        "triples": triples,
        "documents": documents,
        "entries": entries,
        "counts": counts,
        "bm25": sorted(KeywordIndex(data / "bm25")._ids),
        "bridge": bridge,
    }


def check_consistent(state: dict, bridge: bool) -> None:
    assert len(state["ids"]) == len(set(state["ids"])), "duplicate chunk ids in Chroma"
    assert all(e.state == "ready" for e in state["entries"].values()), "a document left pending"
    doc_ids = {meta_value(t, "doc_id") for t in state["triples"]}
    assert doc_ids <= set(state["entries"]), "chunks of a document the catalog does not know"
    assert {d["id"] for d in state["documents"]} == set(state["entries"])
    assert state["counts"] == (len(state["entries"]), len(state["ids"]))
    per_doc: dict[str, int] = {}
    for t in state["triples"]:
        d = meta_value(t, "doc_id")
        per_doc[d] = per_doc.get(d, 0) + 1
    assert {d["id"]: d["chunks"] for d in state["documents"]} == per_doc
    assert state["bm25"] == sorted(state["ids"])
    assert state["bridge"] == (sorted(state["ids"]) if bridge else []), "the multilingual space holds other chunks"
    assert len(state["bm25"]) == len(set(state["bm25"]))


def meta_value(triple, key):
    return dict(triple[2])[key]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kill") / "corpus"
    make_corpus(folder)
    return folder


@pytest.fixture(scope="module")
def clean(tmp_path_factory, corpus):
    """A clean run's state, with or without the multilingual space, made once each."""
    made: dict[bool, dict] = {}

    def state(bridge: bool) -> dict:
        if bridge not in made:
            data = tmp_path_factory.mktemp("clean") / "data"
            run_ingest(data, corpus, bridge)
            made[bridge] = snapshot(data)
            check_consistent(made[bridge], bridge)
            assert len(made[bridge]["entries"]) == 40
        return made[bridge]

    return state


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_killed_ingest_resumes_to_the_clean_result(tmp_path, corpus, clean, moment):
    data, bridge = tmp_path / "data", moment in BRIDGED
    clean = clean(bridge)
    ready, pending = kill_during_ingest(data, corpus, MOMENTS[moment], bridge)
    assert ready < 40, "the kill landed after every document was written"
    run_ingest(data, corpus, bridge)
    state = snapshot(data)
    check_consistent(state, bridge)
    assert state["triples"] == clean["triples"]
    assert state["documents"] == clean["documents"]
    assert state["entries"] == clean["entries"]
    assert state["counts"] == clean["counts"]
    assert state["bm25"] == clean["bm25"]
    assert state["bridge"] == clean["bridge"]
