"""The nightly schedule, live: a real Prefect server's scheduler starts a real refresh.

`prefect server start` (own PREFECT_HOME, 127.0.0.1, a free port) and `gwr serve` with an
every-minute cron on one real report; the test waits for the server's scheduler to create a run
(auto-scheduled, not a manual one), for the runner to execute it, and checks that the run completed,
that the warehouse was published (queried with duckdb) and that the server logged no scheduler
error (issue 14: with SQLAlchemy 2.1 every tick failed with "Can't evaluate bulk DML statement").

Wall time: up to a minute until the next tick, plus the refresh (about 30 s): 1.5-3 min.
Select it with `pytest -m integration`.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from _prefect_server import prefect_server, start_gwr, stop_process

pytestmark = pytest.mark.integration

REPORT = "000_500ad30c4c1f596f.txt"  # 咸宁市 2022 progress notice: targets, actuals and rankings
DEPLOYMENT = "live-schedule"
RUN_DEADLINE_SECONDS = 420  # next minute tick (≤ 60 s) + runner poll (10 s) + the refresh
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
SCHEDULER_ERROR = re.compile(r"ERROR .*schedule", re.IGNORECASE)  # docket's schedule_*deployments
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def _runs(server, deployment_id: str) -> list[dict]:
    res = server.post("/flow_runs/filter", {
        "deployments": {"id": {"any_": [deployment_id]}}, "sort": "EXPECTED_START_TIME_ASC",
    })
    res.raise_for_status()
    return res.json()


def _deployment_id(server, serve_proc, serve_log: Path) -> str:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert serve_proc.poll() is None, f"gwr serve exited early:\n{serve_log.read_text()[-4000:]}"
        res = server.get(f"/deployments/name/refresh/{DEPLOYMENT}")
        if res.status_code == 200:
            return res.json()["id"]
        time.sleep(1)
    raise AssertionError(f"deployment never registered:\n{serve_log.read_text()[-4000:]}")


def test_the_scheduler_starts_a_refresh_that_publishes(tmp_path, corpus_dir):
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(corpus_dir / REPORT, reports / REPORT)
    db = tmp_path / "warehouse" / "gwr.duckdb"
    serve_log = tmp_path / "serve.log"

    with prefect_server(tmp_path / "prefect") as server:
        serve = start_gwr(
            ["serve", "--source", str(reports), "--db", str(db), "--cron", "* * * * *",
             "--timezone", "UTC", "--name", DEPLOYMENT],
            server.client_env(), serve_log, cwd=tmp_path,
        )
        try:
            deployment_id = _deployment_id(server, serve, serve_log)
            run = None
            deadline = time.monotonic() + RUN_DEADLINE_SECONDS
            while time.monotonic() < deadline:
                assert serve.poll() is None, f"gwr serve exited:\n{serve_log.read_text()[-4000:]}"
                failing = SCHEDULER_ERROR.search(server.log())
                assert not failing, f"the scheduler fails:\n{server.log()[failing.start():][:4000]}"
                done = [r for r in _runs(server, deployment_id) if r["state_type"] in TERMINAL]
                if done:
                    run = done[0]
                    break
                time.sleep(3)
            stopped_at = time.monotonic()
            rc = stop_process(serve)
            stop_seconds = time.monotonic() - stopped_at
        finally:
            stop_process(serve, grace=5)
        server_log = server.log()

    serve_out = serve_log.read_text(encoding="utf-8", errors="replace")
    assert run is not None, (
        f"no run finished within {RUN_DEADLINE_SECONDS} s\n--- server log ---\n{server_log[-6000:]}"
        f"\n--- gwr serve ---\n{serve_out[-4000:]}"
    )
    record = {k: run[k] for k in ("name", "state_type", "state_name", "auto_scheduled",
                                  "expected_start_time", "start_time", "end_time", "parameters")}
    print("scheduled run:", json.dumps(record, ensure_ascii=False))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "schedule-live-run.json").write_text(json.dumps(record, ensure_ascii=False, indent=2))

    # the scheduler made it (not a manual `prefect deployment run`), and it completed
    assert run["auto_scheduled"] is True, record
    assert run["state_type"] == "COMPLETED", f"{record}\n--- gwr serve ---\n{serve_out[-6000:]}"
    assert run["parameters"]["db"] == str(db) and run["parameters"]["sources"] == [str(reports)]

    # the run published the warehouse: real marts from the one report
    con = duckdb.connect(str(db), read_only=True)
    try:
        # the first run is the one waited for (on a slow machine the next minute's run may have
        # started before serve was stopped, and that one ends as failed by the stop)
        state, parsed = con.execute(
            "SELECT state, documents_parsed FROM ops.runs ORDER BY started LIMIT 1").fetchone()
        gdp = con.execute(
            "SELECT value, comparator FROM marts.fct_targets WHERE region = '咸宁市' AND year = 2022 "
            "AND indicator = 'gdp' AND measure = 'growth_pct'").fetchall()
        rank = con.execute(
            "SELECT rank FROM marts.fct_rankings WHERE region = '咸宁市' AND indicator = 'gdp' "
            "AND measure = 'growth_pct'").fetchall()
    finally:
        con.close()
    assert state == "succeeded" and parsed >= 1
    assert gdp == [(8.0, "approx")]
    assert (13,) in rank

    # the server's scheduler ran without errors, and nothing was logged about telemetry
    errors = [line for line in server_log.splitlines() if re.search(r"\bERROR\b", line)]
    assert not errors, "\n".join(errors[:20])
    assert "Can't evaluate bulk DML" not in server_log
    assert "telemetry" not in server_log.lower()

    # gwr serve stopped cleanly on SIGTERM
    assert rc == 0 and stop_seconds < 15, (rc, stop_seconds, serve_out[-3000:])
    assert "was never awaited" not in serve_out
