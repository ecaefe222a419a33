"""flows.serve and `gwr serve` as a user meets it: the deployment it builds; a real process, real
signals, a real Prefect server.

- It fails fast, before touching Prefect, naming every source that does not exist, a manifest it
  cannot use and a warehouse folder it cannot write, and an API that does not answer (exit 2).
- Ctrl-C (SIGINT to the process group, as a terminal sends it) and SIGTERM (to the process, as
  `kill` sends it) stop it within seconds, with the API server up (the schedule is then paused)
  or already gone, and never with a "coroutine ... was never awaited" warning.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from _documents import CORPUS
from _prefect_server import GWR, free_port, prefect_server, start_gwr, stop_process

REPORT = "000_500ad30c4c1f596f.txt"
STOP_SECONDS = 12  # the grace period (5 s), the watchdog's margin (5 s), and a bit


def _gwr_serve(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([GWR, "serve", *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)


def test_serve_names_every_problem_before_starting(tmp_path, corpus_dir):
    bad_manifest = tmp_path / "sources.yaml"
    bad_manifest.write_text("documents:\n  - region: 咸宁市\n", encoding="utf-8")  # no path/url
    not_a_folder = tmp_path / "plain-file"
    not_a_folder.write_text("x")
    env = {**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api"}  # nobody there
    res = _gwr_serve([
        "--source", str(tmp_path / "no-such-folder"), "--source", str(corpus_dir / REPORT),
        "--source", str(bad_manifest), "--source", "https://www.example.gov.cn/report.html",
        "--db", str(not_a_folder / "warehouse" / "gwr.duckdb"),
    ], env, tmp_path)
    out = res.stderr
    assert res.returncode == 2, (res.returncode, res.stdout, out)
    assert "cannot serve the nightly refresh" in out
    assert f"source {tmp_path / 'no-such-folder'}: source not found" in out
    assert f"source {bad_manifest}: manifest {bad_manifest}, entry 1: needs 'path' or 'url'" in out
    assert f"warehouse folder {not_a_folder / 'warehouse'}: not writable" in out
    assert "does not answer" in out and "prefect server start" in out
    assert str(corpus_dir / REPORT) not in out and "example.gov.cn" not in out  # those are fine
    assert "Traceback" not in out


def test_serve_without_an_api_says_how_to_get_one(tmp_path, corpus_dir):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")  # no profile with an API URL either
    res = _gwr_serve(["--source", str(corpus_dir / REPORT), "--db", str(tmp_path / "wh" / "gwr.duckdb")],
                     env, tmp_path)
    assert res.returncode == 2, res.stderr
    assert "no Prefect API to serve to" in res.stderr and "PREFECT_API_URL" in res.stderr


def _start_serving(server, tmp_path: Path, corpus_dir: Path, name: str) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / f"{name}.log"
    proc = start_gwr(
        ["serve", "--source", str(corpus_dir / REPORT), "--db", str(tmp_path / "wh" / "gwr.duckdb"),
         "--name", name], server.client_env(), log, cwd=tmp_path,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        if server.get(f"/deployments/name/refresh/{name}").status_code == 200:
            time.sleep(2)  # the runner starts polling right after registering
            return proc, log
        time.sleep(0.5)
    stop_process(proc)
    raise AssertionError(f"gwr serve never registered its deployment:\n{log.read_text()}")


def _signal(proc: subprocess.Popen, sig: int) -> None:
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)  # Ctrl-C: the terminal signals the whole foreground group
    else:
        os.kill(proc.pid, sig)  # kill PID


def _wait_stopped(proc: subprocess.Popen, log: Path) -> tuple[int, float, str]:
    t = time.monotonic()
    try:
        rc = proc.wait(STOP_SECONDS + 15)
    finally:
        stop_process(proc, grace=1)
    took = time.monotonic() - t
    return rc, took, log.read_text(encoding="utf-8", errors="replace")


@pytest.mark.integration
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_stops_cleanly_and_pauses_its_schedule(tmp_path, corpus_dir, sig):
    name = f"stop-{sig.name.lower()}"
    with prefect_server(tmp_path / "prefect") as server:
        proc, log = _start_serving(server, tmp_path, corpus_dir, name)
        assert server.get(f"/deployments/name/refresh/{name}").json()["paused"] is False
        _signal(proc, sig)
        rc, took, out = _wait_stopped(proc, log)
        paused = server.get(f"/deployments/name/refresh/{name}").json()["paused"]
    assert rc == 0 and took < STOP_SECONDS, (rc, took, out)
    assert f"stopped ({sig.name})" in out and "is paused until the next `gwr serve`" in out, out
    assert paused is True
    assert "was never awaited" not in out and "Traceback" not in out, out


@pytest.mark.integration
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_stops_within_seconds_when_the_api_server_is_gone(tmp_path, corpus_dir, sig):
    with prefect_server(tmp_path / "prefect") as server:
        proc, log = _start_serving(server, tmp_path, corpus_dir, "orphan")
        stop_process(server.process, signal.SIGKILL)
    try:
        time.sleep(3)  # a poll or two against the dead API
        _signal(proc, sig)
        rc, took, out = _wait_stopped(proc, log)
    finally:
        stop_process(proc, grace=1)
    assert rc == 0 and took < STOP_SECONDS, (rc, took, out)
    assert f"stopped ({sig.name})" in out and "could not be paused" in out, out
    assert "was never awaited" not in out, out


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
