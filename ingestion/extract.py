"""Extract targets, actuals and rankings from a document's sentences.

How it reads a sentence (the rules themselves are data: ingestion/rules/*.yaml and the dbt seeds):
1. Only sentences that can hold a fact are segmented (a digit, a rank or a qualitative phrase):
   finding the numbers first keeps extraction cheaper than segmenting everything.
2. jieba, loaded with our indicator aliases and place names, segments the sentence; tokens that are
   aliases become indicator mentions, tokens that are places become sub-unit regions.
3. Each number with a unit attaches to the nearest indicator mention before it, unless another
   subject stands between them; the words between decide the measure (增长 → growth_pct, …).
4. The document part decides the kind: a work report's plan part holds targets, its review part
   actuals; a progress notice's numbered headings and "(目标…)" hold targets.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from ingestion import EXTRACTOR_VERSION, dictionaries
from ingestion.metadata import DocMeta
from ingestion.records import FactRecord
from ingestion.split import Span
from ingestion.text import cn_to_int, normalize

CJK = r"\u4e00-\u9fff"


# --------------------------------------------------------------------------------------------
# Compiled rules
# --------------------------------------------------------------------------------------------


@dataclass
class Rules:
    d: dictionaries.Dictionaries
    number_re: re.Pattern
    range_re: re.Pattern
    growth_re: re.Pattern
    decline_re: re.Pattern
    completion_re: re.Pattern
    connector_re: re.Pattern
    skip_re: re.Pattern
    periods: list[tuple[re.Pattern, tuple[int, int] | str | None]]
    estimate_re: re.Pattern
    notice_target_re: re.Pattern
    inline_target_re: re.Pattern
    qualitative_re: re.Pattern
    rank_re: re.Pattern
    rank_verbs: list[str]
    rank_measure: dict[str, list[str]]
    rank_both: list[str]
    league_re: re.Pattern
    league_scope_re: re.Pattern
    contextual_filler_re: re.Pattern
    gap_ignorable_re: re.Pattern
    compound_res: list[tuple[re.Pattern, tuple[str, ...], str | None]]
    place_suffix_re: re.Pattern
    self_region: set[str]
    alias_re: re.Pattern
    contextual: list[tuple[str, re.Pattern, str]]
    comparator_after: list[tuple[str, str]]
    comparator_before: list[tuple[str, str]]
    has_candidate_re: re.Pattern
    target_restated_re: re.Pattern
    lead_re: re.Pattern
    skip_paragraph_re: re.Pattern


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def rules() -> Rules:
    d = dictionaries.load()
    r = d.rules
    units = d.unit_regex
    number_re = re.compile(
        rf"(?<![\d.第])(?P<neg>-)?(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>{units})(?!次|亩|平方|公里|千瓦|户)"
    )
    range_re = re.compile(
        rf"(?<![\d.第])(?P<lo>\d+(?:\.\d+)?)\s*(?P<u1>%)?\s*[-—~至到]\s*(?P<hi>\d+(?:\.\d+)?)\s*(?P<unit>%|{units})"
    )
    periods: list[tuple[re.Pattern, tuple[int, int] | str | None]] = []
    for p in r["periods"]:
        months = None if p["months"] == "match" else p["months"] if p["months"] == "to_month" else tuple(p["months"])
        periods.append((re.compile(p["pattern"]), months))
    names = list(d.aliases) + list(d.groups)
    contextual = [(c["head"], re.compile(c["needs_before"]), c["indicator"], int(c.get("window", 20)))
                  for c in r["contextual_indicators"]]
    comp_after = [(w, k) for k, ws in r["comparator_after"].items() for w in ws]
    comp_before = [(w, k) for k, ws in r["comparator_before"].items() for w in ws]
    comp_after.sort(key=lambda x: -len(x[0]))
    comp_before.sort(key=lambda x: -len(x[0]))
    return Rules(
        d=d,
        number_re=number_re,
        range_re=range_re,
        growth_re=re.compile(_alt(r["growth_words"])),
        decline_re=re.compile(_alt(r["decline_words"])),
        completion_re=re.compile("|".join(r["completion_patterns"])),
        connector_re=re.compile(_alt(r["connectors"])),
        skip_re=re.compile("|".join(r["skip_clause_patterns"])),
        periods=periods,
        estimate_re=re.compile(_alt(r["estimate_words"])),
        notice_target_re=re.compile(r["notice_target_line"]),
        inline_target_re=re.compile(r["inline_target"]),
        qualitative_re=re.compile("|".join(r["qualitative_phrases"])),
        rank_re=re.compile(r["rank_number"]),
        rank_verbs=sorted(r["rank_verbs"], key=len, reverse=True),
        rank_measure=r["rank_measure_words"],
        rank_both=r["rank_both_words"],
        league_re=re.compile(r["league_table"]),
        league_scope_re=re.compile(r["league_scope"]),
        contextual_filler_re=re.compile(r["contextual_fillers"]),
        gap_ignorable_re=re.compile("|".join(r["gap_ignorable"])),
        compound_res=[(re.compile(c["pattern"]), tuple(c["indicators"]), c.get("single"))
                      for c in d.compound_patterns],
        place_suffix_re=re.compile(r["place_suffix"]),
        self_region=set(r["self_region_words"]),
        alias_re=re.compile(_alt(names)),
        contextual=contextual,
        comparator_after=comp_after,
        comparator_before=comp_before,
        target_restated_re=re.compile(r["target_restated"]),
        lead_re=re.compile(_alt(r["lead_words"])),
        skip_paragraph_re=re.compile("|".join(r["skip_paragraph_patterns"])),
        # a sentence is segmented only when it can hold a fact: a number with a unit, a rank, a
        # league table or a qualitative target phrase (most sentences of a report hold none)
        has_candidate_re=re.compile(
            rf"\d\s*(?:{units})|(?:{r['rank_number']})|{r['league_table']}|{'|'.join(r['qualitative_phrases'])}"
        ),
    )


@functools.lru_cache(maxsize=1)
def _tokenizer():
    """A jieba tokenizer of its own (not the global one), with our names as user words."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    d = dictionaries.load()
    for name in list(d.aliases) + list(d.groups):
        tok.add_word(name, freq=2_000_000, tag="ind")
    for name in d.region_names:
        tok.add_word(name, freq=200_000, tag="ns")
    for c in rules().contextual:
        tok.add_word(c[0], freq=50_000)
    return tok


