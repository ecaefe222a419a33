"""The characters a rule's pattern needs (ingestion/extract/prefilter.py): a sentence lacking
them is skipped, so the sets must be exact. Checked on patterns of every shape and, for every
period form of the rules, on every sentence of the bundled and scraped pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingestion.extract.prefilter import may_match, needed_chars
from ingestion.extract.rules import rules
from ingestion.parse.view import build_view
from ingestion.readers import read_text
from ingestion.split import split_sentences

REPO = Path(__file__).resolve().parents[3]


def _sets(pattern: str) -> list[str]:
    return ["".join(sorted(s)) for s in needed_chars(re.compile(pattern))]


@pytest.mark.parametrize("pattern, sets", [
    ("(?:第)?一季度", ["一", "季", "度"]),  # an optional part needs nothing
    ("上半年|前两个季度", ["上前"]),  # a branch: one of its branches' characters
    (r"(1[0-2]|[1-9])月份", ["份", "月", "123456789"]),
    (r"a?b*", []),  # may match nothing
    (r"[^a]x?", []),  # a negated class: anything
    (r"(?<![\d.])x(?=y)", ["x"]),  # lookarounds are not part of the match
    (r"(?i)a", []),  # ignoring case: no exact set
])
def test_needed_characters_of_patterns(pattern, sets):
    assert sorted(_sets(pattern), key=lambda s: (len(s), s)) == sorted(sets, key=lambda s: (len(s), s))


def test_a_digit_class_needs_any_decimal_digit():
    (digits,) = needed_chars(re.compile(r"\d+"))
    assert {"0", "9", "٣"} <= digits and "a" not in digits


def test_no_sentence_with_a_match_is_skipped():
    """Exactness on real text: every period form matching a sentence may match it."""
    R = rules()
    texts = [read_text(p) for p in sorted((REPO / "sample_corpus").glob("*.txt"))[:8]]
    texts += [read_text(p) for p in sorted((REPO / "sample_corpus_wild").glob("*.txt"))]
    matched = skipped = 0
    for text in texts:
        view = build_view(text).text
        for sp in split_sentences(view):
            s = view[sp.start : sp.end]
            chars = set(s)
            for p in R.periods:
                hit = p.rx.search(s) is not None
                allowed = may_match(p.needed, chars)
                assert allowed or not hit, (p.rx.pattern, s)
                matched += hit
                skipped += not allowed
    assert matched > 100 and skipped > 10 * matched  # it matters: most tries are skipped
