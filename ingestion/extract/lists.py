"""Figures dealt out over lists: after 分别, the k-th figure is the k-th subject's; in a story
comparing places, a figure after a list of places is the topic's for each of them."""

from __future__ import annotations

import re

from ingestion.extract import decide
from ingestion.extract.clauses import strip_gap
from ingestion.extract.context import DocState, Sentence
from ingestion.extract.drafts import Draft, subject_of
from ingestion.extract.mentions import Mention
from ingestion.extract.numbers import Num
from ingestion.extract.rules import Rules
from ingestion.extract.values import convert, draft
from ingestion.parse import places
from ingestion.parse.cn_numerals import cn_to_int
from ingestion.parse.region import NameHit, name_hits
from ingestion.parse.view import CJK_CHAR_RE


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
        first = nums[before[-len(listed)]]
        if ";" in s[first.start : fm.start()] or len(strip_gap(s[nums[before[-1]].end : fm.start()], R)) > 2:
            continue  # …;金融机构存、贷款余额分别增长: 分别 has subjects of its own
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


PLACE_LIST_WINDOW = 80  # how far before its figure a list of places may start


def place_figures(sent: Sentence, state: DocState, i: int, num: Num, R: Rules) -> list[Draft]:
    """A story comparing places under one topic: "(GDP增长目标)…濮阳、漯河、信阳的预期目标是“增长7%
    以上”", "翼城、乡宁分别增长49.8%、36.9%" — a figure with no name of its own, right after the
    places it is stated for, is the topic's (the indicator named last before it) for each of
    them (or, after 分别, for the one in its place of the list)."""
    s = sent.s
    listed = respective_run(sent, i, R)
    # the topic: the indicator named last before the figure, in this sentence or before it
    topic = subject_of(sent.nums[listed[0] if listed else i].start, sent.mentions) or state.topic
    if topic is None or len(topic.codes) != 1:
        return []
    first = listed[0] if listed else i
    near = s[max(0, sent.nums[first].start - 16) : sent.nums[first].start]
    if not (R.growth_re.search(near) or R.decline_re.search(near) or R.target_words_re.search(near)):
        return []  # a bare figure after a place (洪洞县(23.9%)) says nothing of what it measures
    start = max([n.end for n in sent.nums[:first]] + [0, sent.nums[first].start - PLACE_LIST_WINDOW])
    hits = _place_hits(s[start : sent.nums[first].start], R)
    regions = _listed_places(s, start, hits, state, R)
    if not regions:
        return []
    last_end = start + hits[-1].end
    first_start = start + hits[-len(regions)].start
    if R.comparison_before_place_re.search(s[max(0, first_start - 3) : first_start]):
        return []  # 低于北京1149.5亿元: a comparison with the other place
    lead = max(s.rfind(ch, 0, first_start) for ch in ",;:。") + 1
    if R.skip_re.search(s[lead : num.start]):
        return []  # 贡献率分别为洪洞县(23.9%)…: shares, not growth (a share in a clause before does not count)
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
        d = draft(sent, state, i, num, mention, topic.codes[0], None, s[start : num.end], False, kind, R,
                   None if region == state.meta.region else region)
        if d is not None:
            d.start = first_start
            out.append(d)
    return out


def _place_hits(text: str, R: Rules) -> list[NameHit]:
    """Names of places in the text: the gazetteer's, and sub-units it does not list standing
    as items of a list (松山新区); a gazetteer name inside a sub-unit's name gives way to it."""
    subunits = [NameHit(m.start(1), m.end(1), m.group(1)) for m in R.listed_subunit_re.finditer(text)]
    if not subunits:
        return name_hits(text)
    hits = [h for h in name_hits(text) if not any(u.start <= h.start < u.end for u in subunits)]
    return sorted(hits + subunits, key=lambda h: h.start)