def _segment_signal_parts(s: str, R: "Rules") -> list[tuple[str, int, int]]:
    """Segment only the text around what can hold a fact: up to 48 characters before each figure,
    rank or qualitative phrase, never across a semicolon (a figure never takes its subject across
    one). Most of a report's text is never segmented, which keeps extraction cheaper than
    segmenting everything (benchmarks/)."""
    windows: list[list[int]] = []
    for m in R.has_candidate_re.finditer(s):
        lo = max(0, m.start() - 48, s.rfind(";", 0, m.start()) + 1)
        hi = m.end()
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    tokens: list[tuple[str, int, int]] = []
    for lo, hi in windows:
        tokens.extend((w, a + lo, b + lo) for w, a, b in segment(s[lo:hi]))
    return tokens


def segment(text: str) -> list[tuple[str, int, int]]:
    """jieba tokens with offsets: (word, start, end)."""
    return list(_tokenizer().tokenize(text))


# --------------------------------------------------------------------------------------------
# Mentions
# --------------------------------------------------------------------------------------------


@dataclass
class Mention:
    start: int
    end: int
    raw: str
    codes: tuple[str, ...]
    single: str | None = None
    region: str | None = None
    numbers: list["Num"] = field(default_factory=list)


@dataclass
class Num:
    start: int
    end: int
    value: float
    value_high: float | None
    unit_raw: str
    raw: str
    used: bool = False


def _indicator_mentions(s: str, tokens: list[tuple[str, int, int]], R: Rules) -> list[Mention]:
    d = R.d
    found: dict[tuple[int, int], Mention] = {}

    def add(start: int, end: int, raw: str) -> None:
        if raw in d.groups:
            found[(start, end)] = Mention(start, end, raw, d.groups[raw], d.group_single.get(raw))
        elif raw in d.aliases:
            found[(start, end)] = Mention(start, end, raw, (d.aliases[raw],))

    for word, a, b in tokens:
        add(a, b, word)
    # jieba may glue an alias to a neighbour or split a long compound name ("城镇、农村居民人均可支配
    # 收入"): the dictionary scan finds such names, and the longer of two overlapping names wins.
    for m in R.alias_re.finditer(s):
        add(m.start(), m.end(), m.group(0))
    for rx, codes, single in R.compound_res:
        for m in rx.finditer(s):
            found[(m.start(), m.end())] = Mention(m.start(), m.end(), m.group(0), codes, single)
    for head, needs, code, window in R.contextual:
        for m in re.finditer(re.escape(head), s):
            lo = max(0, m.start() - window)
            before = s[lo : m.start()]
            cut = max(before.rfind("其中"), before.rfind(";"))
            if cut >= 0:
                before = before[cut:]
            if not needs.search(before):
                continue
            # the earlier word is in an earlier clause: then nothing but fillers (面积和, 预计…) may
            # stand before the head in its own clause ("再生稻和高粱面积、产量…" is not grain)
            clause_start = max(s.rfind(ch, 0, m.start()) for ch in ",;:。") + 1
            own = s[clause_start : m.start()]
            if not needs.search(own) and R.contextual_filler_re.sub("", own):
                continue
            found.setdefault((m.start(), m.end()), Mention(m.start(), m.end(), head, (code,)))
    chosen: list[Mention] = []
    for m in sorted(found.values(), key=lambda x: (-(x.end - x.start), x.start)):
        if not any(m.start < c.end and c.start < m.end for c in chosen):
            chosen.append(m)
    found = {(m.start, m.end): m for m in chosen}
    mentions = sorted(found.values(), key=lambda x: x.start)
    # Names listed together ("规模以上工业增加值、进出口总额增速分别…") act as one group.
    merged: list[Mention] = []
    for m in mentions:
        if merged and s[merged[-1].end : m.start] in ("、", "和", "及", "与", "以及") and len(m.codes) == 1:
            prev = merged[-1]
            merged[-1] = Mention(prev.start, m.end, s[prev.start : m.end], prev.codes + m.codes)
        else:
            merged.append(m)
    return merged


