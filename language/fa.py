"""Persian: normalisation, stop words, stemming, question words, statement and speaker cues, people, Solar Hijri
and Gregorian dates written in Persian, and the phrases an answer is framed with.

Every pattern here runs on text normalised character for character (`normalize_in_place`: ي -> ی, ك -> ک, Persian
and Arabic-Indic digits -> 0-9), so the offsets it finds are offsets into the document as written. Persian has no
capitals and `\\b` treats the zero-width non-joiner (ZWNJ, the half-space of "سه‌شنبه") as a word break, so word
edges are written out (`_B`, `_E`).

The calendar is `jdatetime` (measured: imports in 18 ms, converts a date in 9 µs, and its leap years are the
33-year arithmetic rule Iran's calendar follows for 1178-1633 SH). hazm and parsivar were not adopted: the
normalisation and the one-suffix stemmer this project needs are a table and a line (see `stem`), while hazm pulls
in nltk and a model file and parsivar loads its data at import.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from .common import ARABIC_SCRIPT, FoundDate, Language, normalize_in_place  # noqa: F401  (ARABIC_SCRIPT: for callers)
from .en import iso_span, month_end, nearest_weekday

_L = "\u0600-\u06FF\u200c"  # Persian letters and the ZWNJ
_B = r"(?<![\w\u200c])"  # a word begins
_E = r"(?![\w\u200c])"  # a word ends
_Z = "[\u200c ]?"  # a ZWNJ, a space or nothing: "می‌کند", "می کند", "میکند"

# conjunctions, prepositions, pronouns, auxiliaries, question words and the suffixes a ZWNJ detaches
STOPWORDS = frozenset(
    """و در به از که این آن با را برای تا یا هم نیز اما بر است بود شد شده شود می نمی ها های ای ترین تر او وی ما
    آنها ایشان خود یک هر چه چی چیست کدام کدامیک کی کجا چرا چگونه چطور آیا چند چقدر باید کرد کرده کند کنند کردند
    گفت گفته دارد داشت دارند بین پس همچنین درباره داشته باشد باشند بوده خواهد تواند توانند ی هایی""".split()
)
QUESTION_WORDS = frozenset("چه چی چیست چیزی کدام کدامیک کی کجا چرا چگونه چطور آیا چند چقدر کسی چه‌کسی".split())


_PLURAL = ("هایی", "های", "ها")


def stem(word: str) -> str:
    """A plural written without the ZWNJ goes ("پیشنهادهایی", "پیشنهادها" -> پیشنهاد) where three letters or more
    remain, then a final "ی" from a word longer than four letters (امیدواری -> امیدوار). Written with the ZWNJ
    ("همکاری‌ها"), a plural is a word of its own and the stem is found without this."""
    for suffix in _PLURAL:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word[:-1] if len(word) > 4 and word.endswith("ی") else word


# --- statements and speakers (on normalised text) -----------------------------------------------------------------
NEGATED = re.compile(
    rf"{_B}هیچ (?:\S+ )?(?:توافق|تصمیم)|(?:توافق|تصمیم)ی? (?:\S+ ){{0,3}}(?:حاصل|ثبت|گرفته){_Z}نشد"
    rf"|(?:توافق|تصمیم)ی? (?:\S+ ){{0,3}}ثبت نشده")
STATEMENT_CUES = (
    ("agreed", re.compile(
        rf"{_B}(?:توافق (?:کرد|شد|نمود)|به توافق رسید|تصمیم گرفته شد|تصمیم گرفت|تصویب (?:شد|کرد)|امضا (?:شد|کرد)"
        rf"|موافقت (?:شد|کرد)|متعهد شد|قرار شد)")),
    ("proposed", re.compile(rf"{_B}(?:پیشنهاد|توصیه (?:کرد|شد|نمود))")),
    ("requested", re.compile(
        rf"{_B}(?:درخواست (?:کرد|شد|نمود)|خواستار|انتظار (?:دار|داشت)|انتظار می{_Z}رود|تقاضا (?:کرد|شد)"
        rf"|باید{_E}|ضروری است)")),
    ("planned", re.compile(
        rf"{_B}(?:قرار است|برنامه{_Z}ریزی (?:شده|کرده|کرد)|برگزار خواهد شد|خواهد شد{_E}|برنامه دار)")),
)
SECTION_CUES = (
    ("agreed", re.compile(rf"{_B}(?:تصمیم|توافق|مصوبات|مصوبه)")),
    ("proposed", re.compile(rf"{_B}(?:پیشنهاد|توصیه)")),
    ("requested", re.compile(rf"{_B}(?:درخواست|انتظار|خواسته)")),
    ("planned", re.compile(rf"{_B}(?:اقدام|برنامه|گام{_Z}های بعدی|پیگیری)")),
)
REPORTING = re.compile(
    rf"{_B}(?:گفت|افزود|اظهار (?:داشت|کرد)|بیان (?:کرد|داشت)|تاکید (?:کرد|نمود)|خاطرنشان (?:کرد|ساخت)"
    rf"|اشاره (?:کرد|نمود)|یادآور شد|عنوان کرد|اعلام (?:کرد|داشت)|ابراز (?:امیدواری|نگرانی|خرسندی) کرد"
    rf"|پیشنهاد (?:کرد|داد|نمود)|خواستار|درخواست (?:کرد|نمود)|قدردانی (?:کرد|نمود)|تقدیر (?:کرد|نمود)"
    rf"|نقل (?:کرد|قول)|از قول|به گفته|توضیح داد|یادآوری کرد)")
# "وی افزود", "او گفت", "این مقام ... تأکید کرد": the verb closes the sentence, so the pronoun opens it
PRONOUN_SPEAKER = re.compile(rf"^\s*(?:[-*]\s+)?(?:وی|او|ایشان|این مقام(?: \S+)?){_E}")
# roles that follow a name in an introduction: "رضیه علیشوندی، مدیر کل روابط بین‌الملل ..."
_ROLE = r"(?:مدیر|رئیس|معاون|نماینده|دبیرکل|دبیر کل|سرپرست|مسئول|سخنگو|کارشناس|هماهنگ{_Z}کننده)"
_INTRO = re.compile(rf"(?P<full>[{_L}]+ [{_L}]+)، (?P<role>{_ROLE.format(_Z=_Z)}[^،.؛\n]*)")
# the names of the Movement's organisations as Persian writes them, longest first, and their acronyms
ORGANISATIONS = (
    ("کمیته بین{_Z}المللی صلیب سرخ", "ICRC"),
    ("فدراسیون بین{_Z}المللی (?:جوامع|جمعیت{_Z}های) صلیب سرخ و هلال احمر", "IFRC"),
    ("جمعیت هلال احمر(?: جمهوری اسلامی)?(?: ایران)?", "IRCS"),
    ("هلال احمر(?: ایران)?", "IRCS"),
    ("صلیب سرخ", "ICRC"),
)
_ORGANISATIONS = [(re.compile(pattern.format(_Z=_Z)), acronym) for pattern, acronym in ORGANISATIONS]
_SUBJECT = re.compile(rf"^\s*(?:[-*]\s+)?(?:{'|'.join(p.format(_Z=_Z) for p, _ in ORGANISATIONS)})")


def people(text: str) -> list[tuple[str, str, tuple[int, int]]]:
    """People a Persian text introduces ("رضیه علیشوندی، مدیر ..."), as (full name, surname, intro span)."""
    found, seen = [], set()
    for match in _INTRO.finditer(normalize_in_place(text)):
        full = text[match.start("full"):match.end("full")]
        surname = full.split()[-1]
        if surname not in seen:
            seen.add(surname)
            found.append((full, surname, (match.start(), match.end("role"))))
    return found


# "علیشوندی گفت", "علیشوندی همچنین گفت", "علیشوندی با اشاره به ... گفت": a word that opens a sentence reporting
# someone's words; one that opens two such sentences is a person's name even where no "name, role" introduces it
_OPENING = re.compile(rf"(?:^|[.!؟?\n]\s*)(?:[-*]\s+)?(?P<name>[{_L}]{{3,}})(?= )")
_NOT_SPEAKERS = {"وی", "او", "ایشان", "این", "آن", "همچنین", "سپس", "در", "به", "از", "با", "برای", "طبق", "بنابر"}


def speakers(text: str) -> list[str]:
    """Surnames of the people a Persian text reports without introducing them: a word that opens two or more
    sentences with a reporting verb, and is neither a pronoun nor a body ("جمعیت", "کمیته" ...)."""
    plain = normalize_in_place(text)
    counts: dict[str, int] = {}
    for match in _OPENING.finditer(plain):
        name = match.group("name")
        end = min((i for i in (plain.find(".", match.end()), plain.find("\n", match.end())) if i >= 0), default=len(plain))
        if name not in _NOT_SPEAKERS and name not in STOPWORDS and not re.match(_BODY_WORDS, name) \
                and REPORTING.search(plain[match.end():end]):
            counts[name] = counts.get(name, 0) + 1
    return [name for name, count in counts.items() if count >= 2]


# a body's name written in Persian before its acronym: "جمعیت امداد کوهستان تالان (TMRS)"
_NAMED_BODY = re.compile(
    rf"{_B}(?P<name>(?:جمعیت|کمیته|آژانس|سازمان|وزارت|دفتر|فدراسیون|مرکز|انجمن|بنیاد|شبکه)(?: [{_L}]+){{1,6}}?)"
    rf"\s*\((?P<acronym>[A-Z]{{2,}})\)")


def organisation(sentence: str, document: str = "") -> str | None:
    """The acronym of the organisation a Persian sentence opens with: one of the Movement's ("جمعیت هلال احمر ...
    پیشنهاد کرد"), or a body the document names with its acronym ("جمعیت امداد کوهستان تالان (TMRS)")."""
    plain = normalize_in_place(sentence)
    subject = _SUBJECT.match(plain)
    if subject:
        return next(acronym for pattern, acronym in _ORGANISATIONS if pattern.search(subject.group()))
    for match in _NAMED_BODY.finditer(normalize_in_place(document)):
        if re.match(rf"\s*(?:[-*]\s+)?{re.escape(match.group('name'))}{_E}", plain):
            return match.group("acronym")
    return None


