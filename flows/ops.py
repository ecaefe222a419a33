"""The ops writer: run history, quarantined input and incremental state, written with plain DuckDB.

The tables themselves are defined in contracts.tables (the one home of their columns).

ops.runs           one row per refresh run (state running → succeeded | failed)
ops.ingest_errors  one row per input file that could not be parsed (the run goes on without it)
ops.quarantined_documents  everything the run leaves out of the marts: each quarantined document
                   and each file no document came out of, with the reason and what would fix it
ops.dq_results     one row per expectation evaluated (written by expectations.runner)
ops.source_files   one row per source ever ingested: the state of incremental refresh
ops.http_cache     one row per URL source: its validators and where its body is cached
ops.state          key/value: `models_fingerprint` of the dbt project and quality suites
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import duckdb

from contracts import tables as contract
from contracts.tables import STATE_TABLES, columns, utcnow
from contracts.warehouse import table_exists
from ingestion.records import IngestError

RUN_COLUMNS = columns(contract.runs)
SOURCE_FILE_COLUMNS = columns(contract.source_files)
HTTP_CACHE_COLUMNS = columns(contract.http_cache)
STATE_COLUMNS = columns(contract.state)


@dataclass
class RunRow:
    run_id: str
    started: dt.datetime
    finished: dt.datetime | None = None
    state: str = "running"
    documents_seen: int = 0
    documents_parsed: int = 0
    facts: int = 0
    errors: int = 0
    message: str | None = None
    files_unchanged: int = 0
    documents_removed: int = 0

    def values(self) -> list[Any]:
        return [getattr(self, c) for c in RUN_COLUMNS]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ops tables of contracts.tables when missing, and add the columns an older
    warehouse's tables lack."""
    for stmt in contract.ops_ddl():
        con.execute(stmt)
    existing: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'ops' AND table_catalog = current_database()"
    ).fetchall():
        existing.setdefault(table, set()).add(column)
    for stmt in contract.ops_add_missing_columns(existing):
        con.execute(stmt)