def _numbers(s: str, R: Rules) -> list[Num]:
    nums: list[Num] = []
    taken: list[tuple[int, int]] = []
    for m in R.range_re.finditer(s):
        unit = m.group("unit")
        if m.group("u1") and m.group("u1") != unit:
            continue
        nums.append(Num(m.start(), m.end(), float(m.group("lo")), float(m.group("hi")), unit, m.group(0)))
        taken.append((m.start(), m.end()))
    for m in R.number_re.finditer(s):
        if any(a <= m.start() < b for a, b in taken):
            continue
        v = float(m.group("num"))
        if m.group("neg"):
            v = -v
        nums.append(Num(m.start(), m.end(), v, None, m.group("unit"), m.group(0)))
    return sorted(nums, key=lambda n: n.start)


# --------------------------------------------------------------------------------------------
# Per-document state
# --------------------------------------------------------------------------------------------


@dataclass
class Context:
    meta: DocMeta
    doc_id: str
    in_plan: bool = False
    in_horizon: bool = False  # a five-year outlook: its figures are not this year's targets
    skip_line: int = -1  # a paragraph about the past five years
    heading: tuple[int, "Mention"] | None = None  # "(一)地区生产总值。" names the subject of its paragraph
    line_period: tuple[int, int] | None = None
    last_line: int = -1


def _period_in(text: str, R: Rules) -> tuple[int, int] | None:
    best: tuple[int, tuple[int, int]] | None = None
    for rx, months in R.periods:
        for m in rx.finditer(text):
            if months is None:
                per = (int(m.group(1)), int(m.group(2)))
            elif months == "to_month":
                last = cn_to_int(m.group(1))
                if not last or not 1 <= last <= 12:
                    continue
                per = (1, last)
            else:
                per = months
            if per[0] > per[1]:
                continue
            if best is None or m.start() > best[0]:
                best = (m.start(), per)
    return best[1] if best else None


def _clause_bounds(s: str, pos: int) -> tuple[int, int]:
    seps = ",;:、(),;:"
    a = pos
    while a > 0 and s[a - 1] not in seps:
        a -= 1
    b = pos
    while b < len(s) and s[b] not in seps:
        b += 1
    return a, b


def _strip_gap(gap: str, R: Rules) -> str:
    """What is left between a subject and its figure once figures, ranks, periods, comparisons
    with the province and connector words are taken out: anything left names another subject."""
    gap = R.gap_ignorable_re.sub("", gap)
    gap = R.inline_target_re.sub("", gap)
    gap = re.sub(rf"[{CJK}]{{0,9}}(?:{R.rank_re.pattern})", "", gap)
    gap = re.sub(rf"\d+(?:\.\d+)?(?:%|[万亿]?[{CJK}]?)", "", gap)
    gap = R.number_re.sub("", gap)
    gap = re.sub(r"\([^()]{0,12}\)", "", gap)
    for rx, _ in R.periods:
        gap = rx.sub("", gap)
    gap = R.completion_re.sub("", gap)
    gap = R.growth_re.sub("", gap)
    gap = R.decline_re.sub("", gap)
    gap = R.connector_re.sub("", gap)
    for v in R.rank_verbs:
        gap = gap.replace(v, "")
    for w in ("全省", "全国", "全市", "全区", "全县", "我市", "我县", "我区", "位", "名"):
        gap = gap.replace(w, "")
    return re.sub(rf"[^{CJK}A-Za-z]", "", gap)


