"""flows.publish: write-audit-publish on one DuckDB file, and the refresh lock."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest
from _warehouse import query

from flows import ops
from flows.publish import (
    BUILD_FOLDER,
    RefreshLocked,
    clean_stale_builds,
    publish,
    record_failed_run,
    refresh_lock,
    start_build,
)


def _make_db(path: Path, value: int) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute("CREATE OR REPLACE TABLE marts.t AS SELECT ? AS v", [value])
    con.close()

def test_publish_is_an_atomic_replace_and_readers_keep_their_file(tmp_path):
    published = tmp_path / "gwr.duckdb"
    _make_db(published, 1)
    reader = duckdb.connect(str(published), read_only=True)
    try:
        build = start_build(published, tmp_path / ".build", "r1")
        # the same path in every run (dbt's partial parsing keys on it), named as the published file
        assert build.name == published.name and build.parent.name == BUILD_FOLDER
        assert start_build(published, tmp_path / ".build", "r2") == build
        con = duckdb.connect(str(build))
        con.execute("UPDATE marts.t SET v = 2")
        con.close()
        assert query(published, "SELECT v FROM marts.t") == [(1,)]  # not yet published
        publish(build, published)
        assert reader.execute("SELECT v FROM marts.t").fetchall() == [(1,)]  # old inode
    finally:
        reader.close()
    assert query(published, "SELECT v FROM marts.t") == [(2,)]
    assert not build.exists() and not build.parent.exists()

def test_stale_builds_are_cleaned(tmp_path):
    build_dir = tmp_path / ".build"
    (build_dir / "killed-run").mkdir(parents=True)
    (build_dir / "killed-run" / "gwr.duckdb").write_bytes(b"half written")
    (build_dir / "killed-run" / "gwr.duckdb.wal").write_bytes(b"wal")
    removed = clean_stale_builds(build_dir)
    assert removed and not any(build_dir.iterdir())

def test_failed_run_without_published_file_creates_ops_only_warehouse(tmp_path):
    published = tmp_path / "gwr.duckdb"
    failed_build = start_build(published, tmp_path / ".build", "r1")
    con = duckdb.connect(str(failed_build))
    ops.ensure_schema(con)
    ops.insert_ingest_errors(con, "r1", [ops.IngestError("x.txt", "bad", ops.utcnow())])
    con.execute("CREATE SCHEMA marts; CREATE TABLE marts.t AS SELECT 1 AS v")
    con.close()

    row = ops.RunRow(run_id="r1", started=ops.utcnow(), finished=ops.utcnow(), state="failed",
                     message="boom")
    record_failed_run(published, tmp_path / ".build", "r1", lambda c: ops.upsert_run(c, row),
                      failed_build=failed_build)
    assert query(published, "SELECT state, message FROM ops.runs") == [("failed", "boom")]
    assert query(published, "SELECT file, reason FROM ops.ingest_errors") == [("x.txt", "bad")]
    assert query(published, "SELECT count(*) FROM information_schema.tables "
                             "WHERE table_schema = 'marts'") == [(0,)]

def test_refresh_lock_is_exclusive(tmp_path):
    lock = tmp_path / ".refresh.lock"
    with refresh_lock(lock, owner="first"):
        with pytest.raises(RefreshLocked, match="first"):
            with refresh_lock(lock):
                pass
    with refresh_lock(lock):  # free again
        pass

def test_refresh_lock_wait_queues_behind_the_holder(tmp_path):
    lock = tmp_path / ".refresh.lock"
    order: list[str] = []
    held = threading.Event()

    def holder():
        with refresh_lock(lock, owner="holder"):
            held.set()
            threading.Event().wait(0.3)
            order.append("holder done")

    t = threading.Thread(target=holder)
    t.start()
    held.wait(5)
    with refresh_lock(lock, wait=True):
        order.append("waiter got it")
    t.join()
    assert order == ["holder done", "waiter got it"]
