"""The language layer: what the program knows about English and Persian, and nothing about documents or indexes.

Every rule that depends on the language a text is written in lives here, one module per language (`en`, `fa`)
behind one small interface (`Language`), so that ingest, the answerers and the evaluation read English and Persian
alike. This package is the lowest layer: `index`, `assistant` and `evals` import it; it imports none of them.

- `detect(text)`: "fa" when most letters are in the Arabic script, else "en" (a document, a sentence or a question);
- `get(code)` / `of(text)`: the `Language` with its sentence splitter, normalisation, stop words, stemmer,
  question words, statement and speaker cues, date reader and the phrases an answer is framed with.
"""

from __future__ import annotations

from . import en, fa
from .common import Language, detect, normalize

LANGUAGES: dict[str, Language] = {"en": en.LANGUAGE, "fa": fa.LANGUAGE}


def get(code: str) -> Language:
    """The language of an ISO 639-1 code; English for any code not known here."""
    return LANGUAGES.get(code, en.LANGUAGE)


def of(text: str) -> Language:
    """The language a text is written in."""
    return get(detect(text))


__all__ = ["LANGUAGES", "Language", "detect", "get", "normalize", "of", "en", "fa"]