def _comparator(s: str, num: Num, mention_end: int, R: Rules, list_end: int) -> str:
    after = s[list_end : list_end + 6].lstrip(")")
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


def _convert(num: Num, code: str | None, R: Rules) -> tuple[float, str] | None:
    """The value in the indicator's standard unit; None when unit and indicator do not fit."""
    d = R.d
    u = d.units.get(num.unit_raw)
    if u is None:
        return None
    if code is not None:
        ind_unit = d.indicators[code]["default_unit"]
        if ind_unit == "元" and u.kind == "money":  # per-person income stays in 元
            return round(num.value * round(u.factor * 1e8, 6), 6), "元"
        ind_kind = {"亿元": "money", "万人": "people", "万吨": "mass", "元": "money", "%": "percent"}.get(ind_unit)
        if u.kind != "percent" and ind_kind not in (u.kind, "percent"):
            return None
    return round(num.value * u.factor, 8), u.standard


def _list_end(s: str, nums: list[Num], i: int) -> int:
    """End of the run of numbers joined by 、/和 that number i belongs to (for 分别…左右)."""
    end = nums[i].end
    j = i
    while j + 1 < len(nums) and s[nums[j].end : nums[j + 1].start].strip() in ("、", "和", "及", ",", "与"):
        j += 1
        end = nums[j].end
    return end


# --------------------------------------------------------------------------------------------
# The extractor
# --------------------------------------------------------------------------------------------


def extract_facts(doc_id: str, text: str, sentences: list[Span], meta: DocMeta) -> list[FactRecord]:
    """All facts of one document, each with its evidence and offsets into `text`."""
    R = rules()
    norm = normalize(text)
    ctx = Context(meta, doc_id)
    ty = meta.target_year or meta.year
    def fill(p: str) -> re.Pattern:
        return re.compile(p.replace("{target_year}", str(ty)).replace("{year}", str(meta.year)))

    plan_res = [fill(p) for p in R.d.rules["plan_start_patterns"]]
    review_res = [fill(p) for p in R.d.rules["review_start_patterns"]]
    horizon_res = [fill(p) for p in R.d.rules["horizon_start_patterns"]]
    facts: list[FactRecord] = []
    line_starts = [0] + [m.end() for m in re.finditer("\n", norm)]

    for no, sp in enumerate(sentences):
        s = norm[sp.start : sp.end]
        line_no = bisect.bisect_right(line_starts, sp.start)
        if line_no != ctx.last_line:
            ctx.last_line = line_no
            ctx.line_period = None
        if meta.kind == "work_report":
            if any(rx.search(s) for rx in horizon_res):
                ctx.in_horizon = True
            elif any(rx.search(s) for rx in plan_res):
                ctx.in_plan, ctx.in_horizon = True, False
            elif ctx.in_plan and any(rx.search(s) for rx in review_res):
                ctx.in_plan, ctx.in_horizon = False, False
        if line_no != ctx.skip_line and R.skip_paragraph_re.match(s):
            ctx.skip_line = line_no
        if ctx.in_horizon or ctx.skip_line == line_no:
            continue
        if not R.has_candidate_re.search(s):
            _remember_heading(s, line_no, ctx, R)
            continue
        facts.extend(_sentence_facts(s, sp.start, no, ctx, R))
    # A figure repeated later in the same document is one fact.
    seen: set[tuple] = set()
    out: list[FactRecord] = []
    for f in facts:
        key = (f.region, f.kind, f.year, f.period_start_month, f.period_end_month, f.indicator or f.indicator_raw,
               f.measure, f.value, f.value_high, f.rank, f.rank_scope, f.rank_direction)
        if key in seen:
            continue
        seen.add(key)
        f.evidence = text[f.char_start : f.char_end]
        f.extractor_version = EXTRACTOR_VERSION
        f.fact_id = f.compute_id()
        out.append(f)
    return out


def _remember_heading(s: str, line_no: int, ctx: Context, R: Rules) -> None:
    """A short sentence that only names an indicator ("(一)地区生产总值。", "2.固定资产投资:") heads
    its paragraph: the figures after it are about that indicator."""
    if len(s) > 24:
        return
    mentions = _indicator_mentions(s, [], R)
    if len(mentions) == 1 and not _qualifier(s, mentions[0], [], R):
        ctx.heading = (line_no, mentions[0])


