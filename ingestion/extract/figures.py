"""Figures tied to indicators: each number with a unit attaches to the nearest indicator named
before it (unless another subject stands between them); the words between decide its measure."""

from __future__ import annotations

import re

from ingestion.extract import decide
from ingestion.extract.clauses import clause_bounds, strip_gap
from ingestion.extract.context import DocState, Sentence
from ingestion.extract.drafts import MAX_GAP, Draft, subject_of
from ingestion.extract.extra_figures import unknown_figure
from ingestion.extract.lists import (bracketed_place_figures, item_of_name_list, place_figures, respective_run, respective_subjects,
                                     series_of_list)
from ingestion.extract.mentions import Mention, qualifier
from ingestion.extract.numbers import Num
from ingestion.extract.regions import regions_before
from ingestion.extract.rules import Rules
from ingestion.extract.values import draft


def figures(sent: Sentence, state: DocState, R: Rules) -> list[Draft]:
    s, nums, mentions = sent.s, sent.nums, sent.mentions
    out: list[Draft] = []
    respective = respective_subjects(sent, R)
    bracketed = bracketed_place_figures(sent, state, R)
    for i, num in enumerate(nums):
        if i in bracketed:  # 呼和浩特市(23.1%)、包头市(22.9%)…
            out.append(bracketed[i])
            continue
        if i in respective:
            mention = respective[i]
            if mention is None:
                continue  # 累计支出…分别增长: the subject is not an indicator
            if not R.comparison_figure_re.search(s[max(0, num.start - 12) : num.start]):
                out.extend(_figure(sent, state, i, num, mention, None, s[mention.start : num.end], False, R,
                                   respective=True))
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
        if (not num.is_pct and R.floor_before_re.search(s[max(0, num.start - 4) : num.start])
                and R.exact_after_re.match(s, num.end)):
            continue  # 突破6000亿元,达6465亿元: the exact figure follows
        if R.size_class_re.match(s, num.end):
            continue  # 5000万元以上项目: a size class in a name, not a figure
        clause = s[a : clause_bounds(s, num.start)[1]]
        window = s[mention.start : num.end] if mention else clause
        completion_here = bool(R.completion_re.search(s[max(0, num.start - 14) : num.start]))
        # skip words of the figure's own clause, or between it and its name (占…比重); a share of
        # the plan on the way (占年初预算…的43.2%,同比下降6.5%), or a share in a clause of its own
        # (…1964.37亿元,占全省总量的一半,增长3.2%), is no reason to skip
        if not completion_here and (R.skip_re.search(clause) or (
                mention and R.skip_re.search(R.share_in_gap_re.sub("", R.completion_re.sub("", s[mention.end : num.start]))))):
            continue
        inline_target = not completion_here and bool(R.inline_target_re.search(s[max(0, num.start - 10) : num.start]))
        if mention is not None and place is None and len(mention.codes) == 1:
            run = respective_run(sent, i, R)
            k = item_of_name_list(sent, mention, run, R) if run else None
            if k is not None:  # 地方级财政收入、税收收入分别增长2.1%、2.5%: the k-th figure is the name's
                if run.index(i) == k:
                    out.extend(_figure(sent, state, i, num, mention, None, s[mention.start : num.end], False, R,
                                       respective=True))
                else:
                    out.extend(unknown_figure(sent, state, num, R))
                continue
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
            window: str, inline_target: bool, R: Rules, respective: bool = False) -> list[Draft]:
    s, nums = sent.s, sent.nums
    between = s[mention.end : num.start]
    # which code of a group: figures are dealt out in order ("…分别增长6%和8%"); one figure for a
    # group without a single code (城镇调查失业率和登记失业率稳定在4.3%左右) belongs to all of them
    codes = mention.codes
    same = [n for n in mention.numbers if n.is_pct == num.is_pct]
    idx = len(same)
    mention.numbers.append(num)
    in_series = None
    dealt_region: list[str | None] | None = None
    if len(codes) == 1:
        chosen = [codes[0]]
        run = [] if respective else respective_run(sent, i, R)
        listed = regions_before(sent, mention.start, state, R) if run else []
        if run and len(listed) == len(run) > 1 and all(nums[k].is_pct == num.is_pct for k in run):
            # places listed before the name, 分别 and as many figures (遵义、黔西南、安顺地区生产总值…
            # 分别增长11.7%、11.5%、11.3%): the k-th figure is the k-th place's
            dealt_region = [listed[run.index(i)]]
        elif run and all(nums[k].is_pct == num.is_pct for k in run) and mention.end <= nums[run[0]].start:
            # one name, 分别 and several figures: figures of several years or periods, told
            # apart only by what the sentence says before them (2010年以来,…分别增长14%、12.5%…)
            series = series_of_list(sent, nums[run[0]].start, len(run), state, R)
            if series is None:
                return []
            in_series = series[run.index(i)]
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
    regions = [place] if place else dealt_region or regions_before(sent, mention.start, state, R)
    for code in chosen:
        for region in regions:
            d = draft(sent, state, i, num, mention, code, place, window, inline_target, kind, R, region)
            if d is not None:
                if in_series is not None:
                    (d.year, d.period), d.dated = in_series, True
                out.append(d)
    return out
