"""Run a quality suite against a DuckDB warehouse file and record the outcome.

    outcome = run_suite(build_db, "raw", run_id)
    outcome.raise_for_blocking()   # QualityGateError when a blocking expectation failed

Steps (the DuckDB file has one writer or many readers, never both):
1. open the file read-only, read every table of the suite into pandas, close the connection;
2. add derived columns in pandas, validate each table with GX Core 1.x (pandas data source, a
   File Data Context kept under `<docs_dir>/.gx`), build the Data Docs site in `docs_dir`;
3. open the file read-write, replace this run's rows of `ops.dq_results`, close it.

GX is imported lazily (inside functions): it takes seconds to import.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from contracts.tables import columns, dq_results, ops_ddl, utcnow
from expectations import QualityGateError
from expectations.suites import Check, SuiteSpec, TableSpec, get_suite

log = logging.getLogger(__name__)

DOCS_SITE = "gwr"
SAMPLE_SIZE = 5
DOCS_KEEP_RESULTS = 50  # validation results kept per table in the Data Docs history

DQ_COLUMNS = columns(dq_results)


@dataclass
class CheckResult:
    """One row of ops.dq_results."""

    run_id: str
    suite: str
    table_name: str
    expectation: str
    column_name: str | None
    success: bool
    blocking: bool
    observed_value: str | None = None
    unexpected_count: int | None = None
    unexpected_sample: str | None = None
    checked_at: dt.datetime = field(default_factory=utcnow)

    def describe(self) -> str:
        target = self.table_name + (f".{self.column_name}" if self.column_name else "")
        if self.unexpected_count is not None:
            detail = f"{self.unexpected_count} unexpected"
        else:
            detail = f"observed {self.observed_value}"
        return f"{self.expectation} on {target} ({detail})"

    def as_row(self) -> dict:
        return {c: getattr(self, c) for c in DQ_COLUMNS}

    def __str__(self) -> str:
        return self.describe()


@dataclass
class SuiteOutcome:
    suite: str
    passed: int
    failed: int
    results: list[CheckResult]
    data_docs_index: Path | None = None
    run_id: str = ""

    @property
    def blocking_failures(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success and r.blocking]

    @property
    def warnings(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success and not r.blocking]

    @property
    def success(self) -> bool:
        return not self.blocking_failures

    def raise_for_blocking(self) -> None:
        failures = self.blocking_failures
        if failures:
            message = f"{self.suite} check failed: " + "; ".join(r.describe() for r in failures)
            raise QualityGateError(message, failures=failures)

    def summary(self) -> str:
        return (
            f"{self.suite}: {self.passed} passed, {self.failed} failed "
            f"({len(self.blocking_failures)} blocking, {len(self.warnings)} warnings)"
        )


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------


def run_suite(
    db_path: Path,
    stage: str,
    run_id: str,
    docs_dir: Path | None = None,
) -> SuiteOutcome:
    """Validate the `stage` ("raw" or "marts") tables of `db_path`; write ops.dq_results."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise FileNotFoundError(db_path)
    spec = get_suite(stage)
    docs_dir = Path(docs_dir) if docs_dir is not None else db_path.resolve().parent / "data_docs"

    frames, results = _read_tables(db_path, spec, run_id)  # connection closed on return
    frames = spec.prepare(frames)
    gx_results, index = _validate(frames, spec, run_id, docs_dir)
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


# --------------------------------------------------------------------------------------------
# 1. Read
# --------------------------------------------------------------------------------------------


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
                if t.validate:
                    results.append(
                        CheckResult(
                            run_id=run_id, suite=spec.name, table_name=t.name,
                            expectation="expect_table_to_exist", column_name=None,
                            success=False, blocking=True, observed_value="table not found",
                        )
                    )
                continue
            sql = t.sql(existing) if t.sql else _select_sql(t, existing[t.name])
            frames[t.name] = con.execute(sql).df()
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


# --------------------------------------------------------------------------------------------
# 2. Validate with GX
# --------------------------------------------------------------------------------------------


