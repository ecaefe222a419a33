"""Which region a figure is about: the document's, or a place named just before its indicator
(咸安区完成地区生产总值…, 南昌市地区生产总值…)."""

from __future__ import annotations

from ingestion.extract.clauses import clause_bounds
from ingestion.extract.context import DocState, Sentence
from ingestion.extract.rules import Rules
from ingestion.parse import places


def region_before(sent: Sentence, start: int, state: DocState, R: Rules) -> str | None:
    """A place named in the clause just before `start`, else the place a sentence opens with
    (南昌继续排行第一,实现生产总值…); None for the document's own region."""
    a, _ = clause_bounds(sent.s, start)
    found = _place_in(sent, a, start, state, R)
    if found is None and a > 0:
        first_end = clause_bounds(sent.s, 0)[1]
        found = _place_in(sent, 0, first_end, state, R, opening=True)
    return found or None


def _place_in(sent: Sentence, lo: int, hi: int, state: DocState, R: Rules, opening: bool = False) -> str | None:
    """The place among the tokens in [lo, hi); "" for the document's own region."""
    meta = state.meta
    for word, ta, tb in sent.tokens_in(lo, hi):
        if opening and ta > lo:
            return None  # only a place the sentence opens with is its subject
        if word in R.self_region or word == meta.region:
            if opening:
                return ""
            continue
        full = places.resolve_name(word, meta.region) if len(word) >= 2 else None
        if full is not None:
            if full == meta.region or places.is_ancestor(full, meta.region):
                if opening:
                    return ""
                continue
            return full
        if not opening and len(word) >= 3 and R.place_suffix_re.search(word) and word[:1] not in ("全", "我", "本", "该"):
            return word
    return None
