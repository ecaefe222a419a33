"""When a figure is about: its months (periods) and its year, read from the words before it."""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.extract.prefilter import may_match
from ingestion.extract.rules import Period, Rules
from ingestion.parse.cn_numerals import cn_to_int


@dataclass(frozen=True)
class PeriodMark:
    start: int
    end: int
    months: tuple[int, int]


def periods_in_reach(text: str, R: Rules) -> list[Period]:
    """The period forms that may match the text: the others lack a character they need
    (prefilter.py), and are not scanned for."""
    chars = set(text)
    return [p for p in R.periods if may_match(p.needed, chars)]


def period_marks(text: str, R: Rules) -> list[PeriodMark]:
    """Every period named in the text (1-9月, 上半年, 截至9月底…), in order of where it starts."""
    marks: list[PeriodMark] = []
    for p in periods_in_reach(text, R):
        for m in p.rx.finditer(text):
            if p.months == "match":
                per = (int(m.group(1)), int(m.group(2)))
            elif p.months in ("to_month", "single"):
                last = cn_to_int(m.group(1))
                if not last or not 1 <= last <= 12:
                    continue
                per = (1, last) if p.months == "to_month" else (last, last)
            else:
                per = p.months
            if per[0] > per[1]:
                continue
            if (R.compared_period_re.search(text[max(0, m.start() - 14) : m.start()])
                    and not R.compared_own_figure_re.match(text, m.end())):
                continue
            marks.append(PeriodMark(m.start(), m.end(), per))
    return sorted(marks, key=lambda pm: pm.start)


def last_period(marks: list[PeriodMark], lo: int = 0, hi: int | None = None) -> tuple[int, int] | None:
    """The period named last within [lo, hi) of the text the marks were found in."""
    best = None
    for pm in marks:
        if pm.start >= lo and (hi is None or pm.end <= hi):
            if best is None or pm.start > best.start:
                best = pm
    return best.months if best else None


def period_in(text: str, R: Rules) -> tuple[int, int] | None:
    """The period named last in the text, as (first, last) months."""
    return last_period(period_marks(text, R))


def single_month_at(text: str, R: Rules) -> bool:
    """当月 / 本月 stands in the text: the figure is of one month only."""
    return R.single_month_re.search(text) is not None


@dataclass(frozen=True)
class YearMark:
    pos: int  # where it was said, in the sentence
    year: int


# An inline year further back than this from the document's own year is a historical reference
# (有气象记录的1964年以来), not the year of a figure after it; a five-year review goes back six.
YEARS_BACK, YEARS_AHEAD = 7, 2


def year_marks(s: str, ref_year: int | None, R: Rules) -> list[YearMark]:
    """Every year a sentence names for what follows: inline years (2019年,…) and years said
    relative to the document (去年, 今年 against its reference year), in order."""
    if "年" not in s and "五末" not in s and "五期末" not in s:
        return []  # every year mark has one of these (2019年, 去年, 十三五末)
    marks = [YearMark(m.start(), int(m.group(1))) for m in R.inline_year_re.finditer(s)
             if ref_year is None or ref_year - YEARS_BACK <= int(m.group(1)) <= ref_year + YEARS_AHEAD]
    marks += [YearMark(m.start(), R.plan_period_ends[m.group(0)]) for m in R.plan_period_re.finditer(s)]
    if ref_year is not None:
        marks += [YearMark(m.start(), ref_year + R.relative_years[m.group(0)])
                  for m in R.relative_year_re.finditer(s)]
    return sorted(marks, key=lambda y: y.pos)
