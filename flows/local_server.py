"""A local Prefect API server kept running for the user (`gwr server start|stop|status`).

Without PREFECT_API_URL every flow run starts a temporary Prefect server of its own (10-20 s each
time, README). With this server running, `gwr refresh` (and `gwr serve`) use it: a refresh with
nothing changed then takes a few seconds, and the runs show in its UI.

The server is `prefect server start` on 127.0.0.1, in a session of its own (so it outlives the
command that started it), with its log and a small state file (pid, URL) in PREFECT_HOME
(default ~/.prefect): `gwr-server.json`, `gwr-server.log`. It is found again through that file, and
only a process that is still that server (same pid, a `prefect server start` command line, an API
that answers) counts as running.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from contracts.settings import quiet_telemetry

DEFAULT_PORT = 4200
STARTUP_SECONDS = 180.0  # a loaded 2-core machine needs 10-30 s; never give up on a slow start


@dataclass(frozen=True)
class ServerState:
    pid: int
    api_url: str
    ui_url: str
    log_path: str
    started: float

    @property
    def uptime(self) -> float:
        return time.time() - self.started


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def state_path() -> Path:
    return prefect_home() / "gwr-server.json"


def _is_server_process(pid: int) -> bool:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"server" in cmd and b"start" in cmd


def api_answers(api_url: str, timeout: float = 1.0) -> bool:
    try:
        return httpx.get(api_url.rstrip("/") + "/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def recorded() -> ServerState | None:
    """The server recorded in the state file when its process is still alive (else None)."""
    try:
        state = ServerState(**json.loads(state_path().read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return state if _is_server_process(state.pid) else None


def running_api_url() -> str | None:
    """The API URL of the gwr-started server when it runs and answers, else None."""
    state = recorded()
    return state.api_url if state and api_answers(state.api_url) else None


def start(port: int = DEFAULT_PORT, host: str = "127.0.0.1", timeout: float = STARTUP_SECONDS) -> ServerState:
    """Start the server (or return the running one) and wait until its API answers."""
    state = recorded()
    if state:
        return state
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "gwr-server.log"
    env = dict(os.environ)
    quiet_telemetry(env)
    env.pop("PREFECT_API_URL", None)  # the server must not talk to another one
    api_url = f"http://{host}:{port}/api"
    if api_answers(api_url):
        raise RuntimeError(f"something else already answers on {api_url}; choose another --port")
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )
    state = ServerState(proc.pid, api_url, f"http://{host}:{port}", str(log_path), time.time())
    deadline = time.monotonic() + timeout
    while not api_answers(api_url):
        if proc.poll() is not None:
            raise RuntimeError(f"the Prefect server exited ({proc.returncode}) while starting; see {log_path}")
        if time.monotonic() > deadline:
            _stop_pid(proc.pid)
            raise RuntimeError(f"the Prefect server did not answer within {timeout:.0f} s; see {log_path}")
        time.sleep(0.5)
    state_path().write_text(json.dumps(asdict(state)), encoding="utf-8")
    return state


def _stop_pid(pid: int, timeout: float = 30.0) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)  # the server and its uvicorn child: a session of their own
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.waitpid(pid, os.WNOHANG)  # reap it when it is our child
            except ChildProcessError:
                pass
            if not _is_server_process(pid):
                return
            time.sleep(0.2)


def stop() -> ServerState | None:
    """Stop the recorded server; returns what was stopped (None when none was running)."""
    state = recorded()
    if state:
        _stop_pid(state.pid)
    try:
        state_path().unlink()
    except FileNotFoundError:
        pass
    return state