def _listed_places(s: str, start: int, hits, state: DocState, R: Rules) -> list[str]:
    """The last list of places in the hits (濮阳、漯河以及信阳), as full names (a sub-unit the
    gazetteer does not list, as written)."""
    regions: list[str] = []
    for k in range(len(hits) - 1, -1, -1):
        name = places.resolve_name(hits[k].name, state.meta.region)
        if name is None and R.subunit_name_re.fullmatch(hits[k].name):
            name = hits[k].name
        if name is None or places.is_ancestor(name, state.meta.region):
            break
        regions.insert(0, name)
        if k and not R.list_glue_re.fullmatch(s[start + hits[k - 1].end : start + hits[k].start]):
            break
    return regions


_BRACKET_ITEMS = re.compile(r"[、和及与\s]*(?:[\u4e00-\u9fff]{2,6}[(（]-?\d+(?:\.\d+)?%[)）][、和及与\s]*)*")


def _speaks_of_growth(s: str, pos: int, R: Rules) -> bool:
    """Do the words right after `pos` (within its clause) speak of growth (…增加值增速高于…)?"""
    window = re.split(r"[,，;；。]", s[pos : pos + 12], maxsplit=1)[0]
    return bool(R.growth_re.search(window) or R.decline_re.search(window)
                or any(w in window for w in R.rank_measure_words["growth_pct"]))


def bracketed_place_figures(sent: Sentence, state: DocState, R: Rules) -> dict[int, Draft]:
    """Lists of places each with its own figure: in brackets ("呼和浩特市(23.1%)、包头市(22.9%)…4个盟市
    规上工业增加值增速高于全区平均水平", "平湖市(6.8%)、秀洲区(6.2%)…增速均较上月有所回升"), or an amount
    right after each ("是:海城市305亿元、瓦房店市304亿元、大石桥市247亿元"). Returns figure index →
    its draft (see _deal_run for whose figure each is)."""
    s, nums = sent.s, sent.nums
    in_brackets = [i for i, n in enumerate(nums)
                   if n.is_pct and n.start > 1 and s[n.start - 1] in "((" and n.end < len(s) and s[n.end] in "))"]
    # …or an amount right after each place (海城市305亿元、瓦房店市304亿元、大石桥市247亿元)
    # (a place's name ends on a Chinese character)
    after_word = [i for i, n in enumerate(nums) if not n.is_pct and n.start > 0 and CJK_CHAR_RE.match(s, n.start - 1)]
    if len(in_brackets) < 2 and len(after_word) < 3:
        return {}  # too few candidates for a list: the sentence's places need not be looked up
    ends = {h.end: h for h in _place_hits(s, R)}
    items = [(i, ends[nums[i].start - 1]) for i in in_brackets if nums[i].start - 1 in ends]
    amounts = [(i, ends[nums[i].start]) for i in after_word if nums[i].start in ends]
    out: dict[int, Draft] = {}
    for found, close, least in ((items, 1, 2), (amounts, 0, 3)):
        runs: list[list[tuple[int, NameHit]]] = []
        for item in found:
            # (items of names the gazetteer does not know may stand between: 经开区(4.1%)、港区(-1.1%))
            if runs and (_BRACKET_ITEMS if close else R.list_glue_re).fullmatch(
                    s[nums[runs[-1][-1][0]].end + close : item[1].start]):
                runs[-1].append(item)
            else:
                runs.append([item])
        for run in runs:
            if len(run) >= least:
                _deal_run(sent, state, run, close, R, out)
    return out


