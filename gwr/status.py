"""`gwr status`: the state of a warehouse on one screen.

Reads the published file through the sandboxed read-only connection of gwr.sql (nothing is
written, not even the refresh lock file) and reports: whether a refresh is running now, the last
runs (ops.runs), the rows per mart, the data-quality checks of the latest run with the failing
ones (ops.dq_results) and what it quarantined, with the reason and the fix
(ops.quarantined_documents: documents left out of the marts, files that could not be read).
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
from pathlib import Path
from typing import Any

from contracts.settings import WarehousePaths
from contracts.warehouse import quarantine_list, row_counts, table_exists
from gwr.sql import connect_sandboxed, query_rows
from gwr.table import format_table, truncate, wrap


LAST_RUNS = 5
MAX_LISTED = 5  # failing checks listed before "... and N more"
MAX_QUARANTINED = 20  # quarantined documents and files listed before "... and N more"


def refresh_running(lock_path: Path) -> str | None:
    """The holder of the refresh lock ("pid 123, run ..., since ...") when a refresh runs, else None.

    Opens the lock file read-only and only if it exists, so that status writes nothing.
    """
    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip()
                return holder or "another process"
            raise
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def latest_checked_run(con) -> str | None:
    """The latest run that recorded quality checks (a run that failed before checking has none)."""
    row = con.execute(
        "SELECT run_id FROM ops.dq_results GROUP BY run_id ORDER BY max(checked_at) DESC LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def collect(db_path: Path) -> dict[str, Any]:
    """Everything `gwr status` shows, as plain data."""
    db_path = Path(db_path)
    paths = WarehousePaths(db_path)
    st = db_path.stat()
    docs_index = paths.data_docs_dir / "index.html"
    info: dict[str, Any] = {
        "db": str(db_path),
        "size_bytes": st.st_size,
        "modified": dt.datetime.fromtimestamp(st.st_mtime, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "refresh_running": refresh_running(paths.lock_path),
        "data_docs": str(docs_index) if docs_index.exists() else None,
    }
    con = connect_sandboxed(db_path)
    try:
        info["runs"] = (
            query_rows(
                con,
                "SELECT run_id, started, finished, state, documents_seen, documents_parsed, facts, "
                "errors, message FROM ops.runs ORDER BY started DESC NULLS LAST LIMIT ?",
                [LAST_RUNS],
            )
            if table_exists(con, "ops", "runs") else []
        )
        info["marts"] = {f"marts.{t}": n for t, n in row_counts(con, "marts").items()}
        latest = info["runs"][0]["run_id"] if info["runs"] else None
        info["latest_run"] = latest
        checks: dict[str, Any] = {"run_id": None, "by_suite": [], "failing": []}
        if table_exists(con, "ops", "dq_results"):
            run_id = latest_checked_run(con)
            if run_id:
                checks["run_id"] = run_id
                checks["by_suite"] = query_rows(
                    con,
                    "SELECT suite, count(*) FILTER (WHERE success) AS passed, "
                    "count(*) FILTER (WHERE NOT success) AS failed FROM ops.dq_results "
                    "WHERE run_id = ? GROUP BY suite ORDER BY min(checked_at)",
                    [run_id],
                )
                checks["failing"] = query_rows(
                    con,
                    "SELECT suite, table_name, expectation, column_name, blocking, unexpected_count, "
                    "observed_value, unexpected_sample FROM ops.dq_results "
                    "WHERE run_id = ? AND NOT success ORDER BY blocking DESC, suite, table_name, expectation",
                    [run_id],
                )
        info["checks"] = checks
        info["quarantined"] = quarantine_list(con, latest)
    finally:
        con.close()
    return info


def _ts(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    return str(v)


def _duration(a, b) -> str:
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return f"{(b - a).total_seconds():.0f} s"
    return "-"


def _indented(text: str, width: int, first: str, rest: str) -> list[str]:
    """`text` wrapped to `width` columns, its first line indented by `first`, the others by `rest`."""
    pieces = wrap(text, max(20, width - len(rest)))
    return [(first if i == 0 else rest) + p for i, p in enumerate(pieces)]


def render_text(info: dict[str, Any], width: int = 100) -> str:
    size_mb = info["size_bytes"] / 1e6
    lines = [f"warehouse {info['db']}  ({size_mb:.1f} MB, written {info['modified']})"]
    if info["refresh_running"]:
        lines.append(f"  a refresh is running now ({info['refresh_running']})")

    runs = info["runs"]
    lines.append("")
    lines.append(f"last runs ({len(runs)} shown, newest first; times UTC)" if runs else "last runs: none recorded")
    if runs:
        rows = [
            [r["run_id"], _ts(r["started"]), _duration(r["started"], r["finished"]), str(r["state"]),
             str(r["documents_parsed"] or 0), str(r["facts"] or 0), str(r["errors"] or 0)]
            for r in runs
        ]
        grid = format_table(["run", "started", "took", "state", "docs", "facts", "quarantined"], rows,
                            right={4, 5, 6}, indent="  ")
        lines.append(grid[0])
        for r, line in zip(runs, grid[1:]):
            lines.append(line)
            if r["state"] != "succeeded" and r["message"]:  # why a run failed
                lines.append(truncate(f"    └ {r['message']}", width))

    lines.append("")
    lines.append("rows per mart")
    lines += format_table(["mart", "rows"], [[k, str(v)] for k, v in info["marts"].items()], right={1},
                          indent="  ")

    checks = info["checks"]
    lines.append("")
    if not checks["run_id"]:
        lines.append("data-quality checks: none recorded")
    else:
        total_p = sum(s["passed"] for s in checks["by_suite"])
        total_f = sum(s["failed"] for s in checks["by_suite"])
        per = ", ".join(f"{s['suite']} {s['passed']}/{s['passed'] + s['failed']}" for s in checks["by_suite"])
        lines.append(f"data-quality checks of run {checks['run_id']}: {total_p} passed, {total_f} failed ({per} passed)")
        for f in checks["failing"][:MAX_LISTED]:
            target = f["table_name"] + (f".{f['column_name']}" if f["column_name"] else "")
            detail = (f"{f['unexpected_count']} unexpected" if f["unexpected_count"] is not None
                      else f"observed {f['observed_value']}")
            kind = "BLOCKING" if f["blocking"] else "warning"
            lines.append(truncate(f"  {kind}  {f['suite']}: {f['expectation']} on {target} ({detail})", width))
            if f["unexpected_sample"]:
                lines.append(truncate(f"    rows: {f['unexpected_sample']}", width))
        if len(checks["failing"]) > MAX_LISTED:
            lines.append(f"  ... and {len(checks['failing']) - MAX_LISTED} more (select * from ops.dq_results where not success)")

    q = info["quarantined"]
    lines.append("")
    if not q:
        lines.append("quarantined (latest run): none")
    else:
        docs = sum(1 for e in q if e["document_id"])
        lines.append(f"quarantined (latest run): {docs} document(s) kept out of the marts, "
                     f"{len(q) - docs} unreadable file(s)")
        for e in q[:MAX_QUARANTINED]:
            name = e["source"] if "://" in e["source"] else Path(e["source"]).name
            if e["document_id"] and "#" in e["document_id"]:  # one report of a file holding several
                name += f" ({e['document_id']})"
            lines += _indented(f"{name}: {e['reason']}", width, "  ", "      ")
            if e["fix"]:
                lines += _indented(f"fix: {e['fix']}", width, "    ", "      ")
        if len(q) > MAX_QUARANTINED:
            lines.append(f"  ... and {len(q) - MAX_QUARANTINED} more (select * from ops.quarantined_documents)")
    if info["data_docs"]:
        lines.append(f"Data Docs: {info['data_docs']}")
    return "\n".join(lines)
