"""Request and reply bodies of the HTTP API (the Answer object of the spec).

The schema is the whole rule: whatever it allows is served (2xx, or 404 for a conversation that is not the
caller's), and everything else is refused with 422 before any work. Lists and strings are bounded here."""

from __future__ import annotations

import calendar
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, model_validator

from assistant.answer import Citation
from assistant.service import MAX_QUESTION_CHARS

MAX_FILTER_VALUES = 100  # values of one filter (types, sources, kinds, organisations)
MAX_VALUE_CHARS = 500  # characters of one filter value
MAX_MESSAGES = 200  # messages of one /v1/chat/completions request
MAX_CONTEXT_CHARS = 20_000  # characters of one earlier (system, assistant, tool) message
# YYYY, YYYY-MM or YYYY-MM-DD; a day past the end of its month counts as the month's last day
DATE_PATTERN = r"^[1-9][0-9]{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
QUESTION_PATTERN = r"\S"  # not only white space


def clamp_day(value: str | None) -> str | None:
    if value is None or len(value) < 10:
        return value
    year, month, day = int(value[:4]), int(value[5:7]), int(value[8:10])
    return f"{value[:8]}{min(day, calendar.monthrange(year, month)[1]):02d}"


DateBound = Annotated[
    str, Field(pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD, inclusive"), AfterValidator(clamp_day)
]
Value = Annotated[str, Field(min_length=1, max_length=MAX_VALUE_CHARS)]
Values = Union[Value, Annotated[list[Value], Field(max_length=MAX_FILTER_VALUES)]]
Question = Annotated[str, Field(min_length=1, max_length=MAX_QUESTION_CHARS, pattern=QUESTION_PATTERN)]


class ChatFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Values | None = Field(None, description="document type(s), e.g. news or meeting-notes")
    since: DateBound | None = None
    until: DateBound | None = None
    source: Values | None = Field(None, description="a document path or a folder of them")


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: Question
    conversation_id: str | None = Field(
        None, max_length=200, description="the id of an earlier reply to this key; an unknown one is 404"
    )
    filters: ChatFilters | None = None
    stream: StrictBool = False


class TextPart(BaseModel):
    type: Literal["text"]
    text: Question


class UserMessage(BaseModel):
    """The last user message is the question: at most MAX_QUESTION_CHARS, in one string or one text part."""

    model_config = ConfigDict(extra="allow")

    role: Literal["user"]
    content: Question | Annotated[list[TextPart], Field(min_length=1, max_length=1)]


class ContextMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "assistant", "tool"]
    content: Annotated[str, Field(max_length=MAX_CONTEXT_CHARS)] | Annotated[
        list[dict], Field(max_length=MAX_MESSAGES)] | None = None


CompletionMessage = Annotated[Union[UserMessage, ContextMessage], Field(discriminator="role")]


class CompletionRequest(BaseModel):
    """OpenAI chat completions; sampling options are accepted and ignored (answers are extractive). At least one
    message is the user's."""

    model_config = ConfigDict(extra="allow", json_schema_extra=lambda schema: schema["properties"]["messages"].update(
        contains={"type": "object", "properties": {"role": {"const": "user"}}, "required": ["role"]}))

    model: str | None = None
    messages: list[CompletionMessage] = Field(..., min_length=1, max_length=MAX_MESSAGES)
    stream: StrictBool = False

    @model_validator(mode="after")
    def _has_a_user_message(self):
        if not any(isinstance(m, UserMessage) for m in self.messages):
            raise ValueError("messages: at least one message must be the user's")
        return self


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
