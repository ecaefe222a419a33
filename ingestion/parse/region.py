"""Whose document is it? The reporting region, from whatever the page offers.

In order of trust: the issuer or meeting line (发布机构:X统计局, 在X第N届人民代表大会, 我代表X人民政府,
X人民政府关于…), then the places the text names most, weighed against the level the text speaks
for (全县 is a county, 全州 a prefecture, 自治区 a province: a province's text that names only its
capital is the province's), then a region named in the file name or url (in characters or in
pinyin: w05_youyang_2025.txt, www.jiaxian.gov.cn). Short names resolve to full ones (郴州 → 郴州市)
and duplicate names (鼓楼区 ×4) are told apart by the other places the text names; what stays
ambiguous is no guess.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from ingestion import dictionaries
from ingestion.parse import places
from ingestion.parse.places import Place

LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}
# Words a text uses of itself, never place names here (全州 is also a county of Guangxi).
SELF_WORDS = frozenset({"全州", "全县", "全市", "全区", "全省", "全旗", "全盟"})


@dataclass(frozen=True)
class RegionGuess:
    region: str | None
    source: str  # title | issuer | mentions | source name | "" (none found)
    ambiguous: tuple[str, ...] = ()  # candidates that could not be told apart


@functools.lru_cache(maxsize=1)
def _names_automaton():
    """Every full and short name (2+ characters) of the gazetteer in an Aho-Corasick automaton:
    one pass over the text finds them all, longest first (a regex alternation of 6,000 names
    tried at every position was most of a document's parse time)."""
    import ahocorasick

    g = places.gazetteer()
    automaton = ahocorasick.Automaton()
    for name in set(g.by_name) | set(g.by_short):
        if len(name) >= 2:
            automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton


@dataclass(frozen=True)
class NameHit:
    start: int
    end: int
    name: str


def name_hits(text: str) -> list[NameHit]:
    """Gazetteer names in the text, leftmost-longest, without overlaps."""
    if not text:
        return []
    return [NameHit(end - len(name) + 1, end + 1, name) for end, name in _names_automaton().iter_long(text)]


@functools.lru_cache(maxsize=1)
def _pinyin_index() -> dict[str, tuple[Place, ...]]:
    out: dict[str, list[Place]] = {}
    g = places.gazetteer()
    for row in dictionaries.load().region_pinyin:
        p = g.by_code.get(row["adcode"])
        if p is not None and len(row["pinyin"]) >= 4:
            out.setdefault(row["pinyin"], []).append(p)
    return {k: tuple(v) for k, v in out.items()}


def names_in(text: str) -> list[str]:
    return [h.name for h in name_hits(text)]


def _last_place(fragment: str, context: list[str]) -> Place | None:
    """The place named last in a fragment (宁波市奉化区 → 奉化区; 重庆召开 → 重庆市)."""
    found = names_in(fragment)
    for name in reversed(found):
        place = places.choose(places.candidates(name), context + found)
        if place is not None:
            return place
    return None


@dataclass(frozen=True)
class LevelWords:
    """The words by which a text says the level it speaks for, and the contexts that void them."""

    words: dict[str, list[str]]
    not_before: re.Pattern  # 高于全省: a comparison
    not_after: re.Pattern  # 全省第3位: a ranking
    ordinary: frozenset[str]  # short names that are ordinary words (振兴, 东风)

    @functools.cached_property
    def pattern(self) -> re.Pattern:
        alts = sorted({w for ws in self.words.values() for w in ws}, key=len, reverse=True)
        return re.compile("|".join(map(re.escape, alts)))

    @functools.cached_property
    def level_of(self) -> dict[str, str]:
        return {w: level for level, ws in self.words.items() for w in ws}


def self_level(text: str, lw: LevelWords) -> str | None:
    """The level a text speaks for, by its 全县/全州/全省-like words said of itself (None when it
    does not say, or says it only once)."""
    counts: Counter[str] = Counter()
    for m in lw.pattern.finditer(text):
        if lw.not_before.search(text[max(0, m.start() - 4) : m.start()]):
            continue
        if lw.not_after.search(text[m.end() : m.end() + 4]):
            continue
        counts[lw.level_of[m.group(0)]] += 1
    if not counts:
        return None
    (best, n), *rest = counts.most_common()
    if n < 2 or (rest and rest[0][1] * 2 > n):
        return None
    return best


def from_issuer(head: str, issuer_res: list[re.Pattern], context: list[str]) -> Place | None:
    for rx in issuer_res:
        for m in rx.finditer(head):
            place = _last_place(m.group(1), context)
            if place is not None:
                return place
    return None


_ADMIN_SUFFIX = "省市县区州盟旗"


def _weight(name: str, place: Place, text: str, end: int, lw: LevelWords) -> float:
    """How much one mention says: a full name (or a short name with a suffix, 果洛州) a lot, a
    short name of three characters or more (平顶山) some, a bare two-character short name of a
    province or prefecture (宁夏, 黑河) less and of a county little, and one that is an ordinary
    word (振兴, 东风, 和县 in 市和县) or a self word (全州) nothing."""
    if name in lw.level_of or name in SELF_WORDS or name in lw.ordinary:
        return 0.0
    if name == place.name or text[end : end + 1] in _ADMIN_SUFFIX:
        return 2.0
    if len(name) >= 3:
        return 1.0
    # 宁夏, 黑河: a province or a prefecture often goes by its short name in prose
    return 0.5 if place.level in ("province", "prefecture") else 0.25


def _decisive(scores: Counter) -> tuple[str | None, bool]:
    """The key that clearly leads (at least 0.5 and twice the next, or at least 1 and ahead),
    and whether its lead is strong (a full name or more said of it)."""
    if not scores:
        return None, False
    (best, top), *rest = scores.most_common()
    second = rest[0][1] if rest else 0.0
    if top > second and (top >= 1 or (top >= 0.5 and top >= 2 * second)):
        return best, top >= 1
    return None, False


def from_mentions(text: str, level: str | None, county_addressed: bool,
                  lw: LevelWords) -> tuple[Place | None, bool, tuple[str, ...]]:
    """The place the text names most, fitted to the level it speaks for: at that level, a place
    counts for itself and for the ancestor of its own it is in (瑞丽, 陇川 → 德宏州)."""
    matches = name_hits(text)
    found = [h.name for h in matches]
    weights: Counter[str] = Counter()
    resolved: dict[str, Place] = {}
    for h in matches:
        place = places.choose(places.candidates(h.name), found)
        if place is None:
            continue
        w = _weight(h.name, place, text, h.end, lw)
        if w:
            resolved[place.adcode] = place
            weights[place.adcode] += w
    if county_addressed:
        level = "county"
    if level is None:
        best, strong = _decisive(weights)
        return (resolved[best], strong, ()) if best else (None, False, tuple(sorted({resolved[c].name for c in weights})))
    g = places.gazetteer()
    at_level: Counter[str] = Counter()
    for code, w in weights.items():
        p = resolved[code]
        if p.level == level:
            at_level[code] += w
        else:
            for anc in g.ancestors(p):
                if anc.level == level:
                    resolved[anc.adcode] = anc
                    at_level[anc.adcode] += w
                    break
    best, strong = _decisive(at_level)
    return (resolved[best], strong, ()) if best else (None, False, tuple(sorted({resolved[c].name for c in at_level})))


_PINYIN_SUFFIX = re.compile("(?:zizhiqu|zizhizhou|zizhixian|sheng|shi|xian|qu|zhou|meng|qi)$")


def from_source(source: str, context: list[str]) -> tuple[Place | None, tuple[str, ...]]:
    """A region named in a file name or url path, in characters or in pinyin."""
    place = _last_place(source, context)
    if place is not None:
        return place, ()
    tokens = [t.lower() for t in re.split(r"[^A-Za-z]+", source) if len(t) >= 4]
    index = _pinyin_index()
    cands: list[Place] = []
    for t in tokens:
        found = index.get(t, ())
        if not found:  # wulatehouqi, xingguoxian: the short name's pinyin and its suffix's
            stem = _PINYIN_SUFFIX.sub("", t)
            found = index.get(stem, ()) if len(stem) >= 4 else ()
        cands.extend(found)
    if not cands:
        return None, ()
    chosen = places.choose(cands, context)
    return chosen, () if chosen else tuple(sorted({c.name for c in cands}))


# Characters read for places and self words: a document says whose it is early, and a bounded
# read keeps a huge file's cost flat.
REGION_SAMPLE = 8_000


_TITLE_LEAD = re.compile(r"^(?:关于)?(?:(?:19|20)\d{2}年)?")


def from_title(title: str | None, context: list[str]) -> Place | None:
    """The place a title opens with, by its full name (西工区11月国民经济运行情况简析): what a
    page is about, even where its site's template names another issuer."""
    if not title:
        return None
    lead = _TITLE_LEAD.match(title).end()
    hits = name_hits(title[lead : lead + 24])
    if not hits or hits[0].start != 0:
        return None
    # a chain of names opening the title names the last of them (湖州市长兴县 → 长兴县)
    last = 0
    while last + 1 < len(hits) and hits[last + 1].start == hits[last].end:
        last += 1
    hit = hits[last]
    place = places.choose(places.candidates(hit.name), context + [h.name for h in hits])
    full = place is not None and (hit.name == place.name or title[lead + hit.end : lead + hit.end + 1] in _ADMIN_SUFFIX)
    return place if full else None


def infer_region(text: str, head: str, source: str, issuer_res: list[re.Pattern], level_words: LevelWords,
                 county_addressees: re.Pattern, use_source: bool = True, title: str | None = None) -> RegionGuess:
    text = text[:REGION_SAMPLE]
    context = names_in(text[:5000])
    titled = from_title(title, context)
    if titled is not None:
        return RegionGuess(titled.name, "title")
    issuer = from_issuer(head, issuer_res, context)
    if issuer is not None:
        return RegionGuess(issuer.name, "issuer")
    level = self_level(text, level_words)
    mentioned, strong, ambiguous = from_mentions(text, level, bool(county_addressees.search(text[:200])), level_words)
    if mentioned is not None and strong:
        return RegionGuess(mentioned.name, "mentions")
    # the text names its place only weakly (a bare short name or two): a file name or url that
    # names one decides first
    if use_source and source:
        hinted, amb = from_source(source, context)
        if hinted is not None:
            return RegionGuess(hinted.name, "source name")
        ambiguous = ambiguous or amb
    if mentioned is not None:
        return RegionGuess(mentioned.name, "mentions")
    return RegionGuess(None, "", ambiguous)