SOLAR_MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]
GREGORIAN_MONTHS = {
    "ژانویه": 1, "ژانویهٔ": 1, "فوریه": 2, "مارس": 3, "آوریل": 4, "آپریل": 4, "مه": 5, "می": 5, "ژوئن": 6, "جون": 6,
    "ژوئیه": 7, "جولای": 7, "اوت": 8, "آگوست": 8, "اگوست": 8, "سپتامبر": 9, "اکتبر": 10, "نوامبر": 11, "دسامبر": 12,
}
_SOLAR_NAMES = "|".join(sorted(SOLAR_MONTHS, key=len, reverse=True))
_GREGORIAN_NAMES = "|".join(sorted(GREGORIAN_MONTHS, key=len, reverse=True))

# --- what kind of answer a Persian question asks for, and whether a Persian sentence holds one --------------------
QUESTION_KINDS = (
    ("count", re.compile(rf"{_B}(?:چند|چقدر|چه تعداد|چه مقدار|چه مبلغ|چه میزان|تعداد){_E}")),
    ("date", re.compile(rf"{_B}(?:چه زمانی|چه تاریخی|چه روزی|چه سالی|چه ماهی|چه وقت|در چه سال|کی (?:برگزار|انجام|آغاز|"
                        rf"شروع|تمام|تحویل|نصب|ارسال)|تا کی){_E}")),
    ("person", re.compile(rf"{_B}(?:چه کسی|چه کسانی|کدام (?:سازمان|جمعیت|نهاد|مقام|فرد|شخص|طرف|خبرگزاری)|کی گفت){_E}")),
    ("place", re.compile(rf"{_B}(?:کجا|(?:در )?کدام (?:استان|شهر|کشور|منطقه|مناطق|استان{_Z}ها|روستا))")),
)
_NUMBER_WORDS = "یک|دو|سه|چهار|پنج|شش|هفت|هشت|نه|ده|دوازده|بیست|سی|چهل|پنجاه|صد|صدها|هزار|هزاران|میلیون|میلیارد"
ANSWER_TYPES = {
    "count": re.compile(rf"(?<!\d)(?!(?:1[34]|19|20)\d\d(?!\d))\d[\d,.]*|{_B}(?:{_NUMBER_WORDS}){_E}"),
    "date": re.compile(rf"{_B}(?:{_SOLAR_NAMES}|{_GREGORIAN_NAMES}|سال \d|(?:1[34]|19|20)\d\d|سه{_Z}ماهه|فصل|هفته|"
                       rf"امروز|دیروز|فردا|آینده|گذشته|امسال|پارسال|شنبه|جمعه|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})"),
    "person": re.compile(rf"{_B}(?:{'|'.join(p.format(_Z=_Z) for p, _ in ORGANISATIONS)}|{_ROLE.format(_Z=_Z)}|"
                         rf"جمعیت|کمیته|آژانس|سازمان|وزارت|دفتر)|\([A-Z]{{2,}}\)"),
    "place": re.compile(rf"{_B}(?:استان|شهر|کشور|منطقه|مناطق|مرز|دره|روستا|بندر|تهران|در [{_L}]{{3,}})"),
}


