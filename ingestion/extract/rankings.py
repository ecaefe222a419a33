"""Rankings: 全省排名第13位, 增速位列全省第一, 跃居全区首位, 六县市排名第三; and league tables
of sub-units (排名前三位分别是:A、B、C)."""

from __future__ import annotations

import re

from ingestion.extract import decide
from ingestion.extract.clauses import CJK, CLAUSE_SEPARATORS, PHRASE_SEPARATORS, clause_bounds, strip_gap
from ingestion.extract.context import DocState, Sentence
from ingestion.extract.drafts import MAX_EVIDENCE, Draft, subject_of
from ingestion.extract.mentions import Mention
from ingestion.extract.regions import region_before, regions_before
from ingestion.extract.rules import Rules
from ingestion.parse.cn_numerals import cn_to_int

_NOT_CJK = re.compile(rf"[^{CJK}]")
# What a scope keeps of its text: characters, counts and brackets (全省91个县(市), 全市七县(市)).
_NOT_SCOPE = re.compile(rf"[^{CJK}\d()（）]")
# A scope with a figure in it is not a field (…增长6.3%居…), unless it counts its members (11个设区市).
_FIGURE_IN_SCOPE = re.compile(r"%|\d(?!\d*个)")
_FIELD = re.compile(rf"[{CJK}]{{2,6}}")
MAX_SCOPE = 16  # 西北五省区省会(首府)城市


def last_verb(text: str, verbs: tuple[str, ...]) -> tuple[int, str] | None:
    """The rank verb that ends last in text (the longest on a tie: 位居 over 居)."""
    best: tuple[int, str] | None = None
    for v in verbs:
        idx = text.rfind(v)
        if idx >= 0 and (best is None or idx + len(v) > best[0] + len(best[1])):
            best = (idx, v)
    return best


def _scope(left: str, subject_end: int, R: Rules) -> tuple[str, tuple[int, str] | None]:
    """The field ranked in, as written, and the rank verb: 居全省第3位 (after the verb), 全省排名第13位
    (before it, after the subject's name), 增速全市第一 (no verb: a scope word of its own).
    `subject_end` is where the subject's name ends in `left` (0 when it is not in it)."""
    verb = last_verb(left, R.rank_verbs)
    if verb is None:
        tail = _NOT_CJK.sub("", left)
        own = [w for w in R.scopes_without_verb if tail.endswith(w)]
        return (own[0] if own else R.scope_trim_re.sub("", tail)), None
    scope = left[verb[0] + len(verb[1]):]
    if not scope:  # the scope stands before the verb: 全省排名第13位
        before_verb = left[max(subject_end, 0) : verb[0]]
        inner = last_verb(before_verb, R.rank_verbs)
        scope = before_verb[inner[0] + len(inner[1]):] if inner else before_verb
    scope = R.scope_trim_re.sub("", _NOT_SCOPE.sub("", scope))
    for words in R.rank_measure_words.values():  # 规模排名第8: 规模 says what is ranked, not where
        if scope in words:
            scope = ""
    return scope, verb


def _all_word_at(left: str, R: Rules) -> int:
    """Where 均 (or its like) stands right before the rank's verb in `left`, else -1."""
    for w in R.rank_all_words:
        k = left.rfind(w)
        if k > 0 and any(left.startswith(v, k + len(w)) or left.startswith(v, k) for v in R.rank_verbs):
            return k
    return -1


