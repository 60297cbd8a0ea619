"""Guards every deployment needs, through the real app: rate limits per key, CORS off unless origins are set, an
access log that names keys by id and never holds one, keys from a keys file."""

from __future__ import annotations

import json
import logging

import pytest

from .test_api import assert_error


@pytest.fixture
def make_client(assistant, tmp_path):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from assistant.settings import Settings

    clients = []

    def make(**settings):
        client = TestClient(create_app(Settings(data_dir=tmp_path / "unused", **settings), assistant=assistant))
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def test_rate_limits_count_per_key(make_client):
    """Over ASSISTANT_RATE_LIMIT a key gets 429 with the JSON error shape; another key is not slowed by it."""
    client = make_client(api_keys="key-a,key-b", rate_limit="3/minute")
    a, b = {"Authorization": "Bearer key-a"}, {"Authorization": "Bearer key-b"}
    assert [client.get("/documents", headers=a).status_code for _ in range(3)] == [200, 200, 200]
    assert_error(client.get("/documents", headers=a), 429, "rate_limited")
    assert client.get("/documents", headers=b).status_code == 200


def test_cors_is_off_unless_origins_are_set(make_client):
    """Without ASSISTANT_CORS_ORIGINS no CORS header is sent; with it, only the listed origins get one."""
    preflight = {"Origin": "https://partner.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"}
    closed = make_client()
    assert "access-control-allow-origin" not in closed.options("/chat", headers=preflight).headers
    assert "access-control-allow-origin" not in closed.get("/health", headers={"Origin": "https://partner.example"}).headers
    opened = make_client(cors_origins="https://partner.example")
    allowed = opened.options("/chat", headers=preflight)
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == "https://partner.example"
    other = opened.get("/health", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


def test_the_access_log_names_keys_by_id_and_never_holds_one(make_client, tmp_path, caplog):
    """Each request writes one JSON line: method, path, status, milliseconds and the key's id from the keys
    file; neither the key nor a wrong key's text appears in the log."""
    keys = tmp_path / "keys"
    keys.write_text("# id key groups\nalice s3cret-alice-key ircs-internal,icrc\nbob s3cret-bob-key\n",
                    encoding="utf-8")
    client = make_client(api_keys_file=keys)
    with caplog.at_level(logging.INFO, logger="assistant.access"):
        assert client.get("/documents", headers={"Authorization": "Bearer s3cret-alice-key"}).status_code == 200
        assert client.get("/documents", headers={"Authorization": "Bearer s3cret-guess"}).status_code == 401
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "assistant.access"]
    assert [(line["path"], line["status"], line["key"]) for line in lines] == [
        ("/documents", 200, "alice"), ("/documents", 401, None)]
    assert all(line["method"] == "GET" and line["ms"] >= 0 for line in lines)
    assert "s3cret" not in caplog.text


def test_a_bad_keys_file_stops_the_start(tmp_path):
    """A keys file line that is not `ID KEY [GROUPS]`, or a bad group name, is an error at start-up."""
    from api.keys import KeyRing

    bad = tmp_path / "keys"
    bad.write_text("alice\n", encoding="utf-8")
    with pytest.raises(ValueError, match="ID KEY"):
        KeyRing.parse("", bad)
    with pytest.raises(ValueError, match="group"):
        KeyRing.parse("k1:Not A Group!")
    ring = KeyRing.parse("k1:ircs-internal+icrc,k2")
    assert [sorted(k.groups) for k in ring.keys] == [["icrc", "ircs-internal"], []]
    assert all(k.id.startswith("key-") and "k1" not in k.id for k in ring.keys)