def question_kind(question: str) -> str | None:
    """count, date, person or place when a Persian question asks for one (None otherwise)."""
    plain = normalize_in_place(question)
    return next((kind for kind, pattern in QUESTION_KINDS if pattern.search(plain)), None)


def has_answer_type(kind: str, sentence: str) -> bool:
    """Does a Persian sentence hold the kind of thing asked for (a number, a date, a person or body, a place)?"""
    pattern = ANSWER_TYPES.get(kind)
    return pattern is None or bool(pattern.search(normalize_in_place(sentence)))


# --- what a Persian question asks of the statements ---------------------------------------------------------------
# "چه چیزی توافق شد؟", "آیا تصمیمی گرفته شد؟": a question about agreements
ASKS_AGREEMENT = re.compile(rf"{_B}(?:توافق|تصمیم|تصویب|امضا|متعهد|موافقت)")
# "هلال احمر چه پیشنهادهایی داده است؟", "چه درخواست‌هایی مطرح شد؟", "همه پیشنهادها را فهرست کن": a question word,
# then a word for a kind of statement (two searches, not one pattern with a gap: linear in the question)
_LIST_WORD = re.compile(rf"{_B}(?:چه|کدام|همه|تمام|فهرست){_E}")
_KIND_WORD = re.compile(rf"{_B}(?:پیشنهاد|درخواست|انتظار|خواسته|برنامه|توافق|تصمیم|خواستار)")


