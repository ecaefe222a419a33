"""The one place that decides what a figure is: a target or an actual, of which year and months.

- target: a figure in the goals part of a report or plan, on a notice's numbered target line,
  written beside its actual (目标10.5%), or after a goal cue of its sentence (预期目标是…,
  提出…目标), unless a result marker stands between the cue and the figure (1-9月, 完成了, 去年,
  an earlier year); in a report given before its target year, a whole-year figure dated that year;
- the year of a target is the document's target year; of an actual, the year named last before
  it in its sentence or paragraph (2019年, 去年 against the reference year), else the year the
  document reports on;
- the months of an actual: the period named last before it in the sentence, the paragraph's or
  heading's period, a single month for 当月, else the document's default period.
"""

from __future__ import annotations

from ingestion.extract.context import DocState, Sentence
from ingestion.extract.frames import YearMark, period_in, single_month_at
from ingestion.extract.rules import Rules


def is_target(sent: Sentence, state: DocState, pos: int, R: Rules, *, inline: bool = False,
              restated: bool = False) -> bool:
    """Is the figure at `pos` of the sentence a target?"""
    target_year = state.meta.target_year
    year = _dating_year(sent, pos)
    if year is None:
        year = state.line_year  # 2021年,…经济运行持续恢复。初步预计,地区生产总值增长7.5%: the paragraph's year
    past = year is not None and target_year is not None and year < target_year
    if inline or restated or sent.notice_target:
        return True
    if state.in_target_part(sent.line_no):
        # a goals part never states an earlier year's figure, nor a part of a year, as a goal
        period = (sent.period_before(pos, R) or state.line_period or state.section_period
                  or state.meta.default_period)
        return not past and period == (1, 12)
    cue = sent.target_cue_start
    if cue is None or cue > pos:
        # a report given before its target year has no results of that year yet: a whole-year
        # figure dated that year is a goal (湖北:2021年生产总值增长10%以上, in the 2021 report)
        meta = state.meta
        return (meta.kind in ("work_report", "plan") and year is not None and year == target_year
                and meta.year is not None and target_year > meta.year
                and (sent.period_before(pos, R) or (1, 12)) == (1, 12)
                and not R.actual_in_target_re.search(sent.s[:pos]))
    between = sent.s[cue:pos]
    # an actual's cue counts within the figure's own item of the list of goals (…;财政收入保持
    # 上年水平;社会消费品零售总额增长9.5%左右: 上年 is another item's)
    item = between[max(between.rfind(";"), between.rfind("；")) + 1 :]
    if sent.period_before(pos, R, lo=cue) is not None or R.actual_in_target_re.search(item):
        return False
    return not past


def _dating_year(sent: Sentence, pos: int) -> int | None:
    """The year that dates the figure at `pos`: named last before it in the sentence's opening
    or in the figure's own ;-item. A year inside another item of a list (…;财政收入保持上年水平;
    社会消费品零售总额增长9.5%左右) dates that item only."""
    s = sent.s
    first = min((i for i in (s.find(";"), s.find("；")) if i >= 0), default=len(s))
    item_start = max(s.rfind(";", 0, pos), s.rfind("；", 0, pos))
    last = None
    for y in sent.years:
        if y.pos >= pos:
            break
        if not first <= y.pos < item_start:
            last = y.year
    return last


def fact_year(kind: str, sent: Sentence, state: DocState, pos: int) -> int | None:
    meta = state.meta
    if kind == "target":
        return meta.target_year
    year = sent.year_before(pos)
    if year is None:
        year = state.line_year
    return year if year is not None else meta.year


# How far into a sentence a period still opens it ("1-9月,", "今年上半年,全县").
OPENING = 12
SUBJECT_MONTH = 4  # 当月 this close before an indicator's name makes its figures a single month's


def fact_period(kind: str, sent: Sentence, state: DocState, pos: int, R: Rules,
                subject: tuple[int, int] | None = None) -> tuple[int, int]:
    """The months of a figure at `pos`; `subject`: the span of its indicator's name, which may
    carry 当月 for the figures of its later clauses (其中当月实现产值1001.1亿元,增长6.5%)."""
    if kind == "target":
        return (1, 12)
    clause_start = max(sent.s.rfind(",", 0, pos), sent.s.rfind(";", 0, pos), 0)
    named = sent.period_before(pos, R)
    if named:
        # a period that opens the sentence holds for the rest of its paragraph (1-9月,全市…;…);
        # one said in passing (…,而一季度下降6.1%) only for its own figure
        if sent.period_before(OPENING, R) == named:
            state.line_period = named
        current = named
    elif sent.estimate_pos is not None and sent.estimate_pos < pos:
        return (1, 12)
    else:
        current = state.line_period or state.section_period or state.meta.default_period
    # 当月 in the figure's clause, or opening its sentence or ;-item (…;8月当月,全市…增长10.8%)
    item_start = max(sent.s.rfind(";", 0, pos), sent.s.rfind("；", 0, pos), 0)
    if (single_month_at(sent.s[clause_start:pos], R) or single_month_at(sent.s[item_start : min(pos, item_start + OPENING)], R)
            or (subject is not None and single_month_at(sent.s[max(0, subject[0] - SUBJECT_MONTH) : subject[1]], R))):
        return (current[1], current[1])
    return current


def remember_sentence(s: str, years: list[YearMark], has_figures: bool, state: DocState, R: Rules) -> None:
    """After a sentence: its last named year carries to the rest of its paragraph; a heading line
    that names a period ("一、1-3月份主要经济指标完成情况") sets it for the lines below (not in work
    reports, whose review is of the whole year)."""
    if years:
        state.line_year = years[-1].year
    if not has_figures and len(s) <= 40 and state.meta.kind != "work_report" and R.notice_target_re.match(s):
        named = period_in(s, R)
        if named:
            state.section_period = named
