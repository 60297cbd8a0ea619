"""Words as the keyword index sees them: lower-cased, stop words dropped, stemmed (Snowball, English)."""

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
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased words of a text, stop words removed, single characters dropped (but digits kept)."""
    out = []
    for match in _WORD.finditer(text):
        word = match.group().lower().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        out.append(word)
    return out


def terms(text: str) -> list[str]:
    """Stemmed words: what the keyword index stores and what a query is matched on."""
    return _stemmer().stemWords(words(text))


def stem(word: str) -> str:
    return _stemmer().stemWord(word.lower())
