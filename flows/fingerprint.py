"""Whether the marts must be built and checked again when no document changed.

`models_fingerprint` hashes everything besides raw that shapes the marts: the dbt project (models,
seeds, macros, tests, config) and the quality suites. The published warehouse keeps the one its
marts were built with in ops.state; an equal fingerprint, an unchanged raw layer and existing
marts let a refresh skip dbt and the checks.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from contracts.settings import EXPECTATIONS_DIR
from contracts.warehouse import read_ops_table

KEY = "models_fingerprint"


def models_fingerprint(dbt_project_dir: Path) -> str:
    """Hash of the dbt project's files and the quality suites' (artifacts and caches left out)."""
    h = hashlib.sha256()
    for root in (Path(dbt_project_dir), EXPECTATIONS_DIR):
        for p in sorted(root.rglob("*")):
            rel = p.relative_to(root).as_posix()
            if not p.is_file() or rel.startswith(("target/", "logs/", "dbt_packages/")) \
                    or "__pycache__" in rel or p.suffix in (".pyc", ".duckdb", ".wal"):
                continue
            h.update(rel.encode())
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def stored_fingerprint(db_path: Path) -> str | None:
    """The fingerprint the warehouse's marts were built with (None when not recorded)."""
    row = read_ops_table(db_path, "state", "key").get(KEY)
    return row.get("value") if row else None


def has_marts(db_path: Path) -> bool:
    import duckdb

    from contracts.warehouse import tables

    if not Path(db_path).exists():
        return False
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return bool(tables(con, "marts"))
    finally:
        con.close()
