"""The refresh flow end to end on part of the real corpus, plus write-audit-publish unit tests.

The integration tests run the real pipeline (ingestion → raw → GX → dbt → GX → publish) on two
sample reports into a temporary warehouse and check facts a person can verify in the text of
sample_corpus/000_500ad30c4c1f596f.txt (咸宁市, 2022 三季度进展通报):
"1.地区生产总值增长8%左右。1-9月,……比上年同期增长4.4%,全省排名第13位。"
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import duckdb
import pytest
from _warehouse import query, snapshot

from flows import ops
from flows.publish import (
    RefreshLocked,
    clean_stale_builds,
    publish,
    record_failed_run,
    refresh_lock,
    start_build,
)

SAMPLE_FILES = ("000_500ad30c4c1f596f.txt", "001_d7344a832e05616a.txt")


# ---------------------------------------------------------------------------- integration (flow)


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory, corpus_dir: Path) -> Path:
    src = tmp_path_factory.mktemp("corpus")
    for name in SAMPLE_FILES:
        shutil.copy(corpus_dir / name, src / name)
    return src


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, small_corpus: Path, prefect_harness):
    """One successful refresh into a temporary warehouse: (summary, published db path)."""
    from flows.refresh import refresh

    db = tmp_path_factory.mktemp("warehouse") / "gwr.duckdb"
    summary = refresh(sources=[str(small_corpus)], db=str(db))
    return summary, db


@pytest.mark.usefixtures("prefect_harness")
class TestRefreshFlow:
    def test_summary(self, warehouse):
        summary, db = warehouse
        assert summary.db_path == str(db)
        assert db.exists()
        assert summary.files_seen == 2
        assert summary.documents >= 2
        assert summary.facts > 0
        assert summary.ingest_errors == []
        assert summary.checks_passed > 0
        assert {"fct_targets", "fct_actuals", "fct_rankings"} <= set(summary.mart_rows)
        assert summary.data_docs and Path(summary.data_docs).exists()
        from gwr.cli.render import render_summary

        text = render_summary(summary)
        assert "marts.fct_targets" in text and "Data Docs" in text

    def test_gdp_target_2022(self, warehouse):
        _, db = warehouse
        rows = query(
            db,
            "SELECT measure, value, comparator FROM marts.fct_targets "
            "WHERE region = '咸宁市' AND indicator = 'gdp' AND year = 2022",
        )
        assert ("growth_pct", 8.0, "approx") in rows

    def test_gdp_actual_jan_sep_2022(self, warehouse):
        _, db = warehouse
        rows = query(
            db,
            "SELECT value FROM marts.fct_actuals WHERE region = '咸宁市' AND indicator = 'gdp' "
            "AND year = 2022 AND period_start_month = 1 AND period_end_month = 9 "
            "AND measure = 'growth_pct'",
        )
        assert rows and rows[0][0] == pytest.approx(4.4)

    def test_gdp_rank(self, warehouse):
        _, db = warehouse
        rows = query(
            db,
            "SELECT rank, rank_scope FROM marts.fct_rankings "
            "WHERE region = '咸宁市' AND indicator = 'gdp' AND year = 2022",
        )
        assert (13, "全省") in rows

    def test_every_mart_non_empty(self, warehouse):
        _, db = warehouse
        marts = snapshot(db)
        assert marts, "no marts were published"
        empty = [t for t, rows in marts.items() if not rows]
        assert not empty, f"empty marts: {empty}"

    def test_staging_views_work_after_publication(self, warehouse):
        # dbt-duckdb writes the catalog (file stem) into view definitions: the build file must
        # carry the published file's name or these views break once the file is renamed.
        _, db = warehouse
        (n,) = query(db, "SELECT count(*) FROM staging.stg_raw__facts")[0]
        assert n > 0

    def test_run_recorded(self, warehouse):
        summary, db = warehouse
        rows = query(
            db,
            "SELECT state, documents_seen, documents_parsed, facts, errors, finished "
            "FROM ops.runs WHERE run_id = ?",
            [summary.run_id],
        )
        assert rows, "no ops.runs row for the run"
        state, seen, parsed, facts, errors, finished = rows[0]
        assert (state, seen, parsed, facts, errors) == (
            "succeeded", 2, summary.documents, summary.facts, 0,
        )
        assert finished is not None
        (n,) = query(db, "SELECT count(*) FROM ops.dq_results WHERE run_id = ?", [summary.run_id])[0]
        assert n == summary.checks_passed + summary.checks_failed

    def test_no_build_files_left(self, warehouse):
        _, db = warehouse
        build_dir = db.parent / ".build"
        assert not build_dir.exists() or not any(build_dir.iterdir())
        assert not (db.parent / (db.name + ".wal")).exists()

    def test_gwr_eval_scores_the_warehouse(self, warehouse, repo_root):
        from click.testing import CliRunner

        from gwr.cli import cli

        _, db = warehouse
        gold = [str(repo_root / "tests" / "gold" / Path(n).with_suffix(".csv").name) for n in SAMPLE_FILES]
        args = ["eval", "--db", str(db)] + [a for g in gold for a in ("--gold", g)]
        res = CliRunner().invoke(cli, args)
        assert res.exit_code == 0, res.output
        assert "overall" in res.output
        res = CliRunner().invoke(cli, [*args, "--json"])
        assert res.exit_code == 0, res.output
        import json

        assert isinstance(json.loads(res.output), dict)

    def test_blocking_check_failure_publishes_nothing(self, warehouse, small_corpus, monkeypatch):
        from flows.refresh import refresh
        import ingestion.loading.load

        summary, db = warehouse
        before = snapshot(db)
        real_write_raw = ingestion.loading.load.write_raw

        def corrupting_write_raw(db_url, parsed, run_id, *args, **kwargs):
            parsed = list(parsed)
            fact = next(f for p in parsed for f in p.facts)
            fact.evidence = "篡改" + fact.evidence  # no longer text[char_start:char_end]
            return real_write_raw(db_url, parsed, run_id, *args, **kwargs)

        monkeypatch.setattr(ingestion.loading.load, "write_raw", corrupting_write_raw)
        run_id = "test-blocking-failure"
        with pytest.raises(Exception) as info:
            # full: the corpus is unchanged, so an incremental run would not load anything
            refresh(sources=[str(small_corpus)], db=str(db), run_id=run_id, full=True)
        message = str(info.value)
        assert "raw.facts" in message and "expect_" in message, message

        assert snapshot(db) == before, "the published marts changed"
        rows = query(db, "SELECT state, message FROM ops.runs WHERE run_id = ?", [run_id])
        assert rows and rows[0][0] == "failed"
        assert "raw.facts" in rows[0][1]
        failed_checks = query(
            db,
            "SELECT table_name, expectation FROM ops.dq_results "
            "WHERE run_id = ? AND NOT success AND blocking",
            [run_id],
        )
        assert any(t == "raw.facts" for t, _ in failed_checks), failed_checks
        # the earlier successful run's history is still there
        assert query(db, "SELECT state FROM ops.runs WHERE run_id = ?", [summary.run_id]) == [
            ("succeeded",)
        ]
        # raw is the previous run's too (the corrupted load was never published)
        assert query(db, "SELECT DISTINCT run_id FROM raw.facts") == [(summary.run_id,)]

    def test_second_refresh_exits_at_once_while_one_runs(self, warehouse, small_corpus):
        from flows.refresh import refresh

        _, db = warehouse
        with refresh_lock(db.parent / ".refresh.lock", owner="someone-else"):
            with pytest.raises(RefreshLocked, match="another refresh is already running"):
                refresh(sources=[str(small_corpus)], db=str(db))


# ------------------------------------------------------------------------- tasks through .fn()


def test_read_and_extract_quarantines_a_bad_file(tmp_path, corpus_dir, monkeypatch):
    import ingestion.pipeline
    from ingestion.parse_stage import parse_sources

    good = tmp_path / SAMPLE_FILES[0]
    shutil.copy(corpus_dir / SAMPLE_FILES[0], good)
    bad = tmp_path / "bad.txt"
    bad.write_text("whatever", encoding="utf-8")
    real = ingestion.pipeline.parse_path

    def parse_path(path, *args, **kwargs):
        if Path(path).name == "bad.txt":
            raise UnicodeDecodeError("gb18030", b"\xff", 0, 1, "cannot decode")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(ingestion.pipeline, "parse_path", parse_path)
    batch = parse_sources([bad, good])
    assert batch.documents >= 1 and batch.facts > 0
    assert [e.file for e in batch.errors] == [str(bad)]
    assert "UnicodeDecodeError" in batch.errors[0].reason


def test_read_and_extract_fails_when_nothing_parses(tmp_path, monkeypatch):
    import ingestion.pipeline
    from ingestion.parse_stage import parse_sources
    from ingestion.sources.discover import NoInputError

    def parse_path(path, *args, **kwargs):
        raise ValueError("broken")

    monkeypatch.setattr(ingestion.pipeline, "parse_path", parse_path)
    with pytest.raises(NoInputError):
        parse_sources([tmp_path / "a.txt"])


# ------------------------------------------------------------------------- write-audit-publish


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
        assert build.name == published.name and build.parent.name == "r1"
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
