"""Documents in and out through the API, against the real app over a real Chroma in a temporary folder: upload,
ask, see it cited; replace, see the new text cited; delete, never cited again; hostile files refused with 4xx and
the index unchanged; one writer at a time across processes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from .test_api import assert_error
from .test_hostile import _bomb, _docx
from .test_load import make_pdf

ROOT = Path(__file__).resolve().parent.parent
ADMIN = {"Authorization": "Bearer admin-key"}
PARTNER = {"Authorization": "Bearer partner-key"}
CORPUS = {
    "depot.md": "---\ntitle: Depot visit\ndate: 2025-04-02\n---\n\nThe Qazvin depot holds ninety folding beds for "
                "the spring floods.\n",
    "course.txt": "Course notes\n\nA radio operators course took place in Yazd in June 2025 for twelve trainees.\n",
}


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    from assistant.settings import Settings

    return Settings(data_dir=tmp_path_factory.mktemp("documents-api") / "data", max_upload_mb=1, write_wait=1,
                    api_keys="admin-key:admin,partner-key:icrc", rate_limit="")


@pytest.fixture(scope="module")
def api(settings, embedder, tmp_path_factory):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from assistant.assemble import assemble, open_index

    corpus = tmp_path_factory.mktemp("documents-corpus") / "docs"
    corpus.mkdir()
    for name, text in CORPUS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    index = open_index(settings)
    index.embedder = embedder
    assert index.ingest([corpus]).added
    assistant = assemble(settings, index)
    with TestClient(create_app(settings, assistant=assistant)) as client:
        client.corpus = corpus
        yield client


def upload(api, name: str, data: bytes | str, headers=ADMIN, **fields):
    content = data.encode("utf-8") if isinstance(data, str) else data
    return api.post("/documents", files=[("files", (name, content))], data=fields, headers=headers)


def ask(api, question: str, headers=ADMIN) -> dict:
    response = api.post("/chat", json={"message": question}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def state(api) -> tuple:
    """What a hostile upload must leave as it was: the catalog, Chroma, the keyword index and the uploads folder."""
    index = api.app.state.assistant.index
    folder = index.catalog.path.parent / "uploads"
    stored = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    return index.catalog.generation(), index.catalog.counts(), index.store.count(), index.keywords.stored_generation(), stored


def test_upload_ask_replace_delete(api):
    """An uploaded file is cited by the next question; its replacement's text is cited instead; once deleted, it
    is never cited again."""
    first = upload(api, "notes/../../warehouse visit.md",
                   "# Warehouse visit\n\nThe Semnan warehouse received three hundred hygiene kits in May 2025.\n")
    assert first.status_code == 201, first.text
    result = first.json()["documents"][0]
    assert result["status"] == "added" and result["source"] == "uploads/warehouse visit.md"
    doc_id = result["id"]
    answer = ask(api, "How many hygiene kits did the Semnan warehouse receive?")
    assert any(c["document_id"] == doc_id and "three hundred" in c["quote"] for c in answer["citations"]), answer

    second = upload(api, "warehouse visit.md",
                    "# Warehouse visit\n\nThe Semnan warehouse received five hundred winter jackets in May 2025.\n")
    assert second.status_code == 201 and second.json()["documents"][0]["status"] == "updated"
    answer = ask(api, "What did the Semnan warehouse receive in May 2025?")
    quotes = " ".join(c["quote"] for c in answer["citations"] if c["document_id"] == doc_id)
    assert "five hundred winter jackets" in quotes and "hygiene kits" not in quotes
    assert "hygiene kits" not in api.get(f"/documents/{doc_id}", headers=ADMIN).json()["text"]

    deleted = api.delete(f"/documents/{doc_id}", headers=ADMIN)
    assert deleted.status_code == 200 and deleted.json()["status"] == "deleted"
    answer = ask(api, "What did the Semnan warehouse receive in May 2025?")
    assert all(c["document_id"] != doc_id for c in answer["citations"])
    assert_error(api.get(f"/documents/{doc_id}", headers=ADMIN), 404, "not_found")
    assert_error(api.delete(f"/documents/{doc_id}", headers=ADMIN), 404, "not_found")
    assert doc_id not in {d["id"] for d in api.get("/documents", headers=ADMIN).json()["documents"]}


def test_listing_has_the_spec_fields_and_pages(api):
    """GET /documents lists each document with the spec's fields; limit and offset page through them."""
    body = api.get("/documents", headers=ADMIN).json()
    fields = {"id", "title", "type", "date", "source", "groups", "chunks", "status", "size", "indexed_at"}
    assert body["documents"] and all(set(d) == fields for d in body["documents"])
    depot = next(d for d in body["documents"] if d["source"] == "docs/depot.md")
    assert depot["title"] == "Depot visit" and depot["date"] == "2025-04-02" and depot["status"] == "ready"
    assert depot["size"] == len(CORPUS["depot.md"].encode()) and depot["chunks"] >= 1 and depot["groups"] == []
    page = api.get("/documents", params={"limit": 1, "offset": 1}, headers=ADMIN).json()
    assert page["documents"] == body["documents"][1:2] and page["total"] == body["total"]
    assert [d["title"] for d in api.get("/documents", params={"q": "qazvin"}, headers=ADMIN).json()["documents"]] == []
    assert [d["source"] for d in api.get("/documents", params={"q": "depot"}, headers=ADMIN).json()["documents"]] == [
        "docs/depot.md"]


