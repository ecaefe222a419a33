"""The records ingestion hands on: one dataclass per raw table (columns in contracts/tables.py),
and `IngestError`, a source that could not be used (a row of ops.ingest_errors)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SentenceRecord:
    """A sentence as offsets into its document's text (raw.sentences stores no text)."""

    document_id: str
    sentence_no: int
    char_start: int
    char_end: int


@dataclass
class FactRecord:
    document_id: str
    sentence_no: int
    region: str | None
    kind: str  # target | actual | ranking
    year: int | None
    period_start_month: int
    period_end_month: int
    indicator: str | None
    indicator_raw: str
    measure: str  # growth_pct | level | rate_pct | completion_pct | qualitative
    evidence: str
    char_start: int
    char_end: int
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
    region_code: str | None = None  # adcode of the region (ingestion/parse/codes.py)
    extractor_version: str = ""
    run_id: str = ""
    fact_id: str = ""  # set once the offsets index the original text (extract._finish): compute_id()

    def compute_id(self) -> str:
        """A stable id: the same fact from the same text gets the same id in every run."""
        key = "|".join(
            str(x)
            for x in (
                self.document_id, self.char_start, self.char_end, self.kind, self.indicator_raw,
                self.indicator, self.measure, self.region, self.rank_scope, self.value,
                self.period_start_month, self.period_end_month,
            )
        )
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def as_row(self) -> dict:
        # a shallow copy: dataclasses.asdict deep-copies every value, which cost more than the
        # whole insert at scale (BENCHMARKS.md)
        return dict(self.__dict__)


@dataclass
class DocumentRecord:
    document_id: str
    source_path: str
    source_part: int
    parts_in_source: int
    text: str
    region: str | None = None
    kind: str | None = None  # work_report | plan | progress_notice | stats_release
    year: int | None = None
    target_year: int | None = None
    published_date: dt.date | None = None
    title: str | None = None
    script: str | None = None  # simplified | traditional | garbled
    region_source: str | None = None  # title | issuer | mentions | source name | manifest
    region_code: str | None = None  # adcode of the region (ingestion/parse/codes.py)
    quarantine_reason: str | None = None  # why it is not published (ingestion/parse/triage.py)
    quarantine_fix: str | None = None  # what would fix it
    extractor_version: str = ""
    run_id: str = ""
    loaded_at: dt.datetime | None = None
    source_hash: str | None = None  # sha256 of the source file's bytes (set by the refresh flow)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def char_count(self) -> int:
        return len(self.text)

    def as_row(self) -> dict:
        row = dict(self.__dict__)
        row["content_hash"] = self.content_hash
        row["char_count"] = self.char_count
        return row


@dataclass
class ParsedDocument:
    """A document with everything extracted from it: what the loader writes."""

    document: DocumentRecord
    sentences: list[SentenceRecord] = field(default_factory=list)
    facts: list[FactRecord] = field(default_factory=list)


FILE_FIX = ("replace it with a readable copy of the report (text, HTML, Word .docx or a PDF with a "
            "text layer), or leave it out of the sources")
"""What fixes a file no document came out of, unless its reason knows better."""


@dataclass(frozen=True)
class IngestError:
    """A source that could not be ingested: its path or URL, why in plain words, when, and what
    would make it usable."""

    file: str
    reason: str
    at: dt.datetime
    fix: str = FILE_FIX
