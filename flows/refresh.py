"""The Prefect 3 flow `refresh`: reports in, checked warehouse out.

    discover → fetch_http → read_and_extract → load_raw → check_raw → dbt_build → check_marts → publish

Every write goes to the run's build file (flows/publish.py); the published warehouse changes only
at `publish`, in one atomic rename. Work is batched: one task per stage, never one per document.

- Incremental (flows/incremental.py): the build starts as a copy of the published file, so the raw
  layer persists; only new and changed sources are read and parsed (in a process pool), their old
  raw rows replaced; sources no longer named are marked removed. `full=True`, a new extractor
  version or a new raw layout parse everything again. When no document changed and the dbt
  project and quality suites are the ones the published marts were built with, dbt and the checks
  are skipped: the run only records itself.
- URL sources are fetched with conditional GETs into `<db dir>/.cache/http/` (flows/fetch.py); the
  task retries transient failures with exponential backoff.
- A file that cannot be used (empty, binary, undecodable, too big, …) is quarantined in
  ops.ingest_errors (run_id, file, reason, at) and the run goes on without it.
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
from contextlib import contextmanager, nullcontext
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
class FetchBatch:
    """What fetch_http hands to read_and_extract: every source with a local file."""

    sources: list[Any]  # list[ingestion.discover.Source], URLs with their cached body as path
    errors: list[ops.IngestError] = field(default_factory=list)
    cache_rows: list[dict] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)  # URLs that failed: their documents are kept
    fetched: int = 0
    not_modified: int = 0


@dataclass
class ParseBatch:
    """What read_and_extract hands to load_raw."""

    files: list[Path]
    parsed: Any  # ParsedDocuments: an ingestion.spool.DocumentSpool, or a list in tests
    errors: list[ops.IngestError] = field(default_factory=list)
    full: bool = True
    full_reason: str | None = None
    parsed_sources: list[str] = field(default_factory=list)  # keys whose old rows are replaced
    removed_sources: list[str] = field(default_factory=list)
    unchanged: int = 0
    state_rows: list[dict] = field(default_factory=list)
    cache_rows: list[dict] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Does the raw layer change? (new, changed or removed documents, or a full rebuild)"""
        return self.full or bool(self.parsed_sources) or bool(self.removed_sources)

    @property
    def documents(self) -> int:
        return len(self.parsed)

    @property
    def facts(self) -> int:
        count = getattr(self.parsed, "fact_count", None)  # a DocumentSpool counts as it goes
        return count if count is not None else sum(len(p.facts) for p in self.parsed)


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
    """dbt nodes per status (success, pass, warn, skipped)."""
    data_docs: str | None
    seconds: float
    files_unchanged: int = 0
    files_parsed: int = 0
    documents_removed: int = 0
    documents_total: int = 0
    full: bool = True
    full_reason: str | None = None
    build_skipped: bool = False
    stage_seconds: dict[str, float] = field(default_factory=dict)
    dbt_by_type: dict[str, int] = field(default_factory=dict)
    """dbt nodes per resource type (seed, model, test, unit_test)."""

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
        """The summary `gwr refresh` prints: every count says what it counts."""
        lines = [
            f"refresh {self.run_id}: published {self.db_path} in {self.seconds:.1f} s",
            "  mode: " + (f"full rebuild, every source parsed ({self.full_reason})" if self.full
                          else "incremental, only new and changed sources parsed"),
            f"  documents: {self.documents} parsed from {self.files_parsed} of {self.files_seen} "
            f"file(s), {self.facts} facts; {self.files_unchanged} file(s) unchanged, "
            f"{self.documents_removed} document(s) removed; {self.documents_total} in the warehouse"
            + (f"; {len(self.ingest_errors)} file(s) quarantined" if self.ingest_errors else ""),
        ]
        for e in self.ingest_errors:
            lines.append(f"    quarantined {e['file']}: {e['reason']}")
        if self.mart_rows:
            lines.append("  rows per mart:")
            width = max(len(k) for k in self.mart_rows)
            for name, n in sorted(self.mart_rows.items()):
                lines.append(f"    marts.{name:<{width}}  {n}")
        if self.build_skipped:
            lines.append("  nothing changed: dbt build and checks skipped, marts left as published")
        else:
            lines.append(
                f"  data-quality checks (Great Expectations): {self.checks_passed} passed, "
                f"{self.checks_failed} failed" + (" (non-blocking)" if self.checks_failed else "")
            )
            for c in self.checks:
                lines.append(f"    {CHECK_STAGES.get(c.stage, c.stage):<10} {c.passed} passed, {c.failed} failed")
        if self.dbt_counts:
            lines.append("  dbt build: " + _dbt_line(self.dbt_by_type, self.dbt_counts))
        lines.append(f"  Data Docs: {self.data_docs or '(none written)'}")
        if self.stage_seconds:
            lines.append("  seconds by stage: " + ", ".join(f"{k} {v:.1f}" for k, v in self.stage_seconds.items()))
        return "\n".join(lines)


