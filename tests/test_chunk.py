"""Unit tests for index.chunk and index.sentences: chunks fit the model window, offsets are exact, ids are stable."""

from __future__ import annotations

import random

import pytest

from index.chunk import HuggingFaceTokenCounter, chunk
from index.document import Document, document_id
from index.embed import packaged_model_path
from index.sentences import (
    blocks,
    heading_text,
    is_heading,
    split_block,
    split_sentences,
    units,
)

MAX_TOKENS = 254  # the model window (256) less [CLS] and [SEP]
WINDOW = 256


@pytest.fixture(scope="module")
def counter():
    return HuggingFaceTokenCounter(packaged_model_path() / "tokenizer.json")


@pytest.fixture(scope="module")
def tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(packaged_model_path() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def make_document(text: str, source: str = "docs/a.md") -> Document:
    return Document(
        id=document_id(source), source=source, text=text, title="T", type="document", date=None, sha256="x"
    )


SUBJECTS = ["The volunteers", "Dr. Okafor", "The regional office", "Mr. Smith", "Each branch", "The U.S. team",
            "Local partners", "The logistics unit", "A second convoy", "The finance committee"]
VERBS = ["distributed", "reviewed", "coordinated", "delivered", "planned", "inspected", "reported", "approved"]
OBJECTS = ["blankets and water", "the cash assistance programme", "hygiene parcels", "first aid kits",
           "the monthly figures", "reconstruction of 14 schools", "temporary shelters", "the new warehouse"]
PLACES = ["in the northern district", "near the river", "after the floods", "before the rainy season",
          "with the municipality", "across three provinces", "on 3 March 2025", "despite heavy rain"]
ENDINGS = [".", ".", ".", "!", "?"]


def long_text(seed: int = 7) -> str:
    """About 3000 words in paragraphs and sections, with one ~400-word sentence and one 1000-character word."""
    rng = random.Random(seed)

    def sentence() -> str:
        return (f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(PLACES)}"
                f"{rng.choice(ENDINGS)}")

    parts = ["# Annual field report", ""]
    words = 0
    section = 0
    while words < 3000:
        if words and rng.random() < 0.15:
            section += 1
            parts += [f"## Section {section}", ""]
        paragraph = " ".join(sentence() for _ in range(rng.randint(2, 9)))
        parts += [paragraph, ""]
        words += len(paragraph.split())
        if section == 2 and "LONG" not in parts:
            monster = " ".join(rng.choice(["water", "shelter", "volunteers", "district", "convoy", "supplies",
                                           "coordination", "and", "with", "the", "of"]) for _ in range(400))
            parts += ["LONG", f"This is one very long sentence about {monster} that ends only here.", ""]
        if section == 3 and "WORD" not in parts:
            rng_word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(1000))
            parts += ["WORD", f"The checksum {rng_word} was recorded in the log.", ""]
    text = "\n".join(p for p in parts if p not in ("LONG", "WORD"))
    assert "very long sentence" in text and "checksum" in text
    return text


@pytest.fixture(scope="module")
def long_document():
    return make_document(long_text())


@pytest.fixture(scope="module")
def long_chunks(long_document, counter):
    return chunk(long_document, counter, MAX_TOKENS)


# --- Token budget ---------------------------------------------------------------------------------------------


def test_long_text_fixture_is_long(long_document):
    """The generated document has about 3000 words and several chunks' worth of text."""
    assert len(long_document.text.split()) >= 3000


def test_every_chunk_fits_the_model_window(long_chunks, tokenizer):
    """Every chunk, encoded with special tokens by the real tokenizer, is at most 256 tokens."""
    assert len(long_chunks) > 10
    sizes = [len(tokenizer.encode(c.text, add_special_tokens=True).ids) for c in long_chunks]
    assert max(sizes) <= WINDOW, [(i, s) for i, s in enumerate(sizes) if s > WINDOW]


