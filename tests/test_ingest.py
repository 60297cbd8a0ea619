"""Ingest end to end, in process, against a real embedded Chroma under tmp_path and the real packaged model.

The model is loaded once for the whole module; indexes are opened with `open_index` and given that embedder,
except where a test needs a fresh, unloaded one to prove the model is never touched.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from assistant.assemble import open_index
from assistant.settings import Settings
from index.catalog import Catalog
from index.document import document_id
from index.embed import SentenceTransformerEmbedder, packaged_model_path
from index.errors import PathNotFound
from index.index import Index

ALPHA = """---
title: Alpha field report
type: news
date: 2024-03-15
---
# Alpha field report

The volunteers distributed blankets and water in the northern district after the floods.
Local branches coordinated with the municipality to reach isolated villages.
A second convoy is planned once the bridge reopens.
"""

BETA = """# Beta meeting notes

The partnership meeting reviewed the cash assistance programme.
Participants agreed to simplify the reporting templates and to share monthly figures.
The next meeting will focus on first aid training for school teachers.
"""

GAMMA = """Gamma logistics overview

Warehouses in the capital hold medical kits, hygiene parcels and kitchen sets.
Stock levels are checked every week and reordered through the regional hub.
Transport relies on rented trucks during the rainy season.
"""

DELTA = """Delta training summary