def asks_list(question: str) -> bool:
    """Does a Persian question ask for statements of a kind ("چه پیشنهادهایی ...")?"""
    plain = normalize_in_place(question)
    first = _LIST_WORD.search(plain)
    return bool(first and _KIND_WORD.search(plain, first.end()))


NAMED_KINDS = (
    ("agreed", re.compile(rf"{_B}(?:توافق|تصمیم|تصویب|امضا|متعهد)")),
    ("proposed", re.compile(rf"{_B}(?:پیشنهاد|توصیه)")),
    ("requested", re.compile(rf"{_B}(?:درخواست|انتظار|خواسته|خواستار|تقاضا)")),
    ("planned", re.compile(rf"{_B}(?:برنامه|قرار است)")),
)
# words that route a Persian question to the statements without naming its topic (their stems, as terms gives)
ROUTING_STEMS = frozenset(stem(w) for w in (
    """توافق تصمیم تصویب امضا پیشنهاد درخواست انتظار انتظارات خواسته خواستار برنامه ریزی چیزی چیز موارد مورد همه
    تمام فهرست داد دادند داده شد شدند شده کرده کرد کردند مطرح ارائه گرفته گرفتند دو طرف سوی""".split()
))


def organisation_named(question: str) -> str | None:
    """The acronym of the one Movement organisation a Persian question names, if it names exactly one."""
    plain = normalize_in_place(question)
    found, rest = set(), plain
    for pattern, acronym in _ORGANISATIONS:  # longest names first: "صلیب سرخ" inside the ICRC's name is one
        if pattern.search(rest):
            found.add(acronym)
            rest = pattern.sub(" ", rest)
    return found.pop() if len(found) == 1 else None


