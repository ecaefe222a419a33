"""Run a quality suite against a DuckDB warehouse file and record the outcome.

    outcome = run_suite(build_db, "raw", run_id)          # or "marts", manifest=<dbt manifest.json>
    outcome.raise_for_blocking()   # QualityGateError when a blocking expectation failed

Steps (the DuckDB file has one writer or many readers, never both):
1. open the file read-only, read every table of the suite into pandas, close the connection;
2. add derived columns in pandas, validate each table with GX Core 1.x and build the Data Docs
   site in `docs_dir` (gx.py);
3. open the file read-write, replace this run's rows of `ops.dq_results`, close it.

GX is imported lazily (inside functions): it takes seconds to import.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from contracts.tables import ops_ddl
from expectations.checks import SuiteSpec, TableSpec
from expectations.gx import validate
from expectations.results import DQ_COLUMNS, CheckResult, SuiteOutcome
from expectations.suites import get_suite

log = logging.getLogger(__name__)


def run_suite(
    db_path: Path,
    stage: str,
    run_id: str,
    docs_dir: Path | None = None,
    manifest: Path | None = None,
) -> SuiteOutcome:
    """Validate the `stage` ("raw" or "marts") tables of `db_path`; write ops.dq_results.

    `manifest`: dbt's manifest.json of the build that made the marts (the marts suite is
    generated from it)."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise FileNotFoundError(db_path)
    spec = get_suite(stage, manifest=manifest)
    docs_dir = Path(docs_dir) if docs_dir is not None else db_path.resolve().parent / "data_docs"

    frames, results = _read_tables(db_path, spec, run_id)  # connection closed on return
    frames = spec.prepare(frames)
    gx_results, index = validate(frames, spec, run_id, docs_dir)
    results += gx_results
    _write_results(db_path, results)

    failed = sum(1 for r in results if not r.success)
    outcome = SuiteOutcome(
        suite=stage,
        passed=len(results) - failed,
        failed=failed,
        results=results,
        data_docs_index=index,
        run_id=run_id,
    )
    log.info("quality %s", outcome.summary())
    for r in outcome.warnings:
        log.warning("%s warning: %s", stage, r.describe())
    return outcome


def _read_tables(db_path: Path, spec: SuiteSpec, run_id: str) -> tuple[dict[str, pd.DataFrame], list[CheckResult]]:
    import duckdb

    frames: dict[str, pd.DataFrame] = {}
    results: list[CheckResult] = []
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cols = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "ORDER BY table_schema, table_name, ordinal_position"
        ).fetchall()
        existing: dict[str, list[str]] = {}
        for schema, table, column in cols:
            existing.setdefault(f"{schema}.{table}", []).append(column)
        for t in spec.tables:
            if t.name not in existing:
                if t.validate and not t.optional:
                    results.append(
                        CheckResult(
                            run_id=run_id, suite=spec.name, table_name=t.name,
                            expectation="expect_table_to_exist", column_name=None,
                            success=False, blocking=True, observed_value="table not found",
                        )
                    )
                continue
            sql = t.sql(existing) if t.sql else _select_sql(t, existing[t.name])
            frames[t.name] = con.execute(sql, [run_id] if t.run_scoped else None).df()
    finally:
        con.close()
    return frames, results


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _select_sql(t: TableSpec, columns: list[str]) -> str:
    extra = [
        f"CASE WHEN {_quote(c)} IS NULL THEN NULL ELSE isfinite(CAST({_quote(c)} AS DOUBLE)) END "
        f"AS {_quote(c + '__is_finite')}"
        for c in t.finite_columns
        if c in columns
    ]
    select = ", ".join(["*", *extra])
    return f"SELECT {select} FROM {_quote(t.schema)}.{_quote(t.table)}"


def _write_results(db_path: Path, results: list[CheckResult]) -> None:
    import duckdb

    df = pd.DataFrame([r.as_row() for r in results], columns=DQ_COLUMNS)
    df["unexpected_count"] = df["unexpected_count"].astype("Int64")
    df["success"] = df["success"].astype(bool)
    df["blocking"] = df["blocking"].astype(bool)
    con = duckdb.connect(str(db_path))
    try:
        for stmt in ops_ddl("dq_results"):
            con.execute(stmt)
        con.execute("BEGIN TRANSACTION")
        pairs = {(r.run_id, r.suite) for r in results}
        for run, suite in pairs:
            con.execute("DELETE FROM ops.dq_results WHERE run_id = ? AND suite = ?", [run, suite])
        con.register("dq_new", df)
        cols = ", ".join(DQ_COLUMNS)
        con.execute(f"INSERT INTO ops.dq_results ({cols}) SELECT {cols} FROM dq_new")
        con.unregister("dq_new")
        con.execute("COMMIT")
    finally:
        con.close()