def _gx_context(docs_dir: Path):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    docs_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(docs_dir / ".gx"))
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir.resolve()),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    changed = False
    if context.variables.data_docs_sites != {DOCS_SITE: site}:
        context.variables.data_docs_sites = {DOCS_SITE: site}
        changed = True
    bars = context.variables.progress_bars
    globally = bars.get("globally") if isinstance(bars, dict) else getattr(bars, "globally", None)
    if globally is not False:
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        changed = True
    if changed:
        context.variables.save()
    return context


def _get_or_add(getter, adder, name):
    try:
        return getter(name)
    except (KeyError, LookupError, ValueError) as exc:  # GX raises LookupError subclasses
        log.debug("creating %s: %s", name, exc)
        return adder(name)


def _validate(
    frames: dict[str, pd.DataFrame], spec: SuiteSpec, run_id: str, docs_dir: Path
) -> tuple[list[CheckResult], Path | None]:
    tables = [t for t in spec.tables if t.validate and t.name in frames]
    if not tables:
        return [], None
    context = _gx_context(docs_dir)
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

    datasource = context.data_sources.add_or_update_pandas(f"gwr_{spec.name}")
    gx_run = RunIdentifier(run_name=run_id, run_time=dt.datetime.now(dt.timezone.utc))
    results: list[CheckResult] = []
    doc_ids: list = []
    for t in tables:
        df = frames[t.name]
        checks = spec.checks_for(t.name)
        by_id = {c.check_id: c for c in checks}
        asset = _get_or_add(datasource.get_asset, datasource.add_dataframe_asset, t.name)
        batch_def = _get_or_add(
            asset.get_batch_definition, asset.add_batch_definition_whole_dataframe, "whole"
        )
        # built in one go: ExpectationSuite.add_expectation compares each new expectation with all
        # earlier ones through pydantic .dict() (quadratic; seconds for 50 expectations)
        suite = gx.ExpectationSuite(name=f"{spec.name}__{t.name}", expectations=[c.to_gx() for c in checks])
        suite = context.suites.add_or_update(suite)
        vd = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"{spec.name}__{t.name}", data=batch_def, suite=suite)
        )
        index_cols = [c for c in t.index_columns if c in df.columns]
        result_format: dict[str, Any] = {
            "result_format": "COMPLETE",
            "partial_unexpected_count": SAMPLE_SIZE,
        }
        if index_cols:
            result_format["unexpected_index_column_names"] = index_cols
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=f"{spec.name}__{t.name}",
                validation_definitions=[vd],
                actions=[],  # Data Docs are built once for all tables below
                result_format=result_format,
            )
        )
        checked_at = utcnow()
        try:
            cp_result = checkpoint.run(batch_parameters={"dataframe": df}, run_id=gx_run)
            ((result_id, suite_result),) = cp_result.run_results.items()
        except Exception as exc:  # a crash of the validation itself is a blocking failure
            log.exception("GX validation of %s crashed", t.name)
            results.append(
                CheckResult(
                    run_id=run_id, suite=spec.name, table_name=t.name,
                    expectation="gx_validation", column_name=None, success=False,
                    blocking=True, observed_value=f"error: {type(exc).__name__}: {exc}"[:1000],
                    checked_at=checked_at,
                )
            )
            continue
        doc_ids += [result_id, ExpectationSuiteIdentifier(name=suite.name)]
        seen = set()
        for r in suite_result.results:
            cfg = r.expectation_config
            check = by_id.get((cfg.meta or {}).get("check_id"))
            if check is None:  # cannot happen unless the suite was edited underneath us
                continue
            seen.add(check.check_id)
            results.append(_to_check_result(r, check, spec.name, run_id, checked_at))
        for c in checks:
            if c.check_id not in seen:
                results.append(
                    CheckResult(
                        run_id=run_id, suite=spec.name, table_name=t.name,
                        expectation=c.expectation_type, column_name=c.column_name,
                        success=False, blocking=c.blocking, observed_value="no result from GX",
                        checked_at=checked_at,
                    )
                )
    order = {(c.table, c.expectation_type, c.column_name): i for i, c in enumerate(spec.checks)}
    results.sort(key=lambda r: order.get((r.table_name, r.expectation, r.column_name), len(order)))
    index = _build_docs(context, docs_dir, doc_ids)
    return results, index