def names_of(acronyms: set[str]) -> list[str]:
    """The Persian words of the organisations' names (to be left out of a question's topic)."""
    return [re.sub(r"\(.*?\)|\[.*?\]|\{.*?\}|\?", " ", p) for p, a in ORGANISATIONS if a in acronyms]


# --- the names a Persian question gives ----------------------------------------------------------------------------
_BODY_WORDS = "جمعیت|کمیته|آژانس|سازمان|وزارت|دفتر|فدراسیون|انجمن|بنیاد|شبکه|مرکز"
_BODY_NAME = re.compile(rf"{_B}(?:{_BODY_WORDS})(?: [{_L}]+){{1,3}}")


def names(question: str, stopwords: frozenset[str] = STOPWORDS) -> list[tuple[str, str | None]]:
    """The organisations a Persian question names, as (name as written, acronym or None): the Movement's by their
    Persian names ("جمعیت هلال احمر ایران" -> IRCS), and any body named by a word for a body and the words after it
    up to a stop word ("آژانس آب شمال", "وزارت بهداشت"). Persian has no capitals: people and places are not found."""
    plain = normalize_in_place(question)
    found: list[tuple[str, str | None]] = []
    for pattern, acronym in _ORGANISATIONS:  # longest first; a name found is blanked out for the shorter ones
        for match in pattern.finditer(plain):
            found.append((question[match.start():match.end()], acronym))
            plain = plain[:match.start()] + " " * (match.end() - match.start()) + plain[match.end():]
    for match in _BODY_NAME.finditer(plain):
        kept = []
        for word in match.group().split(" "):
            if kept and (word in stopwords or word in QUESTION_WORDS):
                break
            kept.append(word)
        if len(kept) > 1:
            start = match.start()
            found.append((question[start:start + len(" ".join(kept))], None))
    return found


# --- names across scripts ------------------------------------------------------------------------------------------
# Persian writes no short vowels, so a name is compared by its consonants: "Talan" and "تالان" are both t-l-n,
# "Farvardin" and "فروردین" f-r-v-r-d-n. و is a consonant (v) or a vowel (o, u): both readings are kept.
_CONSONANTS = {
    "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j", "چ": "ch", "ح": "h", "خ": "kh", "د": "d", "ذ": "z", "ر": "r",
    "ز": "z", "ژ": "zh", "س": "s", "ش": "sh", "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "غ": "gh", "ف": "f", "ق": "gh",
    "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ه": "h",
}
_LATIN = [("kh", "K"), ("gh", "G"), ("q", "G"), ("ch", "C"), ("sh", "S"), ("zh", "Z"), ("ph", "f"), ("w", "v"),
          ("c", "k"), ("x", "ks"), ("j", "j")]


def _squeeze(skeleton: str) -> str:
    out = []
    for c in skeleton:
        if not out or out[-1] != c:
            out.append(c)
    text = "".join(out)
    return text[:-1] if text.endswith("h") and len(text) > 3 else text  # a final ه / -eh is mostly a vowel


@lru_cache(maxsize=65536)
def skeletons(word: str) -> frozenset[str]:
    """The consonant skeletons of a Persian word (one per reading of each و), in the Latin letters of `latin`."""
    readings = [""]
    for c in normalize_in_place(word):
        if c == "و":
            readings = [r + x for r in readings for x in ("v", "")][:16]
        elif c in _CONSONANTS:
            sound = _CONSONANTS[c]
            sound = {"kh": "K", "gh": "G", "ch": "C", "sh": "S", "zh": "Z"}.get(sound, sound)
            readings = [r + sound for r in readings]
    return frozenset(_squeeze(r) for r in readings)


@lru_cache(maxsize=65536)
def latin_skeleton(word: str) -> str:
    """The consonants of a Latin-script name, as `skeletons` writes a Persian one ("Farvardin" -> frvrdn)."""
    text = word.lower()
    for pair, one in _LATIN:
        text = text.replace(pair, one)
    return _squeeze("".join(c for c in text if c.isalpha() and c not in "aeiouy'"))


