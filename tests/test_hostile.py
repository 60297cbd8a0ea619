"""A folder of hostile files, built here (no committed binaries), through `assistant ingest` as a subprocess: it
exits 0 within 120 s and 1.5 GB, every good file is indexed, and every bad one is reported with its reason."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Runs the ingest and reports its own children's peak memory, so no other test's subprocess counts.
MEASURED = (
    "import json, resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], 'w')).returncode; "
    "print(json.dumps({'code': code, 'peak_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))"
)
GOOD = {
    "good/alpha.md": "# Alpha\n\nThe Alpha office opened a warehouse in Bandar Abbas in March 2025.\n",
    "good/beta.txt": "Beta notes\n\nThe Beta team trained forty volunteers in first aid.\n",
    "good/gamma.html": "<html><head><title>Gamma</title></head><body><p>Gamma delivered tents to Kerman.</p></body></html>",
}


def _docx(document_xml_writer) -> bytes:
    """A DOCX package made by python-docx, with word/document.xml replaced by what the writer writes."""
    import docx

    original = io.BytesIO()
    docx.Document().save(original)
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original.getvalue())) as source, \
            zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == "word/document.xml":
                with target.open(item.filename, "w") as part:
                    document_xml_writer(part)
            else:
                target.writestr(item, source.read(item.filename))
    return rebuilt.getvalue()


def _bomb(part) -> None:
    """A document.xml of 200 MB of white space inside a paragraph: about 200 KB packed."""
    part.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
               b'main"><w:body><w:p><w:r><w:t>')
    block = b" " * (1 << 20)
    for _ in range(200):
        part.write(block)
    part.write(b"</w:t></w:r></w:p></w:body></w:document>")


def _pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 10, "A report on the cyclone response. " * 40)
    return bytes(pdf.output())


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    root = base / "folder"
    for name, text in GOOD.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    bad = root / "bad"
    bad.mkdir()
    (bad / "bomb.docx").write_bytes(_docx(_bomb))
    (bad / "malformed.docx").write_bytes(_docx(lambda part: part.write(b"<w:document><w:body><w:p>unclosed")))
    whole = _pdf()
    (bad / "truncated.pdf").write_bytes(whole[: len(whole) // 2])
    # HTML nested 100,000 deep: the parser keeps counters, not a tree; a good file, indexed
    (root / "good" / "nested.html").write_text("<div>" * 100_000 + "Deep text." + "</div>" * 100_000, encoding="utf-8")
    (bad / "huge.txt").open("wb").truncate(60 * 2**20)  # sparse: over the 50 MB limit without the disk
    with open(os.path.join(os.fsencode(bad), b"caf\xe9.txt"), "wb") as file:  # a Latin-1 name, not UTF-8
        file.write(b"A file whose name is not UTF-8.\n")
    secret = base / "outside.txt"
    secret.write_text("OUTSIDE-SECRET: this file is not under the ingested folder.\n", encoding="utf-8")
    (bad / "passwd.txt").symlink_to(secret)
    (bad / "loop-a.txt").symlink_to(bad / "loop-b.txt")
    (bad / "loop-b.txt").symlink_to(bad / "loop-a.txt")
    (bad / "up").symlink_to(root)  # a folder link inside the folder: passed over, not walked for ever
    # 48 KB of initials: the old sentence splitter took over a minute on it; it is a good file, indexed
    (root / "good" / "initials.txt").write_text("Initials\n\n" + "A. " * 16_000 + "\n", encoding="utf-8")
    data = base / "data"
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    out = base / "run"
    started = time.monotonic()
    measured = subprocess.run(
        [sys.executable, "-c", MEASURED, str(out), sys.executable, "-m", "assistant.cli", "ingest", str(root), "--json"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    seconds = time.monotonic() - started
    figures = json.loads(measured.stdout)
    summary = json.loads(out.read_text())
    print(f"hostile ingest: {seconds:.1f} s, peak RSS {figures['peak_kb'] / 1024:.0f} MB")
    return {"code": figures["code"], "peak_kb": figures["peak_kb"], "seconds": seconds, "summary": summary,
            "data": data, "stderr": measured.stderr}


def test_hostile_folder_exits_0_within_time_and_memory(hostile):
    """The run finishes with exit 0 within 120 s and a peak memory of 1.5 GB."""
    assert hostile["code"] == 0, hostile["stderr"]
    assert hostile["seconds"] < 120
    assert hostile["peak_kb"] < 1.5 * 1024 * 1024


def test_every_good_file_is_indexed(hostile):
    """The good files, the 48 KB of initials and the deeply nested HTML among them, are all indexed."""
    summary = hostile["summary"]
    assert summary["added"] == len(GOOD) + 2
    with sqlite3.connect(hostile["data"] / "catalog.sqlite3") as db:
        sources = {row[0] for row in db.execute("SELECT source FROM documents WHERE state = 'ready'")}
        texts = " ".join(row[0] for row in db.execute("SELECT text FROM documents"))
    assert sources == {f"folder/{name}" for name in GOOD} | {"folder/good/initials.txt", "folder/good/nested.html"}
    assert "OUTSIDE-SECRET" not in texts


def test_every_bad_file_is_reported_with_its_reason(hostile):
    """Each hostile file is in `failed` with a reason a person can act on."""
    failed = {item["path"]: item["error"] for item in hostile["summary"]["failed"]}
    expected = {
        "folder/bad/bomb.docx": "ASSISTANT_MAX_UNPACKED_MB",
        "folder/bad/malformed.docx": "corrupt DOCX",
        "folder/bad/truncated.pdf": "PDF",
        "folder/bad/huge.txt": "ASSISTANT_MAX_FILE_MB",
        "folder/bad/caf\\xe9.txt": "not UTF-8",
        "folder/bad/passwd.txt": "outside the ingested folder",
        "folder/bad/loop-a.txt": "loop",
        "folder/bad/loop-b.txt": "loop",
    }
    for path, reason in expected.items():
        assert path in failed, (path, failed)
        assert reason in failed[path], (path, failed[path])
    assert set(failed) == set(expected)
