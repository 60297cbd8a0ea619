"""The FastAPI app factory: models loaded once at start-up, one JSON error shape for every error.

Questions are answered concurrently on the server's thread pool (the assistant and its index are shared and
read-only between ingests); `/health` runs on the event loop, outside that pool, so it never waits for one."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from contextlib import asynccontextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Literal, Sequence

from fastapi import Depends, FastAPI, Query, Request
from fastapi.routing import APIRoute
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from limits import parse as parse_rate
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.assemble import assemble
from assistant.library import Library
from assistant.retrieve import Filters
from assistant.service import Assistant
from assistant.settings import Settings
from index.errors import AssistantError
from index.statements import KINDS

from . import documents, openai_compat, stream
from .documents import CallerDep, visible_groups
from .keys import OPEN, PUBLIC, KeyRing
from .schemas import (
    DATE_PATTERN,
    MAX_FILTER_VALUES,
    MAX_VALUE_CHARS,
    AnswerOut,
    ChatRequest,
    CompletionRequest,
    ErrorOut,
    Health,
    clamp_day,
)

log = logging.getLogger("assistant.api")
access_log = logging.getLogger("assistant.access")
STATIC = Path(__file__).parent / "static"
_ERRORS = {"model": ErrorOut}
REFRESH_SECONDS = 2.0  # how often an idle server looks for another process's ingest


def _sse(events: list[str], data: str) -> dict:
    """The OpenAPI declaration of a text/event-stream reply: the schema of each event."""
    return {"text/event-stream": {"schema": {
        "type": "object", "required": ["data"], "description": data,
        "properties": {"event": {"type": "string", "enum": events}, "data": {"type": "string"}}}}}


def serving(settings: Settings) -> Settings:
    """The settings a server runs with: one torch thread per request unless ASSISTANT_THREADS says otherwise. Requests
    run concurrently, and a question is one short embedding: measured at 10k chunks (benchmarks/scale.py), one
    thread gives p50 24 ms and 39 requests/s with 8 clients, torch's default of a thread per core 34 ms and 33/s."""
    return settings if settings.threads else settings.model_copy(update={"threads": 1})


def _assistant(request: Request) -> Assistant:
    return request.app.state.assistant


AssistantDep = Annotated[Assistant, Depends(_assistant)]


def _owner(request: Request) -> str:
    """Whose conversations these are: a digest of the caller's API key, or "" when the server has no keys."""
    if not request.app.state.keys:
        return ""
    # a digest of the key, not its id: conversations begun before keys had ids stay their owners'
    given = request.headers.get("authorization", "").partition(" ")[2].strip()
    return hashlib.sha256(given.encode("utf-8")).hexdigest()[:32]


