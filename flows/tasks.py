"""The tasks of the refresh flow: thin Prefect wrappers over ingestion, the loader, GX, dbt and
publish. One task per stage, never one per document; each works on the run's build file.

Tasks get big in-memory inputs (parsed documents): no input hashing for caching, no persistence.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from contracts.settings import Settings
from contracts.warehouse import read_ops_table
from flows import ops
from flows.dbt import DbtBuildResult, run_dbt_build
from flows.publish import publish as publish_file
from flows.summary import CheckSummary
from ingestion.parse_stage import ParseBatch, parse_sources
from ingestion.records import IngestError
from ingestion.sources.discover import NoInputError, Source
from ingestion.sources.fetch import FetchBatch, FetchProgress, HttpOptions, fetch_sources

TASK_OPTIONS: dict[str, Any] = dict(cache_policy=NO_CACHE, persist_result=False, retries=0)


def logger() -> logging.Logger | logging.LoggerAdapter:
    """Prefect's run logger inside a run, else a plain logger (a task called through .fn())."""
    try:
        return get_run_logger()
    except Exception:
        return logging.getLogger("flows.refresh")


@task(name="discover", **TASK_OPTIONS)
def discover(sources: list[str]) -> list[Source]:
    """Find the report sources in the given folders, files, glob patterns, URLs and manifests."""
    from ingestion.sources.discover import expand_sources

    found = expand_sources(list(sources))
    if not found:
        raise NoInputError(f"no report files found in: {', '.join(sources)}")
    urls = sum(1 for s in found if s.is_url)
    logger().info("discovered %d report source(s)%s", len(found), f", {urls} URL(s)" if urls else "")
    return found


@task(name="fetch_http", **TASK_OPTIONS)
def fetch_http(
    sources: list[Source], build_db: Path | None, settings: Settings, run_id: str,
    progress: FetchProgress,
) -> FetchBatch:
    """Download the URL sources (conditional GET against ops.http_cache of the build file).

    Transient failures raise, so that Prefect retries this task with backoff (the flow sets
    retries); URLs fetched by an earlier attempt (`progress`) are not fetched again. After the
    last attempt a URL still failing is quarantined (an earlier cached body, if any, is used)."""
    if not any(s.is_url for s in sources):
        return FetchBatch(sources=list(sources))
    try:
        from prefect.runtime import task_run

        attempt = int(task_run.run_count or 0)
    except Exception:  # pragma: no cover
        attempt = 0
    last = attempt == 0 or attempt >= settings.http_retries + 1
    previous = read_ops_table(build_db, "http_cache", "url") if build_db else {}
    opts = HttpOptions(timeout=settings.http_timeout, max_bytes=settings.max_bytes)
    batch = fetch_sources(sources, previous, settings.cache_dir / "http", opts, progress, last, run_id)
    log = logger()
    for e in batch.errors:
        log.warning("%s: %s", e.file, e.reason)
    log.info("fetched %d URL(s): %d downloaded, %d not modified, %d failed",
             sum(1 for s in sources if s.is_url), batch.fetched, batch.not_modified, len(batch.errors))
    return batch


@task(name="read_and_extract", **TASK_OPTIONS)
def read_and_extract(
    sources: list[Any], build_db: Path | None = None, full: bool = False,
    max_bytes: int | None = None, keep: list[str] | None = None,
) -> ParseBatch:
    """Parse the new and changed sources on a process pool (ingestion.parse_stage)."""
    return parse_sources(sources, build_db, full=full, max_bytes=max_bytes, keep=keep, log=logger())