def _prune_history(docs_dir: Path, keep: int | None = None) -> None:
    """Keep the newest `keep` stored validation results per GX suite (and their HTML pages): the
    index page is rebuilt from every stored result, so an unbounded history slows every run."""
    keep = DOCS_KEEP_RESULTS if keep is None else keep
    store = docs_dir / ".gx" / "gx" / "uncommitted" / "validations"
    if not store.is_dir():
        return
    by_suite: dict[Path, list[Path]] = {}
    for f in store.rglob("*.json"):
        # <suite path>/<run_name>/<run_time>/<batch_id>.json
        by_suite.setdefault(f.parent.parent.parent, []).append(f)
    for files in by_suite.values():
        files.sort(key=lambda f: f.stat().st_mtime, reverse=True)
        for old in files[keep:]:
            html = (docs_dir / "validations" / old.relative_to(store)).with_suffix(".html")
            for path in (old, html):
                try:
                    path.unlink()
                except FileNotFoundError:
                    pass
                for parent in (path.parent, path.parent.parent):
                    try:
                        parent.rmdir()  # only when empty
                    except OSError:
                        break


def _build_docs(context, docs_dir: Path, resource_ids: list) -> Path | None:
    """Render this run's results and suites (incremental: earlier runs' pages are kept) + index."""
    try:
        _prune_history(docs_dir)
        context.build_data_docs(site_names=[DOCS_SITE], resource_identifiers=resource_ids or None)
    except Exception:  # docs are a convenience; never let them break the gate
        log.exception("building GX Data Docs failed")
        return None
    index = docs_dir.resolve() / "index.html"
    return index if index.exists() else None


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            v = v.item()  # numpy scalar
        except (TypeError, ValueError):
            pass
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None  # pandas represents NULL as NaN
    if isinstance(v, float) and math.isinf(v):
        return str(v)
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def _to_check_result(r, check: Check, suite: str, run_id: str, checked_at: dt.datetime) -> CheckResult:
    res = r.result or {}
    exc = r.exception_info or {}
    # exception_info is either {raised_exception, exception_message, ...} or keyed by metric id
    errors = []
    if exc.get("raised_exception"):
        errors.append(exc.get("exception_message"))
    for v in exc.values():
        if isinstance(v, dict) and v.get("raised_exception"):
            errors.append(v.get("exception_message"))
    unexpected_count = res.get("unexpected_count")
    if errors:
        observed = "error: " + " | ".join(str(e) for e in errors if e)
    elif "observed_value" in res:
        observed = json.dumps(_jsonable(res["observed_value"]), ensure_ascii=False)
    elif unexpected_count is not None:
        observed = f"{unexpected_count} of {res.get('element_count')} unexpected"
        if res.get("missing_count"):
            observed += f" ({res['missing_count']} null ignored)"
    else:
        observed = None
    sample = None
    if not r.success:
        items = res.get("partial_unexpected_index_list") or res.get("partial_unexpected_list")
        if items:
            sample = json.dumps(_jsonable(list(items)[:SAMPLE_SIZE]), ensure_ascii=False)
    return CheckResult(
        run_id=run_id,
        suite=suite,
        table_name=check.table,
        expectation=check.expectation_type,
        column_name=check.column_name,
        success=bool(r.success),
        blocking=check.blocking,
        observed_value=(observed[:2000] if observed else None),
        unexpected_count=None if unexpected_count is None else int(unexpected_count),
        unexpected_sample=(sample[:2000] if sample else None),
        checked_at=checked_at,
    )


# --------------------------------------------------------------------------------------------
# 3. Write ops.dq_results
# --------------------------------------------------------------------------------------------


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