def _sentence_facts(s: str, base: int, no: int, ctx: Context, R: Rules) -> list[FactRecord]:
    meta = ctx.meta
    tokens = _segment_signal_parts(s, R)
    mentions = _indicator_mentions(s, tokens, R)
    if not mentions and ctx.heading and ctx.heading[0] == ctx.last_line:
        # the paragraph's heading names the subject, unless the sentence opens with one of its own
        # ("限额以上消费品零售总额完成…"); evidence then starts at the sentence
        first = R.has_candidate_re.search(s)
        if first and len(_strip_gap(s[: first.start()], R)) <= 1:
            h = ctx.heading[1]
            mentions = [Mention(0, 0, h.raw, h.codes, h.single)]
    nums = _numbers(s, R)
    is_notice_target = (
        meta.kind == "progress_notice" and bool(R.notice_target_re.match(s)) and _period_in(s, R) is None
    )
    estimate_pos = (m.start() if (m := R.estimate_re.search(s)) else None)
    out: list[FactRecord] = []

    def region_for(mention: Mention | None, pos: int) -> str | None:
        """A sub-unit named in the clause just before the mention (咸安区完成地区生产总值…)."""
        start = mention.start if mention else pos
        a, _ = _clause_bounds(s, start)
        for word, ta, tb in tokens:
            if ta < a or tb > start:
                continue
            if word in R.self_region or word == meta.region:
                continue
            if word in R.d.region_names or (len(word) >= 3 and R.place_suffix_re.search(word) and word[:-1] not in ("全", "我", "本")):
                return word
        return None

    def make(kind: str, mention: Mention | None, code: str | None, raw_name: str, measure: str, start: int,
             end: int, **kw) -> FactRecord:
        period = kw.pop("period", None) or (1, 12)
        region = kw.pop("region", None) or meta.region
        year = meta.target_year if kind == "target" else meta.year
        return FactRecord(
            document_id=ctx.doc_id, sentence_no=no, region=region, kind=kind, year=year,
            period_start_month=period[0], period_end_month=period[1], indicator=code,
            indicator_raw=raw_name, measure=measure, evidence="", char_start=base + start,
            char_end=base + end, **kw,
        )

    def period_at(pos: int, kind: str) -> tuple[int, int]:
        if kind == "target":
            return (1, 12)
        p = _period_in(s[:pos], R)
        if p:
            ctx.line_period = p
            return p
        if estimate_pos is not None and estimate_pos < pos:
            return (1, 12)
        return ctx.line_period or meta.default_period

    def evidence_start(mention_start: int, end: int) -> int:
        if end - mention_start <= 80:
            return mention_start
        a, _ = _clause_bounds(s, max(0, end - 1))
        return a

    # ---- league tables: 排名前三位分别是:A、B、C,后三位分别是:D、E、F
    for lm in R.league_re.finditer(s):
        direction = "bottom" if lm.group("dir") in ("后", "末") else "top"
        items_text = s[lm.end():]
        stop = re.search(r"[,;。]", items_text)
        items_text = items_text[: stop.start()] if stop else items_text
        cats = list(re.finditer(R.league_scope_re, s[: lm.start()]))
        scope_m = cats[-1] if cats else None
        subj = re.search(rf"(?:\d{{4}}年)?([{CJK}]{{2,16}}?)(?:考核)?(?:按|乡镇|市直|县区|排名)", s)
        raw_name = subj.group(1) if subj else "排名"
        pos = lm.end()
        for i, item in enumerate(items_text.split("、"), start=1):
            item_s = item.strip()
            if not item_s or re.search(r"\d", item_s):
                break
            if not R.place_suffix_re.search(item_s):  # departments and banks are not regions
                pos = s.find(item_s, pos) + len(item_s)
                continue
            a = s.find(item_s, pos)
            pos = a + len(item_s)
            out.append(make("ranking", None, None, raw_name, "level", a, pos,
                            region=item_s, rank=i, rank_scope=scope_m.group(0) if scope_m else None,
                            rank_direction=direction, period=(1, 12)))

    # ---- numbers
    for i, num in enumerate(nums):
        mention = None
        for m in mentions:
            if m.end <= num.start:
                mention = m
        # a place right before the number: a per-unit list item (东风农场163.8%)
        a, _ = _clause_bounds(s, num.start)
        prefix = s[a : num.start]
        place = None
        if (mention is not None and num.unit_raw == "%" and R.place_suffix_re.search(prefix)
                and 2 <= len(prefix) <= 16 and mention.end <= a and R.completion_re.search(s[mention.end : a])):
            place = prefix
        elif mention is not None:
            gap = s[mention.end : num.start]
            if ";" in gap or len(gap) > 60:
                mention = None
        clause = s[a : _clause_bounds(s, num.start)[1]]
        window = s[mention.start : num.end] if mention else clause
        completion_here = bool(R.completion_re.search(s[max(0, num.start - 14) : num.start]))
        if not completion_here and (
                R.skip_re.search(clause) or (mention and R.skip_re.search(s[mention.end : num.start]))):
            continue
        inline_target = not completion_here and bool(R.inline_target_re.search(s[max(0, num.start - 10) : num.start]))
        if mention is not None and place is None:
            leftover = _strip_gap(s[mention.end : num.start], R)
            if len(leftover) > 1 or _qualifier(s, mention, tokens, R):
                mention = None
        if mention is None:
            out.extend(_unknown(s, num, tokens, ctx, R, make, period_at, is_notice_target))
            continue
        between = s[mention.end : num.start]
        # measure
        is_pct = num.unit_raw == "%"
        code_candidates = mention.codes
        # the measure word nearest the figure wins: "为年度预算的78.5%,同比增长12.1%"
        last_completion = max((m.end() for m in R.completion_re.finditer(window)), default=-1)
        last_growth = max((m.end() for m in R.growth_re.finditer(window)), default=-1)
        last_growth = max(last_growth, max((m.end() for m in R.decline_re.finditer(window)), default=-1))
        if place is not None or (is_pct and last_completion > last_growth):
            measure = "completion_pct" if is_pct else "level"
        elif is_pct:
            first = code_candidates[0]
            if R.d.indicators[first]["default_measure"] == "rate_pct":
                measure = "rate_pct"
            else:
                measure = "growth_pct"
        else:
            measure = "level"
        value = num.value
        if measure == "growth_pct" and R.decline_re.search(between[-12:] if inline_target is False else between):
            value = -abs(value)
        # which code of a group
        same = [n for n in mention.numbers if (n.unit_raw == "%") == is_pct]
        idx = len(same)
        mention.numbers.append(num)
        if len(code_candidates) == 1:
            code = code_candidates[0]
        else:
            following = [n for n in nums[i + 1 :] if (n.unit_raw == "%") == is_pct and n.start - num.end < 30]
            if idx == 0 and not following and mention.single and not re.search("分别", between):
                code = mention.single
            elif idx < len(code_candidates):
                code = code_candidates[idx]
            else:
                continue
        conv = _convert(num, code, R)
        if conv is None:
            if R.d.units[num.unit_raw].kind == "money_usd":
                # 进出口总额50亿美元: not convertible to 亿元, so kept in the raw layer only, under a
                # name that says why (it shows in the list of unknown indicator names)
                u = R.d.units[num.unit_raw]
                kind = "target" if (ctx.in_plan and meta.kind == "work_report") or is_notice_target else "actual"
                out.append(make(kind, mention, None, f"{mention.raw}({u.standard})", measure,
                                evidence_start(mention.start, num.end), num.end, value=num.value * u.factor,
                                unit=u.standard, value_raw=num.raw, comparator="exact" if kind == "target" else None,
                                period=period_at(num.start, kind)))
            continue
        std_value, unit = conv
        if measure in ("growth_pct", "rate_pct", "completion_pct"):
            std_value, unit = value, "%"
        elif value < 0:
            std_value = -std_value
        vh = num.value_high
        restated_target = meta.kind == "progress_notice" and R.target_restated_re.search(
            s[max(0, num.start - 4) : num.end + 3])
        if inline_target or (ctx.in_plan and meta.kind == "work_report") or is_notice_target or restated_target:
            kind = "target"
        else:
            kind = "actual"
        if kind == "target" and place is not None:
            continue
        list_end = _list_end(s, nums, i)
        comparator = _comparator(s, num, mention.end, R, list_end) if kind == "target" else None
        ev_start = a if place else evidence_start(mention.start, num.end)
        ev_end = num.end
        after = s[num.end : num.end + 3]
        for w in ("左右", "以上", "以内", "上下"):
            if after.startswith(w):
                ev_end = num.end + len(w)
        if inline_target and s[ev_end : ev_end + 1] == ")":
            ev_end += 1  # 增长58.3%(目标10.5%): the whole parenthesis
        estimate = estimate_pos is not None and estimate_pos < num.start and kind == "actual"
        region = place if place else region_for(mention, num.start)
        out.append(make(kind, mention, code, mention.raw, measure, ev_start, ev_end,
                        value=std_value, value_high=vh, unit=unit, value_raw=num.raw,
                        comparator=comparator, estimate=estimate, region=region,
                        period=period_at(num.start, kind)))
        num.used = True
    # cpi as an index level: 居民消费价格指数101.7
    for m in mentions:
        if "cpi" in m.codes:
            cm = re.match(r"\s*(?:为|达|是)?\s*(\d{2,3}\.\d+)(?![\d%])", s[m.end :])
            if cm and 80 <= float(cm.group(1)) <= 130:
                e = m.end + cm.end()
                kind = "target" if (ctx.in_plan and meta.kind == "work_report") or is_notice_target else "actual"
                out.append(make(kind, m, "cpi", m.raw, "level", m.start, e, value=float(cm.group(1)),
                                unit="index", value_raw=cm.group(1), comparator="exact" if kind == "target" else None,
                                estimate=False, period=period_at(m.end, kind)))
    out.extend(_rankings(s, mentions, nums, ctx, R, make, period_at, region_for))
    out.extend(_qualitative(s, mentions, nums, ctx, R, make, is_notice_target))
    return out


