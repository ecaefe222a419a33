"""The Prefect 3 flow `refresh`: reports in, checked warehouse out.

    discover → fetch_http → read_and_extract → load_raw → list_quarantined → check_raw → dbt_build
    → check_marts → publish

Every write goes to the run's build file (flows/publish.py); the published warehouse changes only
at `publish`, in one atomic rename. A document that cannot be published (no region, no prose, over
its parse budget…) or a file that cannot be read is quarantined on its own: listed in
ops.quarantined_documents with its reason and fix, kept in raw, left out of the marts; the run
fails for what is systemic only (a broken contract, a dbt error, more than
GWR_QUARANTINE_MAX_SHARE of the run quarantined). The stages are the tasks of flows/tasks.py. Incremental: only
new and changed sources are parsed, and when nothing changed dbt and the checks are skipped
(flows/fingerprint.py). A blocking check failure raises QualityGateError; any failure records the
run as `failed` on top of the unchanged published warehouse. Two refreshes never run at once
(flock on `<db dir>/.refresh.lock`): the second fails at once with RefreshLocked, or waits.
"""

from __future__ import annotations

import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

from prefect import flow

from contracts.settings import load_settings
from flows import ops
from flows.dbt import DbtBuildResult
from flows.fingerprint import KEY as FINGERPRINT, has_marts, models_fingerprint, stored_fingerprint
from flows.publish import RefreshLocked, clean_stale_builds, record_failed_run, refresh_lock, start_build
from flows.summary import CheckSummary, RefreshSummary
from flows.tasks import (
    check_marts, check_raw, dbt_build, discover, fetch_http, list_quarantined, load_raw, logger, publish,
    read_and_extract,
)
from ingestion.parse_stage import MESSAGE_LIMIT
from ingestion.sources.fetch import FetchProgress


