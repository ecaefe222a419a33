"""The refresh flow end to end on part of the real corpus (the shared small warehouse: two sample
reports), checking facts a person can verify in the text of sample_corpus/000_500ad30c4c1f596f.txt
(咸宁市, 2022 三季度进展通报): "1.地区生产总值增长8%左右。1-9月,……比上年同期增长4.4%,全省排名第13位。"
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from _warehouse import query, snapshot

from flows.publish import RefreshLocked, refresh_lock


@pytest.fixture(scope="module")
def warehouse(small_warehouse):
    """(summary, published db path) of the shared small warehouse."""
    return small_warehouse


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
        # escalation needs the reports of two levels (a city's and its province's): none here
        empty = [t for t, rows in marts.items() if not rows and t != "marts.fct_target_escalation"]
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

    def test_blocking_check_failure_publishes_nothing(self, warehouse, small_corpus, monkeypatch, tmp_path):
        from flows.refresh import refresh
        import ingestion.loading.load

        summary, shared = warehouse
        db = tmp_path / shared.name  # a copy: the shared warehouse stays as built
        shutil.copy(shared, db)
        before = snapshot(db)
        real_write_raw = ingestion.loading.load.write_raw

        def corrupting_write_raw(db_url, parsed, run_id, *args, **kwargs):
            counts = real_write_raw(db_url, parsed, run_id, *args, **kwargs)
            con = duckdb.connect(db_url.removeprefix("duckdb:///"))
            try:  # one fact's evidence no longer text[char_start:char_end]
                con.execute("UPDATE raw.facts SET evidence = '篡改' || evidence "
                            "WHERE fact_id = (SELECT min(fact_id) FROM raw.facts)")
            finally:
                con.close()
            return counts

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
