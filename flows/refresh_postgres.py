"""The refresh into the shared PostgreSQL warehouse (`gwr refresh --target postgres`).

    discover → fetch_http → read_and_extract → load_raw_pg → check_raw → dbt_build → check_marts → publish

The same stages as the DuckDB refresh (flows/refresh.py), on PostgreSQL (flows/postgres.py):
the SQLAlchemy loader writes `raw__build`, dbt-postgres builds `seeds__build`, `staging__build`
and `marts__build` from the same models, the same GX suites check them, and one transaction
swaps them in. Every run parses every source (the incremental state of the DuckDB warehouse,
ops.source_files, is not kept in PostgreSQL) and writes no ops history: both are limits of this
first PostgreSQL target, named in the README.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

from contracts.settings import Settings, pg_reader_role
from flows import postgres as pg
from flows.dbt import DbtBuildResult, run_dbt_build
from flows.summary import CheckSummary, RefreshSummary
from flows.tasks import DBT_REFRESH_ARGS, TASK_OPTIONS, check_summary, discover, fetch_http, read_and_extract
from ingestion.sources.fetch import FetchProgress


def _engine(settings: Settings):
    import sqlalchemy as sa

    return sa.create_engine(settings.pg_url or "", pool_pre_ping=True)


def _tasks():
    """The PostgreSQL-only tasks, made on first use (Prefect's task decorator is not free)."""
    from prefect import task

    @task(name="load_raw", **TASK_OPTIONS)
    def load_raw_pg(settings: Settings, batch, run_id: str) -> dict[str, int]:
        """Drop leftovers of a failed run, write the raw layer into `raw__build`."""
        from ingestion.loading.load import write_raw

        engine = _engine(settings)
        try:
            pg.drop_build_schemas(engine)
        finally:
            engine.dispose()
        counts = dict(write_raw(settings.pg_url or "", batch.parsed, run_id, schema="raw" + pg.PG_BUILD_SUFFIX))
        close = getattr(batch.parsed, "close", None)
        if close:
            close()
        return counts

    @task(name="dbt_build", **TASK_OPTIONS)
    def dbt_build_pg(settings: Settings) -> DbtBuildResult:
        """dbt build (seeds, staging, marts, data tests) into the `__build` schemas."""
        return run_dbt_build(settings.db_path, project_dir=settings.dbt_project_dir,
                             profiles_dir=settings.dbt_profiles_dir, target=settings.dbt_target,
                             artifacts_dir=settings.dbt_pg_artifacts_dir, extra_args=DBT_REFRESH_ARGS,
                             env=pg.dbt_env(settings.pg_url or ""))

    @task(name="check", **TASK_OPTIONS)
    def check_pg(settings: Settings, stage: str, run_id: str, scratch: Path) -> CheckSummary:
        """Copy the built tables to a DuckDB file and run the stage's GX suite on it."""
        engine = _engine(settings)
        try:
            schemas = ("raw",) if stage == "raw" else ("seeds", "marts")
            copy = pg.copy_for_checks(engine, scratch / f"checks_{stage}.duckdb", schemas)
        finally:
            engine.dispose()
        manifest = settings.dbt_pg_artifacts_dir / "target" / "manifest.json"
        kwargs = {"manifest": manifest} if stage == "marts" else {}
        return check_summary(stage, copy, run_id, settings.data_docs_dir, **kwargs)

    @task(name="publish", **TASK_OPTIONS)
    def publish_pg(settings: Settings) -> dict[str, int]:
        """Swap the checked build schemas in, in one transaction; grant the read-only role."""
        engine = _engine(settings)
        try:
            pg.publish_schemas(engine, pg_reader_role())
            return pg.mart_counts(engine)
        finally:
            engine.dispose()

    return load_raw_pg, dbt_build_pg, check_pg, publish_pg


def refresh_postgres(settings: Settings, run_id: str, wait: bool, log,
                     timed: Callable[[str], object], seconds: dict[str, float],
                     started: dict[str, float]) -> RefreshSummary:
    """Run every stage into PostgreSQL; the published schemas change only at the last step."""
    t0 = time.monotonic()
    load_raw_pg, dbt_build_pg, check_pg, publish_pg = _tasks()
    engine = _engine(settings)
    scratch = Path(tempfile.mkdtemp(prefix="gwr-pg-checks-"))
    checks: list[CheckSummary] = []
    try:
        with pg.advisory_lock(engine, wait=wait):
            log.info("run %s: building into %s (schemas *%s)", run_id,
                     engine.url.render_as_string(), pg.PG_BUILD_SUFFIX)
            with timed("discover"):
                found = discover(list(settings.sources))
            with timed("fetch"):
                fetched = fetch_http.with_options(
                    retries=settings.http_retries, retry_delay_seconds=settings.http_retry_delays(),
                )(found, None, settings, run_id, FetchProgress())
            with timed("read_extract"):
                batch = read_and_extract(fetched.sources, None, full=True,
                                         max_bytes=settings.max_bytes, keep=fetched.keep)
            batch.errors[:0] = fetched.errors
            for e in batch.errors:
                log.warning("%s: %s", e.file, e.reason)
            with timed("load"):
                raw_rows = load_raw_pg(settings, batch, run_id)
            with timed("raw_checks"):
                checks.append(check_pg(settings, "raw", run_id, scratch))
            with timed("dbt"):
                dbt = dbt_build_pg(settings)
            with timed("mart_checks"):
                checks.append(check_pg(settings, "marts", run_id, scratch))
            with timed("publish"):
                mart_rows = publish_pg(settings)
    finally:
        engine.dispose()
        shutil.rmtree(scratch, ignore_errors=True)
    return RefreshSummary(
        run_id=run_id, db_path=engine.url.render_as_string(), files_seen=len(found),
        documents=int(raw_rows.get("documents", 0)), facts=int(raw_rows.get("facts", 0)),
        ingest_errors=[{"file": e.file, "reason": e.reason} for e in batch.errors],
        raw_rows={k: int(v) for k, v in raw_rows.items()}, mart_rows=mart_rows, checks=checks,
        dbt_counts=dbt.counts, dbt_by_type=dbt.by_type,
        data_docs=next((c.data_docs_index for c in reversed(checks) if c.data_docs_index), None),
        seconds=time.monotonic() - t0, files_parsed=len(batch.parsed_sources),
        documents_total=int(raw_rows.get("documents", 0)), stage_seconds=seconds, stage_started=started,
        full=True, full_reason="the PostgreSQL target always parses every source",
    )