@functools.lru_cache(maxsize=1)
def _pos_tokenizer():
    import jieba.posseg

    return jieba.posseg.POSTokenizer(_tokenizer())


def _qualifier(s: str, mention: Mention, tokens, R: Rules) -> str:
    """A noun glued to the front of the indicator that narrows it to a sector or a zone
    (综保区进出口总额, 人均GDP, 跨境电商进出口额): such a figure is not the region's headline
    indicator. jieba's part-of-speech tags tell a noun from a verb (助推, 完成) or a 的-phrase."""
    if mention.raw in {c[0] for c in R.contextual}:
        return ""
    a, _ = _clause_bounds(s, mention.start)
    head = s[a : mention.start]
    per_unit = re.search(rf"[{CJK}]均$", head)  # 人均, 亩均, 户均: a per-unit figure
    if per_unit:
        return per_unit.group(0)
    # drop lead words and connectors standing right before the name (…完成|实现|预计…)
    while True:
        m = re.search(rf"(?:{R.lead_re.pattern}|{R.connector_re.pattern})$", head)
        if not m or not m.group(0):
            break
        head = head[: m.start()]
    if not head or not re.search(rf"[{CJK}A-Za-z]$", head):
        return ""
    words = list(_pos_tokenizer().cut(head[-12:]))
    if not words:
        return ""
    last = words[-1]
    if (last.word in R.d.region_names or last.word in R.self_region or R.lead_re.fullmatch(last.word)
            or R.connector_re.fullmatch(last.word)):
        return ""
    if last.flag[:1] in ("n", "j", "l", "s") or last.flag in ("eng", "nz", "an", "vn"):
        if last.flag == "vn" and len(words) == 1:
            return ""
        return last.word
    return ""


