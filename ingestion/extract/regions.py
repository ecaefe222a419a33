"""Which region a figure is about: the document's, or a place named just before its indicator
(咸安区完成地区生产总值…, 南昌市地区生产总值…)."""

from __future__ import annotations

import re

from ingestion.extract.clauses import clause_bounds
from ingestion.extract.context import DocState, Sentence
from ingestion.extract.rules import Rules
from ingestion.parse import places
from ingestion.parse.region import name_hits


LIST_SEPARATORS = frozenset(",;:,;:")  # a clause with its 、-lists whole
# what may stand between listed places: joiners, after a place's own figure in brackets (西夏区(13.0%)和灵武市)
_LIST_GLUE = re.compile(r"^(?:[((]-?\d+(?:\.\d+)?%[))])?[、和及与\s]*(?:以及)?$")


def regions_before(sent: Sentence, start: int, state: DocState, R: Rules) -> list[str | None]:
    """The places a figure's name is stated for: several when the clause lists them
    ("北湖区、资兴市、桂阳县地区生产总值过100亿元"), else the one of region_before."""
    a, _ = clause_bounds(sent.s, start, LIST_SEPARATORS)
    clause = sent.s[a:start]
    hits = name_hits(clause) if any(j in clause for j in R.list_joiners) else []
    if len(hits) >= 2:
        resolved = [places.resolve_name(h.name, state.meta.region) for h in hits]
        glue = [sent.s[a + (hits[k - 1].end if k else 0) : a + h.start] for k, h in enumerate(hits)]
        tail = sent.s[a + hits[-1].end : start]
        if all(resolved) and all(_LIST_GLUE.match(g) for g in glue[1:]) and (len(tail) <= 2 or _LIST_GLUE.match(tail)):
            return [r if r != state.meta.region else None for r in dict.fromkeys(resolved)]
    return [region_before(sent, start, state, R)]


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
    """The place among the tokens in [lo, hi): another region or sub-unit, "" when only the
    document's own region (or one above it) is named there, None when no place is."""
    meta = state.meta
    if opening:  # "2023年郑州的…": a year or period may stand before the subject
        m = R.opening_time_re.match(sent.s, lo, hi)
        lo = m.end() if m else lo
    own = False
    for word, ta, tb in sent.tokens_in(lo, hi):
        if opening and ta > lo and not own:
            return None  # only a place the sentence opens with is its subject
        if word in R.self_region or word == meta.region:
            own = True
            if opening:
                return ""
            continue
        full = places.resolve_name(word, meta.region) if len(word) >= 2 else None
        if full is not None:
            if full == meta.region or places.is_ancestor(full, meta.region):
                own = True
                if opening:
                    return ""
                continue
            if opening and R.media_after_re.match(sent.s, tb):
                return None  # 香格里拉网讯: a newspaper's name, not the subject
            group = R.group_after_re.match(sent.s, tb)
            if group:  # 武汉城市圈: a group of places around it, not the place (kept as written)
                return sent.s[ta : group.end()]
            return full
        if not opening and len(word) >= 3 and R.place_suffix_re.search(word) and word[:1] not in ("全", "我", "本", "该"):
            return word
    return "" if own else None
