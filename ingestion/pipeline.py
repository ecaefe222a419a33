"""One file in, parsed documents out: read → split → metadata → sentences → facts. Pure of I/O
except the read."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ingestion import EXTRACTOR_VERSION
from ingestion.extract import OverBudget, extract_facts
from ingestion.parse.codes import attach_codes
from ingestion.parse.metadata import apply_overrides, infer_meta
from ingestion.readers import read_text
from ingestion.records import DocumentRecord, ParsedDocument, SentenceRecord
from ingestion.parse.triage import Quarantine, no_prose, triage
from ingestion.parse.view import build_view, fold
from ingestion.split import split_reports, split_sentences


def source_hint(source: str) -> str:
    """What of a source may name its region or year: a url whole, a file by its name only."""
    return source if "://" in source else Path(source).name


def parse_text(
    text: str, stem: str, source_path: str = "", overrides: Mapping[str, Any] | None = None,
    *, budget_seconds: float | None = None,
) -> list[ParsedDocument]:
    """Parse a file's text; a file with several reports gives ids STEM#1, STEM#2, …

    `overrides` (from a manifest) replace the inferred metadata before facts are extracted, so
    every fact whose region or year defaults to the document's gets the overridden one. The
    document and its facts get their regions' codes (ingestion/parse/codes.py). Every
    document is triaged (ingestion/parse/triage.py): one that cannot be published carries its
    reason and fix. A document whose extraction takes longer than `budget_seconds` is kept
    without facts, quarantined, instead of stalling the run."""
    parts = split_reports(fold(text))
    out: list[ParsedDocument] = []
    for i, (a, b) in enumerate(parts, start=1):
        doc_text = text[a:b]
        doc_id = stem if len(parts) == 1 else f"{stem}#{i}"
        view = build_view(doc_text)
        meta = apply_overrides(infer_meta(view.text, source_hint(source_path or stem)), overrides)
        doc = DocumentRecord(
            document_id=doc_id, source_path=source_path, source_part=i, parts_in_source=len(parts),
            text=doc_text, region=meta.region, kind=meta.kind, year=meta.year,
            target_year=meta.target_year, published_date=meta.published_date, title=meta.title,
            script=view.script, region_source=meta.region_source or None, extractor_version=EXTRACTOR_VERSION,
        )
        spans = split_sentences(view.text)
        sentences = []
        for n, sp in enumerate(spans):
            a0, b0 = view.to_original(sp.start, sp.end)
            sentences.append(SentenceRecord(doc_id, n, a0, b0))
        deadline = time.monotonic() + budget_seconds if budget_seconds else None
        facts: list = []
        try:
            verdict = no_prose(view.text)
            if verdict is None:
                facts = extract_facts(doc_id, view, spans, meta, deadline=deadline)
                verdict = triage(meta, facts)
        except OverBudget:
            facts = []
            verdict = Quarantine(f"parsing took longer than its budget of {budget_seconds:g} s",
                                 "raise GWR_PARSE_BUDGET and refresh with --full (an unchanged file is not parsed "
                                 "again otherwise), or leave the file out if it is not a report")
        doc.region_code = attach_codes(meta.region, view.text, facts)
        if verdict is not None:
            doc.quarantine_reason, doc.quarantine_fix = verdict.reason, verdict.fix
        out.append(ParsedDocument(doc, sentences, facts))
    return out


def parse_path(
    path: Path,
    overrides: Mapping[str, Any] | None = None,
    *,
    max_bytes: int | None = None,
    source_path: str | None = None,
    budget_seconds: float | None = None,
) -> list[ParsedDocument]:
    """Read and parse one file (.txt, .html, .docx, .pdf). Raises readers.UnreadableFile for input
    that is not a report. `source_path` is recorded instead of the path (a URL for a fetched page)."""
    path = Path(path)
    return parse_text(
        read_text(path, max_bytes=max_bytes), path.stem, source_path or str(path), overrides,
        budget_seconds=budget_seconds,
    )