def _measured_names(s: str, lo: int, hi: int, mentions: list[Mention], R: Rules) -> list[tuple[Mention, str]]:
    """A list of names, each with its own measure words, joined by 、 before 均 (GDP总量和增速、
    规模工业增加值增速、服务业增加值总量、城乡居民收入增速均居…): each indicator of ours with each of its
    measures. Empty unless some item before the last names a measure of its own (else the rank's
    measure words are the list's, which the single-subject path reads)."""
    bounds = [lo] + [k + 1 for k in range(lo, hi) if s[k] == "、"] + [hi + 1]
    if len(bounds) < 3:
        return []
    out: list[tuple[Mention, str]] = []
    own_measure = False
    for k in range(len(bounds) - 1):
        i0, i1 = bounds[k], bounds[k + 1] - 1
        named = [m for m in mentions if i0 <= m.start <= i0 + 6 and m.end <= i1]
        rest = s[named[0].end : i1] if named else ""
        if any(rest == w for w in R.rank_both_words):
            measures = ["level", "growth_pct"]
        elif rest in R.rank_measure_words["growth_pct"]:
            measures = ["growth_pct"]
        elif rest in R.rank_measure_words["level"]:
            measures = ["level"]
        else:
            if named:
                return []  # a name with other words after it: not such a list
            continue  # a name not of ours (服务业增加值总量)
        own_measure = own_measure or k < len(bounds) - 2
        if named and len(named[0].codes) == 1:
            out.extend((named[0], m) for m in measures)
    return out if own_measure else []


def _figure_list_before(s: str, a: int, mentions: list[Mention], nums: list, R: Rules) -> list[tuple[Mention, str]]:
    """The indicators of a list of "name + figure" items joined by 、 that ends right before the
    clause at `a` (…增长23.1%、建筑业增加值增长20.1%、社会消费品零售总额增长13.1%,均…): each with the
    measure of its figure. Items naming no indicator of ours count for the shape, not the result."""
    end = a - 1 if a > 0 and s[a - 1] in ",，" else a
    lo = max(s.rfind(ch, 0, end) for ch in ";；:：。") + 1
    first = s.find("、", lo, end)
    if first < 0:
        return []
    lo = max(s.rfind(",", lo, first), s.rfind("，", lo, first), lo - 1) + 1
    out: list[tuple[Mention, str]] = []
    bounds = [lo] + [k + 1 for k in range(lo, end) if s[k] == "、"] + [end + 1]
    for k in range(len(bounds) - 1):
        i0, i1 = bounds[k], bounds[k + 1] - 1
        figs = [n for n in nums if i0 <= n.start and n.end <= i1]
        if len(figs) != 1:
            return []  # not a list of one figure per name
        named = [m for m in mentions if i0 <= m.start <= i0 + 6 and m.end <= figs[0].start]
        if named and len(named[0].codes) == 1:
            growth = figs[0].is_pct and bool(R.growth_re.search(s[named[0].end : figs[0].start])
                                             or R.decline_re.search(s[named[0].end : figs[0].start]))
            out.append((named[0], "growth_pct" if growth else "level"))
    return out if len(bounds) > 2 else []


def list_members(s: str, mention: Mention, mentions: list[Mention], R: Rules) -> list[Mention]:
    """The indicators listed with `mention` before one rank ("工业增加值、工业投资、地方一般公共预算
    收入3项指标增速全市第一": 工业投资 is no indicator of ours, the other two are)."""
    members = [mention]
    start = mention.start
    while start > 0 and s[start - 1] in R.list_joiners:
        item_start = max(s.rfind(ch, 0, start - 1) for ch in ",;:。、") + 1
        found = [m for m in mentions if m.start == item_start and m.end == start - 1]
        members = found + members
        start = item_start
        if start - 1 < 0:
            break
    return members


