"""GET/POST /documents, GET/DELETE /documents/{id}: the documents a key may see, and, for admin keys, changing them.

Uploads and deletions are queued on the library's worker thread and awaited here, so the event loop and the
threads that answer questions never parse a file."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assistant.library import Fields, Library, Upload
from index.errors import Forbidden

from .keys import Caller
from .schemas import MAX_VALUE_CHARS, ErrorOut

_ERRORS = {"model": ErrorOut}
MAX_FILES = 20  # files of one upload request
DOCUMENT_ID = r"^[0-9a-f]{16}$"


class DocumentOut(BaseModel):
    id: str
    title: str
    type: str
    date: str | None
    source: str
    groups: list[str]
    chunks: int
    status: Literal["ready", "indexing"]
    size: int = Field(description="bytes of the file")
    indexed_at: str | None = Field(description="when it was last indexed (UTC, ISO 8601)")


class DocumentList(BaseModel):
    documents: list[DocumentOut]
    total: int
    offset: int
    limit: int


class DocumentText(DocumentOut):
    text: str = Field(description="the extracted text every citation's quote is found in")


class UploadResult(BaseModel):
    name: str = Field(description="the name the file is stored under (the client's, made safe)")
    id: str
    source: str
    status: Literal["added", "updated", "failed"]
    error: dict | None = None


class UploadReply(BaseModel):
    documents: list[UploadResult]


class Deleted(BaseModel):
    id: str
    source: str
    status: Literal["deleted"]


def _library(request: Request) -> Library:
    return request.app.state.library


def _caller(request: Request) -> Caller:
    return request.state.caller


LibraryDep = Annotated[Library, Depends(_library)]
CallerDep = Annotated[Caller, Depends(_caller)]


def visible_groups(caller: Caller) -> frozenset[str] | None:
    """What restricts this caller: None for an admin (or a server without keys), else the key's groups."""
    return None if caller.admin else caller.groups


def _admin(caller: Caller) -> None:
    if not caller.admin:
        raise Forbidden("only a key in the group admin may add or delete documents")


router = APIRouter()


@router.get("/documents", response_model=DocumentList, responses={401: _ERRORS, 422: _ERRORS})
def list_documents(
    library: LibraryDep, caller: CallerDep,
    type: Annotated[str | None, Query(max_length=MAX_VALUE_CHARS)] = None,
    group: Annotated[str | None, Query(max_length=64)] = None,
    status: Literal["ready", "indexing"] | None = None,
    q: Annotated[str | None, Query(max_length=MAX_VALUE_CHARS, description="words of the title or source")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict:
    """The documents this key may see, by source; filtered by type, group, status or words of title or source."""
    return library.list(visible_groups(caller), type=type, group=group, status=status, q=q, offset=offset,
                        limit=limit)


@router.get("/documents/{document_id}", response_model=DocumentText, responses={401: _ERRORS, 404: _ERRORS,
                                                                                  422: _ERRORS})
def read_document(library: LibraryDep, caller: CallerDep,
                  document_id: Annotated[str, Path(pattern=DOCUMENT_ID)]) -> dict:
    """A document's metadata and extracted text (a citation's quote is found in it); 404 when this key may not
    see it."""
    return library.get(document_id, visible_groups(caller))


@router.post("/documents", status_code=201, response_model=UploadReply, responses={
    400: _ERRORS, 401: _ERRORS, 403: _ERRORS, 413: _ERRORS, 415: _ERRORS, 422: _ERRORS, 503: _ERRORS})
async def create_documents(
    library: LibraryDep, caller: CallerDep,
    files: Annotated[list[UploadFile], File(min_length=1, max_length=MAX_FILES,
                                                  description="one or more files: .md, .txt, .html, .pdf, .docx")],
    title: Annotated[str | None, Form(max_length=MAX_VALUE_CHARS)] = None,
    type: Annotated[str | None, Form(max_length=100)] = None,
    date: Annotated[str | None, Form(max_length=40)] = None,
    groups: Annotated[str | None, Form(max_length=1000, description="access groups, comma-separated")] = None,
):
    """Adds each file, or replaces the document of the same name; admin keys only. Files are indexed in order,
    as `assistant ingest` indexes them, and are visible to the next question. A file that cannot be read changes
    nothing and is answered with its reason: the reply's status is then that of the first failure (4xx), with
    the error and every file's result."""
    _admin(caller)
    fields = Fields.of(title=title, type=type, date=date, groups=groups)
    uploads = [Upload(f.filename or "upload", f.file) for f in files]
    results = await asyncio.wrap_future(library.add(uploads, fields))
    statuses = [r.pop("http_status", None) for r in results]
    failed = [status for status in statuses if status]
    if failed:
        first = next(r for r in results if r["status"] == "failed")
        return JSONResponse({"error": first["error"], "documents": results}, status_code=failed[0])
    return {"documents": results}


@router.delete("/documents/{document_id}", response_model=Deleted, responses={
    401: _ERRORS, 403: _ERRORS, 404: _ERRORS, 422: _ERRORS, 503: _ERRORS})
async def delete_document(library: LibraryDep, caller: CallerDep,
                          document_id: Annotated[str, Path(pattern=DOCUMENT_ID)]) -> dict:
    """Removes the document and its chunks and statements; admin keys only. A document of documents/ comes back
    with the next `assistant ingest` unless its file is removed too."""
    _admin(caller)
    return await asyncio.wrap_future(library.remove(document_id))
