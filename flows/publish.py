"""Write-audit-publish on one DuckDB file.

    warehouse/gwr.duckdb            the published file: readers open it (read-only)
    warehouse/.build/current/gwr.duckdb   the build file of a run: every write of the run goes here
    warehouse/.refresh.lock          flock: one refresh at a time

A run starts its build file as a byte copy of the published file (so ops history carries over; the
loader drops and replaces the raw tables, dbt rebuilds staging and marts), writes and checks
everything there, closes every connection, and publishes with one `os.replace(build, published)`.
That rename is atomic: a reader that already holds the old file keeps its inode and sees the old
warehouse, a reader that opens later sees the new one, and a run killed (even with kill -9) at any
moment before the rename leaves the published file untouched. The next run removes the leftovers in
`.build/` (it holds the lock, so no other run can own them).

A failed run publishes no marts, but its history must not be lost: `record_failed_run` copies the
published file to a fresh build file, writes only ops rows there (the runs row, and the ops rows
the failed build holds for the run: data-quality results, quarantined files) and publishes that.

DuckDB allows one writer or many readers per file, never both (and dbt fails at once with
"Conflicting lock" when anything else holds the file): every helper here opens a connection,
does its work and closes it before returning.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import logging
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from flows import ops

log = logging.getLogger(__name__)


class RefreshLocked(RuntimeError):
    """Another refresh holds the warehouse lock."""


def wal_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".wal")


BUILD_FOLDER = "current"


def build_path(build_dir: Path, run_id: str, published: Path, suffix: str = "") -> Path:
    """`<build_dir>/current<suffix>/<published file name>`: the same path in every run.

    The build file keeps the published file's name because DuckDB names the catalog after the
    file stem and dbt-duckdb writes that catalog into view definitions ("gwr"."raw"."facts"): a
    build file named after the run would leave views that break once the file is renamed on
    publication. Its folder is the same in every run (one run at a time holds the lock, and the
    next run removes what a failed one left) because dbt parses the whole project again whenever
    the profile's path changes: a stable path lets it parse only what changed (partial parsing,
    with its target/ beside the warehouse). `run_id` is kept for the callers' logs.
    """
    return build_dir / f"{BUILD_FOLDER}{suffix}" / published.name


# --------------------------------------------------------------------------------------------- lock


@contextmanager
def refresh_lock(lock_path: Path, *, wait: bool = False, owner: str = "") -> Iterator[None]:
    """Hold the process-level refresh lock (fcntl.flock on `lock_path`) for the `with` block.

    Without `wait`, raise RefreshLocked at once when another refresh holds it; with `wait`, block
    until it is free. The lock is released by the kernel when the process dies, so a killed run
    never leaves it stuck. The file itself is never deleted (deleting a flock file races).
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as e:
            if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            holder = ""
            try:
                holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip()
            except OSError:
                pass
            raise RefreshLocked(
                f"another refresh is already running on this warehouse (lock {lock_path} is held"
                + (f" by {holder}" if holder else "")
                + "); wait for it to finish, or pass --wait to queue behind it"
            ) from None
        info = f"pid {os.getpid()}" + (f", run {owner}" if owner else "")
        info += f", since {dt.datetime.now().isoformat(timespec='seconds')}\n"
        os.ftruncate(fd, 0)
        os.pwrite(fd, info.encode(), 0)
        try:
            yield
        finally:
            try:
                os.ftruncate(fd, 0)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------------ build files


def clean_stale_builds(build_dir: Path) -> list[Path]:
    """Remove everything in `build_dir` (leftovers of killed or failed runs).

    Call only while holding the refresh lock: then no other run owns anything in there.
    """
    removed: list[Path] = []
    if not build_dir.is_dir():
        return removed
    for p in sorted(build_dir.iterdir()):
        try:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
            removed.append(p)
        except FileNotFoundError:
            pass
    if removed:
        log.info("removed %d stale build file(s) from %s", len(removed), build_dir)
    return removed


def start_build(published: Path, build_dir: Path, run_id: str, suffix: str = "") -> Path:
    """Create the run's build file: a copy of the published file if there is one, else nothing yet
    (DuckDB creates an empty file on first connect). Returns its path."""
    build = build_path(build_dir, run_id, published, suffix)
    build.parent.mkdir(parents=True, exist_ok=True)
    for p in (build, wal_path(build)):
        if p.exists():
            p.unlink()
    if published.exists():
        shutil.copyfile(published, build)
        # A WAL beside the published file means a writer died before checkpointing; carry it over
        # so DuckDB replays it into the build (publish() then removes the stale one).
        if wal_path(published).exists():
            shutil.copyfile(wal_path(published), wal_path(build))
    return build


def _fsync_path(path: Path, directory: bool = False) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if directory else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def checkpoint(db_path: Path) -> None:
    """Fold a leftover WAL into the database file (no-op when there is none)."""
    if wal_path(db_path).exists():
        con = duckdb.connect(str(db_path))
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()


def publish(build: Path, published: Path) -> Path:
    """Atomically make `build` the published warehouse. Every connection to `build` must be closed."""
    if not build.exists():
        raise FileNotFoundError(f"build file {build} does not exist: nothing to publish")
    checkpoint(build)
    if wal_path(build).exists():
        raise RuntimeError(f"{wal_path(build)} still exists after CHECKPOINT: a connection is open")
    published.parent.mkdir(parents=True, exist_ok=True)
    _fsync_path(build)
    stale_wal = wal_path(published)
    if stale_wal.exists():  # its content was copied into the build by start_build
        stale_wal.unlink()
    os.replace(build, published)
    _fsync_path(published.parent, directory=True)
    if build.parent != published.parent:
        try:
            build.parent.rmdir()  # the run's now empty folder in .build/
        except OSError:
            pass
    log.info("published %s", published)
    return published


# ------------------------------------------------------------------------------------ failed runs


def record_failed_run(
    published: Path,
    build_dir: Path,
    run_id: str,
    write_ops: Callable[[duckdb.DuckDBPyConnection], None],
    failed_build: Path | None = None,
) -> Path:
    """Publish the published warehouse plus only the ops rows of a failed run.

    Copies the published file (or starts an empty one when none exists yet) to a fresh build file,
    copies the run's rows from the ops tables of `failed_build` (if it is readable), calls
    `write_ops(con)` (which writes the runs row), closes and publishes. Marts, staging and raw stay
    exactly as they were.
    """
    ops_build = start_build(published, build_dir, run_id, suffix=".ops")
    con = duckdb.connect(str(ops_build))
    try:
        ops.ensure_schema(con)
        if failed_build is not None and failed_build.exists():
            try:
                ops.copy_run_rows(con, failed_build, run_id)
            except Exception as e:  # the failed build may be half-written: keep going
                log.warning("could not copy ops rows of run %s from %s: %s", run_id, failed_build, e)
        write_ops(con)
    finally:
        con.close()
    return publish(ops_build, published)
