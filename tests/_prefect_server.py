"""A real Prefect API server for integration tests, and `gwr serve` processes to talk to it.

    with prefect_server(tmp_path / "prefect") as server:      # `prefect server start`, own home
        proc = start_gwr(["serve", ...], server.client_env(), log)
        ...
        stop_process(proc)                                      # SIGTERM, then SIGKILL

Every process is started in a session of its own and stopped with its whole process group at the
end, whatever happened in between. The server runs on 127.0.0.1 on a free port with its own
PREFECT_HOME (SQLite database, settings), telemetry off, so tests never meet another Prefect.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx

from contracts.settings import quiet_telemetry

GWR = str(Path(sys.executable).with_name("gwr"))
PREFECT = str(Path(sys.executable).with_name("prefect"))
STARTUP_SECONDS = 180  # a loaded 2-core CI machine needs far less, but never fail on a slow start


@dataclass
class PrefectServer:
    api_url: str
    home: Path
    log_path: Path
    process: subprocess.Popen

    def client_env(self, **extra: str) -> dict[str, str]:
        """The environment of a process that uses this server (gwr serve, its flow runs)."""
        env = _base_env(self.home)
        env["PREFECT_API_URL"] = self.api_url
        env.update(extra)
        return env

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.api_url + path, timeout=30)

    def post(self, path: str, body: dict) -> httpx.Response:
        return httpx.post(self.api_url + path, json=body, timeout=30)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _base_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    quiet_telemetry(env)
    env.update(PREFECT_HOME=str(home), PREFECT_UI_ENABLED="false", PYTHONUNBUFFERED="1")
    return env


@contextmanager
def prefect_server(home: Path) -> Iterator[PrefectServer]:
    """`prefect server start` on a free port of 127.0.0.1; stopped (with its children) on exit."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = home / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=_base_env(home), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = PrefectServer(f"http://127.0.0.1:{port}/api", home, log_path, proc)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"prefect server exited with {proc.returncode}:\n{server.log()[-3000:]}")
            try:
                if server.get("/health").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"prefect server not up after {STARTUP_SECONDS} s:\n{server.log()[-3000:]}")
            time.sleep(0.5)
        yield server
    finally:
        stop_process(proc)


def start_gwr(args: list[str], env: dict[str, str], log_path: Path, cwd: Path | None = None) -> subprocess.Popen:
    """`gwr ARGS` in a session of its own, stdout and stderr into `log_path`."""
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            [GWR, *args], env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )


def stop_process(proc: subprocess.Popen, sig: int = signal.SIGTERM, grace: float = 20) -> int | None:
    """Send `sig` to the process's group, wait up to `grace` s, then SIGKILL the group."""
    if proc.poll() is None:
        _signal_group(proc, sig)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    _signal_group(proc, signal.SIGKILL)  # children left behind (flow runs), if any
    try:
        return proc.wait(10)
    except subprocess.TimeoutExpired:  # pragma: no cover
        return None


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
