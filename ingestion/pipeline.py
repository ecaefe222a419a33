"""One file in, parsed documents out: read → split → metadata → sentences → facts. Pure of I/O
except the read."""

from __future__ import annotations

from pathlib import Path

from ingestion import EXTRACTOR_VERSION
from ingestion.extract import extract_facts
from ingestion.metadata import infer_meta
from ingestion.readers import read_text
from ingestion.records import DocumentRecord, ParsedDocument, SentenceRecord
from ingestion.split import split_reports, split_sentences


def parse_text(text: str, stem: str, source_path: str = "") -> list[ParsedDocument]:
    """Parse a file's text; a file with several reports gives ids STEM#1, STEM#2, …"""
    parts = split_reports(text)
    out: list[ParsedDocument] = []
    for i, (a, b) in enumerate(parts, start=1):
        doc_text = text[a:b]
        doc_id = stem if len(parts) == 1 else f"{stem}#{i}"
        meta = infer_meta(doc_text)
        doc = DocumentRecord(
            document_id=doc_id, source_path=source_path, source_part=i, parts_in_source=len(parts),
            text=doc_text, region=meta.region, kind=meta.kind, year=meta.year,
            target_year=meta.target_year, published_date=meta.published_date, title=meta.title,
            extractor_version=EXTRACTOR_VERSION,
        )
        spans = split_sentences(doc_text)
        sentences = [SentenceRecord(doc_id, n, sp.start, sp.end, doc_text[sp.start : sp.end]) for n, sp in enumerate(spans)]
        facts = extract_facts(doc_id, doc_text, spans, meta)
        out.append(ParsedDocument(doc, sentences, facts))
    return out


def parse_path(path: Path) -> list[ParsedDocument]:
    """Read and parse one file. Raises readers.UnreadableFile for input that is not a report."""
    path = Path(path)
    return parse_text(read_text(path), path.stem, str(path))