def test_counter_excludes_special_tokens(counter, tokenizer):
    """The counter counts tokens without [CLS] and [SEP]."""
    text = "The volunteers distributed blankets."
    assert counter.count([text]) == [len(tokenizer.encode(text, add_special_tokens=True).ids) - 2]
    assert counter.count([]) == []


def test_long_sentence_is_cut_into_fitting_pieces(long_document, long_chunks, tokenizer):
    """The ~400-word sentence is spread over several chunks, each within the window."""
    start = long_document.text.index("This is one very long sentence")
    end = long_document.text.index("that ends only here.") + len("that ends only here.")
    covering = [c for c in long_chunks if c.start < end and c.end > start]
    assert len(covering) >= 2
    for c in covering:
        assert len(tokenizer.encode(c.text, add_special_tokens=True).ids) <= WINDOW


def test_giant_word_is_kept_whole_in_text(long_document, long_chunks):
    """The 1000-character word still appears, exactly, across the chunks' text."""
    start = long_document.text.index("The checksum ")
    end = long_document.text.index(" was recorded in the log.")
    covered = "".join(long_document.text[max(c.start, start):min(c.end, end)]
                      for c in long_chunks if c.start < end and c.end > start)
    assert covered.replace(" ", "") == long_document.text[start:end].replace(" ", "")


def test_giant_punctuated_word_is_cut_to_fit(counter, tokenizer):
    """A 1000-character token-dense word (a URL-like run of punctuation) is cut by characters to fit."""
    word = "a/b." * 250  # each character is its own token
    doc = make_document(f"The link {word} was shared.")
    chunks = chunk(doc, counter, MAX_TOKENS)
    assert len(chunks) >= 2
    for c in chunks:
        assert doc.text[c.start:c.end] == c.text
        assert len(tokenizer.encode(c.text, add_special_tokens=True).ids) <= WINDOW


def test_heading_followed_by_window_sized_sentence_fits(counter, tokenizer):
    """A heading plus a sentence that alone nearly fills the window never makes an oversized chunk."""
    rng = random.Random(3)
    words = " ".join(rng.choice(["water", "shelter", "convoy", "district"]) for _ in range(250))
    sentence = f"Supplies {words} arrived."
    assert counter.count([sentence])[0] <= MAX_TOKENS
    heading = "## Logistics and warehouse coordination in the northern district"
    doc = make_document(f"{heading}\n\n{sentence}\n")
    sizes = [len(tokenizer.encode(c.text, add_special_tokens=True).ids) for c in chunk(doc, counter, MAX_TOKENS)]
    assert max(sizes) <= WINDOW, f"chunk sizes with special tokens: {sizes}"


def test_heading_before_long_sentence_fits(counter, tokenizer):
    """A heading directly before a sentence longer than the window never makes an oversized chunk."""
    rng = random.Random(5)
    words = " ".join(rng.choice(["water", "shelter", "convoy", "district"]) for _ in range(600))
    doc = make_document(f"## Logistics in the northern district\n\nSupplies {words} arrived.\n")
    sizes = [len(tokenizer.encode(c.text, add_special_tokens=True).ids) for c in chunk(doc, counter, MAX_TOKENS)]
    assert max(sizes) <= WINDOW, f"chunk sizes with special tokens: {sizes}"


# --- Offsets --------------------------------------------------------------------------------------------------


def test_chunk_text_is_exact_slice(long_document, long_chunks):
    """document.text[start:end] is exactly the chunk's text."""
    for c in long_chunks:
        assert long_document.text[c.start:c.end] == c.text


def test_chunk_fields_are_consistent(long_document, long_chunks):
    """Positions count from zero in order and every chunk names its document."""
    assert [c.position for c in long_chunks] == list(range(len(long_chunks)))
    assert all(c.document_id == long_document.id for c in long_chunks)


def test_sentence_spans_lie_inside_their_chunk(long_chunks):
    """Every sentence span of a chunk is within the chunk's bounds and non-empty."""
    for c in long_chunks:
        assert c.sentences
        for s, e in c.sentences:
            assert c.start <= s < e <= c.end


