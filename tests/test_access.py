"""Access groups through every path a document can surface by: a document of the group ircs-internal is never
cited, listed, counted or quoted to a key without that group, and is to a key with it (each test checks both, so
that none passes by finding nothing). The real app over a real index of a small corpus of its own."""

from __future__ import annotations

import pytest

from .test_api import assert_error

INTERNAL_KEY = {"Authorization": "Bearer internal-key"}
PARTNER_KEY = {"Authorization": "Bearer partner-key"}
PLAIN_KEY = {"Authorization": "Bearer plain-key"}
ADMIN_KEY = {"Authorization": "Bearer admin-key"}
CORPUS = {
    "open.md": "---\ntitle: Classroom opening\n---\n\nThe Tabriz training centre opened a first aid classroom in "
               "March 2025.\n",
    "internal.md": "---\ntitle: Internal budget review\ngroups: [ircs-internal]\n---\n\nThe IRCS agreed to buy "
                   "forty generators for the Zanjan Logistics Hub (ZLH) by September 2025.\n",
    "partner.md": "---\ntitle: Water trucking\ngroups: icrc\n---\n\nThe ICRC agreed to fund water trucking in "
                  "Sistan during the summer of 2025.\n",
}
SECRET = ("generators", "Zanjan", "ZLH")
QUESTION = "How many generators will the IRCS buy for the Zanjan Logistics Hub?"


@pytest.fixture(scope="module")
def api(embedder, tmp_path_factory):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from assistant.assemble import assemble, open_index
    from assistant.settings import Settings

    root = tmp_path_factory.mktemp("access")
    corpus = root / "notes"
    corpus.mkdir()
    for name, text in CORPUS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(data_dir=root / "data", rate_limit="",
                        api_keys="internal-key:ircs-internal,partner-key:icrc,plain-key,admin-key:admin")
    index = open_index(settings)
    index.embedder = embedder
    assert len(index.ingest([corpus]).added) == 3
    with TestClient(create_app(settings, assistant=assemble(settings, index))) as client:
        client.ids = {d["source"].split("/")[-1]: d["id"] for d in index.catalog.documents()}
        yield client


def leaks(text: str) -> bool:
    return any(word in text for word in SECRET)


def chat(api, headers, message=QUESTION, **extra) -> dict:
    response = api.post("/chat", json={"message": message, **extra}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_chat_answers_and_citations_follow_the_groups(api):
    """POST /chat: the internal document is cited to its group's key, never to another key's."""
    internal = chat(api, INTERNAL_KEY)
    assert any(c["document_id"] == api.ids["internal.md"] for c in internal["citations"]), internal
    for headers in (PARTNER_KEY, PLAIN_KEY):
        other = chat(api, headers)
        assert all(c["document_id"] != api.ids["internal.md"] for c in other["citations"])
        assert not leaks(str(other["citations"])) and "forty" not in other["answer"]


def test_openai_endpoint_follows_the_groups(api):
    """POST /v1/chat/completions: the same, in the answer text and its list of sources."""
    def complete(headers) -> str:
        body = {"model": "partnership-assistant", "messages": [{"role": "user", "content": QUESTION}]}
        response = api.post("/v1/chat/completions", json=body, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["choices"][0]["message"]["content"]

    assert "forty generators" in complete(INTERNAL_KEY)
    text = complete(PARTNER_KEY)
    assert "forty" not in text and "Internal budget review" not in text


def test_statements_follow_the_groups(api):
    """GET /statements lists the internal document's statements only to its group's key."""
    def sources(headers) -> set[str]:
        response = api.get("/statements", params={"kind": "agreed"}, headers=headers)
        assert response.status_code == 200, response.text
        return {s["citation"]["document_id"] for s in response.json()["statements"]}

    assert api.ids["internal.md"] in sources(INTERNAL_KEY)
    assert sources(PARTNER_KEY) == {api.ids["partner.md"]}
    assert sources(PLAIN_KEY) == set()


def test_acronym_pairs_follow_the_groups(api):
    """"What does ZLH stand for?" is answered from the internal document only to its group's key."""
    assert "Zanjan Logistics Hub" in chat(api, INTERNAL_KEY, "What does ZLH stand for?")["answer"]
    other = chat(api, PARTNER_KEY, "What does ZLH stand for?")
    assert "Zanjan Logistics Hub" not in other["answer"] and not leaks(str(other["citations"]))


def test_listing_follows_the_groups(api):
    """GET /documents lists what each key may see: documents without groups to all, others to their groups,
    everything to admin."""
    def listed(headers, **params) -> set[str]:
        body = api.get("/documents", params=params, headers=headers).json()
        return {d["source"].split("/")[-1] for d in body["documents"]}

    assert listed(PLAIN_KEY) == {"open.md"}
    assert listed(PARTNER_KEY) == {"open.md", "partner.md"}
    assert listed(INTERNAL_KEY) == {"open.md", "internal.md"}
    assert listed(ADMIN_KEY) == set(CORPUS)
    assert listed(ADMIN_KEY, group="ircs-internal") == {"internal.md"}
    assert listed(PARTNER_KEY, group="ircs-internal") == set()


def test_reading_a_document_follows_the_groups(api):
    """GET /documents/{id} of a document outside the key's groups is 404, as if it did not exist."""
    doc = api.ids["internal.md"]
    assert "forty generators" in api.get(f"/documents/{doc}", headers=INTERNAL_KEY).json()["text"]
    assert_error(api.get(f"/documents/{doc}", headers=PARTNER_KEY), 404, "not_found")
    assert_error(api.get(f"/documents/{doc}", headers=PLAIN_KEY), 404, "not_found")


def test_health_counts_follow_the_groups(api):
    """GET /health counts the documents the key may see; without a key, those without groups."""
    counts = {name: api.get("/health", headers=h).json()["documents"]
              for name, h in (("admin", ADMIN_KEY), ("internal", INTERNAL_KEY), ("partner", PARTNER_KEY),
                              ("plain", PLAIN_KEY), ("none", {}))}
    assert counts == {"admin": 3, "internal": 2, "partner": 2, "plain": 1, "none": 1}


def test_conversations_never_carry_a_document_to_another_key(api):
    """A conversation begun by the internal key is 404 to the partner key, and the partner key's own follow-up
    about the same subject cites nothing of the internal document."""
    first = chat(api, INTERNAL_KEY)
    assert any(c["document_id"] == api.ids["internal.md"] for c in first["citations"])
    assert_error(api.post("/chat", json={"message": "And by when?", "conversation_id": first["conversation_id"]},
                          headers=PARTNER_KEY), 404, "not_found")
    own = chat(api, PARTNER_KEY, "What did the IRCS agree to buy?")
    follow = chat(api, PARTNER_KEY, "And what about the Zanjan Logistics Hub generators?",
                  conversation_id=own["conversation_id"])
    for reply in (own, follow):
        assert all(c["document_id"] != api.ids["internal.md"] for c in reply["citations"])
        assert not leaks(str(reply["citations"]))
