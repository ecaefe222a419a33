"""ingestion.parse_stage: a bad file is quarantined and the others go on; nothing parsed is an error;
GWR_PARSE_BUDGET reaches the parser: a document over its budget is quarantined, not lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SAMPLE_FILES = ("000_500ad30c4c1f596f.txt", "001_d7344a832e05616a.txt")


def test_read_and_extract_quarantines_a_bad_file(tmp_path, corpus_dir, monkeypatch):
    import ingestion.pipeline
    from ingestion.parse_stage import parse_sources

    good = tmp_path / SAMPLE_FILES[0]
    shutil.copy(corpus_dir / SAMPLE_FILES[0], good)
    bad = tmp_path / "bad.txt"
    bad.write_text("whatever", encoding="utf-8")
    real = ingestion.pipeline.parse_path

    def parse_path(path, *args, **kwargs):
        if Path(path).name == "bad.txt":
            raise UnicodeDecodeError("gb18030", b"\xff", 0, 1, "cannot decode")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(ingestion.pipeline, "parse_path", parse_path)
    batch = parse_sources([bad, good])
    assert batch.documents >= 1 and batch.facts > 0
    assert [e.file for e in batch.errors] == [str(bad)]
    assert "UnicodeDecodeError" in batch.errors[0].reason

def test_read_and_extract_fails_when_nothing_parses(tmp_path, monkeypatch):
    import ingestion.pipeline
    from ingestion.parse_stage import parse_sources
    from ingestion.sources.discover import NoInputError

    def parse_path(path, *args, **kwargs):
        raise ValueError("broken")

    monkeypatch.setattr(ingestion.pipeline, "parse_path", parse_path)
    with pytest.raises(NoInputError):
        parse_sources([tmp_path / "a.txt"])


def test_the_parse_budget_reaches_the_parser_and_quarantines_a_slow_document(tmp_path, corpus_dir, monkeypatch):
    """GWR_PARSE_BUDGET (contracts.settings.parse_budget) is what each document may take: with a
    budget no extraction can meet, the real report is kept (text, sentences) but quarantined with
    the reason and the fix; with the default budget the same report publishes."""
    from ingestion.parse_stage import parse_sources

    report = tmp_path / SAMPLE_FILES[0]
    shutil.copy(corpus_dir / SAMPLE_FILES[0], report)
    monkeypatch.setenv("GWR_PARSE_BUDGET", "0.000001")
    (doc,) = list(parse_sources([report], workers=1).parsed)
    assert doc.document.quarantine_reason == "parsing took longer than its budget of 1e-06 s"
    assert "GWR_PARSE_BUDGET" in doc.document.quarantine_fix and "--full" in doc.document.quarantine_fix
    assert doc.facts == [] and doc.sentences and doc.document.text

    monkeypatch.delenv("GWR_PARSE_BUDGET")
    (doc,) = list(parse_sources([report], workers=1).parsed)
    assert doc.document.quarantine_reason is None and doc.facts


def test_an_unreadable_file_carries_its_fix_into_the_state(tmp_path, corpus_dir):
    """A file over the size limit is quarantined with the fix that fits it (raise the limit), and
    ops.source_files keeps that fix, so an unchanged file is reported again with it."""
    from ingestion.parse_stage import parse_sources

    good = tmp_path / SAMPLE_FILES[0]
    shutil.copy(corpus_dir / SAMPLE_FILES[0], good)
    big = tmp_path / "big.txt"
    big.write_text((corpus_dir / SAMPLE_FILES[1]).read_text(encoding="utf-8") * 3, encoding="utf-8")
    batch = parse_sources([good, big], max_bytes=good.stat().st_size + 10, workers=1)
    (err,) = batch.errors
    assert err.file == str(big) and "over the size limit" in err.reason and "--max-bytes" in err.fix
    row = next(r for r in batch.state_rows if r["source"] == str(big))
    assert (row["status"], row["reason"], row["fix"]) == ("quarantined", err.reason, err.fix)