CHECK_STAGES = {"raw": "raw layer", "marts": "marts"}
DBT_TYPES = {"seed": "seeds", "model": "models", "test": "data tests", "unit_test": "unit tests",
             "snapshot": "snapshots"}
DBT_OK = ("success", "pass")


def _dbt_line(by_type: dict[str, int], by_status: dict[str, int]) -> str:
    """'238 nodes (4 seeds, 10 models, 218 data tests, 6 unit tests): all succeeded'."""
    total = sum(by_status.values())
    order = list(DBT_TYPES)
    ranked = sorted(by_type.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]))
    kinds = ", ".join(f"{n} {DBT_TYPES.get(t, t)}" for t, n in ranked)
    others = {s: n for s, n in by_status.items() if s not in DBT_OK}
    outcome = "all succeeded" if not others else (
        f"{total - sum(others.values())} succeeded, " + ", ".join(f"{n} {s}" for s, n in sorted(others.items()))
    )
    return f"{total} nodes" + (f" ({kinds})" if kinds else "") + f": {outcome}"


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
def discover(sources: list[str]) -> list[Any]:
    """Find the report sources in the given folders, files, glob patterns, URLs and manifests."""
    from ingestion.discover import expand_sources

    found = expand_sources(list(sources))
    if not found:
        raise NoInputError(f"no report files found in: {', '.join(sources)}")
    urls = sum(1 for s in found if s.is_url)
    _logger().info("discovered %d report source(s)%s", len(found), f", {urls} URL(s)" if urls else "")
    return found


@task(name="fetch_http", **TASK_OPTIONS)
def fetch_http(
    sources: list[Any], build_db: Path | None, cache_dir: Path, max_bytes: int, timeout: float,
    run_id: str, attempts: int = 1,
) -> FetchBatch:
    """Download the URL sources (conditional GET against ops.http_cache of the build file).

    Transient failures raise, so that Prefect retries this task with backoff (the flow sets
    retries); URLs fetched by an earlier attempt are not fetched again. After the last attempt a
    URL still failing is quarantined (an earlier cached body, if any, is used instead)."""
    from flows.fetch import HttpOptions, fetch_all

    urls = [s.url for s in sources if s.is_url]
    batch = FetchBatch(sources=[s for s in sources if not s.is_url])
    if not urls:
        return batch
    try:
        from prefect.runtime import task_run

        attempt = int(task_run.run_count or 0)
    except Exception:  # pragma: no cover
        attempt = 0
    last = attempt == 0 or attempt >= attempts
    previous = ops.read_table(build_db, "http_cache", "url") if build_db else {}
    done = _FETCH_MEMO.setdefault(run_id, {})
    results = fetch_all(urls, previous, cache_dir / "http",
                        HttpOptions(timeout=timeout, max_bytes=max_bytes), done, last)
    _FETCH_MEMO.pop(run_id, None)
    by_url = {s.url: s for s in sources if s.is_url}
    log = _logger()
    for r in results:
        src = by_url[r.url]
        if r.error:
            log.warning("%s: %s", r.url, r.error)
            batch.errors.append(ops.IngestError(r.url, r.error, ops.utcnow()))
        if r.path is None:
            batch.keep.append(r.url)
            continue
        batch.sources.append(src.with_path(r.path))
        if r.cache_row:
            row = dict(r.cache_row)
            row["run_id"] = run_id if r.status == "fetched" else row.get("run_id")
            batch.cache_rows.append(row)
        batch.fetched += r.status == "fetched"
        batch.not_modified += r.status == "not_modified"
    batch.sources.sort(key=lambda s: s.key)
    log.info("fetched %d URL(s): %d downloaded, %d not modified, %d failed",
             len(urls), batch.fetched, batch.not_modified, len(batch.errors))
    return batch


_FETCH_MEMO: dict[str, dict] = {}


def _as_sources(items: list[Any]) -> list[Any]:
    from ingestion.discover import Source

    out = []
    for it in items:
        if isinstance(it, Source):
            out.append(it)
        else:
            p = Path(it).resolve()
            out.append(Source(key=str(p), path=p))
    return out


