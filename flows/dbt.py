"""Run dbt in-process (dbtRunner) against one DuckDB file.

`run_dbt_build(db_path, ...)` points the project's profile at `db_path` through $GWR_DBT_DB_PATH,
runs `dbt deps` (only when the project has packages.yml) and `dbt build`, closes dbt-duckdb's
connection so that the caller can open the file again, and returns counts per status. A failed
build raises DbtBuildError naming every failed node.

dbt's artifacts (target/, logs/) go to `artifacts_dir` (default `<db dir>/.dbt/`), not into the
dbt project folder. Nothing else may hold the DuckDB file while this runs ("Conflicting lock").
"""

from __future__ import annotations

import gc
import logging
import os
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from contracts.settings import DBT_DB_PATH_VAR, DBT_TARGET_VAR, DUCKDB_MEMORY_VAR, DUCKDB_THREADS_VAR, duckdb_config

log = logging.getLogger(__name__)

FAILED_STATUSES = {"error", "fail", "runtime error"}


class DbtBuildError(RuntimeError):
    """dbt build did not succeed; `.failed_nodes` lists (unique_id, status, message)."""

    def __init__(self, message: str, failed_nodes: list[tuple[str, str, str]] | None = None):
        super().__init__(message)
        self.failed_nodes = failed_nodes or []


@dataclass
class DbtBuildResult:
    counts: dict[str, int] = field(default_factory=dict)
    """Nodes per status, e.g. {"success": 12, "pass": 40}."""
    by_type: dict[str, int] = field(default_factory=dict)
    """Nodes per resource type, e.g. {"model": 6, "test": 40, "seed": 4}."""
    nodes: list[tuple[str, str]] = field(default_factory=list)
    """(unique_id, status) of every node run."""
    artifacts_dir: Path | None = None


@contextmanager
def scoped_env(**values: str) -> Iterator[None]:
    """Set environment variables for the `with` block (dbt reads them: profiles.yml), then restore."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def close_dbt_connections() -> None:
    """Close the DuckDB connection dbt-duckdb keeps in a class attribute after an in-process run.

    Without this the file stays open inside this process after dbtRunner returns (dbt-duckdb
    issue #616) and the next connection to it can fail.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # pragma: no cover - dbt-duckdb is a dependency
        return
    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        if env is not None:
            try:
                env.close()
            except Exception as e:  # closing must not mask the build's own result
                log.debug("ignoring error while closing dbt-duckdb environment: %s", e)
        DuckDBConnectionManager._ENV = None
    try:
        from dbt.adapters.factory import reset_adapters

        reset_adapters()
    except Exception as e:  # pragma: no cover
        log.debug("ignoring error in reset_adapters: %s", e)
    gc.collect()


def _status(r) -> str:
    s = getattr(r, "status", "")
    return str(getattr(s, "value", s)).lower()


def invoke(args: list[str]):
    """dbt, in-process (dbtRunner)."""
    from dbt.cli.main import dbtRunner

    log.info("dbt %s", " ".join(args))
    return dbtRunner().invoke(args)


def run_dbt_build(
    db_path: Path,
    *,
    project_dir: Path,
    profiles_dir: Path,
    target: str = "dev",
    artifacts_dir: Path | None = None,
    quiet: bool = True,
    extra_args: list[str] | None = None,
    env: dict[str, str] | None = None,
) -> DbtBuildResult:
    """`dbt deps` (if packages.yml exists) then `dbt build` into `db_path`; raise DbtBuildError on failure.
    `env`: more variables for the profile (the PostgreSQL target's connection, flows/postgres.py)."""
    db_path = Path(db_path).resolve()
    artifacts_dir = Path(artifacts_dir or db_path.parent / ".dbt").resolve()
    target_path = artifacts_dir / "target"
    log_path = artifacts_dir / "logs"
    target_path.mkdir(parents=True, exist_ok=True)
    log_path.mkdir(parents=True, exist_ok=True)
    common = [
        "--project-dir", str(project_dir),
        "--profiles-dir", str(profiles_dir),
        "--target", target,
        "--target-path", str(target_path),
        "--log-path", str(log_path),
    ]
    flags = ["--no-send-anonymous-usage-stats", "--no-use-colors"]
    if quiet:
        flags.append("--quiet")

    duck = duckdb_config()
    with scoped_env(**{DBT_DB_PATH_VAR: str(db_path), DBT_TARGET_VAR: target,
                       DUCKDB_MEMORY_VAR: str(duck["memory_limit"]), DUCKDB_THREADS_VAR: str(duck["threads"]),
                       "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **(env or {})}):
        try:
            if (Path(project_dir) / "packages.yml").exists() or (
                Path(project_dir) / "dependencies.yml"
            ).exists():
                res = invoke([*flags, "deps", "--project-dir", str(project_dir),
                               "--profiles-dir", str(profiles_dir)])
                if not res.success:
                    raise DbtBuildError(f"dbt deps failed: {res.exception or 'see dbt logs in ' + str(log_path)}")
            res = invoke([*flags, "build", *common, *(extra_args or [])])
        finally:
            close_dbt_connections()

    results = list(getattr(res.result, "results", None) or [])
    result = DbtBuildResult(artifacts_dir=artifacts_dir)
    result.nodes = [(r.node.unique_id, _status(r)) for r in results]
    result.counts = dict(Counter(s for _, s in result.nodes))
    result.by_type = dict(Counter(str(getattr(r.node.resource_type, "value", r.node.resource_type)) for r in results))

    if not res.success:
        failed = [
            (r.node.unique_id, _status(r), (r.message or "").strip().splitlines()[0] if r.message else "")
            for r in results
            if _status(r) in FAILED_STATUSES
        ]
        if failed:
            lines = "\n".join(f"  - {uid} [{st}]: {msg}" for uid, st, msg in failed)
            skipped = result.counts.get("skipped", 0)
            msg = f"dbt build failed: {len(failed)} node(s) failed" + (
                f", {skipped} skipped" if skipped else ""
            ) + f":\n{lines}\n(dbt logs: {log_path / 'dbt.log'})"
        else:
            msg = f"dbt build failed: {res.exception or 'unknown error'} (dbt logs: {log_path / 'dbt.log'})"
        raise DbtBuildError(msg, failed)
    return result