def _unknown(s, num, tokens, ctx, R, make, period_at, is_notice_target) -> list[FactRecord]:
    """A number whose indicator is not in the dictionary: kept under the name as written."""
    a, _ = _clause_bounds(s, num.start)
    name_tokens = [w for w, ta, tb in tokens if ta >= a and tb <= num.start and re.fullmatch(rf"[{CJK}A-Za-z0-9]+", w)]
    words = [w for w in name_tokens if not R.connector_re.fullmatch(w) and not R.growth_re.fullmatch(w)
             and not R.decline_re.fullmatch(w)]
    if not words:
        return []
    raw_name = "".join(words[-3:])[-16:]
    if len(raw_name) < 2 or re.search(r"\d", raw_name):
        return []
    if R.skip_re.search(s[a : num.end]):
        return []
    u = R.d.units[num.unit_raw]
    between = s[a : num.start]
    measure = ("growth_pct" if R.growth_re.search(between) or R.decline_re.search(between) else "rate_pct") \
        if num.unit_raw == "%" else "level"
    value = num.value * u.factor
    if measure == "growth_pct" and R.decline_re.search(between):
        value = -abs(value)
    kind = "target" if (ctx.in_plan and ctx.meta.kind == "work_report") or is_notice_target else "actual"
    return [make(kind, None, None, raw_name, measure, a, num.end, value=value, value_high=num.value_high,
                 unit=u.standard, value_raw=num.raw, comparator="exact" if kind == "target" else None,
                 period=period_at(num.start, kind))]


def _last_verb(text: str, verbs: list[str]) -> tuple[int, str] | None:
    """The rank verb that ends last in text (the longest on a tie: 位居 over 居)."""
    best: tuple[int, str] | None = None
    for v in verbs:
        idx = text.rfind(v)
        if idx >= 0 and (best is None or idx + len(v) > best[0] + len(best[1])):
            best = (idx, v)
    return best


