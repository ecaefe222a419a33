"""The gazetteer as the parser needs it: names to regions, short names (郴州 → 郴州市), duplicate
names (鼓楼区 ×4) told apart by context, and each region's ancestors."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from ingestion import dictionaries


@dataclass(frozen=True)
class Place:
    adcode: str
    name: str
    short: str
    level: str  # province | prefecture | county
    province: str
    parent: str | None


@dataclass(frozen=True)
class Gazetteer:
    by_code: dict[str, Place]
    by_name: dict[str, tuple[Place, ...]]
    by_short: dict[str, tuple[Place, ...]]

    def ancestors(self, p: Place) -> list[Place]:
        """The parent, its parent, … up to the province (by code prefix and names)."""
        out: list[Place] = []
        seen = {p.adcode}
        cur = p
        while cur.parent:
            cands = [c for c in self.by_name.get(cur.parent, ()) if c.province == cur.province and c.adcode not in seen]
            if not cands:
                break
            cur = cands[0]
            seen.add(cur.adcode)
            out.append(cur)
        return out


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    by_code: dict[str, Place] = {}
    by_name: dict[str, list[Place]] = defaultdict(list)
    by_short: dict[str, list[Place]] = defaultdict(list)
    for r in dictionaries.load().regions:
        p = Place(r["adcode"], r["region"], r["short_name"], r["level"], r["province"], r["parent_region"] or None)
        by_code[p.adcode] = p
        by_name[p.name].append(p)
        if len(p.short) >= 2 and p.short != p.name:
            by_short[p.short].append(p)
    return Gazetteer(by_code, {k: tuple(v) for k, v in by_name.items()}, {k: tuple(v) for k, v in by_short.items()})


def candidates(name: str) -> tuple[Place, ...]:
    g = gazetteer()
    return g.by_name.get(name) or g.by_short.get(name) or ()


def choose(cands: tuple[Place, ...] | list[Place], context: list[str]) -> Place | None:
    """One of several places of the same name, by the regions the context names (the province or
    city of the document): the candidate with the most context names among its ancestors wins;
    a tie that context cannot break is no choice (None), never a guess."""
    if not cands:
        return None
    if len(cands) == 1:
        return cands[0]
    g = gazetteer()
    ctx = set(context)
    for name in context:  # short names in the context count by their full names (深圳 → 深圳市)
        ctx.update(p.name for p in g.by_short.get(name, ()))
    named = [c for c in cands if c.name in ctx]
    if len(named) == 1:  # the context names it itself (衡阳 in a 衡南县 text is its city, 衡阳市)
        return named[0]
    scored = []
    for c in cands:
        names = {a.name for a in g.ancestors(c)} | {c.province}
        scored.append((len(names & ctx), c))
    scored.sort(key=lambda x: -x[0])
    if scored[0][0] > 0 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    # still tied: a bare name means the higher level (南昌 is 南昌市, not 南昌县; 海南 the province),
    # among the candidates the context fits best
    best = [c for sc, c in scored if sc == scored[0][0]]
    levels = {"province": 0, "prefecture": 1, "county": 2}
    by_level = sorted(best, key=lambda c: levels.get(c.level, 3))
    if len(by_level) == 1 or levels.get(by_level[0].level, 3) < levels.get(by_level[1].level, 3):
        return by_level[0]
    return None


def resolve_name(word: str, context_region: str | None) -> str | None:
    """A place as written (咸宁市, 郴州, 果洛州 for 果洛藏族自治州) as a region's full name, in the
    context of a document's region; None when it is no region or stays ambiguous."""
    cands = candidates(word)
    if not cands and len(word) >= 3 and word[-1] in "省市县区州盟旗":
        cands = gazetteer().by_short.get(word[:-1], ())
    if not cands:
        return None
    context: list[str] = []
    if context_region:
        context.append(context_region)
        for c in candidates(context_region):
            context.append(c.province)
            context.extend(a.name for a in gazetteer().ancestors(c))
    place = choose(cands, context)
    return place.name if place else None


def resolve_short(name: str, context_region: str | None) -> str | None:
    """A short name (南昌, 郴州) as the full name of a region, in the context of a document's region."""
    context = []
    if context_region:
        context.append(context_region)
        for c in candidates(context_region):
            context.append(c.province)
            context.extend(a.name for a in gazetteer().ancestors(c))
    place = choose(candidates(name), context)
    return place.name if place else None


def is_ancestor(name: str, of_region: str | None) -> bool:
    """Is `name` a region above `of_region` (衡阳市 above 衡南县)?"""
    if not of_region:
        return False
    return any(name in {a.name for a in gazetteer().ancestors(c)} for c in candidates(of_region))


def level_of(name: str) -> str | None:
    cands = candidates(name)
    return cands[0].level if cands else None
