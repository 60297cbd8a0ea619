"""Sentence boundaries as character offsets: the splitter lives in the language layer (language/sentences.py)."""

from language.sentences import (  # noqa: F401
    blocks,
    heading_text,
    is_heading,
    split_block,
    split_sentences,
    units,
)
