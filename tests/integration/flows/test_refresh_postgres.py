"""The shared PostgreSQL warehouse, on a real PostgreSQL server started here (tests/_postgres_server.py;
.ci/run installs Debian's `postgresql`): the whole refresh of the bundled corpus into it, its marts
equal to the DuckDB build's, the read-only role of `gwr sql`, and the atomic swap of the schemas.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import threading
import time
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from _postgres_server import postgres_bin_dir, postgres_server
from click.testing import CliRunner

from flows import postgres as pg

MARTS = ("dim_document", "dim_indicator", "dim_region", "fct_actuals", "fct_panel", "fct_rankings",
         "fct_target_attainment", "fct_target_escalation", "fct_targets")

if postgres_bin_dir() is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must have PostgreSQL (.ci/run installs Debian's postgresql)")
    pytest.skip("PostgreSQL's initdb is not installed here (apt-get install postgresql)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def pg_url(tmp_path_factory):
    with postgres_server(tmp_path_factory.mktemp("pg")) as server:
        yield server.create_database("gwr")


@pytest.fixture(scope="module")
def pg_refresh(pg_url, corpus_dir, tmp_path_factory, prefect_harness):
    """The bundled corpus refreshed into PostgreSQL: (summary, url)."""
    from flows.refresh import refresh

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GWR_PG_URL", pg_url)
        summary = refresh(sources=[str(corpus_dir)], db=str(tmp_path_factory.mktemp("pg-local") / "gwr.duckdb"),
                          target="postgres")
    return summary, pg_url


@pytest.fixture(scope="module")
def duck_refresh(corpus_dir, tmp_path_factory, prefect_harness):
    from flows.refresh import refresh

    db = tmp_path_factory.mktemp("duck") / "gwr.duckdb"
    return refresh(sources=[str(corpus_dir)], db=str(db)), db


def _normal(value):
    """One comparable form for a cell read from either database."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, decimal.Decimal):
        return round(float(value), 9)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _rows(rows) -> list[tuple]:
    return sorted((tuple(_normal(v) for v in r) for r in rows), key=repr)


def test_refresh_into_postgres_publishes_checked_marts(pg_refresh):
    summary, url = pg_refresh
    # the bundled corpus: 20 city reports and 6 provincial work-report excerpts
    assert summary.documents == 26 and summary.facts > 1000
    assert summary.checks_failed == 0 and {c.stage for c in summary.checks} == {"raw", "marts"}
    assert summary.dbt_by_type.get("model") and summary.dbt_by_type.get("test")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            schemas = {r[0] for r in conn.execute(sa.text("SELECT nspname FROM pg_namespace"))}
            counts = {t: conn.execute(sa.text(f"SELECT count(*) FROM marts.{t}")).scalar_one() for t in MARTS}
    finally:
        engine.dispose()
    assert {"raw", "seeds", "staging", "intermediate", "marts"} <= schemas
    assert not {s for s in schemas if s.endswith(("__build", "__old"))}, "build schemas left behind"
    assert counts == summary.mart_rows and all(counts.values())


def test_postgres_marts_equal_duckdb_marts(pg_refresh, duck_refresh):
    _, url = pg_refresh
    _, db = duck_refresh
    engine = sa.create_engine(url)
    con = duckdb.connect(str(db), read_only=True)
    try:
        with engine.connect() as conn:
            for table in MARTS:
                pg_cols = [r[0] for r in conn.execute(sa.text(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' "
                    "AND table_name = :t ORDER BY ordinal_position"), {"t": table})]
                duck_cols = [r[0] for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' "
                    "AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()]
                assert pg_cols == duck_cols, table
                cols = ", ".join(f'"{c}"' for c in pg_cols if c not in ("run_id", "loaded_at"))
                pg_rows = _rows(conn.execute(sa.text(f"SELECT {cols} FROM marts.{table}")))
                duck_rows = _rows(con.execute(f"SELECT {cols} FROM marts.{table}").fetchall())
                assert len(pg_rows) == len(duck_rows) > 0, table
                assert pg_rows == duck_rows, table
    finally:
        con.close()
        engine.dispose()


def test_gwr_sql_reads_postgres_as_read_only_role(pg_refresh, monkeypatch):
    from gwr.cli import cli as main

    _, url = pg_refresh
    monkeypatch.setenv("GWR_PG_URL", url)
    monkeypatch.delenv("GWR_PG_READ_URL", raising=False)
    runner = CliRunner()
    ok = runner.invoke(main, ["sql", "--target", "postgres", "--format", "csv",
                              "select current_user, count(*) from marts.fct_targets"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines()[1].startswith("gwr_reader,")
    for stmt in ("delete from marts.fct_targets", "create table marts.scratch (a int)",
                 "set transaction read write; delete from marts.fct_targets"):
        refused = runner.invoke(main, ["sql", "--target", "postgres", stmt])
        assert refused.exit_code == 1, stmt
        assert "read-only" in refused.output or "permission denied" in refused.output, refused.output
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM marts.fct_targets")).scalar_one() > 0
    finally:
        engine.dispose()


def test_publication_is_one_swap_readers_never_see_a_half_built_mart(pg_refresh):
    """A reader inside a transaction keeps seeing the old marts while a publication waits for it;
    after the swap a new reader sees the whole new build; a build missing a schema publishes
    nothing."""
    _, url = pg_refresh
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:  # a "new build": the published schemas copied, one table changed
            pg.drop_build_schemas(engine)
            for s in ("raw", "seeds", "staging", "intermediate", "marts"):
                conn.execute(sa.text(f"CREATE SCHEMA {s}__build"))
            for t in MARTS:
                conn.execute(sa.text(f"CREATE TABLE marts__build.{t} AS SELECT * FROM marts.{t}"))
            conn.execute(sa.text("DELETE FROM marts__build.fct_targets WHERE year % 2 = 0"))
            new_targets = conn.execute(sa.text("SELECT count(*) FROM marts__build.fct_targets")).scalar_one()
        with engine.connect() as reader:
            reader.execute(sa.text("BEGIN ISOLATION LEVEL REPEATABLE READ"))
            old_targets = reader.execute(sa.text("SELECT count(*) FROM marts.fct_targets")).scalar_one()
            assert old_targets > new_targets
            done = threading.Event()
            publisher = threading.Thread(target=lambda: (pg.publish_schemas(engine, "gwr_reader"), done.set()))
            publisher.start()
            time.sleep(1.5)
            assert not done.is_set(), "the swap must wait for the open reader"
            assert reader.execute(sa.text("SELECT count(*) FROM marts.fct_targets")).scalar_one() == old_targets
            reader.execute(sa.text("COMMIT"))
            publisher.join(60)
            assert done.is_set()
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM marts.fct_targets")).scalar_one() == new_targets
            # a build that lacks a schema is refused whole: nothing published, nothing renamed
            conn.execute(sa.text("CREATE SCHEMA marts__build"))
            conn.commit()
        with pytest.raises(RuntimeError, match="was not built"):
            pg.publish_schemas(engine, "gwr_reader")
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM marts.fct_targets")).scalar_one() == new_targets
            schemas = {r[0] for r in conn.execute(sa.text("SELECT nspname FROM pg_namespace"))}
            assert "marts__build" in schemas and "marts__old" not in schemas
    finally:
        pg.drop_build_schemas(engine)
        engine.dispose()