def same_name(latin: str, persian: str) -> bool:
    """Whether a Latin-script name and a Persian word may be the same name (three consonants or more alike)."""
    skeleton = latin_skeleton(latin)
    return len(skeleton) >= 3 and skeleton in skeletons(persian)


# --- dates --------------------------------------------------------------------------------------------------------
WEEKDAYS = {"دوشنبه": 0, "سه{_Z}شنبه": 1, "چهارشنبه": 2, "پنج{_Z}شنبه": 3, "جمعه": 4, "شنبه": 5, "یکشنبه": 6}
_UNITS = ["یکم", "دوم", "سوم", "چهارم", "پنجم", "ششم", "هفتم", "هشتم", "نهم"]
ORDINALS = {
    **{word: i + 1 for i, word in enumerate(_UNITS)}, "اول": 1, "دهم": 10, "یازدهم": 11, "دوازدهم": 12,
    "سیزدهم": 13, "چهاردهم": 14, "پانزدهم": 15, "شانزدهم": 16, "هفدهم": 17, "هجدهم": 18, "هیجدهم": 18,
    "نوزدهم": 19, "بیستم": 20, **{f"بیست و {word}": 21 + i for i, word in enumerate(_UNITS)},
    "سی{_Z}ام": 30, "سی و یکم": 31,
}
_ORDINAL = "|".join(sorted(ORDINALS, key=len, reverse=True))
_SOLAR = "|".join(sorted(SOLAR_MONTHS, key=len, reverse=True))
_GREGORIAN = "|".join(sorted(GREGORIAN_MONTHS, key=len, reverse=True))
_DAY = rf"(?:(?P<day>\d{{1,2}})(?:\s?(?:ام|م))?|(?P<ordinal>{_ORDINAL}))"
_YEAR = r"(?:سال\s)?(?P<year>\d{4})"
_QUARTER = {"اول": 1, "نخست": 1, "دوم": 2, "سوم": 3, "چهارم": 4, "آخر": 4}
_FUTURE = re.compile(rf"{_B}(?:خواهد|خواهند|قرار است|آینده|آتی|بعد|برنامه)")
_PATTERNS = [
    ("numeric", re.compile(r"(?<![\d/.-])(?P<year>\d{4})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?![\d/])")),
    ("numeric_dmy", re.compile(r"(?<![\d/.-])(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>1[34]\d\d)(?![\d/])")),
    ("solar", re.compile(rf"{_B}(?:{_DAY}\s)?(?P<month>{_SOLAR})(?:{_Z}ماه)?(?:\s{_YEAR})?{_E}")),
    ("gregorian", re.compile(rf"{_B}(?:{_DAY}\s)?(?:ماه\s)?(?P<month>{_GREGORIAN})(?:\s{_YEAR})?{_E}")),
    ("quarter", re.compile(rf"{_B}(?:سه{_Z}ماهه|فصل) (?P<q>اول|نخست|دوم|سوم|چهارم|آخر)(?: سال)? (?P<year>\d{{4}}){_E}")),
    ("relative_year", re.compile(rf"{_B}(?:(?P<next>سال (?:آینده|بعد|آتی|دیگر))|(?P<last>سال (?:گذشته|قبل|پیش)|پارسال)"
                                 rf"|(?P<this>امسال|سال جاری))")),
    ("relative_week", re.compile(rf"{_B}هفته (?:(?P<next>آینده|بعد)|(?P<last>گذشته|قبل|پیش))")),
    ("weekday", re.compile(rf"{_B}(?:روز )?(?P<weekday>{'|'.join(sorted(WEEKDAYS, key=len, reverse=True)).format(_Z=_Z)})"
                           rf"{_E}")),
    ("year", re.compile(rf"{_B}(?:سال\s)?(?P<year>(?:1[34]|19|20)\d\d){_E}")),
]


def solar_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """A Solar Hijri date as a Gregorian one; ValueError when the day does not exist (30 Esfand of a common year)."""
    import jdatetime

    return jdatetime.date(year, month, day).togregorian()


