"""The raw and ops tables of the warehouse, defined once (docs/ARCHITECTURE.md describes them;
tests/unit/contracts/test_tables.py checks that page and dbt_project/models/staging/_sources.yml
against these definitions).

    raw   written by ingestion.loading.load through SQLAlchemy (RAW.create_all)
    ops   written by the refresh flow's ops writer (flows/ops.py) and the quality runner
          (expectations/runner.py) on plain DuckDB connections: `ops_ddl()` gives the statements

Only portable SQLAlchemy types are used, so the raw layer can live in PostgreSQL as well as in
the embedded DuckDB. TIMESTAMP columns hold naive UTC (`utcnow()`).
"""

from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa
from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Double, Integer, String, Text

RAW = sa.MetaData(schema="raw")
OPS = sa.MetaData(schema="ops")

# ------------------------------------------------------------------------------------------ raw

documents = sa.Table(
    "documents", RAW,
    Column("document_id", String, primary_key=True),
    Column("source_path", String, nullable=False),
    Column("source_part", Integer, nullable=False),
    Column("parts_in_source", Integer, nullable=False),
    Column("content_hash", String, nullable=False),
    Column("region", String),
    Column("kind", String),
    Column("year", Integer),
    Column("target_year", Integer),
    Column("published_date", Date),
    Column("title", String),
    Column("script", String),
    Column("region_source", String),
    Column("region_code", String),
    Column("quarantine_reason", String),
    Column("quarantine_fix", String),
    Column("char_count", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("extractor_version", String, nullable=False),
    Column("run_id", String, nullable=False),
    Column("loaded_at", DateTime, nullable=False),
    Column("source_hash", String),
    Column("removed_at", DateTime),
)

sentences = sa.Table(
    "sentences", RAW,
    Column("document_id", String, primary_key=True),
    Column("sentence_no", Integer, primary_key=True),
    Column("char_start", Integer, nullable=False),
    Column("char_end", Integer, nullable=False),
)
"""Offsets only: a sentence is `text[char_start:char_end]` of its document (storing its text too
doubled the raw layer's weight, BENCHMARKS.md)."""

facts = sa.Table(
    "facts", RAW,
    Column("fact_id", String, primary_key=True),
    Column("document_id", String, nullable=False),
    Column("sentence_no", Integer, nullable=False),
    Column("region", String),
    Column("kind", String, nullable=False),
    Column("year", Integer),
    Column("period_start_month", Integer, nullable=False),
    Column("period_end_month", Integer, nullable=False),
    Column("indicator", String),
    Column("indicator_raw", String, nullable=False),
    Column("measure", String, nullable=False),
    Column("value", Double),
    Column("value_high", Double),
    Column("unit", String),
    Column("value_raw", String),
    Column("comparator", String),
    Column("estimate", Boolean, nullable=False),
    Column("rank", Integer),
    Column("rank_scope", String),
    Column("rank_direction", String),
    Column("target_text", String),
    Column("region_code", String),
    Column("evidence", Text, nullable=False),
    Column("char_start", Integer, nullable=False),
    Column("char_end", Integer, nullable=False),
    Column("extractor_version", String, nullable=False),
    Column("run_id", String, nullable=False),
)

RAW_TABLES = (documents, sentences, facts)

# ------------------------------------------------------------------------------------------ ops

runs = sa.Table(
    "runs", OPS,
    Column("run_id", String, primary_key=True),
    Column("started", DateTime),
    Column("finished", DateTime),
    Column("state", String),  # running | succeeded | failed
    Column("documents_seen", Integer),  # sources discovered
    Column("documents_parsed", Integer),  # documents parsed in this run (0 when nothing changed)
    Column("facts", Integer),  # facts parsed in this run
    Column("errors", Integer),  # documents and files quarantined (ops.quarantined_documents)
    Column("message", String),  # summary, or the error
    Column("files_unchanged", Integer),  # sources skipped as unchanged
    Column("documents_removed", Integer),  # documents marked removed (their source is gone)
)

ingest_errors = sa.Table(
    "ingest_errors", OPS,
    Column("run_id", String),
    Column("file", String),  # path or URL
    Column("reason", String),  # in plain words
    Column("at", DateTime, quote=True),
)

quarantined_documents = sa.Table(
    "quarantined_documents", OPS,
    Column("run_id", String),
    Column("document_id", String),  # NULL: a file no document came out of (also in ops.ingest_errors)
    Column("source", String),  # path or URL
    Column("reason", String),  # why it is not published, in plain words
    Column("fix", String),  # what would bring it back
    Column("at", DateTime, quote=True),
)
"""Everything a run leaves out of the marts, listed again by every run: the documents triage
quarantined (ingestion/parse/triage.py; they stay in raw for inspection) and the files no
document came out of."""

dq_results = sa.Table(
    "dq_results", OPS,
    Column("run_id", String),
    Column("suite", String),
    Column("table_name", String),
    Column("expectation", String),
    Column("column_name", String),
    Column("success", Boolean),
    Column("blocking", Boolean),
    Column("observed_value", String),
    Column("unexpected_count", BigInteger),
    Column("unexpected_sample", String),
    Column("checked_at", DateTime),
)

source_files = sa.Table(
    "source_files", OPS,
    Column("source", String, primary_key=True),  # absolute path, or URL
    Column("local_path", String),
    Column("file_hash", String),  # sha256 of the bytes
    Column("size", BigInteger),
    Column("mtime_ns", BigInteger),
    Column("overrides", String),  # JSON of the manifest's overrides
    Column("extractor_version", String),
    Column("status", String),  # loaded | quarantined | removed
    Column("documents", Integer),
    Column("reason", String),
    Column("fix", String),  # what would make a quarantined file usable
    Column("first_seen", DateTime),
    Column("changed_at", DateTime),
    Column("checked_at", DateTime),
    Column("removed_at", DateTime),
    Column("run_id", String),  # the run that last parsed it
)

http_cache = sa.Table(
    "http_cache", OPS,
    Column("url", String, primary_key=True),
    Column("etag", String),
    Column("last_modified", String),
    Column("body_path", String),
    Column("body_sha256", String),
    Column("size", BigInteger),
    Column("content_type", String),
    Column("fetched_at", DateTime),
    Column("checked_at", DateTime),
    Column("run_id", String),
)

state = sa.Table(
    "state", OPS,
    Column("key", String, primary_key=True),  # models_fingerprint
    Column("value", String),
    Column("run_id", String),
    Column("updated_at", DateTime),
)

OPS_TABLES = (runs, ingest_errors, quarantined_documents, dq_results, source_files, http_cache, state)

STATE_TABLES = frozenset({"source_files", "http_cache", "state"})
"""ops tables that describe the published raw layer: a failed run's rows are never copied over."""


def columns(table: sa.Table) -> tuple[str, ...]:
    """The column names of `table`, in order."""
    return tuple(c.name for c in table.columns)


def utcnow() -> dt.datetime:
    """Naive UTC timestamp: what a TIMESTAMP column of the warehouse holds."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@functools.cache
def _column_types() -> dict[tuple[str, str], str]:
    from duckdb_engine import Dialect

    dialect = Dialect()
    return {(t.name, c.name): c.type.compile(dialect=dialect) for t in OPS_TABLES for c in t.columns}


def column_type(table: sa.Table, column: str) -> str:
    """The column's SQL type as DuckDB writes it (VARCHAR, BIGINT, TIMESTAMP WITHOUT TIME ZONE…)."""
    return _column_types()[(table.name, column)]


@functools.cache
def ops_ddl(*names: str) -> tuple[str, ...]:
    """CREATE SCHEMA / CREATE TABLE IF NOT EXISTS statements of the ops tables `names` (default:
    all of them), for DuckDB."""
    out = [f"CREATE SCHEMA IF NOT EXISTS {OPS.schema}"]
    for t in OPS_TABLES:
        if names and t.name not in names:
            continue
        cols = [
            f"{_quote(c.name)} {column_type(t, c.name)}" + ("" if c.nullable else " NOT NULL")
            for c in t.columns
        ]
        keys = [_quote(c.name) for c in t.primary_key.columns]
        if keys:
            cols.append(f"PRIMARY KEY ({', '.join(keys)})")
        out.append(f"CREATE TABLE IF NOT EXISTS {OPS.schema}.{_quote(t.name)} ({', '.join(cols)})")
    return tuple(out)


def ops_add_missing_columns(existing: dict[str, set[str]]) -> list[str]:
    """ALTER TABLE statements that give older ops tables the columns added since (an older
    warehouse gets them on first use). `existing`: table name → its columns now."""
    out = []
    for t in OPS_TABLES:
        have = existing.get(t.name)
        if have is None:
            continue
        for c in t.columns:
            if c.name not in have:
                out.append(f"ALTER TABLE {OPS.schema}.{_quote(t.name)} ADD COLUMN IF NOT EXISTS "
                           f"{_quote(c.name)} {column_type(t, c.name)}")
    return out
