"""The FastAPI app factory: models loaded once at start-up, one JSON error shape for every error."""

from __future__ import annotations

import hmac
import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Sequence

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.retrieve import Filters
from assistant.service import Assistant
from assistant.settings import Settings
from index.errors import AssistantError

from . import openai_compat, stream
from .schemas import AnswerOut, ChatRequest, CompletionRequest, ErrorOut, Health

log = logging.getLogger("assistant.api")
STATIC = Path(__file__).parent / "static"
_ERRORS = {"model": ErrorOut}


def _assistant(request: Request) -> Assistant:
    return request.app.state.assistant


AssistantDep = Annotated[Assistant, Depends(_assistant)]


def create_app(
    settings: Settings | None = None, assistant: Assistant | None = None, api_keys: Sequence[str] | None = None
) -> FastAPI:
    """The app; pass `assistant` to share one already built (tests), else it is built from `settings` at start-up.
    API keys come from `settings` unless given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.assistant = assistant or Assistant.from_settings(settings or Settings())
        app.state.assistant.warm_up()
        yield

    app = FastAPI(title="Partnership Assistant", version="0.1.0", lifespan=lifespan)
    app.state.lock = threading.Lock()  # the answerer's sentence cache is not thread-safe
    _add_error_handlers(app)
    keys = (settings or Settings()).api_key_list if api_keys is None else tuple(api_keys)
    if keys:
        _require_api_keys(app, keys)
    @app.get("/health", response_model=Health)
    def read_health(assistant: AssistantDep) -> dict:
        return assistant.health()

    @app.post("/chat", response_model=AnswerOut, responses={400: _ERRORS, 401: _ERRORS, 422: _ERRORS})
    def create_chat_answer(body: ChatRequest, request: Request, assistant: AssistantDep):
        """The Answer object; with `"stream": true` or `Accept: text/event-stream`, server-sent events:
        `delta` events with the answer text as it is written, then `citations`, then `done` with the whole object."""
        f = body.filters
        filters = Filters.of(type=f.type, since=f.since, until=f.until, source=f.source) if f else None
        with request.app.state.lock:
            reply = assistant.chat(body.message, body.conversation_id, filters)
        whole = {**reply.answer.to_dict(), "conversation_id": reply.conversation_id}
        if body.stream or "text/event-stream" in request.headers.get("accept", ""):
            return StreamingResponse(stream.chat_events(reply.answer, whole), media_type="text/event-stream",
                                     headers=stream.SSE_HEADERS)
        return whole

    @app.get("/statements", responses={400: _ERRORS, 401: _ERRORS})
    def list_statements(
        request: Request, assistant: AssistantDep, kind: Annotated[list[str] | None, Query()] = None,
        organisation: Annotated[list[str] | None, Query()] = None, topic: str | None = None,
        since: str | None = None, until: str | None = None,
    ) -> dict:
        """Statements across all documents (agreed, proposed, requested, planned, reported), filtered,
        near-duplicates collapsed, each with its citation."""
        with request.app.state.lock:
            items = assistant.statements(kind=kind, organisation=organisation, topic=topic, since=since, until=until)
        return {"statements": items}

    @app.get("/v1/models", responses={401: _ERRORS})
    def list_models() -> dict:
        return openai_compat.models()

    @app.post("/v1/chat/completions", responses={400: _ERRORS, 401: _ERRORS, 422: _ERRORS})
    def create_chat_completion(body: CompletionRequest, request: Request, assistant: AssistantDep):
        """OpenAI-compatible: the last user message is the question, earlier messages the conversation."""
        question, history = openai_compat.question_and_history(body.messages)
        with request.app.state.lock:
            reply = assistant.chat(question, history=history)
        if body.stream:
            return StreamingResponse(openai_compat.completion_chunks(reply.answer), media_type="text/event-stream",
                                     headers=stream.SSE_HEADERS)
        return openai_compat.completion(reply.answer)

    @app.get("/", include_in_schema=False)
    def read_page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    return app



OPEN_PATHS = ("/health",)


def _require_api_keys(app: FastAPI, keys: tuple[str, ...]) -> None:
    """Every path but /health needs `Authorization: Bearer KEY`, compared in constant time with each key."""
    encoded = [key.encode("utf-8") for key in keys]

    @app.middleware("http")
    async def check_api_key(request: Request, call_next):
        if request.url.path in OPEN_PATHS:
            return await call_next(request)
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        given_bytes = given.strip().encode("utf-8")
        # compare with every key, so that the time taken does not tell which one nearly matched
        matches = [hmac.compare_digest(given_bytes, key) for key in encoded]
        if scheme.lower() != "bearer" or not any(matches):
            response = _error(401, "unauthorized", "a valid API key is needed: Authorization: Bearer <key>")
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        return await call_next(request)


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AssistantError)
    async def on_domain_error(request: Request, error: AssistantError):
        return _error(error.status, error.code, str(error))

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, error: RequestValidationError):
        problems = []
        for item in error.errors():
            where = ".".join(str(part) for part in item.get("loc", ()) if part != "body") or "body"
            problems.append(f"{where}: {item.get('msg', 'invalid')}")
        return _error(422, "invalid_request", "; ".join(problems) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, error: StarletteHTTPException):
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 400: "bad_request"}
        message = error.detail if isinstance(error.detail, str) else "request failed"
        return _error(error.status_code, codes.get(error.status_code, "http_error"), message)

    @app.exception_handler(Exception)
    async def on_unexpected_error(request: Request, error: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(500, "internal_error", "the server failed to answer; the error was logged")


__all__ = ["create_app"]