def solar_month(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last Gregorian days of a Solar Hijri month."""
    import jdatetime

    first = jdatetime.date(year, month, 1)
    following = jdatetime.date(year + month // 12, month % 12 + 1, 1)
    return first.togregorian(), following.togregorian() - dt.timedelta(days=1)


def solar_year_of(day: dt.date) -> tuple[int, int]:
    """The Solar Hijri year and month of a Gregorian day."""
    import jdatetime

    solar = jdatetime.date.fromgregorian(date=day)
    return solar.year, solar.month


def _is_solar_year(year: int) -> bool:
    return 1300 <= year <= 1499


def dates(text: str, document_date: str | None) -> list[FoundDate]:
    """Every date expression of a Persian text in order, overlapping ones read as the longest: Solar Hijri dates in
    Persian or Latin digits or with month names (۱۴۰۴/۰۹/۱۰, ۱۰ آذر ۱۴۰۴, دهم آذرماه), Gregorian dates written in
    Persian (۱ دسامبر ۲۰۲۵), quarters, years, and expressions relative to the document's date (سال آینده, هفته
    گذشته, یکشنبه). Days are ISO (Gregorian)."""
    plain = normalize_in_place(text)
    found = []
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(plain):
            found.append((match.start(), -len(match.group()), name, match))
    future = bool(_FUTURE.search(plain))
    parts = [int(p) for p in document_date.split("-")] if document_date else []
    out, covered = [], -1
    for position, _, name, match in sorted(found, key=lambda f: (f[0], f[1])):
        if position < covered:
            continue
        try:
            first, last = _resolve(name, match, parts, future)
        except ValueError:  # a day the calendar does not have
            continue
        if first is None and name in ("solar", "gregorian") and not (match.group("day") or match.group("ordinal")):
            continue  # a bare month name ("مهر" is also a word) is a date only with a day or a year
        covered = match.end()
        out.append(FoundDate(match.start(), match.end(), text[match.start():match.end()], first, last))
    return out


def _resolve(name: str, match: re.Match, parts: list[int], future: bool) -> tuple[str | None, str | None]:
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if name in ("numeric", "numeric_dmy"):
        month, day = int(groups["month"]), int(groups["day"])
        if _is_solar_year(year):
            day = solar_to_gregorian(year, month, day)
        elif 1900 <= year <= 2100:
            day = dt.date(year, month, day)
        else:
            raise ValueError(year)
        return iso_span(day, day)
    if name in ("solar", "gregorian"):
        solar = name == "solar"
        month = SOLAR_MONTHS.index(groups["month"]) + 1 if solar else GREGORIAN_MONTHS[groups["month"]]
        day = int(groups["day"]) if groups.get("day") else ORDINALS.get(_ordinal_key(groups.get("ordinal")))
        if year is None:
            if not parts or not day:
                return None, None
            year = _nearest_year(month, parts, future, solar)
        if solar and not _is_solar_year(year) or not solar and not 1900 <= year <= 2100:
            raise ValueError(year)
        if day:
            found = solar_to_gregorian(year, month, day) if solar else dt.date(year, month, day)
            return iso_span(found, found)
        return iso_span(*solar_month(year, month)) if solar else iso_span(dt.date(year, month, 1), month_end(year, month))
    if name == "quarter":
        q = _QUARTER[groups["q"]]
        if _is_solar_year(year):  # the seasons of the Solar Hijri year: spring is its first quarter
            return iso_span(solar_month(year, 3 * q - 2)[0], solar_month(year, 3 * q)[1])
        return iso_span(dt.date(year, 3 * q - 2, 1), month_end(year, 3 * q))
    if name == "year":
        if _is_solar_year(year):
            return iso_span(solar_month(year, 1)[0], solar_month(year, 12)[1])
        return iso_span(dt.date(year, 1, 1), dt.date(year, 12, 31))
    if not parts:
        return None, None  # relative to a date the document does not give
    if name == "relative_year":  # a year spoken of in Persian is the Solar Hijri one
        shift = 1 if groups.get("next") else -1 if groups.get("last") else 0
        solar = solar_year_of(dt.date(*(parts + [1, 1])[:3]))[0] + shift
        return iso_span(solar_month(solar, 1)[0], solar_month(solar, 12)[1])
    if len(parts) < 3:
        return None, None
    if name == "relative_week":  # the week (Saturday to Friday) before or after the document's
        day = dt.date(*parts)
        saturday = day - dt.timedelta(days=(day.weekday() - 5) % 7) + dt.timedelta(days=7 if groups.get("next") else -7)
        return iso_span(saturday, saturday + dt.timedelta(days=6))
    if name == "weekday":
        key = next(k for k in WEEKDAYS if re.fullmatch(k.format(_Z=_Z), groups["weekday"]))
        return nearest_weekday(WEEKDAYS[key], parts, future)
    return None, None


def _ordinal_key(ordinal: str | None) -> str | None:
    if not ordinal:
        return None
    return next((k for k in ORDINALS if re.fullmatch(k.format(_Z=_Z), ordinal)), None)


def _nearest_year(month: int, parts: list[int], future: bool, solar: bool) -> int:
    """The year of a month named without one: nearest the document's date, forward for plans, back for reports."""
    if solar:
        year, current = solar_year_of(dt.date(*(parts + [1, 1])[:3]))
    else:
        year, current = parts[0], parts[1] if len(parts) > 1 else month
    if future and month < current:
        return year + 1
    if not future and month > current:
        return year - 1
    return year


