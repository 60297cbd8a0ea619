"""Unit tests for index.load: each format's text and metadata, and clear refusals of unreadable files."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from index.document import document_id
from index.errors import UnreadableFile
from index.load import is_supported, read_document

MARKDOWN = """---
title: Flood response update
type: news
date: 2025-11-16
participants:
  - Amina Diallo
  - John Smith
---
# Ignored heading title

The volunteers distributed blankets after the floods.
"""


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def make_pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


# --- Markdown -------------------------------------------------------------------------------------------------


def test_markdown_front_matter_title(tmp_path):
    """The front matter's title wins over the first heading."""
    doc = read_document(write(tmp_path, "a.md", MARKDOWN), "docs/a.md")
    assert doc.title == "Flood response update"


def test_markdown_front_matter_type(tmp_path):
    """The front matter's type becomes the document type."""
    doc = read_document(write(tmp_path, "a.md", MARKDOWN), "docs/a.md")
    assert doc.type == "news"


def test_markdown_front_matter_date_is_iso(tmp_path):
    """A YAML date in front matter becomes an ISO string."""
    doc = read_document(write(tmp_path, "a.md", MARKDOWN), "docs/a.md")
    assert doc.date == "2025-11-16"


def test_markdown_other_front_matter_kept_in_meta(tmp_path):
    """Keys other than title/type/date are kept in meta."""
    doc = read_document(write(tmp_path, "a.md", MARKDOWN), "docs/a.md")
    assert doc.meta == {"participants": ["Amina Diallo", "John Smith"]}


def test_markdown_text_excludes_front_matter(tmp_path):
    """The extracted text starts right after the front matter, so offsets refer to the body."""
    doc = read_document(write(tmp_path, "a.md", MARKDOWN), "docs/a.md")
    assert doc.text.startswith("# Ignored heading title\n")
    assert "participants" not in doc.text and "---" not in doc.text
    start = doc.text.index("The volunteers")
    assert doc.text[start:start + 14] == "The volunteers"


def test_markdown_id_and_source(tmp_path):
    """The document id derives from the source path, and the sha256 from the bytes."""
    import hashlib

    path = write(tmp_path, "a.md", MARKDOWN)
    doc = read_document(path, "docs/a.md")
    assert doc.source == "docs/a.md"
    assert doc.id == document_id("docs/a.md")
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_markdown_without_front_matter_uses_heading_as_title(tmp_path):
    """Without front matter the first heading (without '#') is the title and type defaults to 'document'."""
    doc = read_document(write(tmp_path, "b.md", "# Weekly notes\n\nSome body text.\n"), "docs/b.md")
    assert doc.title == "Weekly notes"
    assert doc.type == "document"


def test_markdown_crlf_normalized(tmp_path):
    """Windows line endings become plain newlines."""
    doc = read_document(write(tmp_path, "c.md", b"# Title\r\n\r\nLine one.\r\nLine two.\r\n"), "docs/c.md")
    assert "\r" not in doc.text
    assert doc.text == "# Title\n\nLine one.\nLine two.\n"


def test_markdown_invalid_yaml_front_matter(tmp_path):
    """Broken YAML in front matter is refused with a reason that names the front matter."""
    path = write(tmp_path, "bad.md", "---\ntitle: [unclosed\ndate: : :\n---\nBody text.\n")
    with pytest.raises(UnreadableFile, match="invalid YAML front matter"):
        read_document(path, "docs/bad.md")


def test_markdown_front_matter_not_a_mapping(tmp_path):
    """Front matter that is a list rather than a mapping is refused."""
    path = write(tmp_path, "list.md", "---\n- one\n- two\n---\nBody text.\n")
    with pytest.raises(UnreadableFile, match="mapping"):
        read_document(path, "docs/list.md")


# --- Plain text -----------------------------------------------------------------------------------------------


def test_text_title_from_first_line(tmp_path):
    """A plain text's title is its first non-empty line."""
    path = write(tmp_path, "notes.txt", "\n\nLogistics overview\n\nWarehouses hold medical kits.\n")
    doc = read_document(path, "docs/notes.txt")
    assert doc.title == "Logistics overview"


def test_text_long_first_line_falls_back_to_file_stem(tmp_path):
    """A first line too long to be a title gives way to the file name."""
    path = write(tmp_path, "field-notes.txt", "word " * 60 + "\nMore text.\n")
    doc = read_document(path, "docs/field-notes.txt")
    assert doc.title == "field-notes"


