"""What the extractor knows while it reads a document: the part it is in (review, plan, a
five-year outlook), the paragraph's heading, period and year, and the sentence being read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingestion.extract.frames import PeriodMark, YearMark, last_period, period_in, period_marks, year_marks
from ingestion.extract.mentions import Mention
from ingestion.extract.numbers import Num
from ingestion.extract.rules import Rules
from ingestion.extract.tokens import Token, segment
from ingestion.parse.metadata import DocMeta

# Document kinds whose plan part runs from its heading to the end (or to a new review heading).
SECTIONED_KINDS = ("work_report", "plan")


@dataclass
class DocState:
    """Per-document state, updated sentence by sentence."""

    meta: DocMeta
    doc_id: str
    plan_re: re.Pattern  # each a union of the rules' patterns, filled in for this document
    review_re: re.Pattern
    horizon_re: re.Pattern
    target_cue_re: re.Pattern
    in_plan: bool = False
    in_horizon: bool = False  # a five-year outlook: its figures are not this year's targets
    review_line: int = -1  # a paragraph looking back over five years
    heading: tuple[int, Mention] | None = None  # "(一)地区生产总值。" names its paragraph's subject
    topic: Mention | None = None  # the indicator last named: what a story comparing places is about
    line_period: tuple[int, int] | None = None
    line_year: int | None = None
    section_period: tuple[int, int] | None = None  # named by a heading line ("一、1-3月份主要经济指标")
    last_line: int = -1
    target_lines_after: int = -1  # a goals heading ending in ':' makes the next lines targets
    from_to_years: tuple[int, int] | None = None  # the years of the last 由X增加到Y of a review

    @classmethod
    def start(cls, meta: DocMeta, doc_id: str, R: Rules) -> "DocState":
        ty = meta.target_year or meta.year or 0
        yr = meta.year or 0

        def union(patterns: tuple[str, ...]) -> re.Pattern:
            return re.compile("|".join(f"(?:{p})" for p in patterns)
                              .replace("{target_year}", str(ty)).replace("{year}", str(yr)))

        return cls(meta, doc_id, union(R.plan_start), union(R.review_start), union(R.horizon_start),
                   union(R.target_cues))

    def enter_line(self, line_no: int) -> None:
        if line_no != self.last_line:
            self.last_line = line_no
            self.line_period = None
            self.line_year = None

    def follow_sections(self, s: str, line_no: int) -> None:
        """Move between the review, plan and outlook parts of a report or plan."""
        if self.meta.kind in SECTIONED_KINDS:
            if self.horizon_re.search(s):
                self.in_horizon = True
            elif self.plan_re.search(s):
                self.in_plan, self.in_horizon = True, False
            elif self.in_plan and self.review_re.search(s):
                self.in_plan, self.in_horizon = False, False
        elif s.rstrip().endswith((":", "是", "为")) and self.plan_re.search(s):
            self.target_lines_after = line_no

    def in_target_part(self, line_no: int) -> bool:
        """Is this line in a part that states goals (a report's plan part, the lines after a
        goals heading of a news story or notice)?"""
        if self.meta.kind in SECTIONED_KINDS:
            return self.in_plan
        return 0 <= self.target_lines_after < line_no <= self.target_lines_after + 3


@dataclass
class Sentence:
    """One sentence (a bounded piece of the view), with everything found in it."""

    s: str
    base: int  # offset of the sentence in the document view
    no: int
    line_no: int
    mentions: list[Mention]
    nums: list[Num]
    notice_target: bool  # a numbered line of a progress notice that states a target
    estimate_pos: int | None
    target_cue_start: int | None  # where the first goal cue (预期目标是, 提出…目标) starts
    years: list[YearMark] = field(default_factory=list)
    _tokens: dict[tuple[int, int], list[Token]] = field(default_factory=dict)
    _periods: list[PeriodMark] | None = None

    def tokens_in(self, lo: int, hi: int) -> list[Token]:
        """jieba's words of s[lo:hi] (offsets in the sentence): segmented only when asked, as
        most figures need no segmentation at all."""
        key = (lo, hi)
        if key not in self._tokens:
            self._tokens[key] = [(w, a + lo, b + lo) for w, a, b in segment(self.s[lo:hi])]
        return self._tokens[key]

    def period_marks(self, R: Rules) -> list[PeriodMark]:
        """The periods the sentence names, found once."""
        if self._periods is None:
            self._periods = period_marks(self.s, R)
        return self._periods

    def period_before(self, pos: int, R: Rules, lo: int = 0) -> tuple[int, int] | None:
        """The period named last between lo and pos."""
        return last_period(self.period_marks(R), lo, pos)

    def year_before(self, pos: int) -> int | None:
        last = None
        for y in self.years:
            if y.pos >= pos:
                break
            last = y.year
        return last


def read_sentence(s: str, base: int, no: int, line_no: int, mentions: list[Mention], nums: list[Num],
                  state: DocState, R: Rules) -> Sentence:
    meta = state.meta
    notice_target = (meta.kind == "progress_notice" and bool(R.notice_target_re.match(s))
                     and period_in(s, R) is None and not R.result_against_target_re.search(s))
    estimate = R.estimate_re.search(s)
    cue_start = _goal_cue(s, state, R)
    return Sentence(s, base, no, line_no, mentions, nums, notice_target,
                    estimate.start() if estimate else None, cue_start, year_marks(s, ref_year(meta), R))


def _goal_cue(s: str, state: DocState, R: Rules) -> int | None:
    """Where the first goal cue of the sentence starts; a cue inside words that measure a result
    against the goal (未达预期目标, 低于年度目标) states no goal."""
    against = [(m.start(), m.end()) for m in R.result_against_target_re.finditer(s)]
    for cue in state.target_cue_re.finditer(s):
        if not any(a < cue.end() and cue.start() < b for a, b in against):
            return cue.start()
    return None


def ref_year(meta: DocMeta) -> int | None:
    """The year the document was given or published: 今年 and 去年 are counted from it."""
    if meta.ref_year is not None:
        return meta.ref_year
    if meta.kind == "work_report":
        return meta.target_year
    return meta.year
