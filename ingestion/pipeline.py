"""One file in, parsed documents out: read → split → metadata → sentences → facts. Pure of I/O
except the read."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ingestion import EXTRACTOR_VERSION
from ingestion.extract import extract_facts
from ingestion.metadata import DocMeta, infer_meta
from ingestion.readers import read_text
from ingestion.records import DocumentRecord, ParsedDocument, SentenceRecord
from ingestion.parse.view import build_view, fold
from ingestion.split import split_reports, split_sentences


def apply_overrides(meta: DocMeta, overrides: Mapping[str, Any] | None) -> DocMeta:
    """The document metadata with a manifest's region / year / kind / target_year put in place of
    what was inferred from the text. Given `year` but no `target_year`, the target year follows
    the kind's rule (a work report sets next year's targets; a notice, the same year's)."""
    if not overrides:
        return meta
    region = overrides.get("region") or meta.region
    kind = overrides.get("kind") or meta.kind
    year = overrides.get("year", meta.year)
    target_year = overrides.get("target_year")
    if target_year is None:
        if "year" in overrides or "kind" in overrides:
            target_year = (year + 1 if kind == "work_report" else year) if year is not None else None
        else:
            target_year = meta.target_year
    if "year" not in overrides and "target_year" in overrides and kind == "work_report":
        year = target_year - 1
    elif "year" not in overrides and "target_year" in overrides:
        year = target_year
    return DocMeta(region, kind, year, target_year, meta.published_date, meta.title, meta.default_period,
                   meta.ref_year)


def parse_text(
    text: str, stem: str, source_path: str = "", overrides: Mapping[str, Any] | None = None
) -> list[ParsedDocument]:
    """Parse a file's text; a file with several reports gives ids STEM#1, STEM#2, …

    `overrides` (from a manifest) replace the inferred metadata before facts are extracted, so
    every fact whose region or year defaults to the document's gets the overridden one."""
    parts = split_reports(fold(text))
    out: list[ParsedDocument] = []
    for i, (a, b) in enumerate(parts, start=1):
        doc_text = text[a:b]
        doc_id = stem if len(parts) == 1 else f"{stem}#{i}"
        view = build_view(doc_text)
        meta = apply_overrides(infer_meta(view.text), overrides)
        doc = DocumentRecord(
            document_id=doc_id, source_path=source_path, source_part=i, parts_in_source=len(parts),
            text=doc_text, region=meta.region, kind=meta.kind, year=meta.year,
            target_year=meta.target_year, published_date=meta.published_date, title=meta.title,
            extractor_version=EXTRACTOR_VERSION,
        )
        spans = split_sentences(view.text)
        sentences = []
        for n, sp in enumerate(spans):
            a0, b0 = view.to_original(sp.start, sp.end)
            sentences.append(SentenceRecord(doc_id, n, a0, b0, doc_text[a0:b0]))
        facts = extract_facts(doc_id, view, spans, meta)
        out.append(ParsedDocument(doc, sentences, facts))
    return out


def parse_path(
    path: Path,
    overrides: Mapping[str, Any] | None = None,
    *,
    max_bytes: int | None = None,
    source_path: str | None = None,
) -> list[ParsedDocument]:
    """Read and parse one file (.txt, .html, .docx, .pdf). Raises readers.UnreadableFile for input
    that is not a report. `source_path` is recorded instead of the path (a URL for a fetched page)."""
    path = Path(path)
    return parse_text(
        read_text(path, max_bytes=max_bytes), path.stem, source_path or str(path), overrides
    )