def test_text_date_stated_in_text(tmp_path):
    """A date written in the text becomes the document date."""
    path = write(tmp_path, "minutes.txt", "Board minutes\n\nThe board met on 16 November 2025 in Geneva.\n")
    doc = read_document(path, "docs/minutes.txt")
    assert doc.date == "2025-11-16"


def test_text_date_never_from_mtime(tmp_path):
    """A text without dates has no date, whatever the file's modification time."""
    path = write(tmp_path, "undated.txt", "Undated memo\n\nNo date appears anywhere in this memo.\n")
    old = 946684800  # 2000-01-01
    os.utime(path, (old, old))
    doc = read_document(path, "docs/undated.txt")
    assert doc.date is None


def test_text_utf8_bom_is_stripped(tmp_path):
    """A UTF-8 byte order mark does not end up in the text."""
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbfCaf\xc3\xa9 notes\nBody.\n")
    doc = read_document(path, "docs/bom.txt")
    assert doc.text.startswith("Café notes")


def test_text_utf16_is_decoded(tmp_path):
    """A UTF-16 file with a byte order mark is decoded (its NUL bytes are not taken for binary)."""
    path = write(tmp_path, "wide.txt", "Wide notes\nBody text.\n".encode("utf-16"))
    doc = read_document(path, "docs/wide.txt")
    assert doc.title == "Wide notes"


# --- HTML -----------------------------------------------------------------------------------------------------

HTML = """<!doctype html>
<html><head>
<title>Shelter  report</title>
<meta name="date" content="2024-05-02T10:00:00Z">
<style>body { color: red; } .secret-style {}</style>
<script>var secretScript = 1;</script>
</head>
<body>
<h1>Shelter report</h1>
<p>Families moved into the   new shelter.</p>
<script>alert("hidden body script")</script>
<noscript>enable javascript</noscript>
<p>Water &amp; sanitation were checked.</p>
</body></html>
"""


def test_html_title_from_title_tag(tmp_path):
    """The <title> element becomes the title."""
    doc = read_document(write(tmp_path, "r.html", HTML), "docs/r.html")
    assert doc.title == "Shelter  report"


def test_html_visible_text_only(tmp_path):
    """Script, style, noscript and head content are absent from the text."""
    doc = read_document(write(tmp_path, "r.html", HTML), "docs/r.html")
    for hidden in ("secretScript", "secret-style", "color: red", "hidden body script", "enable javascript"):
        assert hidden not in doc.text


def test_html_visible_text_present_and_clean(tmp_path):
    """Body text is kept, with entities decoded, spaces collapsed and one block per line."""
    doc = read_document(write(tmp_path, "r.html", HTML), "docs/r.html")
    assert doc.text.split("\n") == [
        "Shelter report",
        "Families moved into the new shelter.",
        "Water & sanitation were checked.",
    ]


def test_html_meta_date(tmp_path):
    """A <meta name="date"> gives the document date."""
    doc = read_document(write(tmp_path, "r.html", HTML), "docs/r.html")
    assert doc.date == "2024-05-02"


def test_html_without_visible_text_is_refused(tmp_path):
    """A page with only hidden content has no text and is refused."""
    path = write(tmp_path, "empty.html", "<html><head><title>T</title></head><body><script>x()</script></body></html>")
    with pytest.raises(UnreadableFile, match="no text"):
        read_document(path, "docs/empty.html")


# --- PDF ------------------------------------------------------------------------------------------------------


def test_pdf_text_extracted(tmp_path):
    """Text drawn into a PDF by fpdf2 is extracted."""
    path = write(tmp_path, "brief.pdf", make_pdf("Emergency appeal for the cyclone response."))
    doc = read_document(path, "docs/brief.pdf")
    assert "Emergency appeal for the cyclone response." in doc.text
    assert doc.title == "Emergency appeal for the cyclone response."


def test_pdf_metadata_title(tmp_path):
    """The PDF's own title metadata becomes the title."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Cyclone appeal")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 10, "Body of the appeal.")
    path = write(tmp_path, "titled.pdf", bytes(pdf.output()))
    assert read_document(path, "docs/titled.pdf").title == "Cyclone appeal"


def test_pdf_garbage_is_refused(tmp_path):
    """Bytes that only start like a PDF are refused with a reason naming PDF."""
    path = write(tmp_path, "bad.pdf", b"%PDF-1.4\n garbage garbage garbage\n")
    with pytest.raises(UnreadableFile, match="PDF"):
        read_document(path, "docs/bad.pdf")


def test_pdf_truncated_is_refused(tmp_path):
    """A real PDF cut in half is refused with a reason naming PDF."""
    data = make_pdf("A document that will be truncated before its end. " * 20)
    path = write(tmp_path, "cut.pdf", data[: len(data) // 2])
    with pytest.raises(UnreadableFile, match="PDF"):
        read_document(path, "docs/cut.pdf")


def test_pdf_without_text_is_refused(tmp_path):
    """A PDF with a blank page (like a scan) is refused and the reason mentions OCR."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    path = write(tmp_path, "blank.pdf", bytes(pdf.output()))
    with pytest.raises(UnreadableFile, match="OCR"):
        read_document(path, "docs/blank.pdf")