def test_a_citation_opens_its_document(api):
    """GET /documents/{id} holds the text every citation's quote is found in."""
    answer = ask(api, "How many folding beds does the Qazvin depot hold?")
    citation = answer["citations"][0]
    document = api.get(f"/documents/{citation['document_id']}", headers=ADMIN).json()
    assert citation["quote"] in " ".join(document["text"].split())
    assert document["title"] == citation["title"]


def test_upload_fields_set_title_type_date_and_groups(api):
    """The form fields replace what the file says of its title, type, date and groups."""
    reply = upload(api, "brief.txt", "Brief\n\nThe Ilam branch asked for two ambulances.\n",
                   title="Ilam brief", type="meeting-notes", date="2025-07-01", groups="icrc")
    assert reply.status_code == 201, reply.text
    doc = api.get(f"/documents/{reply.json()['documents'][0]['id']}", headers=ADMIN).json()
    assert (doc["title"], doc["type"], doc["date"], doc["groups"]) == ("Ilam brief", "meeting-notes", "2025-07-01",
                                                                       ["icrc"])
    assert_error(upload(api, "brief.txt", "x y z", date="not a date"), 400, "invalid_request")
    assert_error(upload(api, "brief.txt", "x y z", groups="Bad Group!"), 400, "invalid_request")


HOSTILE = {
    "bomb.docx": (lambda: _docx(_bomb), 400, "unreadable_file"),
    "broken.docx": (lambda: b"PK\x03\x04" + os.urandom(2000), 400, "unreadable_file"),
    "no-body.docx": (lambda: _zip({"[Content_Types].xml": "<Types/>"}), 400, "unreadable_file"),
    "big.txt": (lambda: b"word " * 300_000, 413, "too_large"),
    "fake.pdf": (lambda: b"This is text pretending to be a PDF.\n" * 10, 415, "unsupported_type"),
    "binary.md": (lambda: os.urandom(4000) + b"\x00", 415, "unsupported_type"),
    "script.exe": (lambda: b"MZ\x90\x00", 415, "unsupported_type"),
    "truncated.pdf": (lambda: make_pdf("The Ardabil branch met.")[:200], 400, "unreadable_file"),
    "empty.md": (lambda: b"", 400, "unreadable_file"),
}