def test_sentence_spans_are_exact(long_document, long_chunks):
    """Every sentence span slices stripped text that the chunk's text contains at the same place."""
    for c in long_chunks:
        for s, e in c.sentences:
            piece = long_document.text[s:e]
            assert piece == piece.strip()
            assert c.text[s - c.start:e - c.start] == piece


def test_chunks_cover_all_sentences_in_order_without_overlap(long_document, long_chunks):
    """The chunks' sentences, in order, are exactly the document's sentences (long ones cut), never overlapping."""
    spans = [span for c in long_chunks for span in c.sentences]
    assert spans == sorted(spans)
    for (_, e1), (s2, _) in zip(spans, spans[1:]):
        assert e1 <= s2
    sentences = split_sentences(long_document.text)
    # every sentence of the document is covered by the union of chunk sentence spans
    for s, e in sentences:
        inside = [(a, b) for a, b in spans if a >= s and b <= e]
        assert inside and inside[0][0] == s and inside[-1][1] == e


def test_chunks_do_not_overlap(long_chunks):
    """Consecutive chunks are in document order and never overlap."""
    for a, b in zip(long_chunks, long_chunks[1:]):
        assert a.end <= b.start


def test_offsets_exact_with_crlf_free_indented_text(counter):
    """Indented lines and bullets keep exact offsets; list markers stay outside sentences."""
    text = "Intro line here.\n   Indented sentence one. Second one!\n- Bullet item text.\n2) Numbered item."
    doc = make_document(text)
    [only] = chunk(doc, counter, MAX_TOKENS)
    sentences = [text[s:e] for s, e in only.sentences]
    assert sentences == ["Intro line here.", "Indented sentence one.", "Second one!", "Bullet item text.",
                         "Numbered item."]


# --- Ids ------------------------------------------------------------------------------------------------------


def test_chunk_ids_are_deterministic(long_document, long_chunks, counter):
    """Chunking the same document twice gives the same ids."""
    again = chunk(long_document, counter, MAX_TOKENS)
    assert [c.id for c in again] == [c.id for c in long_chunks]


def test_chunk_ids_are_unique(long_chunks):
    """No two chunks of a document share an id."""
    assert len({c.id for c in long_chunks}) == len(long_chunks)


def test_chunk_id_changes_when_text_changes(counter):
    """Editing a chunk's text changes its id."""
    before = chunk(make_document("The convoy left at dawn. It reached the camp."), counter, MAX_TOKENS)
    after = chunk(make_document("The convoy left at noon. It reached the camp."), counter, MAX_TOKENS)
    assert before[0].id != after[0].id


def test_chunk_id_depends_on_document(counter):
    """The same text in another document gets another id."""
    text = "The convoy left at dawn. It reached the camp."
    a = chunk(make_document(text, "docs/a.md"), counter, MAX_TOKENS)
    b = chunk(make_document(text, "docs/b.md"), counter, MAX_TOKENS)
    assert a[0].id != b[0].id


# --- Sentences ------------------------------------------------------------------------------------------------


