"""The chat tool's view: a real `assistant serve` on 127.0.0.1 with API keys, the official openai client,
curl streaming, and follow-up questions kept by conversation."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import openai
import pytest

from assistant.conversation import ConversationStore, Turn, resolve

from .servers import running_server

ROOT = Path(__file__).resolve().parent.parent
KEY = "test-key-123"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("chat-tool-data")
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_API_KEYS": f"other-key,{KEY}"}
    subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(ROOT / "documents")], env=env, cwd=ROOT,
                   check=True, capture_output=True, timeout=300)
    with running_server(env) as base:
        yield base


@pytest.fixture(scope="module")
def openai_client(server):
    return openai.OpenAI(base_url=server + "/v1", api_key=KEY, max_retries=0, timeout=60)


@pytest.mark.slow
def test_openai_client_gets_a_cited_answer_ending_with_its_sources(openai_client):
    reply = openai_client.chat.completions.create(
        model="partnership-assistant", messages=[{"role": "user", "content": "Where was the RFL course held?"}]
    )
    content = reply.choices[0].message.content
    answer, _, sources = content.partition("\n\nSources:\n")
    assert "Oman" in answer and "[1]" in answer and reply.choices[0].finish_reason == "stop"
    assert sources.startswith("[1] ") and "documents/news/" in sources


@pytest.mark.slow
def test_openai_client_streams_the_same_reply(openai_client):
    messages = [{"role": "user", "content": "What was agreed on CBRN readiness?"}]
    whole = openai_client.chat.completions.create(model="partnership-assistant", messages=messages)
    chunks = list(openai_client.chat.completions.create(model="partnership-assistant", messages=messages, stream=True))
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert len(chunks) > 3 and chunks[-1].choices[0].finish_reason == "stop"
    assert streamed == whole.choices[0].message.content and "Sources:" in streamed


@pytest.mark.slow
def test_openai_models_and_earlier_messages_as_the_conversation(openai_client):
    assert "partnership-assistant" in [m.id for m in openai_client.models.list()]
    messages = [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "What did the IRCS say about CBRN readiness?"},
        {"role": "assistant", "content": "…"},
        {"role": "user", "content": "And what about rehabilitation?"},
    ]
    content = openai_client.chat.completions.create(model="partnership-assistant", messages=messages)
    assert "rehabilitation" in content.choices[0].message.content.split("\n\nSources:")[0].lower()


@pytest.mark.slow
def test_a_wrong_or_missing_key_is_refused(server):
    wrong = openai.OpenAI(base_url=server + "/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.models.list()
    response = httpx.post(server + "/chat", json={"message": "Where was the RFL course held?"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
    assert httpx.get(server + "/health").status_code == 200


@pytest.mark.slow
def test_curl_gets_server_sent_events(server):
    assert shutil.which("curl"), "curl, a Debian base package, is needed for this test"
    out = subprocess.run(
        ["curl", "-sN", server + "/chat", "-H", f"Authorization: Bearer {KEY}", "-H", "Content-Type: application/json",
         "-H", "Accept: text/event-stream", "-d", json.dumps({"message": "Who proposed a trilateral meeting?"})],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout
    names = [line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("event: ")]
    assert names[0] == "delta" and names[-2:] == ["citations", "done"]
    done = json.loads(out.strip().split("\n\n")[-1].split("data: ", 1)[1])
    assert "Cassard" in done["answer"] and done["citations"]


@pytest.mark.slow
def test_follow_up_carries_the_subject_of_the_previous_question(server):
    headers = {"Authorization": f"Bearer {KEY}"}
    first = httpx.post(server + "/chat", headers=headers, timeout=60,
                       json={"message": "What did the IRCS say about CBRN readiness?"}).json()
    assert "CBRN" in first["answer"]
    follow = httpx.post(server + "/chat", headers=headers, timeout=60, json={
        "message": "And what about rehabilitation?", "conversation_id": first["conversation_id"]}).json()
    assert follow["conversation_id"] == first["conversation_id"] and not follow["refused"]
    assert "rehabilitation" in follow["answer"].lower() and follow["answer"] != first["answer"]
    alone = httpx.post(server + "/chat", headers=headers, timeout=60,
                       json={"message": "And what about rehabilitation?"}).json()
    assert alone["conversation_id"] != first["conversation_id"]


def test_resolve_makes_follow_ups_whole_and_leaves_other_questions_alone():
    cbrn = [Turn("q", "What did the IRCS say about CBRN readiness?", "a")]
    assert resolve("And what about rehabilitation?", cbrn) == "What did the IRCS say about rehabilitation?"
    assert resolve("and mine awareness?", cbrn) == "What did the IRCS say about mine awareness?"
    conference = [Turn("q", "Who proposed the second conference on rehabilitation?", "a")]
    assert resolve("And when is that planned?", conference) == \
        "When is the second conference on rehabilitation planned?"
    assert resolve("Where was the RFL course held?", cbrn) == "Where was the RFL course held?"
    assert resolve("And what about rehabilitation?", []) == "And what about rehabilitation?"


def test_conversations_are_bounded_in_length_and_count(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3", max_turns=3, max_conversations=2)
    for n in range(5):
        store.add("a", Turn(f"q{n}", f"q{n}", "x"))
    assert [t.question for t in store.history("a")] == ["q2", "q3", "q4"]
    store.add("b", Turn("b0", "b0", "x"))
    store.add("c", Turn("c0", "c0", "x"))  # "a" is now the least recently used
    assert store.count() == 2 and store.history("a") == [] and store.history("c")[0].question == "c0"
    store.close()
    again = ConversationStore(tmp_path / "c.sqlite3", max_turns=3, max_conversations=2)
    assert [t.question for t in again.history("b")] == ["b0"]  # kept on disk