@task(name="read_and_extract", **TASK_OPTIONS)
def read_and_extract(
    sources: list[Any],
    build_db: Path | None = None,
    full: bool = False,
    max_bytes: int | None = None,
    keep: list[str] | None = None,
    workers: int | None = None,
) -> ParseBatch:
    """Decide which sources changed (flows/incremental.py, against the build file's state), then
    read, split, infer metadata and extract facts from those only, on a process pool
    (ingestion.batch.parse_files). A file that cannot be used is quarantined and the others go on.

    `sources`: ingestion.discover.Source items (or plain paths); `keep`: keys of sources that
    could not be fetched this time, whose documents stay as they are.
    """
    from ingestion import EXTRACTOR_VERSION
    from ingestion.batch import ParseJob, parse_files
    from flows.incremental import StoredState, load_state, plan_sources, state_rows

    log = _logger()
    srcs = _as_sources(list(sources))
    state = load_state(build_db) if build_db else StoredState({}, False, 0, set())
    plan = plan_sources(srcs, state, EXTRACTOR_VERSION, full=full, max_bytes=max_bytes)
    if keep:
        plan.removed = [k for k in plan.removed if k not in set(keep)]
    if plan.full:
        log.info("full refresh: %s", plan.full_reason)
    from ingestion.spool import DocumentSpool

    # parsed documents go to a spool on disk next to the build file: memory stays flat
    spool = DocumentSpool(Path(build_db).parent / "spool" if build_db else None)
    batch = ParseBatch(
        files=[Path(s.path) for s in srcs], parsed=spool, full=plan.full, full_reason=plan.full_reason,
        removed_sources=list(plan.removed), unchanged=len(plan.unchanged),
    )
    batch.errors.extend(plan.carried_errors)
    jobs = [
        ParseJob(Path(ps.source.path), tuple(ps.source.overrides), ps.source.key, max_bytes)
        for ps in plan.to_parse
    ]
    hashes = {ps.source.key: ps.file_hash for ps in plan.to_parse}
    counts: dict[str, int] = {}
    errors: dict[str, str] = {}
    for out in parse_files(jobs, workers=workers):
        key = out.job.source_path if out.job else str(out.path)
        batch.parsed_sources.append(key)
        reason = out.error or (None if out.documents else "no document found in the file")
        if reason:
            reason = reason[:MESSAGE_LIMIT]
            log.warning("quarantined %s: %s", key, reason)
            errors[key] = reason
            batch.errors.append(ops.IngestError(key, reason, ops.utcnow()))
            continue
        for d in out.documents:
            d.document.source_hash = hashes.get(key)
        counts[key] = len(out.documents)
        batch.parsed.extend(out.documents)
    batch.state_rows = state_rows(plan, counts, errors, "", EXTRACTOR_VERSION, state.sources)
    log.info(
        "parsed %d document(s), %d fact(s) from %d of %d file(s); %d unchanged, %d removed, "
        "%d quarantined", batch.documents, batch.facts, len(jobs), len(srcs), batch.unchanged,
        len(batch.removed_sources), len(batch.errors),
    )
    live_before = sum(1 for ps in plan.unchanged if (ps.previous or {}).get("status") == "loaded")
    if not batch.parsed and not live_before:
        raise NoInputError(
            f"none of the {len(srcs)} file(s) could be parsed (see ops.ingest_errors)"
        )
    return batch


