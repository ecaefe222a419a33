"""`gwr server start|stop|status`: a real local Prefect server that `gwr refresh` finds by itself
(no PREFECT_API_URL set), so that no refresh starts a temporary server of its own."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
from _prefect_server import GWR, _base_env, free_port


def _gwr(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([GWR, *args], env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def test_refresh_uses_the_started_server_until_it_is_stopped(tmp_path: Path, small_corpus: Path):
    env = _base_env(tmp_path / "prefect-home")  # no PREFECT_API_URL: only the state file tells
    port = free_port()
    assert _gwr(["server", "status"], env).returncode == 1
    started = _gwr(["server", "start", "--port", str(port)], env)
    try:
        assert started.returncode == 0, started.stderr
        api = f"http://127.0.0.1:{port}/api"
        assert api in started.stdout
        status = _gwr(["server", "status"], env)
        assert status.returncode == 0 and "answering" in status.stdout, status.stdout
        assert "already running" in _gwr(["server", "start", "--port", str(port)], env).stdout

        db = tmp_path / "w" / "gwr.duckdb"
        for _ in range(2):  # cold, then nothing changed
            run = _gwr(["refresh", "--db", str(db), "--source", str(small_corpus)], env)
            assert run.returncode == 0, run.stderr[-3000:]
        assert "nothing changed" in run.stderr or "skipped" in run.stdout
        assert f"127.0.0.1:{port}" in run.stderr  # the run's link points into this server's UI
        runs = httpx.post(f"{api}/flow_runs/filter", json={}, timeout=30).json()
        refreshes = [r for r in runs if r["state_type"] == "COMPLETED"]
        assert len(refreshes) >= 2, runs
    finally:
        stopped = _gwr(["server", "stop"], env)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert _gwr(["server", "status"], env).returncode == 1
    pid = int(started.stdout.split("pid ")[1].split(",")[0])
    assert not Path(f"/proc/{pid}").exists() or b"server" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    assert not (tmp_path / "prefect-home" / "gwr-server.json").exists()
    assert "PREFECT_API_URL" not in os.environ or os.environ["PREFECT_API_URL"] != f"http://127.0.0.1:{port}/api"
