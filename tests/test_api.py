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
    assert body["status"] == "ok" and body["documents"] == 6 and body["chunks"] > 4


def test_chat_returns_the_answer_object(client, sample_index):
    """POST /chat replies with the spec's Answer object and a conversation id."""
    response = client.post("/chat", json={"message": "What was agreed on CBRN readiness?"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"answer", "refused", "citations", "conversation_id"}
    assert_contract(body, sample_index.catalog)
    assert body["citations"] and body["conversation_id"]


def test_chat_keeps_a_conversation_id_the_server_gave(client):
    """A conversation id from an earlier reply continues that conversation and comes back unchanged."""
    first = client.post("/chat", json={"message": "Where was the RFL course held?"}).json()
    again = client.post("/chat", json={"message": "When was it?", "conversation_id": first["conversation_id"]})
    assert again.status_code == 200 and again.json()["conversation_id"] == first["conversation_id"]
    assert len(first["conversation_id"]) == 32  # a random uuid4: not guessable


def test_a_conversation_id_the_server_never_gave_is_404(client):
    """A client-chosen id does not create a guessable conversation: it is not found."""
    assert_error(client.post("/chat", json={"message": "Where was the RFL course held?", "conversation_id": "c-1"}),
                 404, "not_found")


def test_conversations_belong_to_the_key_that_began_them(assistant):
    """Another key sending a conversation's id gets 404; its own key continues it."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    one, two = {"Authorization": "Bearer k-one"}, {"Authorization": "Bearer k-two"}
    with TestClient(create_app(assistant=assistant, api_keys=["k-one", "k-two"])) as keyed:
        first = keyed.post("/chat", json={"message": "Where was the RFL course held?"}, headers=one).json()
        follow = {"message": "And what about rehabilitation?", "conversation_id": first["conversation_id"]}
        assert_error(keyed.post("/chat", json=follow, headers=two), 404, "not_found")
        assert keyed.post("/chat", json=follow, headers=one).status_code == 200


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


def test_bad_date_filter_is_refused_by_the_schema(client):
    """A date filter that is not YYYY, YYYY-MM or YYYY-MM-DD is refused as the schema says: 422."""
    response = client.post("/chat", json={"message": "Where was the RFL course held?", "filters": {"since": "soon"}})
    assert_error(response, 422, "invalid_request")


def test_whatever_the_schema_allows_is_served(client):
    """Inputs the schema allows are answered, not refused: a day past the month's end, a tool message."""
    ask = {"message": "Where was the RFL course held?", "filters": {"since": "2025-02-31", "until": "2026"}}
    assert client.post("/chat", json=ask).status_code == 200
    messages = [{"role": "tool", "content": "x"}, {"role": "user", "content": [{"type": "text", "text": "Where?"}]}]
    assert client.post("/v1/chat/completions", json={"messages": messages}).status_code == 200
    assert client.get("/statements", params={"kind": "planned", "since": "2025-04-31"}).status_code == 200
    schema = client.get("/openapi.json").json()
    kinds = next(p for p in schema["paths"]["/statements"]["get"]["parameters"] if p["name"] == "kind")
    assert "" not in kinds["schema"]["anyOf"][0]["items"]["enum"]
    assert_error(client.get("/statements", params={"kind": ""}), 422, "invalid_request")
    assert_error(client.post("/v1/chat/completions", json={"messages": [{"role": "tool", "content": "x"}]}),
                 422, "invalid_request")


def test_filters_with_many_values_are_served_or_refused_never_500(client):
    """100 sources or types are served; more are refused by the schema (422); neither reaches SQLite as a 500."""
    many = [f"documents/x{i}.md" for i in range(100)]
    ask = {"message": "Where was the RFL course held?", "filters": {"source": many + ["documents"], "type": many}}
    assert client.post("/chat", json=ask).status_code == 422
    ask["filters"] = {"source": many[:99] + ["documents"], "type": many[:99] + ["news"]}
    assert client.post("/chat", json=ask).status_code == 200


def test_selecting_thousands_of_sources_and_types_is_one_query(sample_index):
    """The catalog selects by any number of sources and types (SQLite's expression depth and variable limits)."""
    many = [f"documents/x{i}" for i in range(5000)]
    every = sample_index.catalog.select(sources=many + ["documents"], types=many + ["news", "meeting-notes"])
    assert every and set(every) <= {d["id"] for d in sample_index.catalog.documents()}
    assert sample_index.catalog.select(sources=many) == []


def test_405_names_the_allowed_methods(client):
    """A wrong method is 405 with the Allow header."""
    response = client.get("/chat")
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "POST"


def test_streaming_is_declared_in_the_openapi_document(client):
    """/chat and /v1/chat/completions declare text/event-stream replies."""
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/chat", "/v1/chat/completions"):
        assert "text/event-stream" in paths[path]["post"]["responses"]["200"]["content"]


def test_a_body_over_the_limit_is_413_before_it_is_read(client):
    """A body over ASSISTANT_MAX_BODY_KB is refused, by its length or, chunked, as it arrives."""
    big = json.dumps({"message": "x" * (2 * 1024 * 1024)})
    assert_error(client.post("/chat", content=big, headers={"Content-Type": "application/json"}), 413, "too_large")
    chunked = client.post("/chat", content=iter([big[:1000].encode(), big[1000:].encode()]),
                          headers={"Content-Type": "application/json"})
    assert_error(chunked, 413, "too_large")


def test_long_questions_are_refused_before_follow_ups_are_resolved(client):
    """/v1 checks the question's length before reading the earlier messages: a hostile history costs nothing."""
    import time

    hostile = "about " + " " * 2400 + "?x"
    messages = [{"role": "user", "content": "What did the IRCS say about CBRN readiness?"},
                {"role": "assistant", "content": "..."}] * 20 + [{"role": "user", "content": hostile}]
    started = time.perf_counter()
    response = client.post("/v1/chat/completions", json={"messages": messages})
    assert response.status_code == 422 and time.perf_counter() - started < 1


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
    assert_error(response, 422, "invalid_request")
    response = client.post("/chat", json={"message": "Where?", "stream": True, "filters": {"since": "2025-13"}})
    assert_error(response, 422, "invalid_request")


def test_page_is_served(client):
    """GET / serves the web chat page."""
    response = client.get("/")
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert 'id="ask-form"' in response.text and "chat" in response.text


def test_api_keys_guard_every_endpoint_but_health(assistant):
    """With API keys set, a request needs `Authorization: Bearer KEY` (but /health and the page); 401 with the JSON
    error shape otherwise."""
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
        assert keyed.get("/").status_code == 200  # the page holds no data: it asks for a key itself
        assert_error(keyed.get("/documents"), 401, "unauthorized")
        assert keyed.post("/chat", json=ask, headers={"Authorization": "Bearer k-two"}).status_code == 200
        assert keyed.get("/", headers={"Authorization": "bearer k-one"}).status_code == 200


def test_api_keys_come_from_the_comma_separated_setting():
    from assistant.settings import Settings

    assert Settings(api_keys=" a, b ,,c ").api_key_list == ("a", "b", "c")
    assert Settings().api_key_list == ()
