"""Domain errors, one module for the whole project: the API turns them into one JSON shape, the CLI into a message."""


class AssistantError(Exception):
    """Base of every error a caller can cause or should be told about."""

    code = "error"
    status = 400


class UnreadableFile(AssistantError):
    """A file could not be turned into text: corrupt, empty, binary, wrong encoding, unsupported."""

    code = "unreadable_file"


class PathNotFound(AssistantError):
    """A path given to ingest does not exist."""

    code = "path_not_found"
    status = 404


class InvalidRequest(AssistantError):
    """A request that is well-formed JSON but cannot be served (a bad date filter, an empty question)."""

    code = "invalid_request"


class NotFound(AssistantError):
    code = "not_found"
    status = 404


class IndexUnavailable(AssistantError):
    """The index cannot be reached (Chroma server down) or has not been built."""

    code = "index_unavailable"
    status = 503


class Unsupported(AssistantError):
    """A feature of the contract that this version does not offer yet (streaming)."""

    code = "not_implemented"
    status = 501


class Forbidden(AssistantError):
    """The caller's key may not do this (only an admin key uploads and deletes documents)."""

    code = "forbidden"
    status = 403


class TooLarge(AssistantError):
    """An uploaded file over the upload limit."""

    code = "too_large"
    status = 413


class UnsupportedType(AssistantError):
    """An uploaded file whose name or content is not a type the loaders read (or the two disagree)."""

    code = "unsupported_type"
    status = 415


class IndexBusy(AssistantError):
    """Another writer (an `assistant ingest`, or the server's upload worker) holds the index's write lock."""

    code = "index_busy"
    status = 503