Forty instructors completed the refresher course on psychological first aid.
Each instructor will train community volunteers in their own branch before the end of the year.
"""


def opened(data: Path, embedder) -> Index:
    index = open_index(Settings(data_dir=data))
    if embedder is not None:
        index.embedder = embedder
    return index


def chroma_doc_ids(index: Index) -> dict[str, int]:
    got = index.store.collection.get(include=["metadatas"])
    counts: dict[str, int] = {}
    for meta in got["metadatas"]:
        counts[meta["doc_id"]] = counts.get(meta["doc_id"], 0) + 1
    return counts


def bm25_doc_ids(index: Index) -> set[str]:
    return set(index.keywords._doc_ids)


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "alpha.md").write_text(ALPHA)
    (folder / "beta.md").write_text(BETA)
    (folder / "gamma.txt").write_text(GAMMA)
    sub = folder / "sub"
    sub.mkdir()
    (sub / "delta.txt").write_text(DELTA)
    return folder


SOURCES = {"docs/alpha.md", "docs/beta.md", "docs/gamma.txt", "docs/sub/delta.txt"}


def test_first_ingest_adds_every_file(tmp_path, corpus, embedder):
    index = opened(tmp_path / "data", embedder)
    report = index.ingest([corpus])
    assert set(report.added) == SOURCES
    assert report.updated == [] and report.unchanged == [] and report.removed == [] and report.failed == []
    assert report.chunks > 0
    documents, chunks = index.catalog.counts()
    assert documents == 4
    assert chunks == report.chunks == index.store.count()
    assert set(chroma_doc_ids(index)) == {document_id(s) for s in SOURCES}
    assert all(e.state == "ready" for e in index.catalog.entries().values())
    assert len(index.keywords) == chunks
    assert index.keywords.search("blankets", 5)


def test_unchanged_reingest_does_not_load_the_model(tmp_path, corpus, embedder):
    data = tmp_path / "data"
    first = opened(data, embedder).ingest([corpus])
    assert len(first.added) == 4

    fresh = SentenceTransformerEmbedder(packaged_model_path())
    assert fresh.loaded is False
    index = opened(data, None)
    index.embedder = fresh
    report = index.ingest([corpus])
    assert set(report.unchanged) == SOURCES
    assert report.added == [] and report.updated == [] and report.removed == [] and report.failed == []
    assert report.chunks == first.chunks
    assert fresh.loaded is False
    assert index.embedder.loaded is False


def test_unchanged_reingest_with_open_default_embedder_stays_unloaded(tmp_path, corpus, embedder):
    data = tmp_path / "data"
    opened(data, embedder).ingest([corpus])
    index = open_index(Settings(data_dir=data))  # its own embedder, never loaded
    report = index.ingest([corpus])
    assert len(report.unchanged) == 4
    assert index.embedder.loaded is False


def test_changed_file_is_updated_and_old_chunks_are_gone(tmp_path, corpus, embedder):
    data = tmp_path / "data"
    index = opened(data, embedder)
    index.ingest([corpus])
    beta_id = document_id("docs/beta.md")
    old = index.store.collection.get(where={"doc_id": beta_id}, include=["documents"])
    assert old["ids"]
    assert any("cash assistance" in text for text in old["documents"])

    (corpus / "beta.md").write_text(
        "# Beta meeting notes\n\nThe meeting discussed the zephyrine warehouse relocation only.\n"
        "Nobody mentioned the earlier programme again.\n"
    )
    index = opened(data, embedder)
    report = index.ingest([corpus])
    assert report.updated == ["docs/beta.md"]
    assert report.added == [] and report.removed == []
    assert set(report.unchanged) == SOURCES - {"docs/beta.md"}

    new = index.store.collection.get(where={"doc_id": beta_id}, include=["documents"])
    assert new["ids"]
    assert not set(old["ids"]) & set(new["ids"])
    assert not any("cash assistance" in text for text in new["documents"])
    assert index.store.get(old["ids"]) == {}
    assert any("zephyrine" in text for text in new["documents"])

    hits = index.keywords.search("zephyrine", 5)
    assert hits and hits[0][0] in new["ids"]
    assert not index.keywords.search("cash", 5)
    assert index.catalog.counts()[1] == index.store.count() == len(index.keywords)
    assert "zephyrine" in index.catalog.text(beta_id)


def test_deleted_file_is_removed_from_chroma_and_bm25(tmp_path, corpus, embedder):
    data = tmp_path / "data"
    index = opened(data, embedder)
    index.ingest([corpus])
    gamma_id = document_id("docs/gamma.txt")
    assert gamma_id in chroma_doc_ids(index)
    assert gamma_id in bm25_doc_ids(index)
    assert index.keywords.search("warehouses", 5)

    (corpus / "gamma.txt").unlink()
    index = opened(data, embedder)
    report = index.ingest([corpus])
    assert report.removed == ["docs/gamma.txt"]
    assert report.added == [] and report.updated == []
    assert gamma_id not in index.catalog.entries()
    assert index.store.collection.get(where={"doc_id": gamma_id})["ids"] == []
    assert gamma_id not in bm25_doc_ids(index)
    assert not index.keywords.search("warehouses", 5)
    assert index.catalog.counts() == (3, index.store.count())
    assert len(index.keywords) == index.store.count()


def test_corrupt_file_is_reported_and_the_rest_indexed(tmp_path, corpus, embedder):
    (corpus / "bad.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(64) + b"\x00garbage, not a pdf at all")
    index = opened(tmp_path / "data", embedder)
    report = index.ingest([corpus])
    assert set(report.added) == SOURCES
    assert len(report.failed) == 1
    failure = report.failed[0]
    assert failure["path"] == "docs/bad.pdf"
    assert isinstance(failure["error"], str) and failure["error"]
    assert document_id("docs/bad.pdf") not in index.catalog.entries()
    assert document_id("docs/bad.pdf") not in chroma_doc_ids(index)
    assert index.catalog.counts() == (4, index.store.count())
    assert report.summary()["failed"] == report.failed


def test_missing_path_raises(tmp_path, corpus, embedder):
    index = opened(tmp_path / "data", embedder)
    with pytest.raises(PathNotFound):
        index.ingest([tmp_path / "no-such-folder"])
    with pytest.raises(PathNotFound):
        index.ingest([corpus, tmp_path / "missing.md"])
    assert index.catalog.counts() == (0, 0)


def test_dates_come_from_content_never_from_mtime(tmp_path, corpus, embedder):
    old = time.mktime((2001, 6, 9, 12, 0, 0, 0, 0, -1))
    for file in corpus.rglob("*"):
        if file.is_file():
            os.utime(file, (old, old))
    index = opened(tmp_path / "data", embedder)
    index.ingest([corpus])
    documents = {d["source"]: d for d in index.catalog.documents()}
    assert set(documents) == SOURCES
    assert documents["docs/alpha.md"]["date"] == "2024-03-15"
    assert documents["docs/alpha.md"]["title"] == "Alpha field report"
    assert documents["docs/alpha.md"]["type"] == "news"
    assert documents["docs/gamma.txt"]["date"] is None
    assert documents["docs/beta.md"]["date"] is None
    assert documents["docs/sub/delta.txt"]["date"] is None
    # and Chroma metadata agrees: no date key for undated documents
    got = index.store.collection.get(include=["metadatas"])
    for meta in got["metadatas"]:
        if meta["doc_id"] == document_id("docs/alpha.md"):
            assert meta["date"] == "2024-03-15"
        else:
            assert "date" not in meta


def test_catalog_counts_match_chroma(tmp_path, corpus, embedder):
    data = tmp_path / "data"
    index = opened(data, embedder)
    index.ingest([corpus])
    per_doc = chroma_doc_ids(index)
    documents = index.catalog.documents()
    assert {d["id"]: d["chunks"] for d in documents} == per_doc
    assert sum(per_doc.values()) == index.store.count() == index.catalog.counts()[1]
    # a catalog reopened from disk says the same
    catalog = Catalog(data / "catalog.sqlite3")
    try:
        assert catalog.counts() == (len(documents), index.store.count())
    finally:
        catalog.close()


def test_a_path_with_no_files_changes_nothing(tmp_path, corpus, embedder):
    """Ingesting an empty folder is refused before anything is removed from the index."""
    index = opened(tmp_path / "data", embedder)
    index.ingest([corpus])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(PathNotFound, match="no files"):
        index.ingest([empty])
    assert index.catalog.counts()[0] == len(list(corpus.rglob("*.*")))
