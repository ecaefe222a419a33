"""Indicator mentions: where a sentence names an indicator of the dictionary, and whether a noun
glued to its front narrows it to a sector (then the figure is not the region's headline)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingestion.extract.clauses import CJK, clause_bounds
from ingestion.extract.numbers import Num
from ingestion.extract.rules import Rules
from ingestion.extract.tokens import pos_tokenizer
from ingestion.parse import places


@dataclass
class Mention:
    start: int
    end: int
    raw: str
    codes: tuple[str, ...]  # one code, or several for a list or a compound name
    single: str | None = None  # the code when only one figure follows a compound name
    numbers: list[Num] = field(default_factory=list)  # figures already given to this mention


def indicator_mentions(s: str, R: Rules) -> list[Mention]:
    d = R.d
    found: dict[tuple[int, int], Mention] = {}

    def add(start: int, end: int, raw: str) -> None:
        if raw in d.groups:
            found[(start, end)] = Mention(start, end, raw, d.groups[raw], d.group_single.get(raw))
        elif raw in d.aliases:
            found[(start, end)] = Mention(start, end, raw, (d.aliases[raw],))

    # one scan of the dictionary's names (longest first at each place), then the compound names
    # and the names completed by an earlier word; the longer of two overlapping names wins
    for m in R.alias_re.finditer(s):
        add(m.start(), m.end(), m.group(0))
    for m in R.figure_only_re.finditer(s):
        found.setdefault((m.start(), m.end()), Mention(m.start(), m.end(), m.group(0), (R.figure_only[m.group(0)],)))
    for rx, codes, single in R.compound_res:
        for m in rx.finditer(s):
            found[(m.start(), m.end())] = Mention(m.start(), m.end(), m.group(0), codes, single)
    for c in R.contextual:
        for m in c.head_re.finditer(s):
            lo = max(0, m.start() - c.window)
            before = s[lo : m.start()]
            cut = max(before.rfind("其中"), before.rfind(";"))
            if cut >= 0:
                before = before[cut:]
            if not c.needs_before.search(before):
                continue
            # the earlier word is in an earlier clause: then nothing but fillers (面积和, 预计…) may
            # stand before the head in its own clause ("再生稻和高粱面积、产量…" is not grain)
            clause_start = max(s.rfind(ch, 0, m.start()) for ch in ",;:。") + 1
            own = s[clause_start : m.start()]
            if not c.needs_before.search(own) and R.contextual_filler_re.sub("", own):
                continue
            found.setdefault((m.start(), m.end()), Mention(m.start(), m.end(), c.head, (c.indicator,)))
    chosen: list[Mention] = []
    for m in sorted(found.values(), key=lambda x: (-(x.end - x.start), x.start)):
        if not _overlaps_any(m, chosen):
            chosen.append(m)
    mentions = sorted(chosen, key=lambda x: x.start)
    # 地区生产总值(GDP): the bracketed abbreviation is the same name, not another subject
    folded: list[Mention] = []
    for m in mentions:
        if (folded and folded[-1].codes == m.codes and s[folded[-1].end : m.start] == "("
                and s[m.end : m.end + 1] == ")"):
            prev = folded[-1]
            folded[-1] = Mention(prev.start, m.end + 1, s[prev.start : m.end + 1], prev.codes, prev.single)
        else:
            folded.append(m)
    mentions = folded
    # Names listed together ("规模以上工业增加值、进出口总额增速分别…") act as one group.
    merged: list[Mention] = []
    for m in mentions:
        if merged and s[merged[-1].end : m.start] in R.list_joiners and len(m.codes) == 1:
            prev = merged[-1]
            merged[-1] = Mention(prev.start, m.end, s[prev.start : m.end], prev.codes + m.codes)
        else:
            merged.append(m)
    return merged


def _overlaps_any(m: Mention, chosen: list[Mention]) -> bool:
    return any(m.start < c.end and c.start < m.end for c in chosen)


def qualifier(s: str, mention: Mention, R: Rules) -> str:
    """A noun glued to the front of the indicator that narrows it to a sector or a zone
    (综保区进出口总额, 人均GDP, 跨境电商进出口额): such a figure is not the region's headline
    indicator. jieba's part-of-speech tags tell a noun from a verb (助推, 完成) or a 的-phrase."""
    if mention.raw in R.contextual_heads:
        return ""
    a, _ = clause_bounds(s, mention.start)
    head = s[a : mention.start]
    per_unit = R.per_unit_re.search(head)  # 人均, 亩均, 户均: a per-unit figure
    if per_unit:
        return per_unit.group(0)
    # drop lead words and connectors standing right before the name (…完成|实现|预计…)
    while True:
        m = R.qualifier_tail_re.search(head)
        if not m or not m.group(0):
            break
        head = head[: m.start()]
    if not head or not re.search(rf"[{CJK}A-Za-z]$", head) or R.firm_universe_re.search(head):
        return ""
    if any(places.resolve_name(head[-k:], None) for k in range(2, min(len(head), 8) + 1)):
        return ""  # 果洛州实现地区生产总值: a place, so a sub-unit's (or its own) figure, not a sector's
    words = list(pos_tokenizer().cut(head[-12:]))
    if not words:
        return ""
    last = words[-1]
    if (last.word in R.self_region or R.lead_re.fullmatch(last.word) or R.connector_re.fullmatch(last.word)
            or places.resolve_name(last.word, None) is not None):
        return ""  # a place before the name is a sub-unit's figure (regions.py), not a sector's
    if last.flag[:1] in ("n", "j", "l", "s") or last.flag in ("eng", "nz", "an", "vn"):
        if last.flag == "vn" and len(words) == 1:
            return ""
        return last.word
    return ""


def carried_heads(s: str, mentions: list[Mention], before: Mention | None, R: Rules) -> list[Mention]:
    """Mentions with the bare heads of single months' figures added (其中,7月当月增加值…): each is
    the indicator named last before it (in the sentence, else `before`: the sentence before on
    its line) whose name ends with the head; a head that no such name precedes stays unnamed."""
    added: list[Mention] = []
    for m in R.carried_head_re.finditer(s):
        hs, he = m.span("name")
        if any(x.start < he and hs < x.end for x in mentions):
            continue
        earlier = [x for x in mentions if x.end <= hs] or ([before] if before is not None else [])
        prev = earlier[-1] if earlier else None
        if prev is not None and len(prev.codes) == 1 and prev.raw.endswith(m.group("head")):
            added.append(Mention(hs, he, prev.raw, prev.codes, prev.single))
    return sorted(mentions + added, key=lambda x: x.start) if added else mentions

