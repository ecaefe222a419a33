"""Figures tied to indicators: each number with a unit attaches to the nearest indicator named
before it (unless another subject stands between them); the words between decide its measure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingestion.extract import decide
from ingestion.extract.clauses import clause_bounds, strip_gap
from ingestion.extract.context import DocState, Sentence
from ingestion.extract.mentions import Mention, qualifier
from ingestion.extract.numbers import Num, convert, list_end
from ingestion.extract.regions import regions_before
from ingestion.parse import places
from ingestion.parse.region import name_hits
from ingestion.extract.rules import Rules
from ingestion.records import FactRecord

# A mention further than this before its figure is not its subject.
MAX_GAP = 60
# Evidence longer than this starts at the figure's clause instead of at its indicator.
MAX_EVIDENCE = 80


@dataclass
class Draft:
    """What one figure says, before it becomes a FactRecord."""

    kind: str
    code: str | None
    raw_name: str
    measure: str
    start: int  # evidence span, in the sentence
    end: int
    value: float | None = None
    value_high: float | None = None
    unit: str | None = None
    value_raw: str | None = None
    comparator: str | None = None
    estimate: bool = False
    rank: int | None = None
    rank_scope: str | None = None
    rank_direction: str | None = None
    target_text: str | None = None
    region: str | None = None
    year: int | None = None
    period: tuple[int, int] = (1, 12)
    dated: bool = False  # its year is named in its own sentence (2019年…, 由2015年的…)


def to_record(d: Draft, sent: Sentence, state: DocState) -> FactRecord:
    return FactRecord(
        document_id=state.doc_id, sentence_no=sent.no, region=d.region or state.meta.region, kind=d.kind,
        year=d.year, period_start_month=d.period[0], period_end_month=d.period[1], indicator=d.code,
        indicator_raw=d.raw_name, measure=d.measure, evidence="", char_start=sent.base + d.start,
        char_end=sent.base + d.end, value=d.value, value_high=d.value_high, unit=d.unit, value_raw=d.value_raw,
        comparator=d.comparator, estimate=d.estimate, rank=d.rank, rank_scope=d.rank_scope,
        rank_direction=d.rank_direction, target_text=d.target_text,
    )


def evidence_start(s: str, mention_start: int, end: int) -> int:
    if end - mention_start <= MAX_EVIDENCE:
        return mention_start
    return clause_bounds(s, max(0, end - 1))[0]


def subject_of(pos: int, mentions: list[Mention]) -> Mention | None:
    """The last mention that ends before pos (mentions are in order)."""
    found = None
    for m in mentions:
        if m.end > pos:
            break
        found = m
    return found


def comparator(s: str, num: Num, mention_end: int, list_stop: int, R: Rules) -> str:
    after = s[list_stop : list_stop + 6].lstrip(")")
    for w, k in R.comparator_after:
        if after.startswith(w):
            return k
    if num.value_high is not None:
        return "range"
    before = s[mention_end : num.start]
    for w, k in R.comparator_before:
        if w in before:
            return k
    return "exact"


def _from_to_year(sent: Sentence, state: DocState, num: Num, R: Rules) -> int | None | bool:
    """A level in "由2015年的X增加到2020年的Y": the year of X or Y (False: X without a year)."""
    s = sent.s
    for m in R.from_to_re.finditer(s[max(0, num.start - 60) : num.end + 40]):
        off = max(0, num.start - 60)
        y1 = int(m.group("y1")) if m.group("y1") else None
        y2 = int(m.group("y2")) if m.group("y2") else None
        if y1 and y2:
            state.from_to_years = (y1, y2)
        years = (y1, y2) if (y1 or y2) else state.from_to_years
        if off + m.start("a") == num.start:
            return years[0] if years and years[0] else False
        if off + m.end() == num.start:
            return years[1] if years and years[1] else None
    return None


_RESPECTIVELY = re.compile("分别")


def respective_subjects(sent: Sentence, R: Rules) -> dict[int, Mention | None]:
    """分别 after figures of several subjects: "城镇居民收入13751元,农村居民纯收入4744元,分别增长9.6%和
    9.2%" — the k-th figure after 分别 belongs to the subject of the k-th figure before it (of a
    different unit), when those are different subjects. Returns figure index → its subject."""
    s, nums = sent.s, sent.nums
    out: dict[int, Mention | None] = {}
    for fm in _RESPECTIVELY.finditer(s):
        run = [i for i, n in enumerate(nums) if n.start > fm.end()]
        last = subject_of(fm.start(), sent.mentions)
        if not run or last is None or not any(last.end <= n.start < fm.start() for n in nums):
            continue  # 城镇和农村居民收入分别为…: 分别 right after its subjects, not after their figures
        # the figures listed after 分别, joined by 、/和
        listed = [run[0]]
        for j in run[1:]:
            if s[nums[listed[-1]].end : nums[j].start].strip() in R.list_joiners and len(listed) < 8:
                listed.append(j)
            else:
                break
        before = [i for i, n in enumerate(nums) if n.end <= fm.start() and n.is_pct != nums[listed[0]].is_pct]
        if len(listed) < 2 or len(before) < len(listed):
            continue
        subjects = [_direct_subject(sent, nums[i], R) for i in before[-len(listed):]]
        named = [m for m in subjects if m is not None]
        if len({id(m) for m in named}) != len(named) or any(len(m.codes) > 1 for m in named) or not named:
            continue  # one subject (a compound name) takes its figures in order already
        for j, subject in zip(listed, subjects):
            out[j] = subject
    return out


def _direct_subject(sent: Sentence, num: Num, R: Rules) -> Mention | None:
    """The indicator a figure is stated for, when nothing but connectors stands between them."""
    m = subject_of(num.start, sent.mentions)
    if m is None or len(strip_gap(sent.s[m.end : num.start], R)) > 1:
        return None
    return m


def figures(sent: Sentence, state: DocState, R: Rules) -> list[Draft]:
    s, nums, mentions = sent.s, sent.nums, sent.mentions
    out: list[Draft] = []
    respective = respective_subjects(sent, R)
    for i, num in enumerate(nums):
        if i in respective:
            mention = respective[i]
            if mention is None:
                continue  # 累计支出…分别增长: the subject is not an indicator
            if not R.comparison_figure_re.search(s[max(0, num.start - 12) : num.start]):
                out.extend(_figure(sent, state, i, num, mention, None, s[mention.start : num.end], False, R))
            continue
        mention = subject_of(num.start, mentions)
        # a place right before the number: a per-unit list item (东风农场163.8%)
        a, _ = clause_bounds(s, num.start)
        prefix = s[a : num.start]
        place = None
        if (mention is not None and num.is_pct and R.place_suffix_re.search(prefix)
                and 2 <= len(prefix) <= 16 and mention.end <= a and R.completion_re.search(s[mention.end : a])):
            place = prefix
        elif mention is not None:
            gap = s[mention.end : num.start]
            if ";" in gap or len(gap) > MAX_GAP:
                mention = None
        if R.comparison_figure_re.search(s[max(0, num.start - 12) : num.start]):
            continue  # 增长7.5%(全市11.1%): the wider region's figure, given for comparison
        if not num.is_pct and R.change_before_re.search(s[max(0, num.start - 4) : num.start]):
            continue  # 增加411元: a change, not a level
        if R.size_class_re.match(s, num.end):
            continue  # 5000万元以上项目: a size class in a name, not a figure
        clause = s[a : clause_bounds(s, num.start)[1]]
        window = s[mention.start : num.end] if mention else clause
        completion_here = bool(R.completion_re.search(s[max(0, num.start - 14) : num.start]))
        # skip words of the figure's own clause, or between it and its name (占…比重); a share of
        # the plan on the way (占年初预算…的43.2%,同比下降6.5%) is no reason to skip
        if not completion_here and (R.skip_re.search(clause) or (
                mention and R.skip_re.search(R.completion_re.sub("", s[mention.end : num.start])))):
            continue
        inline_target = not completion_here and bool(R.inline_target_re.search(s[max(0, num.start - 10) : num.start]))
        if mention is not None and place is None:
            gap_text = s[mention.end : num.start]
            leftover = strip_gap(gap_text, R)
            if len(leftover) > 1 or qualifier(s, mention, R) or R.per_unit_in_gap_re.search(gap_text):
                mention = None  # another subject, a sector's name, or a per-person figure (人均达到…)
        if mention is None:
            drafts = place_figures(sent, state, i, num, R)
            out.extend(drafts if drafts else unknown_figure(sent, state, num, R))
            continue
        out.extend(_figure(sent, state, i, num, mention, place, window, inline_target, R))
    return out


def _figure(sent: Sentence, state: DocState, i: int, num: Num, mention: Mention, place: str | None,
            window: str, inline_target: bool, R: Rules) -> list[Draft]:
    s, nums = sent.s, sent.nums
    between = s[mention.end : num.start]
    # which code of a group: figures are dealt out in order ("…分别增长6%和8%"); one figure for a
    # group without a single code (城镇调查失业率和登记失业率稳定在4.3%左右) belongs to all of them
    codes = mention.codes
    same = [n for n in mention.numbers if n.is_pct == num.is_pct]
    idx = len(same)
    mention.numbers.append(num)
    if len(codes) == 1:
        chosen = [codes[0]]
    else:
        # the next figure of its kind belongs to the same list when no other name comes first
        following = [n for n in nums[i + 1 :] if n.is_pct == num.is_pct and n.start - num.end < 30
                     and not any(num.end <= m.start < n.start for m in sent.mentions)]
        if idx == 0 and not following and not re.search("分别", between):
            chosen = [mention.single] if mention.single else list(codes)
        elif idx < len(codes):
            chosen = [codes[idx]]
        else:
            return []
    restated = state.meta.kind == "progress_notice" and bool(
        R.target_restated_re.search(s[max(0, num.start - 4) : num.end + 3]))
    kind = "target" if decide.is_target(sent, state, num.start, R, inline=inline_target, restated=restated) else "actual"
    if kind == "target" and place is not None:
        return []
    out = []
    regions = [place] if place else regions_before(sent, mention.start, state, R)
    for code in chosen:
        for region in regions:
            d = _draft(sent, state, i, num, mention, code, place, window, inline_target, kind, R, region)
            if d is not None:
                out.append(d)
    return out


def _measure(code: str, num: Num, window: str, place: str | None, R: Rules) -> str:
    """The nearest measure word wins: "为年度预算的78.5%,同比增长12.1%" is a growth."""
    last_completion = max((m.end() for m in R.completion_re.finditer(window)), default=-1)
    last_growth = max((m.end() for m in R.growth_re.finditer(window)), default=-1)
    last_growth = max(last_growth, max((m.end() for m in R.decline_re.finditer(window)), default=-1))
    if place is not None or (num.is_pct and last_completion > last_growth):
        return "completion_pct" if num.is_pct else "level"
    if num.is_pct:
        return "rate_pct" if R.d.indicators[code]["default_measure"] == "rate_pct" else "growth_pct"
    return "level"


def _draft(sent: Sentence, state: DocState, i: int, num: Num, mention: Mention, code: str, place: str | None,
           window: str, inline_target: bool, kind: str, R: Rules, region: str | None) -> Draft | None:
    s, nums = sent.s, sent.nums
    # the words since the figure before it (or the name): 下降 of an earlier figure is not this one's
    prev_end = max([n.end for n in nums[:i] if n.end <= num.start] + [mention.end])
    between = s[prev_end : num.start]
    measure = _measure(code, num, window, place, R)
    value = num.value
    if measure == "growth_pct" and R.decline_re.search(between if inline_target else between[-12:]):
        value = -abs(value)
    conv = convert(num, code, R)
    if conv is None:
        return _dollar_figure(sent, state, num, mention, measure, kind, R)
    std_value, unit = conv
    if measure in ("growth_pct", "rate_pct", "completion_pct"):
        std_value, unit = value, "%"
        named = s[max(0, mention.start - 12) : mention.end]
        if code == "cpi" and "指数" in named and R.cpi_level_bounds[0] <= value <= R.cpi_level_bounds[1]:
            measure, unit = "level", "index"  # 居民消费价格总指数达104.3%: an index level
    elif value < 0:
        std_value = -std_value
    year = decide.fact_year(kind, sent, state, num.start)
    dated = sent.year_before(num.start) is not None
    if kind == "actual" and measure == "level":
        ft = _from_to_year(sent, state, num, R)
        if ft is False:
            return None
        if ft is not None:
            year, dated = ft, True
    stop = list_end(s, nums, i, R)
    comp = comparator(s, num, mention.end, stop, R) if kind == "target" else None
    ev_start = clause_bounds(s, num.start)[0] if place else evidence_start(s, mention.start, num.end)
    ev_end = num.end
    after = s[num.end : num.end + 3]
    for w, _ in R.comparator_after:
        if after.startswith(w):
            ev_end = num.end + len(w)
            break
    if inline_target and s[ev_end : ev_end + 1] == ")":
        ev_end += 1  # 增长58.3%(目标10.5%): the whole parenthesis
    estimate = kind == "actual" and sent.estimate_pos is not None and sent.estimate_pos < num.start
    return Draft(kind, code, mention.raw, measure, ev_start, ev_end, value=std_value, value_high=num.value_high,
                 unit=unit, value_raw=num.raw, comparator=comp, estimate=estimate, region=region, year=year,
                 period=decide.fact_period(kind, sent, state, num.start, R), dated=dated)


PLACE_LIST_WINDOW = 80  # how far before its figure a list of places may start


def place_figures(sent: Sentence, state: DocState, i: int, num: Num, R: Rules) -> list[Draft]:
    """A story comparing places under one topic: "(GDP增长目标)…濮阳、漯河、信阳的预期目标是“增长7%
    以上”", "翼城、乡宁分别增长49.8%、36.9%" — a figure with no name of its own, right after the
    places it is stated for, is the topic's (the indicator named last before it) for each of
    them (or, after 分别, for the one in its place of the list)."""
    s = sent.s
    listed = _respective_run(sent, i, R)
    # the topic: the indicator named last before the figure, in this sentence or before it
    topic = subject_of(sent.nums[listed[0] if listed else i].start, sent.mentions) or state.topic
    if topic is None or len(topic.codes) != 1:
        return []
    first = listed[0] if listed else i
    near = s[max(0, sent.nums[first].start - 16) : sent.nums[first].start]
    if not (R.growth_re.search(near) or R.decline_re.search(near) or R.target_words_re.search(near)):
        return []  # a bare figure after a place (洪洞县(23.9%)) says nothing of what it measures
    if R.skip_re.search(s[: num.start]):
        return []  # 贡献率分别为洪洞县(23.9%)…: shares, not growth
    start = max([n.end for n in sent.nums[:first]] + [0, sent.nums[first].start - PLACE_LIST_WINDOW])
    hits = name_hits(s[start : sent.nums[first].start])
    regions = _listed_places(s, start, hits, state, R)
    if not regions:
        return []
    last_end = start + hits[-1].end
    first_start = start + hits[-len(regions)].start
    if R.comparison_before_place_re.search(s[max(0, first_start - 3) : first_start]):
        return []  # 低于北京1149.5亿元: a comparison with the other place
    after = s[last_end : sent.nums[first].start]
    if not (R.growth_re.search(after) or R.decline_re.search(after) or R.target_words_re.search(after)):
        return []  # a bare figure after a place (洪洞县(23.9%)) says nothing of what it measures
    if len(strip_gap(R.target_words_re.sub("", after), R)) > 1:
        return []
    if listed:
        if len(listed) != len(regions):
            return []
        regions = [regions[listed.index(i)]]
    mention = Mention(last_end, last_end, topic.raw, topic.codes)
    kind = "target" if decide.is_target(sent, state, num.start, R) else "actual"
    out = []
    for region in regions:
        d = _draft(sent, state, i, num, mention, topic.codes[0], None, s[start : num.end], False, kind, R,
                   None if region == state.meta.region else region)
        if d is not None:
            d.start = first_start
            out.append(d)
    return out


def _listed_places(s: str, start: int, hits, state: DocState, R: Rules) -> list[str]:
    """The last list of places in the hits (濮阳、漯河以及信阳), as full names."""
    regions: list[str] = []
    for k in range(len(hits) - 1, -1, -1):
        name = places.resolve_name(hits[k].name, state.meta.region)
        if name is None or places.is_ancestor(name, state.meta.region):
            break
        regions.insert(0, name)
        if k and not R.list_glue_re.fullmatch(s[start + hits[k - 1].end : start + hits[k].start]):
            break
    return regions


def _respective_run(sent: Sentence, i: int, R: Rules) -> list[int]:
    """The figures listed after 分别 that figure i is one of (empty when it is not in such a list)."""
    s, nums = sent.s, sent.nums
    for fm in _RESPECTIVELY.finditer(s):
        run = [k for k, n in enumerate(nums) if n.start > fm.end()]
        if not run:
            continue
        listed = [run[0]]
        for k in run[1:]:
            if s[nums[listed[-1]].end : nums[k].start].strip() in R.list_joiners:
                listed.append(k)
            else:
                break
        if i in listed and len(listed) >= 2:
            return listed
    return []


def _dollar_figure(sent: Sentence, state: DocState, num: Num, mention: Mention, measure: str, kind: str,
                   R: Rules) -> Draft | None:
    """进出口总额50亿美元: not convertible to 亿元, so kept in the raw layer only, under a name
    that says why (it shows in the list of unknown indicator names)."""
    u = R.d.units[num.unit_raw]
    if u.kind != "money_usd":
        return None
    return Draft(kind, None, f"{mention.raw}({u.standard})", measure, evidence_start(sent.s, mention.start, num.end),
                 num.end, value=num.value * u.factor, unit=u.standard, value_raw=num.raw,
                 comparator="exact" if kind == "target" else None, year=decide.fact_year(kind, sent, state, num.start),
                 period=decide.fact_period(kind, sent, state, num.start, R))


UNKNOWN_NAME = 12  # characters kept of the name of an indicator the dictionary lacks


def unknown_figure(sent: Sentence, state: DocState, num: Num, R: Rules) -> list[Draft]:
    """A number whose indicator is not in the dictionary: kept under the name as written."""
    s = sent.s
    a, _ = clause_bounds(s, num.start)
    # the name is what is left of the clause before the figure once measure words, connectors,
    # periods and the region's own words are taken out (at most 12 characters; no segmentation:
    # the name only feeds the list of names the dictionary lacks)
    raw_name = R.name_noise_re.sub("", s[a : num.start])[-UNKNOWN_NAME:]
    if len(raw_name) < 2 or R.skip_re.search(s[a : num.end]):
        return []
    u = R.d.units[num.unit_raw]
    between = s[a : num.start]
    changed = R.growth_re.search(between) or R.decline_re.search(between)
    measure = ("growth_pct" if changed else "rate_pct") if num.is_pct else "level"
    value = num.value * u.factor
    if measure == "growth_pct" and R.decline_re.search(between):
        value = -abs(value)
    kind = "target" if decide.is_target(sent, state, num.start, R) else "actual"
    return [Draft(kind, None, raw_name, measure, a, num.end, value=value, value_high=num.value_high, unit=u.standard,
                  value_raw=num.raw, comparator="exact" if kind == "target" else None,
                  year=decide.fact_year(kind, sent, state, num.start),
                  period=decide.fact_period(kind, sent, state, num.start, R))]


def cpi_levels(sent: Sentence, state: DocState, R: Rules) -> list[Draft]:
    """A consumer price index as a level: 居民消费价格指数101.7."""
    out = []
    low, high = R.cpi_level_bounds
    for m in sent.mentions:
        if "cpi" not in m.codes:
            continue
        cm = R.cpi_level_re.match(sent.s[m.end :])
        if cm and low <= float(cm.group(1)) <= high:
            kind = "target" if decide.is_target(sent, state, m.end, R) else "actual"
            out.append(Draft(kind, "cpi", m.raw, "level", m.start, m.end + cm.end(), value=float(cm.group(1)),
                             unit="index", value_raw=cm.group(1), comparator="exact" if kind == "target" else None,
                             year=decide.fact_year(kind, sent, state, m.end),
                             period=decide.fact_period(kind, sent, state, m.end, R)))
    return out


def flat_figures(sent: Sentence, state: DocState, R: Rules) -> list[Draft]:
    """持平 after an indicator: growth of 0."""
    out = []
    for fm in R.flat_re.finditer(sent.s):
        mention = subject_of(fm.start(), sent.mentions)
        if mention is None or len(mention.codes) != 1 or len(strip_gap(sent.s[mention.end : fm.start()], R)) > 1:
            continue
        if any(mention.end <= n.start < fm.start() for n in sent.nums):
            continue
        kind = "target" if decide.is_target(sent, state, fm.start(), R) else "actual"
        out.append(Draft(kind, mention.codes[0], mention.raw, "growth_pct", mention.start, fm.end(), value=0.0,
                         unit="%", value_raw=fm.group(0), comparator="exact" if kind == "target" else None,
                         year=decide.fact_year(kind, sent, state, fm.start()),
                         period=decide.fact_period(kind, sent, state, fm.start(), R)))
    return out
