"""The web chat end to end in a real headless Chromium (Debian's `chromium`, driven by Playwright with
executable_path; `make test` installs it, nothing downloads a browser) against a real `assistant serve`."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from evals.metrics import fold
from tests.servers import chromium_page, running_server

# Records, from inside the page, the answer text each time a streamed piece arrives.
WATCH_STREAM = """
window.__pieces = [];
new MutationObserver(() => {
  const live = document.querySelector('article.answer.streaming .answer-text');
  if (live && live.textContent && window.__pieces[window.__pieces.length - 1] !== live.textContent)
    window.__pieces.push(live.textContent);
}).observe(document.getElementById('conversation'), {childList: true, subtree: true, characterData: true});
"""


@pytest.fixture(scope="module")
def server(sample_settings, sample_index, tmp_path_factory):
    data = tmp_path_factory.mktemp("browser") / "data"
    shutil.copytree(sample_settings.data_dir, data)
    with running_server({**os.environ, "ASSISTANT_DATA_DIR": str(data)}) as base:
        yield base


@pytest.fixture(scope="module")
def page(server):
    with chromium_page(server + "/") as opened:
        yield opened


def ask(page, question: str, index: int):
    """Asks through the form; returns the rendered answer, the texts the page showed while streaming, and the
    server-sent events as the browser received them."""
    page.evaluate(WATCH_STREAM)
    page.fill("#question", question)
    with page.expect_response(lambda r: r.url.endswith("/chat") and r.request.method == "POST") as reply:
        page.press("#question", "Enter")
    answer = page.locator(f'article.answer[data-answer-index="{index}"]')
    answer.wait_for(timeout=60_000)
    assert page.locator("article.answer.streaming").count() == 0
    response = reply.value
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [line[len("event: "):] for line in response.text().splitlines() if line.startswith("event: ")]
    return answer, page.evaluate("window.__pieces"), events


@pytest.mark.slow
def test_a_question_streams_and_its_citations_open_to_their_quotes(page, sample_index):
    answer, shown, events = ask(page, "What was agreed on CBRN readiness?", 1)
    assert events.count("delta") >= 2 and events[-2:] == ["citations", "done"], events
    assert shown, "the page never showed the answer while it streamed"
    text = answer.locator(".answer-text").inner_text()
    assert "CBRN" in text and not answer.evaluate("a => a.classList.contains('refused')")
    # the final rendering turns each [n] into a button labelled n
    assert re.sub(r"\[(\d+)\]|\s", r"\1", shown[-1]) == re.sub(r"\s", "", text), "the streamed text is not the final text"
    markers = answer.locator("button.marker")
    assert markers.count() >= 1
    citation = page.locator("#cite-1-1")
    assert citation.get_attribute("open") is None
    markers.first.click()
    page.wait_for_function("document.getElementById('cite-1-1').open")
    quote = citation.locator(".quote")
    assert quote.is_visible()
    documents = [fold(sample_index.catalog.text(d["id"])) for d in sample_index.catalog.documents()]
    assert any(fold(quote.inner_text()) in d for d in documents), "the quote shown is not in a document"


@pytest.mark.slow
def test_a_follow_up_is_answered_in_the_same_conversation(page):
    answer, _, events = ask(page, "And what about rehabilitation?", 2)
    assert events[-1] == "done"
    text = answer.locator(".answer-text").inner_text()
    assert "rehabilitation" in text.lower() and answer.locator("button.marker").count() >= 1
    answer.locator("button.marker").first.click()
    page.wait_for_function("document.getElementById('cite-2-1').open")
    assert page.locator("article.answer").count() == 2 and page.locator(".msg.user").count() == 2


@pytest.mark.slow
def test_persian_questions_answers_and_quotes_read_right_to_left(page):
    """A Persian question, its answer and its quote take their direction from their own text (dir="auto")."""
    page.goto(page.url)  # a new conversation
    answer, _, _ = ask(page, "چه چیزی توافق شد؟", 1)
    direction = "e => getComputedStyle(e).direction"
    assert page.locator(".msg.user").last.evaluate(direction) == "rtl"
    assert answer.locator(".answer-text").evaluate(direction) == "rtl"
    answer.locator("button.marker").first.click()
    page.wait_for_function("document.getElementById('cite-1-1').open")
    assert page.locator("#cite-1-1 .quote").evaluate(direction) == "rtl"  # the first item quotes the Persian notes
    assert page.locator("#question").get_attribute("dir") == "auto"
