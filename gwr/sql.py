"""Sandboxed, read-only SQL on the published warehouse (`gwr sql`, and the readers of `gwr report`
and `gwr status`); the interactive prompt is gwr/repl.py.

    con = connect_sandboxed(db_path)          # read-only, no files, no network, no extensions
    result = run_query(con, "select ...")     # refuses anything but a read-only query
    print(render(result, "table"))

Two independent layers keep a query from changing anything or reaching outside the warehouse:

1. DuckDB itself (`connect_sandboxed`): the file is opened `read_only`; `enable_external_access`
   is false (no reading or writing of other files, no ATTACH, no COPY, no INSTALL/LOAD, no http),
   extensions are neither auto-installed nor auto-loaded, spilling to a temp directory is off, and
   `lock_configuration` is true so that no `SET`/`RESET` can undo any of it. All of it is passed as
   connection config, so it is in force before the first statement runs.
2. This module (`check_read_only`): each statement is parsed by DuckDB and only SELECT-like
   statements (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, PIVOT, EXPLAIN) run;
   COPY, ATTACH, INSTALL, LOAD, SET, CREATE, INSERT, PRAGMA, CALL, ... are refused with a message
   before DuckDB sees them.

Only duckdb is imported here (no Prefect, dbt or GX), so `gwr sql` starts fast.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import duckdb

from gwr.table import format_table, truncate

SANDBOX_CONFIG: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "temp_directory": "",  # no spilling to disk: the command writes nothing
    "lock_configuration": True,  # last: nothing above can be changed by SET/RESET afterwards
}

FORMATS = ("table", "csv", "json", "markdown")

# DuckDB statement types that only read. DESCRIBE, SHOW, SUMMARIZE and VALUES parse as SELECT;
# PIVOT parses as MULTI (it is rewritten into SELECTs), checked below.
_ALLOWED = {"SELECT", "EXPLAIN"}


class SqlRefused(Exception):
    """The statement is not allowed in the sandbox (it would write, or reach outside the warehouse)."""


class WarehouseMissing(FileNotFoundError):
    pass


@dataclass
class QueryResult:
    columns: list[str]
    types: list[str]
    rows: list[tuple]


def connect_sandboxed(db_path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open `db_path` read-only with external access, extensions and configuration changes disabled."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise WarehouseMissing(f"no warehouse at {db_path}; run `gwr refresh` first (or pass --db)")
    return duckdb.connect(str(db_path), read_only=True, config=dict(SANDBOX_CONFIG))


def _type_name(stmt) -> str:
    t = getattr(stmt, "type", None)
    return str(getattr(t, "name", t) or "UNKNOWN").upper()


_KEYWORD_NAMES = {
    "LOAD": "INSTALL/LOAD", "SET": "SET/RESET/USE", "VARIABLE_SET": "SET VARIABLE",
    "COPY_DATABASE": "COPY FROM DATABASE", "VACUUM": "VACUUM/ANALYZE", "CALL": "CALL/CHECKPOINT",
}


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> list:
    """Parse `sql` into statements; raise SqlRefused unless every one is a read-only query."""
    statements = con.extract_statements(sql)  # a syntax error raises duckdb.ParserException
    if not statements:
        raise SqlRefused("no SQL statement given")
    for st in statements:
        kind = _type_name(st)
        if kind == "MULTI" and str(getattr(st, "query", "")).lstrip().upper().startswith(
            ("PIVOT", "UNPIVOT")
        ):
            continue
        if kind not in _ALLOWED:
            name = _KEYWORD_NAMES.get(kind, kind)
            raise SqlRefused(
                f"refused: {name} is not allowed; `gwr sql` runs read-only queries only "
                "(SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)."
            )
    return statements


def explain_error(e: Exception) -> str:
    """A message for a DuckDB error, naming the sandbox when it is the sandbox that refused."""
    text = str(e).strip()
    if isinstance(e, duckdb.PermissionException) or "disabled by configuration" in text:
        return (
            f"refused: {text}\n(`gwr sql` cannot read or write files outside the warehouse, nor use "
            "the network or extensions.)"
        )
    if "configuration has been locked" in text:
        return f"refused: {text}\n(the sandbox's settings cannot be changed.)"
    if "read-only mode" in text:
        return f"refused: {text}\n(the warehouse is opened read-only.)"
    return f"error: {text}"


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> QueryResult:
    """Run the read-only statement(s) in `sql`; return the result of the last one."""
    statements = check_read_only(con, sql)
    rel = None
    for st in statements:
        rel = con.execute(st)
    desc = rel.description or []
    columns = [d[0] for d in desc]
    types = [str(d[1]) for d in desc]
    rows = rel.fetchall() if desc else []
    return QueryResult(columns, types, rows)


# ------------------------------------------------------------------------------------- rendering


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) or type(v).__name__ == "Decimal"


def _cell(v) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return str(v)
        return repr(v) if abs(v) >= 1e16 or (v != 0 and abs(v) < 1e-4) else f"{v:.10g}"
    return str(v).replace("\r", " ").replace("\n", " ").replace("\t", " ")


def _jsonable(v):
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else str(v)
    if type(v).__name__ == "Decimal":
        return float(v)
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def render_table(res: QueryResult, max_cell_width: int = 60) -> str:
    """A box table like DuckDB's, aligned by display width (CJK counts 2), numbers right-aligned."""
    if not res.columns:
        return "(no result)"
    if res.columns == ["explain_key", "explain_value"]:  # EXPLAIN: the plan as DuckDB draws it
        return "\n".join(str(r[1]) for r in res.rows)
    cells = [[truncate(_cell(v), max_cell_width) for v in row] for row in res.rows]
    numeric = {
        i for i in range(len(res.columns))
        if all(_is_number(row[i]) or row[i] is None for row in res.rows)
        and any(row[i] is not None for row in res.rows)
    }
    lines = format_table(res.columns, cells, right=numeric, style="box",
                         subheader=[t.lower() for t in res.types])
    n = len(res.rows)
    lines.append(f"{n} row{'s' if n != 1 else ''}")
    return "\n".join(lines)