@flow(name="refresh", log_prints=True, persist_result=False, validate_parameters=False)
def refresh(
    sources: list[str] | None = None, db: str | None = None, wait: bool = False,
    dbt_target: str | None = None, run_id: str | None = None, take_lock: bool = True,
    full: bool = False, max_bytes: int | None = None,
) -> RefreshSummary:
    """Ingest report sources, build and check the warehouse, publish it atomically.

    sources: folders, files, globs, http(s) URLs or YAML manifests (default $GWR_SOURCE, else the
        bundled sample corpus). db: the published DuckDB file (default $GWR_DB, else
        ./warehouse/gwr.duckdb). wait: queue behind a running refresh instead of failing at once.
    take_lock: False only when the caller holds the refresh lock of this warehouse already
        (`gwr refresh` takes it before starting Prefect, so that a second refresh fails at once).
    full: parse every source again and rebuild the raw layer (default: only what changed).
    max_bytes: size limit of one file or page (default $GWR_MAX_BYTES, else 20 MB).
    """
    t0 = time.monotonic()
    seconds: dict[str, float] = {}

    @contextmanager
    def timed(stage: str):
        """Wall time per stage, for the summary and the benchmark (BENCHMARKS.md)."""
        t = time.monotonic()
        try:
            yield
        finally:
            seconds[stage] = round(seconds.get(stage, 0.0) + time.monotonic() - t, 3)

    settings = load_settings(db=db, sources=sources, dbt_target=dbt_target, max_bytes=max_bytes)
    run = ops.RunRow(run_id=run_id or ops.new_run_id(), started=ops.utcnow())
    published, log = settings.db_path, logger()
    checks: list[CheckSummary] = []
    dbt = DbtBuildResult()
    build_db: Path | None = None
    lock = refresh_lock(settings.lock_path, wait=wait, owner=run.run_id) if take_lock else nullcontext()
    with lock:
        stale = clean_stale_builds(settings.build_dir)
        if stale:
            log.warning("removed leftovers of %d killed or failed run(s) from %s: %s",
                        len(stale), settings.build_dir, ", ".join(p.name for p in stale))
        try:
            with timed("copy"):
                build_db = start_build(published, settings.build_dir, run.run_id)
            ops.with_ops(build_db, lambda con: ops.upsert_run(con, run))
            log.info("run %s: building %s (publishes to %s)", run.run_id, build_db, published)
            with timed("discover"):
                found = discover(list(settings.sources))
            run.documents_seen = len(found)
            with timed("fetch"):
                fetched = fetch_http.with_options(
                    retries=settings.http_retries, retry_delay_seconds=settings.http_retry_delays(),
                )(found, build_db, settings, run.run_id, FetchProgress())
            with timed("read_extract"):
                batch = read_and_extract(fetched.sources, build_db, full=full,
                                         max_bytes=settings.max_bytes, keep=fetched.keep)
            batch.errors[:0] = fetched.errors
            batch.cache_rows = fetched.cache_rows
            run.documents_parsed, run.facts = batch.documents, batch.facts
            run.errors, run.files_unchanged = len(batch.errors), batch.unchanged
            with timed("load"):
                raw_rows = load_raw(build_db, batch, run.run_id)
            run.documents_removed = int(raw_rows.get("removed", 0))
            with timed("load"):
                quarantined = list_quarantined(build_db, run.run_id, batch.errors)
            run.errors = len(quarantined)  # documents and files left out of the marts
            fingerprint = models_fingerprint(settings.dbt_project_dir)
            build_skipped = (not batch.changed and stored_fingerprint(build_db) == fingerprint
                             and has_marts(build_db))
            if build_skipped:
                log.info("nothing changed since the published build: dbt build and checks skipped")
            else:
                with timed("raw_checks"):
                    checks.append(check_raw(build_db, run.run_id, settings.data_docs_dir))
                with timed("dbt"):
                    dbt = dbt_build(build_db, settings)
                with timed("mart_checks"):
                    checks.append(check_marts(build_db, run.run_id, settings.dbt_manifest, settings.data_docs_dir))
                ops.with_ops(build_db, lambda con: ops.set_state(con, FINGERPRINT, fingerprint, run.run_id))
            mart_rows, documents_total = ops.warehouse_counts(build_db)
            run.state, run.finished = "succeeded", ops.utcnow()
            run.message = ops.success_message(run, checks, mart_rows, build_skipped)
            ops.with_ops(build_db, lambda con: ops.upsert_run(con, run))
            with timed("publish"):
                publish(build_db, published)
        except BaseException as e:
            run.state, run.finished = "failed", ops.utcnow()
            run.message = f"{type(e).__name__}: {e}"[:MESSAGE_LIMIT]
            try:
                record_failed_run(published, settings.build_dir, run.run_id,
                                  lambda con: ops.upsert_run(con, run), failed_build=build_db)
            except Exception as rec_err:  # never hide the run's own error
                log.error("could not record failed run %s: %s", run.run_id, rec_err)
            log.error("run %s failed; %s left unchanged (the failed build stays in %s until the next "
                      "run, for inspection). %s", run.run_id, published, settings.build_dir, run.message)
            try:
                e.gwr_run_id = run.run_id  # type: ignore[attr-defined]  (read by `gwr refresh`)
            except Exception:
                pass
            raise

    return RefreshSummary(
        run_id=run.run_id, db_path=str(published), files_seen=len(found), documents=batch.documents,
        facts=batch.facts, ingest_errors=[{"file": e.file, "reason": e.reason} for e in batch.errors],
        raw_rows={k: int(v) for k, v in raw_rows.items()}, mart_rows=mart_rows, checks=checks,
        dbt_counts=dbt.counts, dbt_by_type=dbt.by_type,
        data_docs=next((c.data_docs_index for c in reversed(checks) if c.data_docs_index), None),
        seconds=time.monotonic() - t0, files_unchanged=batch.unchanged,
        files_parsed=len(batch.parsed_sources), documents_removed=run.documents_removed,
        documents_total=documents_total, full=batch.full, full_reason=batch.full_reason,
        build_skipped=build_skipped, stage_seconds=seconds, quarantined=quarantined,
    )


__all__ = ["refresh", "RefreshSummary", "RefreshLocked"]
