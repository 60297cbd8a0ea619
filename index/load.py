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
from .errors import UnreadableFile


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


def load_text(data: bytes) -> Extracted:
    return Extracted(_normalize(decode(data)))


def load_markdown(data: bytes) -> Extracted:
    text = _normalize(decode(data))
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

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
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
            self.parts.append(data)


def load_html(data: bytes) -> Extracted:
    parser = _VisibleText()
    parser.feed(decode(data))
    parser.close()
    lines = (re.sub(r"[ \t\f\v\xa0]+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return Extracted("\n".join(line for line in lines if line), parser.meta)


def load_pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnreadableFile("encrypted PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or ""
    except UnreadableFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as error:
        raise UnreadableFile(f"corrupt PDF: {error}") from None
    text = _normalize("\n\n".join(page.strip() for page in pages if page.strip()))
    if not text.strip():
        raise UnreadableFile("PDF has no extractable text (a scan needs OCR first)")
    return Extracted(text, {"title": title} if title else {})


def load_docx(data: bytes) -> Extracted:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
        raise UnreadableFile(f"corrupt DOCX: {error}") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    title = document.core_properties.title or ""
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


def read_document(path: Path, source: str, data: bytes | None = None) -> Document:
    """Load one file as a Document; `source` is its path under the ingested root (prefixed with the root's name)."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise UnreadableFile(f"unsupported file type {path.suffix or '(none)'}")
    data = path.read_bytes() if data is None else data
    if not data.strip():
        raise UnreadableFile("empty file")
    extracted = loader(data)
    if not extracted.text.strip():
        raise UnreadableFile("no text in the file")
    meta = dict(extracted.meta)
    title = str(meta.pop("title", "") or "").strip() or _title_from_text(extracted.text) or path.stem
    kind = str(meta.pop("type", "") or "document").strip()
    date = normalize_date(meta.pop("date", None)) or find_date(extracted.text)
    return Document(
        id=document_id(source),
        source=source,
        text=extracted.text,
        title=title,
        type=kind,
        date=date,
        sha256=hashlib.sha256(data).hexdigest(),
        meta=_plain(meta),
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
