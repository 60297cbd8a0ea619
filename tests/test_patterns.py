"""The patterns run on every question and every document line are linear: long adversarial inputs take well under
50 ms of pattern work, and the rewritten patterns match exactly what the backtracking forms they replace matched."""

from __future__ import annotations

import random
import re
import time

import pytest

from assistant.conversation import Turn, _AND_TOPIC, _WHAT_ABOUT, resolve
from assistant.question import TOPIC, analyze
from index.sentences import split_sentences

BUDGET = 0.05  # seconds of this thread's CPU time, so that other work on the machine does not count

# The forms before the rewrite: exponential to cubic on runs of white space, kept here as the reference.
_OLD_TOPIC = re.compile(
    r"\b(?:on|about|regarding|concerning|over|for|in)\s+(?:the\s+)?(?P<topic>[^?]{3,80}?)\s*\??\s*$", re.I
)
_OLD_WHAT_ABOUT = re.compile(
    r"^\s*(?:and|but|so|also)?[\s,]*(?:what|how)\s+about\s+(?P<topic>.+?)\s*\??\s*$", re.I
)
_OLD_AND_TOPIC = re.compile(
    r"^\s*and\s+(?!(?:what|when|where|who|whom|which|why|how|is|are|was|were|did|does|do|can|will|has|have)\b)"
    r"(?:the\s+|on\s+|for\s+)?(?P<topic>[^?]{2,60}?)\s*\?\s*$", re.I
)

# Messages up to the 2,000-character limit (and beyond it, for the follow-up path) built to make backtracking
# patterns try every split of a run of white space.
HOSTILE = [
    "about " + " " * 2400 + "?x",
    "what about" + " " * 2400 + "?x",
    "and " + " " * 2400 + "x?y",
    ("on " + " " * 20) * 100 + "?x",
    "what about x" + " " * 2400 + "y\nz",
    "and  " + "the  " * 480 + "?",
    "for  the  " * 240 + "x" * 81 + "?",
    "in " * 800 + "?x",
    "word  " * 400 + "?",
    "What did the IRCS say about " + "a  " * 800 + "?!",
]


def cpu_seconds(call, *args) -> float:
    started = time.thread_time()
    call(*args)
    return time.thread_time() - started


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_question_analysis_is_linear(text):
    """Analysing a long hostile question takes under 50 ms."""
    assert cpu_seconds(analyze, text) < BUDGET


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_follow_up_resolution_is_linear(text):
    """Resolving a long hostile follow-up, or a follow-up to a long hostile question, takes under 50 ms."""
    earlier = [Turn("What did the IRCS say about CBRN readiness?", "What did the IRCS say about CBRN readiness?", "")]
    assert cpu_seconds(resolve, text, earlier) < BUDGET
    assert cpu_seconds(resolve, "And what about it?", [Turn(text, text, "")]) < BUDGET


@pytest.mark.parametrize("text", ["A. " * 16000, "!" * 48000 + " a", "Mr. " * 12000, "U.N. " * 10000])
def test_sentence_splitting_is_linear(text):
    """48 KB of initials, end marks or abbreviations is split into sentences in under 50 ms."""
    assert cpu_seconds(split_sentences, text) < BUDGET


def test_sentence_splitting_still_keeps_initials_and_abbreviations():
    """Initials and abbreviations do not end a sentence; other end marks do."""
    text = "J. Smith met Mr. Jones at the U.N. office. They agreed! Did they? Yes."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "J. Smith met Mr. Jones at the U.N. office.", "They agreed!", "Did they?", "Yes."]


def _strings(seed: int, count: int) -> list[str]:
    """Short strings of the pieces the patterns care about: keywords, runs of white space, question marks."""
    pieces = ["in", "on", "the", "for", " ", " ", "  ", "\n", "\t", "?", "x", "ab", "UN", "y z", "and", "what",
              "about", "how", ",", "so", "also"]
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        if rng.random() < 0.1:  # near the 60- and 80-character bounds of the topic
            text += "x" * rng.randint(50, 90) + rng.choice(["?", " ?", "", "  "])
        found.append(text)
    return found


def _spans(match):
    return None if match is None else (match.span(), match.span("topic"))


def test_rewritten_patterns_match_what_the_backtracking_ones_matched():
    """On 20,000 generated strings the linear patterns find the same match and topic as the old ones."""
    for text in _strings(7, 20000):
        assert _spans(TOPIC.search(text)) == _spans(_OLD_TOPIC.search(text)), text
        assert _spans(_WHAT_ABOUT.match(text)) == _spans(_OLD_WHAT_ABOUT.match(text)), text
        assert _spans(_AND_TOPIC.match(text)) == _spans(_OLD_AND_TOPIC.match(text)), text
