"""The web page with API keys, in a real headless Chromium against a real `assistant serve`: it asks for a key,
signs in, uploads a file through the Documents view, asks about it, opens the citation in its document at the
quoted passage, deletes the document after a confirmation, and signs out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.metrics import fold
from tests.servers import chromium_page, running_server

ROOT = Path(__file__).resolve().parent.parent
NOTE = ("# Boat ambulance trial\n\nThe Bushehr branch tested two boat ambulances on the Persian Gulf coast in "
        "August 2025.\n\nThe crews carried twelve stretchers on each boat during the trial.\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-documents")
    corpus = root / "notes"
    corpus.mkdir()
    (corpus / "depot.md").write_text("# Depot\n\nThe Qom depot stores blankets for the winter.\n", encoding="utf-8")
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(root / "data"), "ASSISTANT_API_KEYS": "admin-key:admin",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(corpus)], env=env, cwd=ROOT, check=True,
                   capture_output=True, timeout=300)
    with running_server(env) as base:
        yield base


@pytest.fixture(scope="module")
def page(server):
    with chromium_page(server + "/") as opened:
        yield opened


@pytest.mark.slow
def test_the_page_asks_for_a_key_and_refuses_a_wrong_one(page):
    """Served without a key, the page asks for one; a wrong key is refused and not kept."""
    page.locator("#signin-view").wait_for(state="visible", timeout=30_000)
    page.fill("#api-key", "not-the-key")
    page.click("#sign-in")
    page.wait_for_function("document.getElementById('signin-error').textContent.includes('not accepted')")
    assert page.evaluate("sessionStorage.getItem('assistant.key')") is None


@pytest.mark.slow
def test_sign_in_upload_ask_open_the_citation_delete_sign_out(page):
    """The whole round: sign in, upload through the Documents view, see it listed, ask about it, open the
    citation in its document at the highlighted passage, delete it after confirming, sign out."""
    page.fill("#api-key", "admin-key")
    page.click("#sign-in")
    page.locator("#question").wait_for(state="visible")
    assert page.evaluate("sessionStorage.getItem('assistant.key')") == "admin-key"

    page.click("#nav-documents")
    page.locator("#documents-list tr").first.wait_for()
    page.set_input_files("#upload-files", files=[
        {"name": "boat-trial.md", "mimeType": "text/markdown", "buffer": NOTE.encode("utf-8")},
        {"name": "broken.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf at all"},
    ])
    page.click("#upload")
    page.locator('#upload-results li.done[data-name="boat-trial.md"]').wait_for(timeout=60_000)
    failed = page.locator('#upload-results li.failed[data-name="broken.pdf"]')
    failed.wait_for(timeout=60_000)
    assert "not a PDF" in failed.locator(".result").inner_text()
    row = page.locator("#documents-list tr", has_text="Boat ambulance trial")
    row.wait_for()
    assert "ready" in row.inner_text()

    page.click("#nav-chat")
    page.fill("#question", "How many stretchers did the crews carry on each boat?")
    page.press("#question", "Enter")
    answer = page.locator('article.answer[data-answer-index="1"]')
    answer.wait_for(timeout=60_000)
    assert "twelve" in answer.locator(".answer-text").inner_text()
    citation = answer.locator("details.citation").first
    citation.locator("summary").click()
    quote = citation.locator(".quote").inner_text()
    citation.locator(".open-document").click()
    passage = page.locator("#document-text mark#passage")
    passage.wait_for(state="visible")
    assert page.locator("#document-title").inner_text() == "Boat ambulance trial"
    assert fold(passage.inner_text()) == fold(quote) and "twelve stretchers" in passage.inner_text()
    assert page.evaluate("""() => { const r = document.getElementById('passage').getBoundingClientRect();
                                     return r.top >= 0 && r.bottom <= window.innerHeight; }""")

    page.click("#nav-documents")
    row.wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator(".delete-document").click()
    row.wait_for(state="detached", timeout=30_000)
    assert page.locator("#documents-list tr", has_text="Depot").count() == 1

    page.click("#sign-out")
    page.locator("#signin-view").wait_for(state="visible")
    assert page.evaluate("sessionStorage.getItem('assistant.key')") is None
