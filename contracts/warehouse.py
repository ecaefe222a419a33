"""The questions both the refresh flow and the read side ask of a warehouse file.

`row_counts` is the one place that counts rows per mart: the refresh summary, `gwr status` and
`gwr report` all use it. Every function takes an open DuckDB connection (the caller decides
read-only or not, sandboxed or not) and only reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def table_exists(con: Any, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def tables(con: Any, schema: str) -> list[str]:
    """The tables and views of `schema`, sorted by name."""
    return [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name",
            [schema],
        ).fetchall()
    ]


def row_counts(con: Any, schema: str = "marts") -> dict[str, int]:
    """Rows per table of `schema` ({} when the schema does not exist), keyed by table name."""
    return {t: int(con.execute(f'SELECT count(*) FROM "{schema}"."{t}"').fetchone()[0])
            for t in tables(con, schema)}


def live_documents(con: Any) -> int:
    """Documents in raw.documents not marked removed (0 when there is no raw layer)."""
    if not table_exists(con, "raw", "documents"):
        return 0
    return int(con.execute("SELECT count(*) FROM raw.documents WHERE removed_at IS NULL").fetchone()[0])


QUARANTINE_COLUMNS = ("source", "document_id", "reason", "fix")


def quarantine_list(con: Any, run_id: str | None) -> list[dict[str, Any]]:
    """What run `run_id` left out of the marts (ops.quarantined_documents): source, document_id
    (None for a file no document came out of), reason, fix; sorted by source and document.
    A warehouse older than that table lists its unreadable files (ops.ingest_errors), fix None."""
    if run_id is None:
        return []
    if table_exists(con, "ops", "quarantined_documents"):
        sql = ("SELECT source, document_id, reason, fix FROM ops.quarantined_documents WHERE run_id = ? "
               "ORDER BY source, document_id NULLS FIRST")
    elif table_exists(con, "ops", "ingest_errors"):
        sql = "SELECT file, NULL, reason, NULL FROM ops.ingest_errors WHERE run_id = ? ORDER BY file"
    else:
        return []
    return [dict(zip(QUARANTINE_COLUMNS, r)) for r in con.execute(sql, [run_id]).fetchall()]


def read_ops_table(db_path: Path, table: str, key: str) -> dict[Any, dict]:
    """Rows of ops.<table> by `key`, from the DuckDB file `db_path` opened read-only (and closed
    again); {} when the file or the table does not exist."""
    import duckdb

    if not Path(db_path).exists():
        return {}
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        if not table_exists(con, "ops", table):
            return {}
        cur = con.execute(f'SELECT * FROM ops."{table}"')
        names = [d[0] for d in cur.description]
        return {r[names.index(key)]: dict(zip(names, r)) for r in cur.fetchall()}
    finally:
        con.close()
