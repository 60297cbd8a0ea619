"""The spec's rules for an Answer object, checked against the catalog the answer came from."""

from __future__ import annotations

import re

# the spec's white-space folding: one definition for tests and evaluations
from evals.metrics import fold


def assert_contract(answer: dict, catalog) -> None:
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer["answer"])}
    cited = [c["marker"] for c in answer["citations"]]
    assert len(cited) == len(set(cited)), "citation markers repeat"
    assert markers == set(cited), f"markers in text {markers} != citations {set(cited)}"
    dates = {d["id"]: d["date"] for d in catalog.documents()}
    for citation in answer["citations"]:
        text = catalog.text(citation["document_id"])
        assert text is not None, "citation names an unknown document"
        assert fold(citation["quote"]) in fold(text), f"quote is not in the document: {citation['quote']!r}"
        assert citation["quote"].strip(), "empty quote"
        assert citation["date"] == dates[citation["document_id"]]
        assert citation["chunk_id"], "citation without its chunk"
    assert isinstance(answer["refused"], bool)
