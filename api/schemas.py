"""Request and reply bodies of the HTTP API (the Answer object of the spec)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.answer import Citation


class ChatFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str | list[str] | None = Field(None, description="document type(s), e.g. news or meeting-notes")
    since: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD, inclusive")
    until: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD, inclusive")
    source: str | list[str] | None = Field(None, description="a document path or a folder of them")


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(..., min_length=1, max_length=2000)
    conversation_id: str | None = Field(None, max_length=200)
    filters: ChatFilters | None = None
    stream: bool = False


class CompletionMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict] | None = None


class CompletionRequest(BaseModel):
    """OpenAI chat completions; sampling options are accepted and ignored (answers are extractive)."""

    model_config = ConfigDict(extra="allow")

    model: str | None = None
    messages: list[CompletionMessage] = Field(..., min_length=1, max_length=200)
    stream: bool = False


class AnswerOut(BaseModel):
    answer: str
    refused: bool
    citations: list[Citation]  # the domain dataclass: one definition of a citation's fields
    conversation_id: str


class Health(BaseModel):
    status: str
    documents: int
    chunks: int


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