# --- the framing words of an answer -------------------------------------------------------------------------------
PHRASES = {
    "not_of": "اسناد این را درباره {names} نمی‌گویند.",
    "cannot": "اسناد {reason}.",
    "answer_this": "به این پرسش پاسخ نمی‌دهند",
    "missing_count": "عدد یا مبلغ خواسته‌شده را نمی‌گویند", "missing_date": "تاریخی برای این نمی‌دهند",
    "missing_person": "نمی‌گویند چه کسی", "missing_place": "نمی‌گویند کجا",
    "not_mention": " در اسناد از {words} نامی نیامده است.",
    "closest": " نزدیک‌ترین بخش‌ها: {markers}.",
    "other_org": "اسناد این را درباره {other} گزارش می‌کنند، نه {asked}: ",
    "or": "یا",
    "and": "و",
    "no_agreement_yes_no": "توافقی{topic} ثبت نشده است؛ اسناد آنچه گفته شد را گزارش می‌کنند:",
    "no_agreement": "در اسناد توافقی{topic} ثبت نشده است؛ آنچه گفته شد گزارش می‌شود.",
    "on_topic": " درباره {topic}",
    "agreed_head": "توافق‌شده{about}:",
    "none_recorded_quote": "توافقی{about} ثبت نشده است: یادداشت‌های نشست می‌گویند «{quote}» [{marker}]",
    "none_recorded": "در اسناد توافق یا تصمیمی{about} ثبت نشده است.",
    "others_head": "آنچه {said}{instead}:",
    "others_commitments": "پیشنهاد، درخواست یا برنامه‌ریزی شد",
    "others_said": "گفته شد",
    "instead": " به جای آن",
    "label_agreed": "توافق", "label_proposed": "پیشنهاد", "label_requested": "درخواست یا انتظار",
    "label_planned": "برنامه", "label_reported": "گفته",
    "by": "{label} از سوی {who}", "who_said": "{who} گفت",
    "the_org": "{organisation}", "the_document": "سند",
    "when": "، {text} ({span})", "recorded": "، ثبت‌شده در {date}",
    "span_to": "{first} تا {last}",
    "mentioning": "با ذکر {words}",
    "listing_head": "{n} مورد {kinds} {organisation}",
}

LANGUAGE = Language(
    code="fa", name="Persian", stopwords=STOPWORDS, stem=stem, question_words=QUESTION_WORDS,
    statement_cues=STATEMENT_CUES, negated=NEGATED, section_cues=SECTION_CUES, reporting=REPORTING,
    pronoun_speaker=PRONOUN_SPEAKER, dates=dates, phrases=PHRASES,
)
