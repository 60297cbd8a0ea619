"""A question as the ask pipeline carries it from one answerer to the next, and the one interface they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from index.document import Hit

from .answer import Answer
from .question import Question
from .retrieve import Probe


@dataclass(frozen=True)
class Assessment:
    answer: Answer
    signals: dict[str, float]  # what the decision to answer or refuse was taken on


@dataclass
class Asked:
    """The question's text, analysed once; the documents it may be answered from; and the search (the question's
    vector and the fused ranking), run the first time an answerer needs it: questions answered from what ingest
    found (acronyms, commitments) never search."""

    text: str
    question: Question
    allowed: list[str] | None  # document ids the filters let through; None: all
    top_k: int  # chunks an answer is read from
    aliases: dict[str, str]  # acronym -> long form, and back: one name
    search: Callable[[], tuple[Probe, list[Hit]]]
    _found: tuple[Probe, list[Hit]] | None = field(default=None, repr=False)

    def found(self) -> tuple[Probe, list[Hit]]:
        """The question's vectors and the fused ranking, best first (at least `top_k` long, when the index has it)."""
        if self._found is None:
            self._found = self.search()
        return self._found

    @property
    def searched(self) -> bool:
        return self._found is not None


class Answerer(Protocol):
    def assess(self, asked: Asked) -> Assessment | None:
        """The answer and its signals, or None when this answerer does not take the question (the next one does)."""
        ...