def _rankings(s, mentions, nums, ctx, R, make, period_at, region_for) -> list[FactRecord]:
    out: list[FactRecord] = []
    prev_scope: str | None = None
    prev_end = -10
    list_index = 0
    for rm in R.rank_re.finditer(s):
        rank = 1 if rm.group("first") else cn_to_int(rm.group("n"))
        if not rank:
            continue
        a, _ = _clause_bounds(s, rm.start())
        left = s[a : rm.start()]
        verb = _last_verb(left, R.rank_verbs)
        scope = left[verb[0] + len(verb[1]) :] if verb else left
        if verb and not scope:  # the scope stands before the verb: 全省排名第13位
            before_verb = left[: verb[0]]
            inner = _last_verb(before_verb, R.rank_verbs)
            scope = before_verb[inner[0] + len(inner[1]) :] if inner else before_verb
        scope = re.sub(r"^(?:总量|增速|增幅|均|的)+", "", re.sub(rf"[^{CJK}]", "", scope))
        continuing = s[prev_end : rm.start()] in ("、", "和") and not left
        if continuing:
            scope = prev_scope
            list_index += 1
        else:
            list_index = 0
            if not scope or len(scope) > 10 or re.search(r"[\d%]", scope):
                if not (verb and verb[1] in ("排名", "位列", "位居", "居")) or scope:
                    continue
                scope = None
            if verb is None and scope not in ("全省", "全国", "全市", "全区", "全州"):
                continue
        prev_scope, prev_end = scope, rm.end()
        # the subject: the last mention before the rank, with nothing but its figures between
        mention = None
        for m in mentions:
            if m.end <= rm.start():
                mention = m
        if mention is None:
            continue
        gap = s[mention.end : max(a, mention.end)]
        if ";" in gap or len(gap) > 70 or len(_strip_gap(gap, R)) > 2:
            continue
        measures: list[str]
        ctx_left = s[max(mention.end, a - 12) : rm.start()]
        clause_left = s[a : rm.start()]
        if any(w in s[mention.end : rm.start()] for w in R.rank_both):
            measures = ["level", "growth_pct"]
        elif any(w in clause_left for w in R.rank_measure["growth_pct"]):
            measures = ["growth_pct"]
        elif any(w in clause_left for w in R.rank_measure["level"]):
            measures = ["level"]
        else:
            before = [n for n in nums if mention.end <= n.start < rm.start()]
            if before:
                last = before[-1]
                measures = ["growth_pct" if last.unit_raw == "%" and R.d.indicators[mention.codes[0]]["default_measure"] != "rate_pct" else "level"]
            elif any(w in mention.raw for w in ("产量", "总产")) or "产量" in ctx_left:
                measures = ["level"]
            else:
                measures = ["growth_pct"]
        if len(mention.codes) > 1:
            if list_index >= len(mention.codes):
                continue
            code = mention.codes[list_index]
        else:
            code = mention.codes[0]
        kind_is_target = ctx.in_plan and ctx.meta.kind == "work_report"
        if kind_is_target:
            continue
        start = mention.start if rm.end() - mention.start <= 80 else a
        for measure in measures:
            out.append(make("ranking", mention, code, mention.raw, measure, start, rm.end(), rank=rank,
                            rank_scope=scope, rank_direction="top", region=region_for(mention, rm.start()),
                            period=period_at(rm.start(), "actual")))
    return out


def _qualitative(s, mentions, nums, ctx, R, make, is_notice_target) -> list[FactRecord]:
    """Targets stated without a number (与经济增长同步, 高于全省1个百分点): value NULL, the words kept."""
    if not ((ctx.in_plan and ctx.meta.kind == "work_report") or is_notice_target):
        return []
    out = []
    for k, m in enumerate(mentions):
        nxt = mentions[k + 1].start if k + 1 < len(mentions) else len(s)
        _, clause_end = _clause_bounds(s, m.end)
        seg_end = min(nxt, clause_end)
        seg = s[m.end : seg_end]
        if any(m.end <= n.start < seg_end for n in nums):
            continue
        q = R.qualitative_re.search(seg)
        if not q:
            continue
        # 单位地区生产总值能耗完成省下达目标: the name is part of another noun, not the indicator
        if len(_strip_gap(seg[: q.start()], R)) > 1 or _qualifier(s, m, [], R):
            continue
        codes = (m.single,) if m.single else m.codes  # 城乡居民收入 as one figure
        for code in codes:
            out.append(make("target", m, code, m.raw, "qualitative", m.start, m.end + q.end(),
                            target_text=q.group(0), comparator=None, estimate=False, period=(1, 12)))
    return out