@task(name="load_raw", **TASK_OPTIONS)
def load_raw(build_db: Path, batch: ParseBatch, run_id: str) -> dict[str, int]:
    """Write the raw layer with ingestion.loading.load.write_raw: on a full refresh the raw tables
    are dropped and written anew; otherwise only the parsed sources' rows are replaced (delete,
    then insert) and the removed sources' documents marked removed. Records the run's quarantined
    files (ops.ingest_errors) and the incremental state (ops.source_files, ops.http_cache)."""
    from ingestion.loading.load import write_raw

    def prepare(con) -> None:
        if batch.full:
            # Drop the raw tables so that the loader recreates them with its current definitions.
            for t in ("facts", "sentences", "documents"):
                con.execute(f"DROP TABLE IF EXISTS raw.{t}")
        ops.insert_ingest_errors(con, run_id, batch.errors)
        if batch.full:
            con.execute("DELETE FROM ops.source_files")
        ops.upsert_source_files(con, [dict(r, run_id=r.get("run_id") or run_id) for r in batch.state_rows])
        ops.upsert_http_cache(con, [dict(r, run_id=r.get("run_id") or run_id) for r in batch.cache_rows])

    ops.with_ops(build_db, prepare)
    url = f"duckdb:///{build_db}"
    if batch.full:
        counts = dict(write_raw(url, batch.parsed, run_id))
    elif batch.changed:
        counts = dict(write_raw(url, batch.parsed, run_id, replace=False,
                                replace_sources=batch.parsed_sources,
                                remove_sources=batch.removed_sources))
    else:
        counts = {"documents": 0, "sentences": 0, "facts": 0, "removed": 0}
    close = getattr(batch.parsed, "close", None)
    if close:
        close()  # the spool's documents are in the raw layer now
    gc.collect()  # drop any pooled SQLAlchemy/DuckDB connection before the next writer opens the file
    logger().info("loaded raw: %s", counts)
    return counts


@task(name="list_quarantined", **TASK_OPTIONS)
def list_quarantined(build_db: Path, run_id: str, errors: list[IngestError]) -> list[dict[str, Any]]:
    """Write this run's quarantine list (ops.quarantined_documents: the documents triage held back,
    which stay in raw and leave the marts, and the files no document came out of) and return it."""
    import duckdb

    from contracts.warehouse import quarantine_list

    ops.with_ops(build_db, lambda con: ops.record_quarantine(con, run_id, errors))
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        rows = quarantine_list(con, run_id)
    finally:
        con.close()
    docs = sum(1 for r in rows if r["document_id"])
    logger().info("quarantined: %d document(s), %d file(s)", docs, len(rows) - docs)
    return rows


def _check(stage: str, build_db: Path, run_id: str, docs_dir: Path | None, **kwargs: Any) -> CheckSummary:
    from expectations.runner import run_suite

    outcome = run_suite(build_db, stage, run_id, docs_dir=docs_dir, **kwargs)
    logger().info(
        "%s checks (%s): %d passed, %d failed", stage, outcome.suite, outcome.passed, outcome.failed
    )
    summary = CheckSummary(
        stage=stage,
        suite=str(outcome.suite),
        passed=int(outcome.passed),
        failed=int(outcome.failed),
        blocking_failures=[b.describe() for b in outcome.blocking_failures],
        data_docs_index=str(outcome.data_docs_index) if outcome.data_docs_index else None,
    )
    outcome.raise_for_blocking()  # QualityGateError naming the expectation and the table
    return summary


@task(name="check_raw", **TASK_OPTIONS)
def check_raw(build_db: Path, run_id: str, docs_dir: Path | None = None) -> CheckSummary:
    """Great Expectations suite on the raw layer; a blocking failure stops the run."""
    return _check("raw", build_db, run_id, docs_dir)


@task(name="dbt_build", **TASK_OPTIONS)
def dbt_build(build_db: Path, settings: Settings) -> DbtBuildResult:
    """dbt build (seeds, staging, marts, dbt tests) into the build file."""
    res = run_dbt_build(
        build_db,
        project_dir=settings.dbt_project_dir,
        profiles_dir=settings.dbt_profiles_dir,
        target=settings.dbt_target,
        artifacts_dir=settings.dbt_artifacts_dir,
    )
    logger().info("dbt build: %s", res.counts)
    return res


@task(name="check_marts", **TASK_OPTIONS)
def check_marts(build_db: Path, run_id: str, manifest: Path, docs_dir: Path | None = None) -> CheckSummary:
    """The marts gate: the dbt project's tests on the marts, run again as a Great Expectations
    suite generated from the build's dbt manifest (results in the Data Docs and ops.dq_results);
    a blocking failure stops publication."""
    return _check("marts", build_db, run_id, docs_dir, manifest=manifest)


@task(name="publish", **TASK_OPTIONS)
def publish(build_db: Path, published: Path) -> Path:
    """Atomically replace the published warehouse with the checked build file."""
    gc.collect()
    out = publish_file(build_db, published)
    logger().info("published %s", out)
    return out
