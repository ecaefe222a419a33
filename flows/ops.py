"""The `ops` schema: run history and quarantined input, written by the flow with plain DuckDB.

ops.runs           one row per refresh run (state running → succeeded | failed)
ops.ingest_errors  one row per input file that could not be parsed (the run goes on without it)
ops.dq_results     one row per expectation evaluated (written by expectations.runner, or here from
                   a SuiteOutcome when the runner does not write it)

ops.runs columns: run_id, started, finished, state, documents_seen (report files discovered),
documents_parsed (documents parsed from them; a file holding N reports gives N), facts (facts
loaded), errors (files quarantined in ops.ingest_errors), message (summary or error).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import duckdb

DDL = [
    "CREATE SCHEMA IF NOT EXISTS ops",
    """CREATE TABLE IF NOT EXISTS ops.runs (
        run_id VARCHAR PRIMARY KEY,
        started TIMESTAMP,
        finished TIMESTAMP,
        state VARCHAR,
        documents_seen INTEGER,
        documents_parsed INTEGER,
        facts INTEGER,
        errors INTEGER,
        message VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS ops.ingest_errors (
        run_id VARCHAR,
        file VARCHAR,
        reason VARCHAR,
        "at" TIMESTAMP
    )""",
]

RUN_COLUMNS = (
    "run_id", "started", "finished", "state", "documents_seen", "documents_parsed", "facts",
    "errors", "message",
)


def utcnow() -> dt.datetime:
    """Naive UTC timestamp (what a DuckDB TIMESTAMP column holds)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


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

    def values(self) -> list[Any]:
        return [getattr(self, c) for c in RUN_COLUMNS]


@dataclass(frozen=True)
class IngestError:
    file: str
    reason: str
    at: dt.datetime


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for stmt in DDL:
        con.execute(stmt)


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
    if rows:
        con.executemany(
            "INSERT INTO ops.ingest_errors (run_id, file, reason, \"at\") VALUES (?, ?, ?, ?)", rows
        )
    return len(rows)


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
            if "run_id" not in cols:
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
