"""Which region a figure is about: the document's, or a place named just before its indicator
(咸安区完成地区生产总值…, 南昌市地区生产总值…)."""

from __future__ import annotations

from ingestion.extract.clauses import clause_bounds
from ingestion.extract.context import DocState, Sentence
from ingestion.extract.rules import Rules
from ingestion.parse import places


def region_before(sent: Sentence, start: int, state: DocState, R: Rules) -> str | None:
    """A place named in the clause just before `start`; None for the document's own region."""
    s = sent.s
    a, _ = clause_bounds(s, start)
    meta = state.meta
    for word, ta, tb in sent.tokens:
        if ta < a or tb > start:
            continue
        if word in R.self_region or word == meta.region:
            continue
        if word in R.d.region_names:
            return word
        if word in R.d.short_region_names:
            full = places.resolve_short(word, meta.region)
            if full and full != meta.region:
                return full
            continue
        if len(word) >= 3 and R.place_suffix_re.search(word) and word[:1] not in ("全", "我", "本", "该"):
            return word
    return None
