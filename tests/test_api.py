"""The HTTP API through the real app: health, chat, the page, and one JSON error shape."""

from __future__ import annotations

import json

from .contract import assert_contract


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]
    assert "Traceback" not in response.text


def test_health_counts_documents_and_chunks(client):
    """GET /health reports the documents and chunks of the index."""
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["documents"] == 5 and body["chunks"] > 4


def test_chat_returns_the_answer_object(client, sample_index):
    """POST /chat replies with the spec's Answer object and a conversation id."""
    response = client.post("/chat", json={"message": "What was agreed on CBRN readiness?"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"answer", "refused", "citations", "conversation_id"}
    assert_contract(body, sample_index.catalog)
    assert body["citations"] and body["conversation_id"]


def test_chat_keeps_a_given_conversation_id(client):
    """A conversation id sent by the caller comes back unchanged."""
    body = client.post("/chat", json={"message": "Where was the RFL course held?", "conversation_id": "c-1"}).json()
    assert body["conversation_id"] == "c-1"


def test_chat_applies_filters(client):
    """Filters in the body restrict the sources."""
    body = client.post(
        "/chat", json={"message": "Who proposed a trilateral meeting?", "filters": {"type": "news"}}
    ).json()
    assert body["citations"] and all("/news/" in c["source"] for c in body["citations"])


def test_missing_message_is_a_json_validation_error(client):
    """A body without a message gets 422 in the error shape, naming the field."""
    response = client.post("/chat", json={})
    assert_error(response, 422, "invalid_request")
    assert "message" in response.json()["error"]["message"]


def test_empty_message_and_unknown_fields_are_refused(client):
    """An empty message and an unknown field are both validation errors."""
    assert_error(client.post("/chat", json={"message": ""}), 422, "invalid_request")
    assert_error(client.post("/chat", json={"message": "hi", "colour": "red"}), 422, "invalid_request")


def test_malformed_json_is_a_json_error(client):
    """A body that is not JSON gets the error shape, not a stack trace."""
    response = client.post("/chat", content=b"{not json", headers={"Content-Type": "application/json"})
    assert_error(response, 422, "invalid_request")


def test_bad_date_filter_is_400(client):
    """A date filter that is not a date is the caller's mistake: 400."""
    response = client.post("/chat", json={"message": "Where was the RFL course held?", "filters": {"since": "soon"}})
    assert_error(response, 400, "invalid_request")


def test_unknown_path_and_method_use_the_error_shape(client):
    """404 and 405 come back as JSON errors."""
    assert_error(client.get("/nowhere"), 404, "not_found")
    assert_error(client.get("/chat"), 405, "method_not_allowed")


def sse_events(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_chat_streams_server_sent_events_text_then_citations_then_done(client, sample_index):
    """`"stream": true` (or Accept: text/event-stream) streams deltas of the text, the citations, and the end."""
    ask = {"message": "What was agreed on CBRN readiness?"}
    plain = client.post("/chat", json=ask).json()
    for request in ({"json": {**ask, "stream": True}}, {"json": ask, "headers": {"Accept": "text/event-stream"}}):
        response = client.post("/chat", **request)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        events = sse_events(response.text)
        names = [name for name, _ in events]
        assert names[-2:] == ["citations", "done"] and set(names[:-2]) == {"delta"} and len(names) > 3
        text = "".join(data["text"] for name, data in events if name == "delta")
        done = events[-1][1]
        assert text == done["answer"] == plain["answer"]
        assert events[-2][1]["citations"] == done["citations"] and done["conversation_id"]
        assert_contract(done, sample_index.catalog)


def test_streaming_errors_are_json_before_any_event(client):
    response = client.post("/chat", json={"message": "   ", "stream": True})
    assert_error(response, 400, "invalid_request")


def test_page_is_served(client):
    """GET / serves the web chat page."""
    response = client.get("/")
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert 'id="ask-form"' in response.text and "chat" in response.text


def test_api_keys_guard_every_endpoint_but_health(assistant):
    """With API keys set, a request needs `Authorization: Bearer KEY`; 401 with the JSON error shape otherwise."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(assistant=assistant, api_keys=["k-one", "k-two"])) as keyed:
        assert keyed.get("/health").status_code == 200
        ask = {"message": "Where was the RFL course held?"}
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "k-one"},
                        {"Authorization": "Basic k-one"}, {"Authorization": "Bearer k-on"}):
            response = keyed.post("/chat", json=ask, headers=headers)
            assert_error(response, 401, "unauthorized")
            assert response.headers["www-authenticate"] == "Bearer"
        assert_error(keyed.get("/"), 401, "unauthorized")
        assert keyed.post("/chat", json=ask, headers={"Authorization": "Bearer k-two"}).status_code == 200
        assert keyed.get("/", headers={"Authorization": "bearer k-one"}).status_code == 200


def test_api_keys_come_from_the_comma_separated_setting():
    from assistant.settings import Settings

    assert Settings(api_keys=" a, b ,,c ").api_key_list == ("a", "b", "c")
    assert Settings().api_key_list == ()
