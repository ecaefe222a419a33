"""The raw and ops tables are written once (contracts/tables.py): docs/ARCHITECTURE.md and the
dbt sources (dbt_project/models/staging/_sources.yml) must describe exactly those columns."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
import yaml

from contracts import tables
from contracts.settings import DBT_PROJECT_DIR, ROOT

ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"
SOURCES = DBT_PROJECT_DIR / "models" / "staging" / "_sources.yml"

# SQLAlchemy type → the type word ARCHITECTURE.md uses
DOC_TYPE = {
    sa.String: "VARCHAR", sa.Text: "VARCHAR", sa.Integer: "INTEGER", sa.BigInteger: "BIGINT",
    sa.Double: "DOUBLE", sa.Boolean: "BOOLEAN", sa.Date: "DATE", sa.DateTime: "TIMESTAMP",
}


def _doc_type(column: sa.Column) -> str:
    for cls, word in DOC_TYPE.items():
        if type(column.type) is cls:
            return word
    raise AssertionError(f"no documented type for {column.type!r}")


def _section_table(text: str, heading: str) -> list[list[str]]:
    """The cells of the first markdown table after the `## heading…` line (header row dropped)."""
    m = re.search(rf"^## {re.escape(heading)}\b.*$", text, re.M)
    assert m, f"no section '## {heading}' in {ARCHITECTURE}"
    rows = []
    for line in text[m.end():].lstrip("\n").splitlines():
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if set("".join(cells)) <= set("-: "):
            continue
        rows.append(cells)
    return rows[1:]


def _documented_raw(text: str, table: str) -> dict[str, str]:
    out = {}
    for names, typ, *_ in _section_table(text, f"raw.{table}"):
        for name in names.split(","):
            out[name.strip().strip("`")] = typ.split()[0]
    return out


def _without_parentheses(s: str) -> str:
    return re.sub(r"\([^()]*\)", "", s)


def _documented_ops(text: str) -> dict[str, list[str]]:
    out = {}
    for name, key, cols, *_ in _section_table(text, "ops tables"):
        names = [] if key in ("–", "-", "") else [key]
        names += [c.strip().split()[0] for c in _without_parentheses(cols).split(",") if c.strip()]
        out[name.removeprefix("ops.")] = names
    return out


@pytest.mark.parametrize("table", tables.RAW_TABLES, ids=lambda t: t.name)
def test_architecture_documents_the_raw_columns_and_types(table):
    documented = _documented_raw(ARCHITECTURE.read_text(encoding="utf-8"), table.name)
    assert documented == {c.name: _doc_type(c) for c in table.columns}


def test_architecture_documents_the_ops_columns():
    documented = _documented_ops(ARCHITECTURE.read_text(encoding="utf-8"))
    assert documented == {t.name: list(tables.columns(t)) for t in tables.OPS_TABLES}


def test_dbt_sources_name_the_raw_columns_in_order():
    spec = yaml.safe_load(SOURCES.read_text(encoding="utf-8"))
    (raw,) = [s for s in spec["sources"] if s["name"] == "raw"]
    described = {t["name"]: [c["name"] for c in t["columns"]] for t in raw["tables"]}
    assert described == {t.name: list(tables.columns(t)) for t in tables.RAW_TABLES}


def test_the_check_can_fail():
    """A column the page does not list is caught."""
    text = ARCHITECTURE.read_text(encoding="utf-8").replace("| removed_at | TIMESTAMP NULL |", "| x |")
    assert _documented_raw(text, "documents") != {c.name: _doc_type(c) for c in tables.documents.columns}


def test_ops_ddl_creates_every_ops_table_and_migrates_old_ones():
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE SCHEMA ops")
    con.execute("CREATE TABLE ops.runs (run_id VARCHAR PRIMARY KEY, started TIMESTAMP)")  # an old layout
    for stmt in tables.ops_ddl():
        con.execute(stmt)
    existing: dict[str, set[str]] = {}
    for t, c in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE table_schema = 'ops'").fetchall():
        existing.setdefault(t, set()).add(c)
    for stmt in tables.ops_add_missing_columns(existing):
        con.execute(stmt)
    got = {t: [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'ops' AND table_name = ? "
        "ORDER BY ordinal_position", [t]).fetchall()] for t in existing}
    assert got == {t.name: list(tables.columns(t)) for t in tables.OPS_TABLES}
