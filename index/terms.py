"""Words as the keyword index sees them: normalised, lower-cased, stop words dropped, stemmed (Snowball, English).

Persian and Arabic text is normalised first: Arabic letter variants become the Persian ones (ي -> ی, ك -> ک),
Arabic-Indic digits become 0-9, and diacritics and the tatweel are dropped. A zero-width non-joiner (ZWNJ, the
half-space in "همکاری‌ها") separates words, so a plural suffix is a word of its own and the stem is found.
"""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves""".split()
)
# Persian: conjunctions, prepositions, pronouns, auxiliaries, question words and the suffixes a ZWNJ detaches
PERSIAN_STOPWORDS = frozenset(
    """و در به از که این آن با را برای تا یا هم نیز اما بر است بود شد شده شود می نمی ها های ای ترین تر او وی ما
    آنها ایشان خود یک هر چه چی چیست کدام کدامیک کی کجا چرا چگونه چطور آیا چند چقدر باید کرد کرده کند کنند کردند
    گفت گفته دارد داشت دارند بین پس همچنین درباره داشته باشد باشند بوده خواهد تواند توانند ی""".split()
)
_PERSIAN = str.maketrans({
    "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ۀ": "ه", "ة": "ه", "أ": "ا", "إ": "ا", "ٱ": "ا",
    **{chr(0x06F0 + i): str(i) for i in range(10)}, **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(c): None for c in range(0x064B, 0x0660)}, "\u0670": None, "\u0640": None,
    "\u200e": None, "\u200f": None,
})
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)


def normalize(text: str) -> str:
    """Persian and Arabic letter variants, digits and diacritics made one (text in other scripts is unchanged)."""
    return text.translate(_PERSIAN)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


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


_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")


def terms(text: str) -> list[str]:
    """Stemmed words: what the keyword index stores and what a query is matched on. A Persian word loses a final
    "ی" (امیدواری -> امیدوار; the plural "ها" is already a word of its own); Snowball stems the rest."""
    return [_persian_stem(w) if _ARABIC_SCRIPT.match(w) else w for w in _stemmer().stemWords(words(text))]


def _persian_stem(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("ی") else word


def stem(word: str) -> str:
    word = normalize(word).lower()
    return _persian_stem(word) if _ARABIC_SCRIPT.match(word) else _stemmer().stemWord(word)


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
