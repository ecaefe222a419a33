"""flows.serve: the refresh flow as a Prefect deployment on a cron schedule (built, not served)."""

from __future__ import annotations

from _documents import CORPUS


def test_serve_help_and_schedule():
    from click.testing import CliRunner

    from gwr.cli import cli
    from flows.serve import build_deployment

    res = CliRunner().invoke(cli, ["serve", "--help"])
    assert res.exit_code == 0 and "--cron" in res.output and "Asia/Shanghai" in res.output
    d = build_deployment(sources=[str(CORPUS)], db="/tmp/gwr-serve-test/gwr.duckdb")
    sched = d.schedules[0].schedule
    assert (sched.cron, sched.timezone) == ("0 2 * * *", "Asia/Shanghai")
    assert d.parameters["db"] == "/tmp/gwr-serve-test/gwr.duckdb" and d.parameters["wait"] is True
    assert d.parameters["sources"] == [str(CORPUS)]
    assert d.entrypoint == "flows.refresh.refresh"
    d = build_deployment(cron="30 3 * * 1-5", timezone="Europe/Berlin")
    assert (d.schedules[0].schedule.cron, d.schedules[0].schedule.timezone) == ("30 3 * * 1-5", "Europe/Berlin")
    res = CliRunner().invoke(cli, ["serve", "--timezone", "Mars/Olympus"])
    assert res.exit_code == 2 and "unknown time zone" in res.output
