"""Words as the keyword index sees them: normalised, lower-cased, stop words dropped, stemmed (Snowball, English).
The word lists, normaliser and stemmers are the language layer's (language/en.py, language/fa.py).

Persian and Arabic text is normalised first: Arabic letter variants become the Persian ones (ي -> ی, ك -> ک),
Arabic-Indic digits become 0-9, and diacritics and the tatweel are dropped. A zero-width non-joiner (ZWNJ, the
half-space in "همکاری‌ها") separates words, so a plural suffix is a word of its own and the stem is found.
"""

from __future__ import annotations

import re
from functools import lru_cache

from language.common import ARABIC_SCRIPT as _ARABIC_SCRIPT
from language.common import normalize  # noqa: F401  (Persian and Arabic letter variants, digits, diacritics)
from language.en import STOPWORDS
from language.en import stem_words as _stem_words
from language.fa import STOPWORDS as PERSIAN_STOPWORDS
from language.fa import stem as _persian_stem

VERSION = 2  # raise when words or stems change: the keyword index of every data directory is rebuilt
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-cased words of a text, stop words removed, single characters dropped (but digits kept)."""
    out = []
    for match in _WORD.finditer(normalize(text)):
        word = match.group().lower().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if word in STOPWORDS or word in PERSIAN_STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        out.append(word)
    return out


def terms(text: str) -> list[str]:
    """Stemmed words: what the keyword index stores and what a query is matched on. A Persian word loses a final
    "ی" (امیدواری -> امیدوار; the plural "ها" is already a word of its own); Snowball stems the rest."""
    return [_persian_stem(w) if _ARABIC_SCRIPT.match(w) else w for w in _stem_words(words(text))]


def stem(word: str) -> str:
    word = normalize(word).lower()
    return _persian_stem(word) if _ARABIC_SCRIPT.match(word) else _stem_words([word])[0]


# --- how informative a word is in the language itself (not only in this corpus) ----------------------------------
# A word's Zipf frequency in general text (wordfreq's bundled lists: log10 of uses per billion words). Everyday
# words ("take", "place", "title", "carry", "held": 4.9 to 6) tell nothing about what a question is about, however
# rare they happen to be in a small corpus; rare words ("CBRN" 2.1, "headcount" 2.4, "rehabilitation" 4.0) do.
EVERYDAY_ZIPF = 5.0  # at or above: weight 0
RARE_ZIPF = 3.0  # at or below: weight 1


@lru_cache(maxsize=65536)
def informativeness(word: str) -> float:
    """0 for an everyday word of its language, rising to 1 for a rare one (English, or Persian in Arabic script)."""
    from wordfreq import zipf_frequency

    word = normalize(word).lower()
    zipf = zipf_frequency(word, "fa" if _ARABIC_SCRIPT.match(word) else "en")
    return min(1.0, max(0.0, (EVERYDAY_ZIPF - zipf) / (EVERYDAY_ZIPF - RARE_ZIPF)))
