"""The Answer object of the spec: an answer text whose every [n] marker names a citation with an exact quote."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Citation:
    marker: int
    document_id: str
    title: str
    source: str
    date: str | None
    quote: str
    chunk_id: str
    score: float


@dataclass(frozen=True)
class Answer:
    answer: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)
