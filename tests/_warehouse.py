"""Read-only helpers the warehouse tests share."""

from __future__ import annotations

from pathlib import Path

import duckdb
import sqlalchemy as sa

from contracts.tables import RAW


def query(db: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def snapshot(db: Path, schemas: tuple[str, ...] = ("marts",)) -> dict[str, list[tuple]]:
    """Every row of every table of the schemas, sorted: equal snapshots mean equal content."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            f"WHERE table_schema IN ({', '.join('?' for _ in schemas)}) ORDER BY 1, 2",
            list(schemas),
        ).fetchall()
        return {
            f"{s}.{t}": sorted(con.execute(f'SELECT * FROM {s}."{t}"').fetchall(), key=repr)
            for s, t in names
        }
    finally:
        con.close()


def create_raw_tables(db: Path) -> None:
    """The raw tables of contracts.tables, empty, in the DuckDB file `db`."""
    engine = sa.create_engine(f"duckdb:///{db}")
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {RAW.schema}"))
            RAW.create_all(conn)
    finally:
        engine.dispose()
