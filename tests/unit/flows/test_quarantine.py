"""The quarantine list of a run (flows.ops.record_quarantine, contracts.warehouse.quarantine_list)
and how `gwr refresh` and `gwr status` print it, on real parsed pages: a scraped page whose region
is unclear (郏县 or 佳县), a bundled report that publishes, and a file no document came out of."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from contracts.settings import SAMPLE_CORPUS_DIR, SAMPLE_CORPUS_WILD_DIR
from contracts.warehouse import quarantine_list
from flows import ops
from ingestion.records import IngestError

HELD = SAMPLE_CORPUS_WILD_DIR / "w01_jiaxian_2025.txt"  # names 郏县 and 佳县 alike: region unclear
GOOD = SAMPLE_CORPUS_DIR / "000_500ad30c4c1f596f.txt"


@pytest.fixture()
def raw_db(tmp_path) -> Path:
    from ingestion.loading.load import write_raw
    from ingestion.pipeline import parse_path

    db = tmp_path / "gwr.duckdb"
    docs = parse_path(HELD) + parse_path(GOOD)
    assert [d.document.quarantine_reason is None for d in docs] == [False, True]
    write_raw(f"duckdb:///{db}", docs, "r1")
    return db


def _list(db: Path, run_id: str) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return quarantine_list(con, run_id)
    finally:
        con.close()


def test_every_run_lists_its_quarantined_documents_and_unreadable_files(raw_db):
    bad = IngestError("/in/empty.txt", "the file is empty or holds only whitespace", dt.datetime(2025, 1, 1))
    con = duckdb.connect(str(raw_db))
    try:
        assert ops.record_quarantine(con, "r1", [bad]) == 2
        assert ops.record_quarantine(con, "r1", [bad]) == 2  # written again, not twice
        assert ops.record_quarantine(con, "r2", []) == 1  # the held document is listed by every run
    finally:
        con.close()
    rows = _list(raw_db, "r1")
    expected = [
        {"source": "/in/empty.txt", "document_id": None, "reason": bad.reason, "fix": bad.fix},
        {"source": str(HELD), "document_id": "w01_jiaxian_2025",
         "reason": "region unclear: it could be 佳县、郏县", "fix": "add `region:` for this file in a manifest"},
    ]
    assert rows == sorted(expected, key=lambda r: r["source"])  # listed by source, wherever the checkout is
    assert [r["document_id"] for r in _list(raw_db, "r2")] == ["w01_jiaxian_2025"]
    assert _list(raw_db, "no-such-run") == [] and _list(raw_db, None) == []


def test_a_removed_document_is_not_listed(raw_db):
    con = duckdb.connect(str(raw_db))
    try:
        con.execute("UPDATE raw.documents SET removed_at = now()::timestamp WHERE document_id = 'w01_jiaxian_2025'")
        assert ops.record_quarantine(con, "r3", []) == 0
    finally:
        con.close()


def test_an_older_warehouse_lists_its_unreadable_files(tmp_path):
    """A warehouse written before ops.quarantined_documents existed: status still lists the files."""
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE SCHEMA ops")
    con.execute('CREATE TABLE ops.ingest_errors (run_id VARCHAR, file VARCHAR, reason VARCHAR, "at" TIMESTAMP)')
    con.execute("INSERT INTO ops.ingest_errors VALUES ('r0', 'x.pdf', 'the PDF is encrypted', now()::timestamp)")
    con.close()
    assert _list(db, "r0") == [{"source": "x.pdf", "document_id": None, "reason": "the PDF is encrypted", "fix": None}]


QUARANTINED = [
    {"source": "/in/empty.txt", "document_id": None, "reason": "the file is empty or holds only whitespace",
     "fix": "replace it with a readable copy of the report"},
    {"source": str(HELD), "document_id": "w01_jiaxian_2025", "reason": "region unclear: it could be 佳县、郏县",
     "fix": "add `region:` for this file in a manifest"},
    {"source": "/in/two.txt", "document_id": "two#2", "reason": "no year found", "fix": "add `year:`"},
]


def test_the_refresh_summary_lists_each_quarantined_item_with_its_fix():
    from gwr.cli.render import quarantine_lines

    assert quarantine_lines([]) == ["  quarantined: none"]
    text = "\n".join(quarantine_lines(QUARANTINED))
    assert "quarantined: 2 document(s), 1 unreadable file(s)" in text
    assert f"quarantined {HELD}: region unclear: it could be 佳县、郏县\n      fix: add `region:`" in text
    assert "quarantined /in/two.txt (two#2): no year found" in text  # which report of the file


def test_status_lists_the_quarantine_wrapped_to_the_terminal():
    from gwr.status import render_text
    from gwr.table import display_width

    info = {"db": "/w/gwr.duckdb", "size_bytes": 1, "modified": "-", "refresh_running": None, "runs": [],
            "marts": {}, "checks": {"run_id": None}, "quarantined": QUARANTINED, "data_docs": None}
    text = render_text(info, width=100)
    assert "quarantined (latest run): 2 document(s) kept out of the marts, 1 unreadable file(s)" in text
    assert "  w01_jiaxian_2025.txt: region unclear: it could be 佳县、郏县" in text
    assert "    fix: add `region:` for this file in a manifest" in text
    assert "  two.txt (two#2): no year found" in text
    narrow = render_text(info, width=50).split("quarantined (latest run)")[1].splitlines()[1:]
    assert max(display_width(line) for line in narrow) <= 50
    assert "".join(line.strip() for line in narrow).count("佳县、郏县") == 1  # wrapped, not cut
    info["quarantined"] = []
    assert "quarantined (latest run): none" in render_text(info)