def _deal_run(sent: Sentence, state: DocState, run: list[tuple[int, NameHit]], close: int, R: Rules,
              out: dict[int, Draft]) -> None:
    """The figures of one list of places: growth in brackets of the indicator named right after the
    list or of the sentence's subject; amounts of the subject when it is measured in amounts."""
    s, nums = sent.s, sent.nums
    tail = nums[run[-1][0]].end + close
    after = [m for m in sent.mentions if tail <= m.start <= tail + 12]
    mention: Mention | None = None
    if not close:
        mention = subject_of(run[0][1].start, sent.mentions) or state.topic
        if mention is None or len(mention.codes) != 1 or convert(nums[run[0][0]], mention.codes[0], R) is None:
            return  # amounts of an indicator measured in other units
    elif after and _speaks_of_growth(s, after[0].end, R):
        mention = after[0]
    elif _speaks_of_growth(s, tail, R) or R.growth_re.search(s[: run[0][1].start]):
        mention = subject_of(run[0][1].start, sent.mentions) or state.topic
    lead = max(s.rfind(ch, 0, run[0][1].start) for ch in ",，;；:：。") + 1
    if mention is None or len(mention.codes) != 1 or R.skip_re.search(s[lead : run[0][1].start]):
        return  # 贡献率分别为洪洞县(23.9%)…: shares, not growth
    for i, hit in run:
        region = places.resolve_name(hit.name, state.meta.region)
        if region is None and R.subunit_name_re.fullmatch(hit.name):
            region = hit.name
        if region is None:
            continue
        num = nums[i]
        d = draft(sent, state, i, num, Mention(hit.end, hit.end, mention.raw, mention.codes), mention.codes[0],
                  None, s[hit.start : num.end], False, "actual", R, None if region == state.meta.region else region)
        if d is not None:
            d.start, d.end = hit.start, num.end + close
            out[i] = d


def respective_run(sent: Sentence, i: int, R: Rules) -> list[int]:
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


def item_of_name_list(sent: Sentence, mention: Mention, run: list[int], R: Rules) -> int | None:
    """The place of `mention` in a list of names before 分别 with as many items as the figures
    after it (地方级财政收入、税收收入同口径分别增长2.1%、2.5%: 0), whether or not the other names
    are indicators of ours; None when the names before 分别 are no such list."""
    s, nums = sent.s, sent.nums
    fm = s.rfind("分别", 0, nums[run[0]].start)
    if fm < mention.end:
        return None
    lo = max(s.rfind(ch, 0, mention.start) for ch in ",，;；:：。") + 1
    if any(ch in s[lo:fm] for ch in ",，;；") or any(lo <= n.start < fm for n in nums):
        return None  # names only, in one clause
    joiners = "|".join(map(re.escape, sorted(R.list_joiners, key=len, reverse=True)))
    bounds = [lo] + [lo + m.end() for m in re.finditer(joiners, s[lo:fm])]
    if len(bounds) != len(run):
        return None
    for k, b in enumerate(bounds):
        if b <= mention.start < (bounds[k + 1] if k + 1 < len(bounds) else fm):
            return k if s[b:mention.start].strip() == "" or k == 0 else None
    return None


def series_of_list(sent: Sentence, before: int, n: int, state: DocState, R: Rules
                   ) -> list[tuple[int, tuple[int, int]]] | None:
    """The year and period of each of a list of n figures of one indicator, from what is said
    before the list in its sentence (a range of years, a year or a quarter "以来"); None when
    nothing tells them apart."""
    # what is said since the figure before the list, the nearest saying last
    start = max((n.end for n in sent.nums if n.end <= before), default=0)
    head = sent.s[start:before]
    last_year = state.meta.year or 9999
    found, at = None, -1
    for m in R.year_range_re.finditer(head):
        first, last = int(m.group(1)), int(m.group(2))
        if last - first + 1 == n and m.start() > at:
            found, at = [(y, (1, 12)) for y in range(first, last + 1)], m.start()
    for m in R.quarter_since_re.finditer(head):
        year, quarter = int(m.group(1)), cn_to_int(m.group(2)) or 1
        cumulative = any(w in head[m.end():] for w in R.cumulative_words)
        series = [(year + k // 4, (1 if cumulative else 3 * (k % 4) + 1, 3 * (k % 4 + 1)))
                  for k in range(quarter - 1, quarter - 1 + n)]
        if series[-1][0] <= last_year and m.start() > at:
            found, at = series, m.start()
    for m in R.year_since_re.finditer(head):
        first = int(m.group(1))
        if first + n - 1 <= last_year and m.start() > at:
            found, at = [(y, (1, 12)) for y in range(first, first + n)], m.start()
    return found