def create_app(
    settings: Settings | None = None, assistant: Assistant | None = None, api_keys: Sequence[str] | None = None
) -> FastAPI:
    """The app; pass `assistant` to share one already built (tests), else it is built from `settings` at start-up.
    API keys come from `settings` unless given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.assistant = assistant or assemble(serving(settings or Settings()))
        app.state.assistant.warm_up()
        app.state.library = Library(app.state.assistant.index, max_upload_bytes=int(resolved.max_upload_mb * 2**20),
                                    on_change=lambda: _refresh_when_idle(app))
        watcher = asyncio.create_task(_keep_fresh(app))
        yield
        watcher.cancel()
        with suppress(asyncio.CancelledError):
            await watcher
        app.state.library.close()

    app = FastAPI(title="Partnership Assistant", version="0.1.0", lifespan=lifespan,
                  responses={429: {"model": ErrorOut, "description": "over the key's rate limit"}})
    _add_error_handlers(app)
    resolved = settings or Settings()
    keys = (KeyRing.parse(resolved.api_keys, resolved.api_keys_file) if api_keys is None
            else KeyRing.parse(",".join(api_keys)))
    app.state.keys = keys
    _guard(app, keys, parse_rate(resolved.rate_limit) if resolved.rate_limit.strip() else None)
    upload_bytes = int(resolved.max_upload_mb * 2**20) + 64 * 1024  # the form's own fields and boundaries
    app.add_middleware(BodyLimit, max_bytes=resolved.max_body_kb * 1024, larger={"/documents": upload_bytes})
    origins = [o.strip() for o in resolved.cors_origins.split(",") if o.strip()]
    if origins:  # outermost, so that a refused request still carries the headers a browser needs to read it
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"])
    app.include_router(documents.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/health", response_model=Health)
    async def read_health(request: Request, caller: CallerDep) -> dict:
        """Counts of the index questions are answered from, of the documents the key (if any) may see; on the
        event loop, so it never waits for a question."""
        return request.app.state.assistant.health(visible_groups(caller))

    @app.post("/chat", response_model=AnswerOut, responses={
        200: {"content": _sse(["delta", "citations", "done"], "JSON: {text}, then {citations, refused}, then the "
                              "whole Answer object with conversation_id")},
        400: _ERRORS, 401: _ERRORS, 404: _ERRORS, 413: _ERRORS, 422: _ERRORS})
    def create_chat_answer(body: ChatRequest, request: Request, assistant: AssistantDep, caller: CallerDep):
        """The Answer object; with `"stream": true` or `Accept: text/event-stream`, server-sent events:
        `delta` events with the answer text as it is written, then `citations`, then `done` with the whole object.
        A `conversation_id` continues a conversation this key began; any other is 404."""
        f = body.filters
        filters = Filters.of(type=f.type, since=f.since, until=f.until, source=f.source) if f else Filters()
        filters = replace(filters, groups=visible_groups(caller))
        reply = assistant.chat(body.message, body.conversation_id, filters, owner=_owner(request))
        whole = {**reply.answer.to_dict(), "conversation_id": reply.conversation_id}
        if body.stream or "text/event-stream" in request.headers.get("accept", ""):
            return StreamingResponse(stream.chat_events(reply.answer, whole), media_type="text/event-stream",
                                     headers=stream.SSE_HEADERS)
        return whole

    @app.get("/statements", responses={401: _ERRORS, 422: _ERRORS})
    def list_statements(
        request: Request, assistant: AssistantDep, caller: CallerDep,
        kind: Annotated[list[Literal[KINDS]] | None, Query(max_length=MAX_FILTER_VALUES)] = None,
        organisation: Annotated[list[Annotated[str, Query(max_length=MAX_VALUE_CHARS)]] | None,
                                Query(max_length=MAX_FILTER_VALUES)] = None,
        topic: Annotated[str | None, Query(max_length=MAX_VALUE_CHARS)] = None,
        since: Annotated[str | None, Query(pattern=DATE_PATTERN)] = None,
        until: Annotated[str | None, Query(pattern=DATE_PATTERN)] = None,
    ) -> dict:
        """Statements across all documents (agreed, proposed, requested, planned, reported), filtered,
        near-duplicates collapsed, each with its citation."""
        items = assistant.statements(visible_groups(caller), kind=kind, organisation=organisation,
                                     topic=topic or None, since=clamp_day(since), until=clamp_day(until))
        return {"statements": items}

    @app.get("/v1/models", responses={401: _ERRORS})
    def list_models() -> dict:
        return openai_compat.models()

    @app.post("/v1/chat/completions", responses={
        200: {"content": _sse(["message"], "a chat.completion.chunk as JSON, then [DONE]")},
        400: _ERRORS, 401: _ERRORS, 413: _ERRORS, 422: _ERRORS})
    def create_chat_completion(body: CompletionRequest, request: Request, assistant: AssistantDep,
                               caller: CallerDep):
        """OpenAI-compatible: the last user message is the question, earlier messages the conversation."""
        question, history = openai_compat.question_and_history(body.messages)
        reply = assistant.chat(question, filters=Filters(groups=visible_groups(caller)), history=history)
        if body.stream:
            return StreamingResponse(openai_compat.completion_chunks(reply.answer), media_type="text/event-stream",
                                     headers=stream.SSE_HEADERS)
        return openai_compat.completion(reply.answer)

    @app.get("/", include_in_schema=False)
    def read_page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    return app


async def _keep_fresh(app: FastAPI) -> None:
    """Between questions, notice another process's ingest, so that /health counts follow it; a question notices
    it itself before it is answered."""
    while True:
        await asyncio.sleep(REFRESH_SECONDS)
        await asyncio.to_thread(_refresh_when_idle, app)


def _refresh_when_idle(app: FastAPI) -> None:
    try:
        app.state.assistant.index.refresh()  # waits for the questions under way only if there is something new
    except Exception:  # noqa: BLE001 - the next question reports it; the watcher goes on
        log.warning("could not refresh the index", exc_info=True)


class BodyLimit:
    """Refuses a request body over `max_bytes` with 413 before the app reads it: by its Content-Length, or, for a
    chunked body, once that many bytes have arrived."""

    def __init__(self, app, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app, self.max_bytes, self.larger = app, max_bytes, larger or {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.larger.get(scope["path"], self.max_bytes) if scope["method"] == "POST" else self.max_bytes
        return await self._limited(scope, receive, send, limit)

    async def _limited(self, scope, receive, send, limit: int):
        too_large = _error(413, "too_large", f"the request body is over {limit // 1024} KB")
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                return await too_large(scope, receive, send)
            return await self.app(scope, receive, send)
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        messages, size = [], 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > limit:
                return await too_large(scope, receive, send)
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        async def replay():
            return messages.pop(0) if messages else await receive()

        return await self.app(scope, replay, send)


def _is_open(path: str) -> bool:
    """The page and its static files hold no data: served without a key. /health answers every caller (with counts
    of the documents its key, or no key, may see)."""
    return path in ("/", "/health") or path.startswith("/static/")


def _guard(app: FastAPI, keys: KeyRing, rate=None) -> None:
    """Finds the caller of every request (its key's id and groups), refuses a missing or wrong key with 401 where
    one is needed, and a caller over the rate limit (per key; per address without one) with 429; writes one access
    log line a request: method, path, status, milliseconds, key id."""
    limiter = MovingWindowRateLimiter(MemoryStorage())

    @app.middleware("http")
    async def guard(request: Request, call_next):
        started = time.perf_counter()
        caller = OPEN
        if keys:
            caller = keys.identify(request.headers.get("authorization", ""))
        if caller is None and request.url.path == "/health":
            caller = PUBLIC
        if caller is None and not _is_open(request.url.path):
            response = _error(401, "unauthorized", "a valid API key is needed: Authorization: Bearer <key>")
            response.headers["WWW-Authenticate"] = "Bearer"
        elif rate is not None and not _is_open(request.url.path) and not limiter.hit(rate, _rate_key(request, caller)):
            response = _error(429, "rate_limited", f"over the rate limit of {rate}; try again shortly")
            response.headers["Retry-After"] = str(rate.get_expiry())
        else:
            request.state.caller = caller or PUBLIC
            response = await call_next(request)
        access_log.info(json.dumps({
            "method": request.method, "path": request.url.path, "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1), "key": caller.id if caller else None,
        }))
        return response


def _rate_key(request: Request, caller) -> str:
    """Whose requests count together: a key's, or, without keys, an address's."""
    if caller is not None and caller is not OPEN and caller is not PUBLIC:
        return f"key:{caller.id}"
    return f"address:{request.client.host if request.client else ''}"


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _methods(request: Request) -> list[str]:
    """The methods some route of the app serves at this request's path."""
    methods: set[str] = set()
    for route in request.app.routes:
        if isinstance(route, APIRoute) and route.path_regex.match(request.url.path):
            methods |= route.methods or set()
    return sorted(methods)


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
        response = _error(error.status_code, codes.get(error.status_code, "http_error"), message)
        response.headers.update(error.headers or {})  # Allow on 405, WWW-Authenticate on 401
        if error.status_code == 405:  # every method of the path, not only those of the first route that matched it
            response.headers["Allow"] = ", ".join(_methods(request))
        return response

    @app.exception_handler(Exception)
    async def on_unexpected_error(request: Request, error: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(500, "internal_error", "the server failed to answer; the error was logged")


__all__ = ["create_app"]
