"""Write parsed documents to the raw layer through SQLAlchemy.

The tables are those of contracts.tables; the rows come as Parquet batches written by the parse
workers (ingestion/loading/spool.py). On DuckDB each table takes all its batches in one
`INSERT … SELECT … FROM read_parquet([...])` inside the SQLAlchemy transaction: no row passes
through Python. Other databases (PostgreSQL, `postgresql+psycopg2://…`) take the portable path:
SQLAlchemy Core inserts of Arrow record batches. Only portable types are used, so the same
tables live in both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa

from contracts.settings import duckdb_config
from contracts.tables import RAW, RAW_TABLES, documents, facts, sentences, utcnow
from ingestion.loading.spool import ParquetSpool, as_spool
from ingestion.records import ParsedDocument

BATCH_ROWS = 20000
"""Rows per insert on the portable path."""


def _sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _parquet_list(files: list[Path]) -> str:
    return "[" + ", ".join(_sql_str(f) for f in files) + "]"


def _load_values(table: sa.Table, run_id: str, now: dt.datetime) -> dict[str, object]:
    """What the loader adds to every row: run_id, and loaded_at where the table has it."""
    values: dict[str, object] = {"run_id": run_id, "loaded_at": now}
    return {k: v for k, v in values.items() if k in table.c}


def insert_parquet(conn: sa.Connection, table: sa.Table, files: list[Path], extra: dict[str, object]) -> int:
    """Insert the rows of `files` (Parquet with the table's parsed columns) plus the constant
    columns `extra`, in the connection's transaction. Returns the rows inserted."""
    if not files:
        return 0
    if conn.dialect.name == "duckdb":
        consts = "".join(f", ${i + 1} AS {name}" for i, name in enumerate(extra))
        driver = conn.connection.driver_connection
        driver.execute(
            f'INSERT INTO "{table.schema}"."{table.name}" BY NAME '
            f"SELECT *{consts} FROM read_parquet({_parquet_list(files)})", list(extra.values()),
        )
        return int(driver.fetchone()[0])
    import pyarrow.parquet as pq

    n = 0
    for f in files:
        for rb in pq.ParquetFile(f).iter_batches(batch_size=BATCH_ROWS):
            rows = rb.to_pylist()
            for r in rows:
                r.update(extra)
            conn.execute(table.insert(), rows)
            n += len(rows)
    return n


def create_engine(db_url: str, schema: str = "raw") -> sa.Engine:
    """An engine on `db_url`; on DuckDB with the memory limit and threads of contracts.settings.
    `schema`: where the raw tables go (the PostgreSQL refresh loads into `raw__build`)."""
    if db_url.startswith("duckdb:"):
        engine = sa.create_engine(db_url, connect_args={"config": duckdb_config()})
    else:
        engine = sa.create_engine(db_url)
    if schema != "raw":
        engine = engine.execution_options(schema_translate_map={"raw": schema})
    return engine


def ensure_schema(conn: sa.Connection) -> None:
    schema = (conn.get_execution_options().get("schema_translate_map") or {}).get("raw", "raw")
    conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    RAW.create_all(conn)


def schema_matches(conn: sa.Connection) -> bool:
    """True when the raw tables exist with exactly the columns this loader writes (an older layout
    means the next load must be a full one)."""
    q = sa.text(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = :s AND table_name = :t"
    )
    for t in (documents, sentences, facts):
        cols = [r[0] for r in conn.execute(q, {"s": t.schema, "t": t.name})]
        if sorted(cols) != sorted(c.name for c in t.columns):
            return False
    return True


def _docs_of_sources(sources: list[str]):
    return sa.select(documents.c.document_id).where(documents.c.source_path.in_(sources))


def _delete_documents(conn: sa.Connection, spool: ParquetSpool) -> None:
    """Delete the old rows of every document about to be written (a changed document's facts
    replace its old ones)."""
    files = spool.files("documents")
    if not files:
        return
    if conn.dialect.name == "duckdb":
        ids = f"SELECT document_id FROM read_parquet({_parquet_list(files)})"
        for t in (facts, sentences, documents):
            conn.exec_driver_sql(f'DELETE FROM "{t.schema}"."{t.name}" WHERE document_id IN ({ids})')
        return
    import pyarrow.parquet as pq

    ids = [i for f in files for i in pq.read_table(f, columns=["document_id"]).column(0).to_pylist()]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for t in (facts, sentences, documents):
            conn.execute(t.delete().where(t.c.document_id.in_(chunk)))


def write_raw(
    db_url: str,
    parsed: ParquetSpool | Iterable[ParsedDocument],
    run_id: str,
    replace: bool = True,
    *,
    replace_sources: Iterable[str] = (),
    remove_sources: Iterable[str] = (),
    removed_at: dt.datetime | None = None,
    schema: str = "raw",
) -> dict[str, int]:
    """Write documents, sentences and facts in one transaction; returns rows written per table
    (and `removed`: documents marked removed).

    `parsed`: the run's ParquetSpool, or parsed documents (spooled here first).
    With `replace`, the raw tables are emptied first (a full refresh). Otherwise each written
    document's old rows are deleted first, so a changed document's facts replace its old ones;
    so are all rows of the documents that came from `replace_sources` (source paths or URLs that
    were parsed again: a file that now holds fewer reports loses the others). The documents of
    `remove_sources` lose their sentences and facts and keep their raw.documents row with
    `removed_at` set (staging and the marts leave them out). `schema`: where the raw tables are.
    """
    spool = as_spool(parsed)
    engine = create_engine(db_url, schema)
    counts = {"documents": 0, "sentences": 0, "facts": 0, "removed": 0}
    now = utcnow()
    replace_sources = sorted(set(replace_sources))
    remove_sources = sorted(set(remove_sources) - set(replace_sources))
    try:
        with engine.begin() as conn:
            ensure_schema(conn)
            if replace:
                for t in (facts, sentences, documents):
                    conn.execute(t.delete())
            else:
                for chunk_start in range(0, len(replace_sources), 500):
                    chunk = replace_sources[chunk_start : chunk_start + 500]
                    for t in (facts, sentences):
                        conn.execute(t.delete().where(t.c.document_id.in_(_docs_of_sources(chunk))))
                    conn.execute(documents.delete().where(documents.c.source_path.in_(chunk)))
                for chunk_start in range(0, len(remove_sources), 500):
                    chunk = remove_sources[chunk_start : chunk_start + 500]
                    for t in (facts, sentences):
                        conn.execute(t.delete().where(t.c.document_id.in_(_docs_of_sources(chunk))))
                    live = sa.and_(documents.c.source_path.in_(chunk), documents.c.removed_at.is_(None))
                    counts["removed"] += conn.execute(
                        sa.select(sa.func.count()).select_from(documents).where(live)
                    ).scalar_one()
                    conn.execute(documents.update().where(live).values(removed_at=removed_at or now))
                _delete_documents(conn, spool)
            for table in RAW_TABLES:
                counts[table.name] = insert_parquet(conn, table, spool.files(table.name),
                                                    _load_values(table, run_id, now))
    finally:
        engine.dispose()
        if spool is not parsed:
            spool.close()
    return counts