@task(name="load_raw", **TASK_OPTIONS)
def load_raw(build_db: Path, batch: ParseBatch, run_id: str) -> dict[str, int]:
    """Write the raw layer with ingestion.load.write_raw: on a full refresh the raw tables are
    dropped and written anew; otherwise only the parsed sources' rows are replaced (delete, then
    insert) and the removed sources' documents marked removed. Records the run's quarantined files
    (ops.ingest_errors) and the incremental state (ops.source_files, ops.http_cache)."""
    from ingestion.load import write_raw

    def prepare(con) -> None:
        if batch.full:
            # Drop the raw tables so that the loader recreates them with its current definitions.
            for t in ("facts", "sentences", "documents"):
                con.execute(f"DROP TABLE IF EXISTS raw.{t}")
        ops.insert_ingest_errors(con, run_id, batch.errors)
        rows = [dict(r, run_id=r.get("run_id") or run_id) for r in batch.state_rows]
        if batch.full:
            con.execute("DELETE FROM ops.source_files")
        ops.upsert_source_files(con, rows)
        ops.upsert_http_cache(con, [dict(r, run_id=r.get("run_id") or run_id) for r in batch.cache_rows])

    _with_ops(build_db, prepare)
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
    full: bool = False,
    max_bytes: int | None = None,
) -> RefreshSummary:
    """Ingest report sources, build and check the warehouse, publish it atomically.

    sources: folders, files, glob patterns, http(s) URLs or YAML manifests (default $GWR_SOURCE,
        else the bundled sample corpus).
    db: the published DuckDB file (default $GWR_DB, else ./warehouse/gwr.duckdb).
    wait: queue behind a running refresh instead of failing at once.
    take_lock: False only when the caller already holds the refresh lock of this warehouse
        (`gwr refresh` takes it before starting Prefect, so a second refresh fails at once).
    full: parse every source again and rebuild the raw layer (default: only what changed).
    max_bytes: size limit of one file or page (default $GWR_MAX_BYTES, else 20 MB).
    """
    from flows.incremental import has_marts, models_fingerprint, stored_fingerprint

    t0 = time.monotonic()
    stage_seconds: dict[str, float] = {}

    @contextmanager
    def timed(stage: str):
        """Wall time per stage, for the summary and the benchmark (BENCHMARKS.md)."""
        t = time.monotonic()
        try:
            yield
        finally:
            stage_seconds[stage] = round(stage_seconds.get(stage, 0.0) + time.monotonic() - t, 3)

    settings = load_settings(db=db, sources=sources, dbt_target=dbt_target, max_bytes=max_bytes)
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
        checks: list[CheckSummary] = []
        dbt = DbtBuildResult()
        try:
            with timed("copy"):
                build_db = start_build(published, settings.build_dir, run_id)
            _with_ops(build_db, lambda con: ops.upsert_run(con, run))
            log.info("run %s: building %s (publishes to %s)", run_id, build_db, published)

            with timed("discover"):
                found = discover(list(settings.sources))
            run.documents_seen = len(found)
            with timed("fetch"):
                fetched = fetch_http.with_options(
                    retries=settings.http_retries, retry_delay_seconds=settings.http_retry_delays(),
                )(found, build_db, settings.cache_dir, settings.max_bytes, settings.http_timeout,
                  run_id, attempts=settings.http_retries + 1)
            with timed("read_extract"):
                batch = read_and_extract(
                    fetched.sources, build_db, full=full, max_bytes=settings.max_bytes, keep=fetched.keep,
                )
            batch.errors[:0] = fetched.errors
            batch.cache_rows = fetched.cache_rows
            run.documents_parsed = batch.documents
            run.facts = batch.facts
            run.errors = len(batch.errors)
            run.files_unchanged = batch.unchanged

            with timed("load"):
                raw_rows = load_raw(build_db, batch, run_id)
            run.documents_removed = int(raw_rows.get("removed", 0))
            fingerprint = models_fingerprint(settings.dbt_project_dir)
            build_skipped = (
                not batch.changed
                and stored_fingerprint(build_db) == fingerprint
                and has_marts(build_db)
            )
            if build_skipped:
                log.info("nothing changed since the published build: dbt build and checks skipped")
            else:
                with timed("raw_checks"):
                    checks.append(check_raw(build_db, run_id, settings.data_docs_dir))
                with timed("dbt"):
                    dbt = dbt_build(build_db, settings)
                with timed("mart_checks"):
                    checks.append(check_marts(build_db, run_id, settings.data_docs_dir))
                _with_ops(build_db, lambda con: ops.set_state(con, "models_fingerprint", fingerprint, run_id))

            mart_rows = _table_counts(build_db, "marts")
            documents_total = _live_documents(build_db)
            run.state = "succeeded"
            run.finished = ops.utcnow()
            run.message = (
                f"{run.documents_parsed} documents parsed ({run.files_unchanged} files unchanged, "
                f"{run.documents_removed} documents removed), {run.facts} facts, "
                + ("build skipped (nothing changed); " if build_skipped else
                   f"{sum(c.passed for c in checks)} checks passed, "
                   f"{sum(c.failed for c in checks)} failed; ")
                + "marts: " + ", ".join(f"{k}={v}" for k, v in mart_rows.items())
            )
            _with_ops(build_db, lambda con: ops.upsert_run(con, run))
            with timed("publish"):
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

    docs = next((c.data_docs_index for c in reversed(checks) if c.data_docs_index), None)
    return RefreshSummary(
        run_id=run_id,
        db_path=str(published),
        files_seen=len(found),
        documents=batch.documents,
        facts=batch.facts,
        ingest_errors=[{"file": e.file, "reason": e.reason} for e in batch.errors],
        raw_rows={k: int(v) for k, v in raw_rows.items()},
        mart_rows=mart_rows,
        checks=checks,
        dbt_counts=dbt.counts,
        dbt_by_type=dbt.by_type,
        data_docs=docs,
        seconds=time.monotonic() - t0,
        files_unchanged=batch.unchanged,
        files_parsed=len(batch.parsed_sources),
        documents_removed=run.documents_removed,
        documents_total=documents_total,
        full=batch.full,
        full_reason=batch.full_reason,
        build_skipped=build_skipped,
        stage_seconds=stage_seconds,
    )


def _live_documents(db_path: Path) -> int:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM raw.documents WHERE removed_at IS NULL").fetchone()[0])
    except duckdb.Error:
        return 0
    finally:
        con.close()


__all__ = [
    "refresh", "RefreshSummary", "RefreshLocked", "NoInputError", "ParseBatch", "FetchBatch",
    "new_run_id", "discover", "fetch_http", "read_and_extract", "load_raw", "check_raw", "dbt_build", "check_marts", "publish",
]
