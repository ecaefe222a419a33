"""A fact before it is a record: what one figure, rank or goal says, with its evidence span."""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.extract.clauses import clause_bounds
from ingestion.extract.context import DocState, Sentence
from ingestion.extract.mentions import Mention
from ingestion.records import FactRecord

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