def _zip(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_upload_gets_4xx_and_changes_nothing(api, name):
    """Each hostile file is refused with its 4xx and reason; the catalog, Chroma, the keyword index and the
    uploads folder are as they were, and the server goes on answering."""
    make, status, code = HOSTILE[name]
    before = state(api)
    response = upload(api, name, make())
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == code and body["error"]["message"]
    assert "Traceback" not in response.text
    assert state(api) == before
    assert api.get("/health").status_code == 200


def test_an_upload_over_the_body_limit_is_413_before_it_is_read(api):
    """A request larger than ASSISTANT_MAX_UPLOAD_MB is refused by its length, before the form is parsed."""
    before = state(api)
    assert_error(upload(api, "huge.md", b"a" * (2 * 2**20)), 413, "too_large")
    assert state(api) == before


def test_a_replacement_that_cannot_be_read_keeps_the_old_document(api):
    """Replacing a document with a broken file leaves the old one indexed and cited."""
    ok = upload(api, "roster.md", "# Roster\n\nThe Kashan roster lists eighteen volunteer drivers.\n")
    assert ok.status_code == 201
    before = state(api)
    assert upload(api, "roster.md", b"\x00\x01binary").status_code == 415
    assert state(api) == before
    answer = ask(api, "How many volunteer drivers does the Kashan roster list?")
    assert any("eighteen" in c["quote"] for c in answer["citations"])


def test_only_admin_keys_write(api):
    """A key outside the group admin gets 403 on upload and delete, and nothing changes."""
    before = state(api)
    assert_error(upload(api, "x.md", "# X\n\nSome text.\n", headers=PARTNER), 403, "forbidden")
    doc_id = api.get("/documents", headers=ADMIN).json()["documents"][0]["id"]
    assert_error(api.delete(f"/documents/{doc_id}", headers=PARTNER), 403, "forbidden")
    assert state(api) == before


def test_an_upload_waits_for_another_writer_then_fails_clearly(api, settings):
    """While another process holds the write lock, an upload waits ASSISTANT_WRITE_WAIT seconds, then gets 503
    with a message that says why; once the lock is free, the same upload succeeds."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from index.writer import WriteLock\n"
         "with WriteLock(sys.argv[1]).held():\n    print('held', flush=True); time.sleep(30)",
         str(settings.data_dir)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        before = state(api)
        started = time.monotonic()
        busy = upload(api, "later.md", "# Later\n\nThe Sari branch opened a shelter.\n")
        assert busy.status_code == 503 and busy.json()["error"]["code"] == "index_busy"
        assert "another writer" in busy.json()["error"]["message"] and time.monotonic() - started >= 1
        assert state(api) == before
    finally:
        holder.kill()
        holder.wait()
    assert upload(api, "later.md", "# Later\n\nThe Sari branch opened a shelter.\n").status_code == 201


def test_ingest_and_uploads_take_turns(api, settings):
    """`assistant ingest` started while uploads are being indexed waits for the lock and finishes; both writers'
    documents are in the index afterwards, and the uploads survive the ingest of another folder."""
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(settings.data_dir), "ASSISTANT_WRITE_WAIT": "120",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    (api.corpus / "extra.md").write_text("# Extra\n\nThe Birjand branch trained six rescuers.\n", encoding="utf-8")
    replies = []

    def upload_until_taken(n: int):
        """As a client does: an upload refused with 503 index_busy (the server waits only 1 s here) is sent again."""
        for _ in range(120):
            reply = upload(api, f"turn-{n}.md", f"# Turn {n}\n\nThe Gorgan branch counted {n} tents.\n")
            if reply.status_code != 503:
                return reply
            assert reply.json()["error"]["code"] == "index_busy", reply.text
        return reply

    uploader = threading.Thread(target=lambda: replies.extend(upload_until_taken(n) for n in range(3)))
    uploader.start()
    ingest = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", "--json", str(api.corpus)], env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    uploader.join()
    assert ingest.returncode == 0, ingest.stderr
    assert all(r.status_code == 201 for r in replies), [r.text for r in replies]
    api.app.state.assistant.index.refresh()
    sources = {d["source"] for d in api.get("/documents", headers=ADMIN).json()["documents"]}
    assert {"docs/extra.md", "uploads/turn-0.md", "uploads/turn-2.md", "uploads/later.md"} <= sources
    answer = ask(api, "How many rescuers did the Birjand branch train?")  # the other process's writes are read
    assert any("six rescuers" in c["quote"] for c in answer["citations"]), answer


def test_a_second_ingest_fails_clearly_while_another_writer_holds_the_lock(tmp_path):
    """`assistant ingest` into a data directory whose write lock another process holds waits
    ASSISTANT_WRITE_WAIT seconds, then exits 1 saying why, and the index is not touched."""
    from index.writer import WriteLock

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n\nThe Arak branch opened.\n", encoding="utf-8")
    data = tmp_path / "data"
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_WRITE_WAIT": "1", "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    with WriteLock(data, wait=0).held():
        run = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(folder)], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    assert run.returncode == 1 and "another writer" in run.stderr and "Traceback" not in run.stderr
    assert not (data / "catalog.sqlite3").exists() or "a.md" not in (data / "catalog.sqlite3").read_bytes().decode(
        "latin-1")
    again = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(folder)], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
