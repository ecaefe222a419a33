"""The Prefect 3 flow `refresh`: reports in, checked warehouse out.

    discover → read_and_extract → load_raw → check_raw → dbt_build → check_marts → publish

Every write goes to the run's build file (flows/publish.py); the published warehouse changes only
at `publish`, in one atomic rename. Work is batched: one task per stage, never one per document.

- A file whose parsing raises is quarantined in ops.ingest_errors (run_id, file, reason, at) and
  the run goes on without it.
- A blocking Great Expectations failure (raw or marts) raises QualityGateError naming the
  expectation and the table; nothing is published.
- Any failure records the run in ops.runs (state `failed`, message = the error) together with its
  ops rows (ops.dq_results, ops.ingest_errors) on top of the unchanged published warehouse.
- Two refreshes never run at once (flock on `<db dir>/.refresh.lock`): the second fails at once
  with RefreshLocked, or waits with `wait=True`.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import time
import uuid
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import ops
from flows.dbt import DbtBuildResult, run_dbt_build
from flows.publish import (
    RefreshLocked,
    clean_stale_builds,
    publish as publish_file,
    record_failed_run,
    refresh_lock,
    start_build,
)
from flows.settings import Settings, load_settings

# Tasks get big in-memory inputs (parsed documents): no input hashing for caching, no persistence.
TASK_OPTIONS: dict[str, Any] = dict(cache_policy=NO_CACHE, persist_result=False, retries=0)

MESSAGE_LIMIT = 4000


class NoInputError(RuntimeError):
    """Nothing to ingest: no report file found, or none could be parsed."""


@dataclass
class ParseBatch:
    """What read_and_extract hands to load_raw."""

    files: list[Path]
    parsed: list[Any]  # list[ingestion.records.ParsedDocument]
    errors: list[ops.IngestError] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return len(self.parsed)

    @property
    def facts(self) -> int:
        return sum(len(p.facts) for p in self.parsed)


@dataclass
class CheckSummary:
    stage: str
    suite: str
    passed: int
    failed: int
    blocking_failures: list[str]
    data_docs_index: str | None


@dataclass
class RefreshSummary:
    """What a successful refresh did (returned by the flow, printed by `gwr refresh`)."""

    run_id: str
    db_path: str
    files_seen: int
    documents: int
    facts: int
    ingest_errors: list[dict[str, str]]
    raw_rows: dict[str, int]
    mart_rows: dict[str, int]
    checks: list[CheckSummary]
    dbt_counts: dict[str, int]
    data_docs: str | None
    seconds: float

    @property
    def checks_passed(self) -> int:
        return sum(c.passed for c in self.checks)

    @property
    def checks_failed(self) -> int:
        return sum(c.failed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["checks_passed"] = self.checks_passed
        d["checks_failed"] = self.checks_failed
        return d

    def render_text(self) -> str:
        lines = [
            f"refresh {self.run_id}: published {self.db_path} in {self.seconds:.1f} s",
            f"  documents: {self.documents} from {self.files_seen} file(s), {self.facts} facts"
            + (f", {len(self.ingest_errors)} file(s) quarantined" if self.ingest_errors else ""),
        ]
        for e in self.ingest_errors:
            lines.append(f"    quarantined {e['file']}: {e['reason']}")
        if self.mart_rows:
            lines.append("  rows per mart:")
            width = max(len(k) for k in self.mart_rows)
            for name, n in sorted(self.mart_rows.items()):
                lines.append(f"    marts.{name:<{width}}  {n}")
        lines.append(
            f"  data-quality checks: {self.checks_passed} passed, {self.checks_failed} failed"
            + (" (non-blocking)" if self.checks_failed else "")
        )
        for c in self.checks:
            lines.append(f"    {c.stage:<5} {c.suite}: {c.passed} passed, {c.failed} failed")
        if self.dbt_counts:
            lines.append(
                "  dbt build: " + ", ".join(f"{n} {s}" for s, n in sorted(self.dbt_counts.items()))
            )
        lines.append(f"  Data Docs: {self.data_docs or '(none written)'}")
        return "\n".join(lines)


def new_run_id() -> str:
    """Sortable and unique: 20250101T120000Z-1a2b3c4d."""
    return ops.utcnow().strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def _logger() -> logging.Logger | logging.LoggerAdapter:
    try:
        return get_run_logger()
    except Exception:  # called through .fn() outside a run
        return logging.getLogger("flows.refresh")


def _table_counts(db_path: Path, schema: str) -> dict[str, int]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
                "ORDER BY table_name",
                [schema],
            ).fetchall()
        ]
        return {n: con.execute(f'SELECT count(*) FROM "{schema}"."{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def _with_ops(db_path: Path, fn) -> Any:
    con = duckdb.connect(str(db_path))
    try:
        ops.ensure_schema(con)
        return fn(con)
    finally:
        con.close()


# ------------------------------------------------------------------------------------------ tasks


@task(name="discover", **TASK_OPTIONS)
def discover(sources: list[str]) -> list[Path]:
    """Find the report files in the given folders, files and glob patterns."""
    from ingestion.discover import discover_sources

    files = [Path(p) for p in discover_sources(list(sources))]
    if not files:
        raise NoInputError(f"no report files found in: {', '.join(sources)}")
    _logger().info("discovered %d report file(s)", len(files))
    return files


@task(name="read_and_extract", **TASK_OPTIONS)
def read_and_extract(files: list[Path]) -> ParseBatch:
    """Read every file, split it into documents, infer metadata, split sentences, extract facts.

    `ingestion.pipeline.parse_path` does all of that per file; a file for which it raises (or which
    yields no document) is quarantined and the others go on.
    """
    from ingestion.pipeline import parse_path

    log = _logger()
    batch = ParseBatch(files=list(files), parsed=[])
    for f in files:
        try:
            docs = list(parse_path(Path(f)))
        except Exception as e:  # noqa: BLE001 - any parse failure quarantines the file
            reason = f"{type(e).__name__}: {e}"[:MESSAGE_LIMIT]
            log.warning("quarantined %s: %s", f, reason)
            batch.errors.append(ops.IngestError(str(f), reason, ops.utcnow()))
            continue
        if not docs:
            log.warning("quarantined %s: no document found", f)
            batch.errors.append(ops.IngestError(str(f), "no document found in the file", ops.utcnow()))
            continue
        batch.parsed.extend(docs)
    log.info(
        "parsed %d document(s), %d fact(s) from %d file(s); %d file(s) quarantined",
        batch.documents, batch.facts, len(files), len(batch.errors),
    )
    if not batch.parsed:
        raise NoInputError(f"none of the {len(files)} file(s) could be parsed (see ops.ingest_errors)")
    return batch


@task(name="load_raw", **TASK_OPTIONS)
def load_raw(build_db: Path, batch: ParseBatch, run_id: str) -> dict[str, int]:
    """Replace raw.documents/sentences/facts (dropped, then written by ingestion.load.write_raw)
    and record the run's quarantined files in ops.ingest_errors."""
    from ingestion.load import write_raw

    def prepare(con) -> None:
        # The build started as a copy of the published warehouse: drop its raw tables so that the
        # loader recreates them with its current definitions (a full refresh, never a merge).
        for t in ("facts", "sentences", "documents"):
            con.execute(f"DROP TABLE IF EXISTS raw.{t}")
        ops.insert_ingest_errors(con, run_id, batch.errors)

    _with_ops(build_db, prepare)
    counts = dict(write_raw(f"duckdb:///{build_db}", batch.parsed, run_id))
    gc.collect()  # drop any pooled SQLAlchemy/DuckDB connection before the next writer opens the file
    _logger().info("loaded raw: %s", counts)
    return counts