def with_ops(db_path: Path, fn: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
    """Open `db_path` read-write, make sure the ops tables exist, run `fn(con)`, close."""
    con = duckdb.connect(str(db_path))
    try:
        ensure_schema(con)
        return fn(con)
    finally:
        con.close()


def new_run_id() -> str:
    """Sortable and unique: 20250101T120000Z-1a2b3c4d."""
    return utcnow().strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def upsert_run(con: duckdb.DuckDBPyConnection, row: RunRow) -> None:
    ensure_schema(con)
    cols = ", ".join(RUN_COLUMNS)
    marks = ", ".join("?" for _ in RUN_COLUMNS)
    con.execute(f"INSERT OR REPLACE INTO ops.runs ({cols}) VALUES ({marks})", row.values())


def insert_ingest_errors(
    con: duckdb.DuckDBPyConnection, run_id: str, errors: Iterable[IngestError]
) -> int:
    ensure_schema(con)
    rows = [(run_id, e.file, e.reason, e.at) for e in errors]
    _insert_values(con, 'INSERT INTO ops.ingest_errors (run_id, file, reason, "at")', rows)
    return len(rows)


def record_quarantine(
    con: duckdb.DuckDBPyConnection, run_id: str, errors: Iterable[IngestError]
) -> int:
    """List this run's quarantine in ops.quarantined_documents: every live document triage held
    back (raw.documents.quarantine_reason; an unchanged one is listed again, as it is still out of
    the marts) and every file no document came out of (`errors`). Returns the rows written."""
    ensure_schema(con)
    now = utcnow()
    con.execute("DELETE FROM ops.quarantined_documents WHERE run_id = ?", [run_id])
    rows = [(run_id, None, e.file, e.reason, e.fix, now) for e in errors]
    if rows:
        con.executemany(
            'INSERT INTO ops.quarantined_documents (run_id, document_id, source, reason, fix, "at") '
            "VALUES (?, ?, ?, ?, ?, ?)", rows,
        )
    if table_exists(con, "raw", "documents"):
        con.execute(
            'INSERT INTO ops.quarantined_documents (run_id, document_id, source, reason, fix, "at") '
            "SELECT ?, document_id, source_path, quarantine_reason, quarantine_fix, ? FROM raw.documents "
            "WHERE quarantine_reason IS NOT NULL AND removed_at IS NULL", [run_id, now],
        )
    return int(con.execute("SELECT count(*) FROM ops.quarantined_documents WHERE run_id = ?",
                           [run_id]).fetchone()[0])


ROWS_PER_STATEMENT = 500


def _insert_values(con: duckdb.DuckDBPyConnection, head: str, rows: list[tuple]) -> None:
    """`head` VALUES (?, …), (?, …), …: many rows a statement. executemany costs ~8 ms a row in
    DuckDB (seconds for a corpus of thousands of files, BENCHMARKS.md), and a pandas frame costs
    pandas' import (half a second, most of a refresh with nothing changed)."""
    for i in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[i : i + ROWS_PER_STATEMENT]
        one = "(" + ", ".join(["?"] * len(chunk[0])) + ")"
        con.execute(f"{head} VALUES {', '.join([one] * len(chunk))}", [v for row in chunk for v in row])


def _upsert(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: list[dict]) -> int:
    ensure_schema(con)
    cols = ", ".join(f'"{c}"' for c in columns)
    _insert_values(con, f"INSERT OR REPLACE INTO ops.{table} ({cols})", [tuple(r.get(c) for c in columns) for r in rows])
    return len(rows)


def upsert_source_files(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> int:
    return _upsert(con, "source_files", SOURCE_FILE_COLUMNS, rows)


def upsert_http_cache(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> int:
    return _upsert(con, "http_cache", HTTP_CACHE_COLUMNS, rows)


def set_state(con: duckdb.DuckDBPyConnection, key: str, value: str, run_id: str) -> None:
    _upsert(con, "state", STATE_COLUMNS,
            [{"key": key, "value": value, "run_id": run_id, "updated_at": utcnow()}])


def copy_run_rows(con: duckdb.DuckDBPyConnection, source_db: Path, run_id: str) -> dict[str, int]:
    """Copy every `ops` row of `run_id` from the DuckDB file `source_db` into `con`'s database.

    Tables missing on the target side are created with the source's columns. Returns rows per table.
    """
    copied: dict[str, int] = {}
    alias = "gwr_failed_build"
    con.execute(f"ATTACH '{_sql_str(source_db)}' AS {alias} (READ_ONLY)")
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = ? AND table_schema = 'ops' AND table_type = 'BASE TABLE'",
                [alias],
            ).fetchall()
        ]
        for t in tables:
            cols = {
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_catalog = ? AND table_schema = 'ops' AND table_name = ?",
                    [alias, t],
                ).fetchall()
            }
            if "run_id" not in cols or t in STATE_TABLES:
                continue
            src = f'{alias}.ops."{t}"'
            con.execute(f'CREATE TABLE IF NOT EXISTS ops."{t}" AS SELECT * FROM {src} WHERE false')
            con.execute(f'DELETE FROM ops."{t}" WHERE run_id = ?', [run_id])
            con.execute(
                f'INSERT INTO ops."{t}" BY NAME SELECT * FROM {src} WHERE run_id = ?', [run_id]
            )
            copied[t] = con.execute(
                f'SELECT count(*) FROM ops."{t}" WHERE run_id = ?', [run_id]
            ).fetchone()[0]
    finally:
        con.execute(f"DETACH {alias}")
    return copied


def _sql_str(p: Path | str) -> str:
    return str(p).replace("'", "''")


def warehouse_counts(db_path: Path) -> tuple[dict[str, int], int]:
    """(rows per mart, live documents) of a warehouse file, opened read-only."""
    from contracts.warehouse import live_documents, row_counts

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return row_counts(con, "marts"), live_documents(con)
    finally:
        con.close()


def success_message(run: RunRow, checks: list, mart_rows: dict[str, int], build_skipped: bool) -> str:
    """The ops.runs message of a successful run."""
    return (
        f"{run.documents_parsed} documents parsed ({run.files_unchanged} files unchanged, "
        f"{run.documents_removed} documents removed), {run.facts} facts, {run.errors} quarantined, "
        + ("build skipped (nothing changed); " if build_skipped else
           f"{sum(c.passed for c in checks)} checks passed, "
           f"{sum(c.failed for c in checks)} failed; ")
        + "marts: " + ", ".join(f"{k}={v}" for k, v in mart_rows.items())
    )
