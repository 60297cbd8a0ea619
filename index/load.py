"""Loaders: bytes of a file -> extracted text and metadata. One function per format, chosen by suffix.

A file that cannot be read raises UnreadableFile with a reason a person can act on.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from .dates import find_date, normalize_date
from .document import Document, document_id
from .errors import InvalidRequest, UnreadableFile
from .groups import parse_groups


@dataclass(frozen=True)
class Limits:
    """What one file may cost: its size on disk, what a DOCX unpacks to, the characters extracted from it.
    A file over a limit is reported with the limit's setting and skipped, before it can take the memory."""

    file_bytes: int = 50 * 2**20  # ASSISTANT_MAX_FILE_MB
    unpacked_bytes: int = 100 * 2**20  # ASSISTANT_MAX_UNPACKED_MB
    chars: int = 5_000_000  # ASSISTANT_MAX_CHARS


DEFAULT_LIMITS = Limits()


def _mb(size: int) -> str:
    return f"{size / 2**20:.4g} MB"


def _too_many_chars(limits: Limits) -> UnreadableFile:
    return UnreadableFile(f"more than {limits.chars:,} characters of text, over the limit (ASSISTANT_MAX_CHARS)")


def check_size(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuses a file over the size limit before anything reads it."""
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise UnreadableFile(f"{_mb(size)}, over the {_mb(limits.file_bytes)} limit (ASSISTANT_MAX_FILE_MB)")


def read_bounded(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of a file no larger than the limit; a larger one is refused before it is read."""
    check_size(path, limits)
    with open(path, "rb") as file:
        data = file.read(limits.file_bytes + 1)
    if len(data) > limits.file_bytes:  # grew while being read
        raise UnreadableFile(f"over the {_mb(limits.file_bytes)} limit (ASSISTANT_MAX_FILE_MB)")
    return data


@dataclass
class Extracted:
    text: str
    meta: dict = field(default_factory=dict)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


def decode(data: bytes) -> str:
    """Text of a file that claims to be text; refuses binary data and unknown encodings."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise UnreadableFile(f"invalid UTF-16 text: {error.reason}") from None
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); save it as UTF-8"
        ) from None


def _normalize(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decoded(data: bytes, limits: Limits) -> str:
    text = _normalize(decode(data))
    if len(text) > limits.chars:
        raise _too_many_chars(limits)
    return text


def load_text(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    return Extracted(_decoded(data, limits))


def load_markdown(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    text = _decoded(data, limits)
    match = _FRONT_MATTER.match(text)
    if not match:
        return Extracted(text)
    try:
        meta = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as error:
        raise UnreadableFile(f"invalid YAML front matter: {str(error).splitlines()[0]}") from None
    if not isinstance(meta, dict):
        raise UnreadableFile("front matter is not a mapping of keys to values")
    return Extracted(text[match.end():], {str(k): v for k, v in meta.items()})


class _VisibleText(HTMLParser):
    _HIDDEN = {"script", "style", "noscript", "template", "svg", "head"}
    _BLOCK = {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
        "article", "header", "footer", "blockquote", "pre", "hr", "dt", "dd", "figcaption", "main", "nav",
    }

    def __init__(self, max_chars: int) -> None:
        super().__init__(convert_charrefs=True)
        self.max_chars, self.chars = max_chars, 0
        self.parts: list[str] = []
        self.meta: dict = {}
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            name = (attributes.get("name") or attributes.get("property") or "").lower()
            if name in {"date", "article:published_time", "dc.date"} and attributes.get("content"):
                self.meta.setdefault("date", attributes["content"][:10])
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.meta["title"] = (self.meta.get("title", "") + data).strip()
        elif not self._hidden:
            self.chars += len(data)
            self.parts.append(data)


def load_html(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """Visible text; fed in pieces, so that text over the limit stops the parse early (deep nesting costs nothing:
    the parser keeps counters, not a tree)."""
    parser, text, piece = _VisibleText(limits.chars), decode(data), 1 << 20
    for start in range(0, len(text), piece):
        parser.feed(text[start:start + piece])
        if parser.chars + len(parser.parts) > limits.chars:
            raise _too_many_chars(limits)
    parser.close()
    lines = (re.sub(r"[ \t\f\v\xa0]+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return Extracted("\n".join(line for line in lines if line), parser.meta)


def load_pdf(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnreadableFile("encrypted PDF")
        pages, chars = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            chars += len(pages[-1])
            if chars > limits.chars:
                raise _too_many_chars(limits)
        title = (reader.metadata.title if reader.metadata else None) or ""
    except UnreadableFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError, RecursionError,
            AssertionError, ZeroDivisionError) as error:
        raise UnreadableFile(f"corrupt PDF: {error or type(error).__name__}") from None
    text = _normalize("\n\n".join(page.strip() for page in pages if page.strip()))
    if not text.strip():
        raise UnreadableFile("PDF has no extractable text (a scan needs OCR first)")
    return Extracted(text, {"title": title} if title else {})


def load_docx(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """Paragraphs and table rows. The archive's declared sizes are checked first (reading never inflates a part
    beyond its declared size), so a small file that unpacks to gigabytes is refused unread."""
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > limits.unpacked_bytes:
            raise UnreadableFile(
                f"unpacks to {_mb(unpacked)}, over the {_mb(limits.unpacked_bytes)} limit (ASSISTANT_MAX_UNPACKED_MB)"
            )
        document = docx.Document(io.BytesIO(data))
        lines, chars = [], 0
        for paragraph in document.paragraphs:
            lines.append(paragraph.text)
            chars += len(lines[-1])
            if chars > limits.chars:
                raise _too_many_chars(limits)
        for table in document.tables:
            for row in table.rows:
                lines.append(" | ".join(cell.text.strip() for cell in row.cells))
                chars += len(lines[-1])
                if chars > limits.chars:
                    raise _too_many_chars(limits)
        title = document.core_properties.title or ""
    except UnreadableFile:
        raise
    # zipfile raises NotImplementedError for a compression method it cannot read: a file we cannot read, not a gap
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, LxmlError, OSError, EOFError,
            NotImplementedError) as error:
        raise UnreadableFile(f"corrupt DOCX: {error or type(error).__name__}") from None
    return Extracted(_normalize("\n".join(line for line in lines if line.strip())), {"title": title} if title else {})


LOADERS = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".text": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in LOADERS


def read_document(path: Path, source: str, data: bytes | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Load one file as a Document; `source` is its path under the ingested root (prefixed with the root's name)."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise UnreadableFile(f"unsupported file type {path.suffix or '(none)'}")
    data = read_bounded(path, limits) if data is None else data
    if not data.strip():
        raise UnreadableFile("empty file")
    extracted = loader(data, limits)
    if not extracted.text.strip():
        raise UnreadableFile("no text in the file")
    meta = dict(extracted.meta)
    title = str(meta.pop("title", "") or "").strip() or _title_from_text(extracted.text) or path.stem
    kind = str(meta.pop("type", "") or "document").strip()
    date = normalize_date(meta.pop("date", None)) or find_date(extracted.text)
    if "groups" in meta:  # who may see the document (index.groups): refused whole rather than read wrongly
        try:
            meta["groups"] = list(parse_groups(meta["groups"]))
        except InvalidRequest as error:
            raise UnreadableFile(f"front matter groups: {error}") from None
    return Document(
        id=document_id(source),
        source=source,
        text=extracted.text,
        title=title,
        type=kind,
        date=date,
        sha256=hashlib.sha256(data).hexdigest(),
        meta=_plain(meta),
        size=len(data),
    )


def _title_from_text(text: str) -> str:
    for line in text.split("\n"):
        line = line.strip().lstrip("#").strip()
        if line:
            return line if len(line) <= 150 else ""
    return ""


def _plain(value):
    """Front matter as JSON-safe values (YAML dates become ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
