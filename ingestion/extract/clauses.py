"""Clauses of a sentence, and what is left between a subject and its figure."""

from __future__ import annotations

import bisect
import functools
import re

from ingestion.extract.frames import periods_in_reach
from ingestion.extract.rules import Rules

CJK = r"\u4e00-\u9fff"
CLAUSE_SEPARATORS = frozenset(",;:、(),;:")
# A clause longer than this is not followed further (sentences are cut to a bounded length by
# the splitter, so every scan below is bounded and extraction stays linear in the text).
MAX_CLAUSE = 200


PHRASE_SEPARATORS = frozenset(",;:、,;:")  # the same without brackets: 全市七县(市)第二


def clause_bounds(s: str, pos: int, separators: frozenset[str] = CLAUSE_SEPARATORS) -> tuple[int, int]:
    """The clause around position pos: between the nearest separators (,;:、 and brackets), at
    most MAX_CLAUSE characters either side."""
    seps = _separator_positions(s, separators)
    k = bisect.bisect_left(seps, pos)  # seps[k - 1] < pos <= seps[k]
    a = seps[k - 1] + 1 if k > 0 else 0
    b = seps[k] if k < len(seps) else len(s)
    return max(a, pos - MAX_CLAUSE), min(b, pos + MAX_CLAUSE)


@functools.lru_cache(maxsize=8)
def _separator_positions(s: str, separators: frozenset[str]) -> list[int]:
    """Where the separators stand in a sentence: found once per sentence (every figure of it asks
    for its clause), then each clause is a binary search."""
    return [i for i, c in enumerate(s) if c in separators]


_RANK_FRAGMENT = re.compile(r"\d+(?:\.\d+)?\s*(?:%|[万亿]?[\u4e00-\u9fff]?)")
_SHORT_PAREN = re.compile(r"\([^()]{0,40}\)")  # an aside in brackets: (下同), (主要是二产、三产未达预期目标)
_NOT_WORD = re.compile(rf"[^{CJK}A-Za-z]")


def strip_gap(gap: str, R: Rules) -> str:
    """What is left between a subject and its figure once figures, ranks, periods, comparisons
    with the province and connector words are taken out: anything left names another subject."""
    gap = R.gap_ignorable_re.sub("", gap)
    gap = R.inline_target_re.sub("", gap)
    gap = R.rank_in_gap_re.sub("", gap)
    gap = R.number_re.sub("", gap)
    gap = _RANK_FRAGMENT.sub("", gap)
    gap = _SHORT_PAREN.sub("", gap)
    for p in periods_in_reach(gap, R):  # (forms are only taken out: the ones in reach stay so)
        gap = p.rx.sub("", gap)
    gap = R.inline_year_re.sub("", gap)
    gap = R.relative_year_re.sub("", gap)
    gap = R.completion_re.sub("", gap)
    gap = R.growth_re.sub("", gap)
    gap = R.decline_re.sub("", gap)
    gap = R.flat_re.sub("", gap)
    gap = R.estimate_re.sub("", gap)
    gap = R.connector_re.sub("", gap)
    for v in R.rank_verbs:
        gap = gap.replace(v, "")
    for w in R.gap_scope_words:
        gap = gap.replace(w, "")
    return _NOT_WORD.sub("", gap)
