"""The ask flow, top to bottom: a question is checked, analysed once, and offered to each answerer in turn.

    question -> checked -> analysed (names, kind, terms; acronym pairs) -> allowed documents (filters)
      -> acronym answerer     "What does CBRN stand for?": the pairs ingest found         no search
      -> statement answerer   "What was agreed on ...?", "List every proposal": statements  no search
      -> extractive answerer  embed the question, search (dense + BM25, fused), quote the best sentences with
                              the vectors ingest stored, or refuse (the Judge)
      -> an English question refused with a word no English document holds is searched again across languages
         (index/bridge.py: Persian passages in the multilingual model's space); a Persian one searched them all

The first answerer that takes the question answers it; the search runs only when one needs it. Everything an
answer reads beyond the question's own vector was computed at ingest (index/facts.py). The objects are assembled
from the settings in `assistant/assemble.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import language
from index.acronyms import expand
from index.bridge import LANGUAGES, MAIN_LANGUAGE
from index.document import Hit
from index.errors import InvalidRequest, NotFound
from index.index import Index
from index.terms import informativeness

from .acronyms import Acronyms
from .answer import Answer
from .asked import Answerer, Asked
from .conversation import ConversationStore, Turn, resolve
from .question import analyze
from .retrieve import FOREIGN, Filters, Probe, Retriever
from .statements import list_statements

MAX_QUESTION_CHARS = 2000


def checked_question(text: str) -> str:
    """The question stripped, refused when empty or longer than MAX_QUESTION_CHARS."""
    question = text.strip()
    if not question:
        raise InvalidRequest("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidRequest(f"the question is longer than {MAX_QUESTION_CHARS} characters")
    return question


@dataclass(frozen=True)
class Traced:
    answer: Answer
    hits: list[Hit]  # the fused ranking, best first (searched for evaluation when the answer needed no search)
    signals: dict[str, float]  # what the answerer decided to answer or refuse on


@dataclass(frozen=True)
class Reply:
    answer: Answer
    conversation_id: str
    resolved: str  # the question as searched, made whole with the conversation


class Assistant:
    """Answers questions from one index; shared by every request thread (it keeps no state per question)."""

    def __init__(
        self,
        index: Index,
        *,
        retriever: Retriever,
        answerers: Sequence[Answerer],
        top_k: int,
        acronyms: Acronyms,
        conversations: ConversationStore | None = None,
    ) -> None:
        self.index, self.retriever, self.answerers, self.top_k = index, retriever, tuple(answerers), top_k
        self.acronyms, self.conversations = acronyms, conversations

    def warm_up(self) -> None:
        """Load the model, the word frequency lists and the index now rather than on the first question."""
        for word in ("warm", "گرم"):  # the English and the Persian word lists: 0.1 to 0.2 s each, once
            informativeness(word)
        self.ask("What was discussed?")

    def chat(
        self, message: str, conversation_id: str | None = None, filters: Filters | None = None,
        history: list[Turn] | None = None, owner: str = "",
    ) -> Reply:
        """One turn of a conversation: the question is made whole with the earlier turns (kept by conversation
        id, or given as `history`), answered, and remembered. A conversation belongs to the `owner` (the API key)
        that began it: an id the server did not give that owner is not found."""
        message = checked_question(message)  # before any work on it
        if history is None:
            history = []
            if conversation_id and self.conversations:
                if not self.conversations.owned(conversation_id, owner):
                    raise NotFound("no such conversation; send none to begin one")
                history = self.conversations.history(conversation_id)
        conversation_id = conversation_id or uuid.uuid4().hex
        resolved = resolve(message, history)
        answer = self.ask(resolved, filters)
        if self.conversations:
            self.conversations.add(conversation_id, Turn(message, resolved, answer.answer), owner=owner)
        return Reply(answer, conversation_id, resolved)

    def ask(self, question: str, filters: Filters | None = None, top_k: int | None = None) -> Answer:
        return self.ask_traced(question, filters, top_k).answer

    def ask_traced(
        self, question: str, filters: Filters | None = None, top_k: int | None = None, depth: int = 0
    ) -> Traced:
        """The answer and the fused ranking; `depth` asks for a ranking that long even when the answer needed no
        search (evaluation)."""
        question = checked_question(question)
        self.index.refresh()  # another process's finished ingest, before this question reads
        with self.index.reading():
            asked = self.analysed(question, filters, top_k or self.top_k, depth)
            for answerer in self.answerers:
                assessed = answerer.assess(asked)
                if assessed is not None:
                    if assessed.answer.refused and asked.searched and assessed.signals.get("absent", 0.0) > 0 \
                            and self._may_cross(asked):
                        # nothing in the question's own language answers it, and some informative word of it is in no
                        # document of that language: the other languages' passages may answer it (the judge cannot
                        # check a word across languages, so a question that its own language's documents cover but do
                        # not answer is refused, not crossed)
                        crossed = self.analysed(question, filters, top_k or self.top_k, depth, cross=True)
                        again = answerer.assess(crossed)
                        if again is not None and not again.answer.refused:
                            asked, assessed = crossed, again
                    hits = asked.found()[1] if depth or asked.searched else []
                    return Traced(assessed.answer, hits, assessed.signals)
        raise RuntimeError("no answerer took the question")  # the extractive answerer takes every question

    def analysed(self, question: str, filters: Filters | None, top_k: int, depth: int = 0, cross: bool = False) -> Asked:
        aliases = self.acronyms.all()
        allowed = self.retriever.allowed_documents(filters)

        def search():
            probe = self.probe(question, cross)
            # keyword search also looks for each acronym's long form, and back ("CBRN" finds "chemical, ...")
            searched = expand(question, self.acronyms.expansions())
            return probe, self.retriever.retrieve(searched, probe, max(top_k, depth), allowed=allowed)

        return Asked(question, analyze(question, aliases), allowed, top_k, aliases, search)

    def probe(self, question: str, cross: bool = False) -> Probe:
        """The question's vectors: the main model's when it reads the question's language, the multilingual model's
        for the chunks it does not (index.bridge). A question in the main model's language is first searched among
        the passages of that language, as that model alone would; with `cross`, among the other languages' too. A
        question in another language is searched among all passages at once."""
        lang, bridge = language.detect(question), self.index.bridge
        if bridge is None:
            return Probe(lang, self.index.embedder.embed_query([question])[0])
        main = self.index.embedder.embed_query([question])[0] if lang == MAIN_LANGUAGE else None
        reach = LANGUAGES if cross or lang != MAIN_LANGUAGE else ()
        crossing = bridge.embedder.embed_query([question])[0] if reach else None
        return Probe(lang, main, crossing, reach, 1.0 if cross else FOREIGN)

    def _may_cross(self, asked: Asked) -> bool:
        """Whether a refused question may be asked again across languages: it was searched in its own language
        only, and some passage is in another."""
        bridge, probe = self.index.bridge, asked.found()[0]
        return bridge is not None and set(probe.reach) != set(LANGUAGES) and bridge.needed(probe.language)

    def statements(self, groups: frozenset[str] | None = None, **filters) -> list[dict]:
        """Statements across all documents that pass the filters (and that a caller with these access groups may
        see), near-duplicates collapsed, each cited."""
        self.index.refresh()
        with self.index.reading():
            allowed = self.retriever.allowed_documents(Filters(groups=groups))
            return list_statements(self.index, self.acronyms.expansions(), document_ids=allowed, **filters)

    def health(self, groups: frozenset[str] | None = None) -> dict:
        """Counts of the index questions are answered from; with access groups, of what they may see."""
        documents, chunks = self.index.counts() if groups is None else self.index.catalog.visible_counts(groups)
        return {"status": "ok", "documents": documents, "chunks": chunks}
