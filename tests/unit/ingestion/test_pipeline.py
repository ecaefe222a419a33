"""ingestion.pipeline (with split and metadata): a file into documents with their metadata, in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.pipeline import parse_path
from ingestion.readers import read_text

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "sample_corpus"
NOTICE = CORPUS / "000_500ad30c4c1f596f.txt"
MULTI = CORPUS / "003_6b340ccef4bd5f14.txt"
from ingestion.split import split_reports, split_sentences


def test_multi_report_file_splits_into_sixteen_documents_in_order():
    docs = parse_path(MULTI)
    assert [d.document.document_id for d in docs] == [f"003_6b340ccef4bd5f14#{i}" for i in range(1, 17)]
    assert [d.document.region for d in docs][:3] == ["彬州市", "邯郸市", "河源市"]
    assert docs[-1].document.region == "资兴市"
    # lossless: the parts put back together are the file
    text = read_text(MULTI)
    assert "".join(d.document.text for d in docs) == text

def test_single_report_is_one_document_with_stem_id():
    docs = parse_path(NOTICE)
    assert len(docs) == 1 and docs[0].document.document_id == NOTICE.stem

def test_split_reports_needs_two_titles():
    assert split_reports("政府工作报告\n各位代表:\n...") == [(0, len("政府工作报告\n各位代表:\n..."))]

def test_sentences_keep_offsets():
    text = read_text(NOTICE)
    for sp in split_sentences(text):
        assert text[sp.start : sp.end].strip() == text[sp.start : sp.end]
        assert sp.end > sp.start

@pytest.mark.parametrize("path,region,kind,year,target_year", [
    ("000_500ad30c4c1f596f.txt", "咸宁市", "progress_notice", 2022, 2022),
    ("001_d7344a832e05616a.txt", "咸宁市", "progress_notice", 2021, 2021),
    ("002_f32c294674d3e8c0.txt", "曾都区", "work_report", 2021, 2022),  # given November 2021
    ("004_6e630300c27251eb.txt", "大冶市", "progress_notice", 2022, 2022),
])
def test_metadata(path, region, kind, year, target_year):
    d = parse_path(CORPUS / path)[0].document
    assert (d.region, d.kind, d.year, d.target_year) == (region, kind, year, target_year)

def test_publication_date():
    import datetime as dt
    assert parse_path(NOTICE)[0].document.published_date == dt.date(2023, 1, 16)