def render_csv(res: QueryResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(res.columns)
    for row in res.rows:
        w.writerow(["" if v is None else _cell(v) if not isinstance(v, str) else v for v in row])
    return buf.getvalue().rstrip("\n")


def render_json(res: QueryResult) -> str:
    return json.dumps(
        [{c: _jsonable(v) for c, v in zip(res.columns, row)} for row in res.rows],
        ensure_ascii=False, indent=2,
    )


def render_markdown(res: QueryResult) -> str:
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("|", "\\|")

    if not res.columns:
        return "(no result)"
    lines = ["| " + " | ".join(esc(c) for c in res.columns) + " |"]
    numeric = [all(_is_number(r[i]) or r[i] is None for r in res.rows) and bool(res.rows) for i in range(len(res.columns))]
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    for row in res.rows:
        lines.append("| " + " | ".join(esc("" if v is None else _cell(v)) for v in row) + " |")
    return "\n".join(lines)


def render(res: QueryResult, fmt: str) -> str:
    if fmt == "csv":
        return render_csv(res)
    if fmt == "json":
        return render_json(res)
    if fmt == "markdown":
        return render_markdown(res)
    return render_table(res)


def query_rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence | None = None) -> list[dict]:
    """Rows of a trusted internal query as dicts (used by `gwr report` and `gwr status`)."""
    rel = con.execute(sql, list(params or []))
    cols = [d[0] for d in rel.description]
    return [dict(zip(cols, r)) for r in rel.fetchall()]


__all__ = [
    "FORMATS", "QueryResult", "SqlRefused", "WarehouseMissing", "check_read_only", "connect_sandboxed",
    "explain_error", "query_rows", "render", "run_query",
]
