"""Q&A sets: one JSON object a line, checked against the spec's format as they are read."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    answers: tuple[str, ...]
    evidence: tuple[str, ...]
    answerable: bool
    slices: tuple[str, ...] = ()  # kinds of question it belongs to: agreement, attribution, date, acronym, list, ...
    agreed: bool | None = None  # False: the documents record no agreement, and the answer must say so


class QASetError(ValueError):
    pass


def read_qa_set(path: Path) -> list[QAItem]:
    """Every item of a Q&A set; a malformed line raises QASetError naming the file and line."""
    items, ids = [], set()
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            raise QASetError(f"{where}: not JSON ({error.msg})") from None
        if not isinstance(raw, dict) or not isinstance(raw.get("question"), str) or not raw["question"].strip():
            raise QASetError(f"{where}: needs a non-empty \"question\"")
        item = QAItem(
            id=str(raw.get("id") or number),
            question=raw["question"],
            answers=tuple(raw.get("answers") or ()),
            evidence=tuple(raw.get("evidence") or ()),
            answerable=bool(raw.get("answerable", True)),
            slices=tuple(raw.get("slices") or ()),
            agreed=raw.get("agreed"),
        )
        if not all(isinstance(s, str) and s for s in item.slices):
            raise QASetError(f"{where}: \"slices\" is a list of names")
        if item.agreed not in (None, True, False):
            raise QASetError(f"{where}: \"agreed\" is true, false or absent")
        if item.id in ids:
            raise QASetError(f"{where}: id {item.id!r} repeats")
        if not item.answerable and (item.answers or item.evidence):
            raise QASetError(f"{where}: an unanswerable item has empty answers and evidence")
        ids.add(item.id)
        items.append(item)
    return items