def rankings(sent: Sentence, state: DocState, R: Rules) -> list[Draft]:
    s, mentions, nums = sent.s, sent.mentions, sent.nums
    out: list[Draft] = []
    prev_scope: str | None = None
    prev_end = -10
    list_index = 0
    list_start = 0  # where the first rank of a list of ranks starts
    chain_a = 0  # where the clause of the first rank of a chain (…第一位、…第二位) starts
    for rm in R.rank_re.finditer(s):
        rank = 1 if rm.group("first") else cn_to_int(rm.group("n"))
        if not rank:
            continue
        subject = subject_of(rm.start(), mentions)
        # the scope within the rank's own clause (…增长6.9%(全省排名第一), else within its phrase,
        # brackets included (全市七县(市)第二)
        for seps in (CLAUSE_SEPARATORS, PHRASE_SEPARATORS):
            a, _ = clause_bounds(s, rm.start(), seps)
            left = s[a : rm.start()]
            scope, verb = _scope(left, subject.end - a if subject and subject.end > a else 0, R)
            if (scope and len(scope) <= MAX_SCOPE and not _FIGURE_IN_SCOPE.search(scope)
                    and (verb is not None or scope in R.scopes_without_verb)):
                break
        joined = prev_end > 0 and s[prev_end:a] in R.list_joiners
        # 分别居全省第1、第2位 / 第4位和第3位: the next rank of a list
        continuing = (joined and not left) or (prev_end > 0 and s[prev_end : rm.start()] in R.list_joiners)
        if continuing:
            scope = prev_scope
            list_index += 1
        elif (joined and len(left) <= 10 and not re.search(r"[\d%]", left)) or (
                # 增幅列全省第10位,苏南第2位: another field, in a clause of its own
                prev_end > 0 and s[prev_end:a] in (",", "，") and verb is None and _FIELD.fullmatch(left)):
            # 居全国第6位、西部第1位 / 总量列第7位、增幅列第1位: the same indicator, in another
            # field or of another measure
            scope = scope or prev_scope
        else:
            list_index, list_start, chain_a = 0, rm.start(), a
            if not scope or len(scope) > MAX_SCOPE or _FIGURE_IN_SCOPE.search(scope):
                if not (verb and verb[1] in R.verbs_without_scope) or scope:
                    continue
                scope = None
            if verb is None and scope not in R.scopes_without_verb:
                continue
            if scope and R.scope_not_re.search(scope):
                continue
        prev_scope, prev_end = scope, rm.end()
        listed: list[tuple[Mention, str]] = []
        if not continuing:
            if left.startswith(R.rank_all_words):
                # 固定资产投资增长23.1%、…、社会消费品零售总额增长13.1%,均排名全国第1
                listed = _figure_list_before(s, a, mentions, nums, R)
            elif (j := _all_word_at(left, R)) > 0:
                # GDP总量和增速、一般公共预算收入总量和增速、规模工业增加值增速…均居长望浏宁第一
                lo = max(s.rfind(ch, 0, a) for ch in ",，;；:：。") + 1
                listed = _measured_names(s, lo, a + j, mentions, R)
            if listed:
                for m, measure in listed:
                    # the evidence runs from the name through the rank the list shares
                    start = m.start if rm.end() - m.start <= 2 * MAX_EVIDENCE else a
                    out.append(Draft("ranking", m.codes[0], m.raw, measure, start, rm.end(), rank=rank,
                                     rank_scope=scope, rank_direction="top",
                                     region=region_before(sent, m.start, state, R),
                                     year=decide.fact_year("actual", sent, state, rm.start()),
                                     period=decide.fact_period("actual", sent, state, rm.start(), R)))
                continue
        # the subject: the last mention before the rank, with nothing but its figures between
        mention = subject
        if mention is None:
            continue
        # (a rank chained to the one before it is as near its subject as the chain's first)
        gap = s[mention.end : max(min(a, chain_a), mention.end)]
        if ";" in gap or len(gap) > 70 or len(strip_gap(gap, R)) > 2:
            continue
        clause_left = s[a : rm.start()]
        if any(w in s[mention.end : rm.start()] for w in R.rank_both_words):
            measures = ["level", "growth_pct"]
        elif any(w in clause_left for w in R.rank_measure_words["growth_pct"]):
            measures = ["growth_pct"]
        elif any(w in clause_left for w in R.rank_measure_words["level"]):
            measures = ["level"]
        else:
            before = [n for n in nums if mention.end <= n.start < rm.start()]
            ctx_left = s[max(mention.end, a - 12) : rm.start()]
            if before:
                last = before[-1]
                is_rate = R.d.indicators[mention.codes[0]]["default_measure"] == "rate_pct"
                measures = ["growth_pct" if last.is_pct and not is_rate else "level"]
            elif any(w in mention.raw or w in ctx_left for w in R.rank_level_names):
                measures = ["level"]
            else:
                measures = ["growth_pct"]
        nxt = R.rank_re.search(s, rm.end())
        in_list = continuing or bool(nxt and s[rm.end() : nxt.start()] in R.list_joiners)
        if in_list and len(mention.codes) == 1:
            dealt = _respective_measure(s, mention, nums, a, list_start, list_index, R)
            if dealt == "":
                continue
            measures = [dealt] if dealt else measures
        if len(mention.codes) == 1:
            codes = [mention.codes[0]]
        elif in_list:
            if list_index >= len(mention.codes):
                continue
            codes = [mention.codes[list_index]]
        else:  # 地区生产总值、规上工业增加值三项指标增速均居全区第一: every one of them
            codes = [mention.single] if mention.single else list(mention.codes)
        if not in_list and len(mention.codes) == 1:
            codes = [c for m in list_members(s, mention, mentions, R) for c in m.codes]
        if state.in_target_part(sent.line_no):
            continue
        region = region_before(sent, mention.start, state, R)
        if in_list and len(mention.codes) == 1:
            # 西夏区(13.0%)和灵武市(8.2%)地区生产总值增速分别位列全区第2位和第6位: a rank per place
            places = _places_dealt(sent, mention, list_start, state, R)
            if places:
                if list_index >= len(places):
                    continue
                region = places[list_index]
        start = mention.start if rm.end() - mention.start <= MAX_EVIDENCE else a
        for code in codes:
            for measure in measures:
                out.append(Draft("ranking", code, mention.raw, measure, start, rm.end(), rank=rank, rank_scope=scope,
                                 rank_direction="top", region=region,
                                 year=decide.fact_year("actual", sent, state, rm.start()),
                                 period=decide.fact_period("actual", sent, state, rm.start(), R)))
    return out