def sentence_texts(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_no_split_after_mr():
    """'Mr. Smith' does not end a sentence."""
    text = "Yesterday Mr. Smith arrived at the camp. He met the team."
    assert sentence_texts(text) == ["Yesterday Mr. Smith arrived at the camp.", "He met the team."]


def test_no_split_after_us():
    """'U.S.' inside a sentence does not end it."""
    text = "The U.S. Embassy sent supplies. They arrived on time."
    assert sentence_texts(text) == ["The U.S. Embassy sent supplies.", "They arrived on time."]


def test_no_split_after_initial():
    """A single-letter initial like 'J. Smith' does not end a sentence."""
    text = "The report by J. Smith was approved. Work starts soon."
    assert sentence_texts(text) == ["The report by J. Smith was approved.", "Work starts soon."]


def test_split_on_question_and_exclamation():
    """'?' and '!' end sentences, and trailing quotes stay with their sentence."""
    text = 'Is it ready? Yes! He said "go." Then we left.'
    assert sentence_texts(text) == ["Is it ready?", "Yes!", 'He said "go."', "Then we left."]


def test_no_split_before_lowercase():
    """A period followed by a lowercase word is not a sentence end."""
    text = "Version 2.5 is out. see the notes below for details."
    assert sentence_texts(text) == ["Version 2.5 is out. see the notes below for details."]


def test_sentence_never_crosses_a_line_break():
    """Each line is split on its own, so a line without final punctuation is its own sentence."""
    text = "A line without a period\nThe next line."
    assert sentence_texts(text) == ["A line without a period", "The next line."]


def test_split_block_offsets_shift():
    """split_block returns spans shifted by the given offset."""
    assert split_block("One. Two.", 10) == [(10, 14), (15, 19)]


def test_blocks_skip_blank_lines_and_trim():
    """blocks gives the stripped span of every non-empty line."""
    text = "  first  \n\n\tsecond\n"
    assert [text[s:e] for s, e in blocks(text)] == ["first", "second"]


def test_headings_detected_and_cleaned():
    """Markdown headings are recognised and their text cleaned of '#' marks."""
    assert is_heading("## Budget") and not is_heading("#hashtag text") and not is_heading("Budget")
    assert heading_text("### Budget ###") == "Budget"


def test_units_mark_headings():
    """units() flags heading lines and nothing else."""
    text = "# Title\n\nBody one. Body two.\n## Part\nMore."
    found = [(text[s:e], h) for s, e, h in units(text)]
    assert found == [("# Title", True), ("Body one.", False), ("Body two.", False), ("## Part", True),
                     ("More.", False)]


# --- Sections -------------------------------------------------------------------------------------------------


def test_heading_starts_new_chunk_and_sets_section(counter):
    """A Markdown heading closes the current chunk; the next chunk starts with the heading and takes its section."""
    text = "# Report\n\nIntro sentence one. Intro sentence two.\n\n## Budget\n\nThe budget was approved.\n"
    doc = make_document(text)
    chunks = chunk(doc, counter, MAX_TOKENS)
    assert len(chunks) == 2
    assert chunks[0].section == "Report"
    assert chunks[0].text.startswith("# Report")
    assert chunks[1].section == "Budget"
    assert chunks[1].text == "## Budget\n\nThe budget was approved."
    assert [text[s:e] for s, e in chunks[1].sentences] == ["The budget was approved."]


def test_text_before_any_heading_has_empty_section(counter):
    """Sentences before the first heading belong to no section."""
    doc = make_document("Preface text.\n\n## Part one\n\nBody text.")
    chunks = chunk(doc, counter, MAX_TOKENS)
    assert [c.section for c in chunks] == ["", "Part one"]


def test_consecutive_headings_keep_deepest(counter):
    """Of headings with nothing between them, only the last one opens the chunk and names the section."""
    doc = make_document("# Report\n## Budget\n\nThe budget was approved.")
    [only] = chunk(doc, counter, MAX_TOKENS)
    assert only.section == "Budget"
    assert only.text == "## Budget\n\nThe budget was approved."


def test_heading_alone_makes_no_chunk(counter):
    """A trailing heading without sentences does not produce a chunk."""
    doc = make_document("Body text.\n\n## Empty section\n")
    chunks = chunk(doc, counter, MAX_TOKENS)
    assert [c.text for c in chunks] == ["Body text."]


def test_sections_follow_headings_in_long_document(long_document, long_chunks):
    """Every chunk's section is the heading most recently seen before its first sentence."""
    headings = [(s, heading_text(long_document.text[s:e])) for s, e, h in units(long_document.text) if h]
    for c in long_chunks:
        first = c.sentences[0][0]
        before = [name for s, name in headings if s < first]
        assert c.section == (before[-1] if before else "")
