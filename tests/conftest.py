"""Shared fixtures: the real embedding model loaded once per session, a real Chroma index of documents/ in a
temporary directory, and the real app over TestClient."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def embedder():
    from index.embed import SentenceTransformerEmbedder, packaged_model_path

    model = SentenceTransformerEmbedder(packaged_model_path())
    model.load()
    return model


@pytest.fixture(scope="session")
def sample_settings(tmp_path_factory):
    from assistant.settings import Settings

    return Settings(data_dir=tmp_path_factory.mktemp("sample-index"))


@pytest.fixture(scope="session")
def sample_index(sample_settings, embedder, tmp_path_factory):
    """documents/ copied and indexed once; tests must not change it."""
    from assistant.assemble import open_index

    corpus = tmp_path_factory.mktemp("corpus") / "documents"
    shutil.copytree(ROOT / "documents", corpus)
    index = open_index(sample_settings)
    index.embedder = embedder
    report = index.ingest([corpus])
    assert not report.failed and report.added
    return index


@pytest.fixture(scope="session")
def assistant(sample_settings, sample_index):
    from assistant.assemble import assemble

    return assemble(sample_settings, sample_index)


@pytest.fixture(scope="session")
def client(assistant):
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(assistant=assistant)) as test_client:
        yield test_client