def _places_dealt(sent: Sentence, mention: Mention, list_start: int, state: DocState, R: Rules) -> list[str | None]:
    """The places a list of ranks after 分别 is dealt to, one rank each, when as many places as
    ranks are listed before the name; [] when the list deals ranks by measure, or no such list."""
    s = sent.s
    if not R.respective_rank_re.search(s[mention.end : list_start]):
        return []
    places = regions_before(sent, mention.start, state, R)
    if len(places) < 2:
        return []
    ranks, pos = 0, list_start
    for m in R.rank_re.finditer(s, list_start):
        if ranks and s[pos : m.start()] not in R.list_joiners:
            break
        ranks, pos = ranks + 1, m.end()
    return places if ranks == len(places) else []


def _respective_measure(s: str, mention: Mention, nums, a: int, list_start: int, index: int,
                        R: Rules) -> str | None:
    """The measure of the index-th rank of a list after 分别/分居 for one indicator: 总量和增速分别
    居全省第4位、第3位, or 241.5亿元,增长6.4%,分居全省第4、第3位 (the figures' order). None when the
    list does not deal ranks out by measure; "" when this rank has no measure left."""
    lead = s[max(mention.end, a - 16) : list_start]
    if not R.respective_rank_re.search(lead):
        return None
    if any(w in s[mention.end : list_start] for w in R.rank_both_words):
        order = ["level", "growth_pct"]
    else:
        before = [n for n in nums if mention.end <= n.start < list_start]
        if len(before) < 2:
            return None
        is_rate = R.d.indicators[mention.codes[0]]["default_measure"] == "rate_pct"
        order = ["growth_pct" if n.is_pct and not is_rate else "level" for n in before]
    return order[index] if index < len(order) else ""


def league_tables(sent: Sentence, state: DocState, R: Rules) -> list[Draft]:
    """排名前三位分别是:A、B、C,后三位分别是:D、E、F → one ranking per place."""
    s = sent.s
    out: list[Draft] = []
    for lm in R.league_re.finditer(s):
        direction = "bottom" if lm.group("dir") in R.league_bottom else "top"
        items_text = s[lm.end():]
        stop = re.search(r"[,;。]", items_text)
        items_text = items_text[: stop.start()] if stop else items_text
        cats = list(R.league_scope_re.finditer(s[: lm.start()]))
        scope_m = cats[-1] if cats else None
        subj = R.league_subject_re.search(s)
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
            out.append(Draft("ranking", None, raw_name, "level", a, pos, region=item_s, rank=i,
                             rank_scope=scope_m.group(0) if scope_m else None, rank_direction=direction,
                             year=decide.fact_year("actual", sent, state, a), period=(1, 12)))
    return out
