"""The HTTP API through the real app: health, chat, the page, and one JSON error shape."""

from __future__ import annotations

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
    assert body["status"] == "ok" and body["documents"] == 4 and body["chunks"] > 4


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


def test_streaming_request_is_refused_clearly(client):
    """Streaming is not in this version: a clear 501 rather than a wrong reply."""
    response = client.post("/chat", json={"message": "Where was the RFL course held?", "stream": True})
    assert_error(response, 501, "not_implemented")


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
