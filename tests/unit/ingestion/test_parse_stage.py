"""ingestion.parse_stage: a bad file is quarantined and the others go on; nothing parsed is an error."""

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
