"""Reading Q&A sets in the spec's format."""

from __future__ import annotations

import json

import pytest

from evals.qa import QASetError, read_qa_set


def write(tmp_path, *lines):
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(x) if isinstance(x, dict) else x for x in lines) + "\n")
    return path


def test_reads_answerable_and_unanswerable_items(tmp_path):
    """Items keep their fields; answerable defaults to true."""
    items = read_qa_set(write(tmp_path, {"id": "a", "question": "Q?", "answers": ["x"], "evidence": ["y"]},
                              {"id": "b", "question": "R?", "answers": [], "evidence": [], "answerable": False}))
    assert [(i.id, i.answerable, i.evidence) for i in items] == [("a", True, ("y",)), ("b", False, ())]


@pytest.mark.parametrize("line, reason", [
    ("{not json", "not JSON"),
    ({"id": "a"}, "question"),
    ({"id": "a", "question": "Q?", "answers": ["x"], "answerable": False}, "unanswerable"),
])
def test_malformed_lines_name_file_and_line(tmp_path, line, reason):
    """A bad line is refused with its line number and what is wrong."""
    with pytest.raises(QASetError, match=reason) as error:
        read_qa_set(write(tmp_path, {"id": "ok", "question": "Q?"}, line))
    assert ":2:" in str(error.value)


def test_repeated_ids_are_refused(tmp_path):
    """Two items with one id are an error."""
    with pytest.raises(QASetError, match="repeats"):
        read_qa_set(write(tmp_path, {"id": "a", "question": "Q?"}, {"id": "a", "question": "R?"}))