def _check(stage: str, build_db: Path, run_id: str, docs_dir: Path | None) -> CheckSummary:
    from expectations.runner import run_suite

    outcome = run_suite(build_db, stage, run_id, docs_dir=docs_dir)
    log = _logger()
    log.info(
        "%s checks (%s): %d passed, %d failed", stage, outcome.suite, outcome.passed, outcome.failed
    )
    summary = CheckSummary(
        stage=stage,
        suite=str(outcome.suite),
        passed=int(outcome.passed),
        failed=int(outcome.failed),
        blocking_failures=[
            b.describe() if hasattr(b, "describe") else str(b)
            for b in (outcome.blocking_failures or [])
        ],
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
    _logger().info("dbt build: %s", res.counts)
    return res


@task(name="check_marts", **TASK_OPTIONS)
def check_marts(build_db: Path, run_id: str, docs_dir: Path | None = None) -> CheckSummary:
    """Great Expectations suite on the marts; a blocking failure stops publication."""
    return _check("marts", build_db, run_id, docs_dir)


@task(name="publish", **TASK_OPTIONS)
def publish(build_db: Path, published: Path) -> Path:
    """Atomically replace the published warehouse with the checked build file."""
    gc.collect()
    out = publish_file(build_db, published)
    _logger().info("published %s", out)
    return out


# ------------------------------------------------------------------------------------------- flow


@flow(name="refresh", log_prints=True, persist_result=False, validate_parameters=False)
def refresh(
    sources: list[str] | None = None,
    db: str | None = None,
    wait: bool = False,
    dbt_target: str | None = None,
    run_id: str | None = None,
    take_lock: bool = True,
) -> RefreshSummary:
    """Ingest report files, build and check the warehouse, publish it atomically.

    sources: folders, files or glob patterns (default $GWR_SOURCE, else the bundled sample corpus).
    db: the published DuckDB file (default $GWR_DB, else ./warehouse/gwr.duckdb).
    wait: queue behind a running refresh instead of failing at once.
    take_lock: False only when the caller already holds the refresh lock of this warehouse
        (`gwr refresh` takes it before starting Prefect, so a second refresh fails at once).
    """
    t0 = time.monotonic()
    settings = load_settings(db=db, sources=sources, dbt_target=dbt_target)
    run_id = run_id or new_run_id()
    published = settings.db_path
    log = _logger()
    run = ops.RunRow(run_id=run_id, started=ops.utcnow())

    lock = (
        refresh_lock(settings.lock_path, wait=wait, owner=run_id) if take_lock else nullcontext()
    )
    with lock:
        stale = clean_stale_builds(settings.build_dir)
        if stale:
            log.warning(
                "removed leftovers of %d killed or failed run(s) from %s: %s",
                len(stale), settings.build_dir, ", ".join(p.name for p in stale),
            )
        build_db: Path | None = None
        try:
            build_db = start_build(published, settings.build_dir, run_id)
            _with_ops(build_db, lambda con: ops.upsert_run(con, run))
            log.info("run %s: building %s (publishes to %s)", run_id, build_db, published)

            files = discover(list(settings.sources))
            run.documents_seen = len(files)
            batch = read_and_extract(files)
            run.documents_parsed = batch.documents
            run.facts = batch.facts
            run.errors = len(batch.errors)

            raw_rows = load_raw(build_db, batch, run_id)
            raw_check = check_raw(build_db, run_id, settings.data_docs_dir)
            dbt_res = dbt_build(build_db, settings)
            marts_check = check_marts(build_db, run_id, settings.data_docs_dir)

            mart_rows = _table_counts(build_db, "marts")
            checks = [raw_check, marts_check]
            run.state = "succeeded"
            run.finished = ops.utcnow()
            run.message = (
                f"{run.documents_parsed} documents, {run.facts} facts, "
                f"{sum(c.passed for c in checks)} checks passed, "
                f"{sum(c.failed for c in checks)} failed; marts: "
                + ", ".join(f"{k}={v}" for k, v in mart_rows.items())
            )
            _with_ops(build_db, lambda con: ops.upsert_run(con, run))
            publish(build_db, published)
        except BaseException as e:
            run.state = "failed"
            run.finished = ops.utcnow()
            run.message = f"{type(e).__name__}: {e}"[:MESSAGE_LIMIT]
            try:
                record_failed_run(
                    published, settings.build_dir, run_id,
                    lambda con: ops.upsert_run(con, run),
                    failed_build=build_db,
                )
            except Exception as rec_err:  # never hide the run's own error
                log.error("could not record failed run %s: %s", run_id, rec_err)
            log.error(
                "run %s failed; %s left unchanged (the failed build stays in %s until the next "
                "run, for inspection). %s", run_id, published, settings.build_dir, run.message,
            )
            try:
                e.gwr_run_id = run_id  # type: ignore[attr-defined]  (read by `gwr refresh`)
            except Exception:
                pass
            raise

    docs = marts_check.data_docs_index or raw_check.data_docs_index
    return RefreshSummary(
        run_id=run_id,
        db_path=str(published),
        files_seen=len(files),
        documents=batch.documents,
        facts=batch.facts,
        ingest_errors=[{"file": e.file, "reason": e.reason} for e in batch.errors],
        raw_rows={k: int(v) for k, v in raw_rows.items()},
        mart_rows=mart_rows,
        checks=checks,
        dbt_counts=dbt_res.counts,
        data_docs=docs,
        seconds=time.monotonic() - t0,
    )


__all__ = [
    "refresh", "RefreshSummary", "RefreshLocked", "NoInputError", "ParseBatch", "new_run_id",
    "discover", "read_and_extract", "load_raw", "check_raw", "dbt_build", "check_marts", "publish",
]