# --- DOCX -----------------------------------------------------------------------------------------------------


def make_docx(paragraphs: list[str], title: str = "", table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    if title:
        document.core_properties.title = title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_extracted(tmp_path):
    """Each DOCX paragraph becomes one line of text, empty ones dropped."""
    data = make_docx(["Training summary", "", "Forty instructors completed the course."])
    doc = read_document(write(tmp_path, "t.docx", data), "docs/t.docx")
    assert doc.text == "Training summary\nForty instructors completed the course."
    assert doc.title == "Training summary"


def test_docx_core_title_and_tables(tmp_path):
    """The DOCX core title is the title and table rows are kept as ' | '-joined lines."""
    data = make_docx(["Body."], title="Stock report", table=[["Item", "Count"], ["Kits", "40"]])
    doc = read_document(write(tmp_path, "s.docx", data), "docs/s.docx")
    assert doc.title == "Stock report"
    assert "Item | Count" in doc.text and "Kits | 40" in doc.text


def test_docx_corrupt_is_refused(tmp_path):
    """A .docx that is not a zip package is refused with a reason naming DOCX."""
    path = write(tmp_path, "bad.docx", b"this is not a zip archive at all")
    with pytest.raises(UnreadableFile, match="DOCX"):
        read_document(path, "docs/bad.docx")


# --- Refusals -------------------------------------------------------------------------------------------------


def test_empty_file_is_refused(tmp_path):
    """A zero-byte file is refused as empty."""
    path = write(tmp_path, "empty.txt", b"")
    with pytest.raises(UnreadableFile, match="empty file"):
        read_document(path, "docs/empty.txt")


def test_whitespace_only_file_is_refused(tmp_path):
    """A file of only white space is refused as empty."""
    path = write(tmp_path, "blank.md", b"  \n\n\t \n")
    with pytest.raises(UnreadableFile, match="empty file"):
        read_document(path, "docs/blank.md")


def test_front_matter_only_is_refused(tmp_path):
    """A Markdown file with front matter and no body has no text."""
    path = write(tmp_path, "fm.md", "---\ntitle: Only metadata\n---\n")
    with pytest.raises(UnreadableFile, match="no text"):
        read_document(path, "docs/fm.md")


def test_binary_file_is_refused(tmp_path):
    """Bytes with NULs under a text suffix are refused as binary."""
    path = write(tmp_path, "blob.txt", b"abc\x00\x01\x02\x03def" * 10)
    with pytest.raises(UnreadableFile, match="binary"):
        read_document(path, "docs/blob.txt")


def test_non_utf8_file_is_refused(tmp_path):
    """Latin-1 bytes are refused with the offending byte, its offset and a hint to save as UTF-8."""
    path = write(tmp_path, "latin.txt", b"caf\xe9 latin-1 text")
    with pytest.raises(UnreadableFile, match=r"not UTF-8.*0xe9.*offset 3.*UTF-8"):
        read_document(path, "docs/latin.txt")


def test_unsupported_suffix_is_refused(tmp_path):
    """A .png is refused as an unsupported file type naming the suffix."""
    path = write(tmp_path, "photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    with pytest.raises(UnreadableFile, match=r"unsupported file type \.png"):
        read_document(path, "docs/photo.png")


def test_missing_suffix_is_refused(tmp_path):
    """A file with no suffix is refused as unsupported."""
    path = write(tmp_path, "README", "Some text.\n")
    with pytest.raises(UnreadableFile, match=r"unsupported file type \(none\)"):
        read_document(path, "docs/README")


def test_is_supported_ignores_case():
    """Supported suffixes are matched case-insensitively and unknown ones are not supported."""
    assert is_supported(Path("A.MD")) and is_supported(Path("x.Pdf")) and is_supported(Path("y.htm"))
    assert not is_supported(Path("z.png")) and not is_supported(Path("noext"))


def test_given_bytes_override_file(tmp_path):
    """Bytes passed in are used instead of reading the path."""
    path = tmp_path / "virtual.txt"  # never written
    doc = read_document(path, "docs/virtual.txt", data=b"Given title\nGiven body.\n")
    assert doc.title == "Given title"
