"""`gwr serve`: the refresh flow as a Prefect deployment with a cron schedule.

    problems = check_serve_inputs(sources, db_path)    # fail fast, before any Prefect call
    deployment = build_deployment(cron="0 2 * * *", timezone="Asia/Shanghai", sources=[...])
    serve_until_stopped(deployment)  # blocks until Ctrl-C / SIGTERM; needs PREFECT_API_URL

`build_deployment` only builds the RunnerDeployment object (no API call), so it can be checked
without serving anything.

Why not `prefect.serve`: its SIGTERM handler (Prefect 3.8.8) calls the runner's async `stop()`
from a signal handler, which only creates a coroutine that is never awaited, and its shutdown
pauses the schedule through the API with retries, so with the API server gone it hangs. Here both
signals set an event, the runner is stopped and awaited, and the whole shutdown is bounded.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_NAME = "nightly-refresh"


class ScheduleError(ValueError):
    """A cron expression or time zone that cannot be used."""


def check_schedule(cron: str, timezone: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from cronsim import CronSim, CronSimError
    import datetime as dt

    try:
        CronSim(cron, dt.datetime(2026, 1, 1))
    except CronSimError as e:
        raise ScheduleError(f"not a cron expression: {cron!r} ({e})") from None
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"unknown time zone: {timezone!r} (use an IANA name such as Asia/Shanghai)") from None


def build_deployment(
    *,
    sources: list[str] | None = None,
    db: str | None = None,
    cron: str = DEFAULT_CRON,
    timezone: str = DEFAULT_TIMEZONE,
    name: str = DEFAULT_NAME,
    max_bytes: str | int | None = None,
    full: bool = False,
) -> Any:
    """The `refresh` flow as a RunnerDeployment on `cron` in `timezone`.

    Parameters are fixed at build time: the warehouse path is made absolute, sources default to
    $GWR_SOURCE / the sample corpus as `gwr refresh` would, and `wait=True` so that a tick that
    finds a refresh running queues behind it instead of failing.
    """
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.refresh import refresh
    from ingestion.sources.discover import is_url
    from contracts.settings import load_settings

    check_schedule(cron, timezone)
    settings = load_settings(db=db, sources=sources, max_bytes=max_bytes)
    parameters: dict[str, Any] = {
        "sources": [s if is_url(s) else str(Path(s).expanduser().absolute()) for s in settings.sources],
        "db": str(settings.db_path),
        "wait": True,
        "full": bool(full),
        "max_bytes": settings.max_bytes,
    }
    return refresh.to_deployment(
        name=name,
        schedules=[Cron(cron, timezone=timezone)],
        parameters=parameters,
        description=(
            f"GWR Warehouse refresh of {settings.db_path} on '{cron}' ({timezone}): incremental, "
            "quarantines bad input, publishes atomically."
        ),
        tags=["gwr", "nightly"],
        enforce_parameter_schema=False,
        # the installed module, not a file path: runs load it whatever the runner's cwd
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


# ------------------------------------------------------------------------------------ fail fast


def check_serve_inputs(sources: list[str], db_path: Path) -> list[str]:
    """What would make every scheduled run fail, found now: one message per problem (empty: ok).

    Every source must exist (a glob must match), a manifest must be readable and valid, a URL is
    taken as it is (it is fetched at run time); the warehouse folder must be a folder this user
    can create files in (probed by creating one, which also works for root and read-only mounts).
    """
    from ingestion.sources.discover import ManifestError, expand_sources

    problems: list[str] = []
    for src in sources:
        try:
            expand_sources([src])
        except (FileNotFoundError, ManifestError) as e:
            problems.append(f"source {src}: {e}")
        except OSError as e:  # a manifest or folder that cannot be read
            problems.append(f"source {src}: cannot be read ({e.strerror or e})")
    folder = Path(db_path).parent
    if Path(db_path).is_dir():
        problems.append(f"warehouse {db_path}: is a folder; --db names the DuckDB file, e.g. {Path(db_path) / 'gwr.duckdb'}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".gwr-serve-probe-"):
            pass
    except OSError as e:
        problems.append(f"warehouse folder {folder}: not writable ({e.strerror or e})")
    return problems


def next_run(cron: str, timezone: str) -> str:
    """The next tick of `cron` in `timezone`, for the start message ("2026-11-25 02:00 CST")."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from cronsim import CronSim

    now = dt.datetime.now(ZoneInfo(timezone)).replace(second=0, microsecond=0)
    return next(CronSim(cron, now)).strftime("%Y-%m-%d %H:%M %Z")


def prefect_api_problem() -> str | None:
    """None when a Prefect API is configured and answers; else what to do about it."""
    import httpx
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        return (
            "no Prefect API to serve to: start one with `prefect server start` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api (or `prefect config set PREFECT_API_URL=...`)"
        )
    try:
        httpx.get(url.rstrip("/") + "/health", timeout=10).raise_for_status()
    except httpx.HTTPError as e:
        return f"the Prefect API at {url} does not answer ({type(e).__name__}: {e}); is `prefect server start` running?"
    return None


# ---------------------------------------------------------------------------------------- serve


@dataclass
class ServeOutcome:
    """How serving ended: the signal that stopped it (None: the runner ended by itself)."""

    signal_name: str | None
    schedule_paused: bool


def serve_until_stopped(
    deployment: Any, *, grace_seconds: float = 5.0, say: Callable[[str], None] = print,
) -> ServeOutcome:
    """Register `deployment` and run its schedule until SIGINT or SIGTERM.

    On a signal the runner stops polling and cancels a run in progress (the refresh publishes
    atomically, so nothing half-built is left), then pauses the schedule so that the server does
    not pile up runs nobody executes. All of that gets `grace_seconds`; after that (the API
    server is gone) the process leaves without pausing, and a watchdog makes sure it does.
    """
    return asyncio.run(_serve(deployment, grace_seconds, say))


async def _serve(deployment: Any, grace_seconds: float, say: Callable[[str], None]) -> ServeOutcome:
    from prefect.runner import Runner

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    received: list[str] = []

    def on_signal(signum: int) -> None:
        if received:  # a second signal (or the same one through both handlers): already stopping
            return
        received.append(signal.Signals(signum).name)
        _start_watchdog(grace_seconds + 5, say)
        stop.set()

    runner = Runner(name=f"gwr-serve-{deployment.name}", pause_on_shutdown=True)
    # Runner.start() installs its own SIGTERM handler (see the module docstring) over the loop's;
    # make it ours. (The loop may still see the signal through its wakeup fd: on_signal is idempotent.)
    runner.handle_sigterm = lambda *_: loop.call_soon_threadsafe(on_signal, signal.SIGTERM)
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal, sig)

    await runner.aadd_deployment(deployment)
    if stop.is_set():  # stopped while registering: nothing runs yet, nothing to pause
        return ServeOutcome(received[0], False)
    serving = asyncio.ensure_future(runner.start())
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not stop.is_set():  # the runner ended on its own: report its error, if any
        stopping.cancel()
        serving.result()
        return ServeOutcome(None, False)

    say(f"gwr serve: {received[0]} received, stopping (at most {grace_seconds:g} s) ...")
    paused = True
    try:
        await asyncio.wait_for(_stop_runner(runner, serving), grace_seconds)
    except Exception as e:  # noqa: BLE001  (a TimeoutError: the API is gone, most likely)
        paused = False
        if not isinstance(e, asyncio.TimeoutError):
            say(f"gwr serve: while stopping: {type(e).__name__}: {e}")
        loop.set_exception_handler(_quiet_cancellation)
        serving.cancel()
        await asyncio.wait({serving}, timeout=2)
        if serving.done() and not serving.cancelled():
            serving.exception()  # retrieved, so asyncio does not log it again
    return ServeOutcome(received[0], paused)


def _quiet_cancellation(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """While the runner is cancelled, its callbacks that look at a cancelled task raise
    CancelledError (Prefect 3.8.8's FlowRunCancellingObserver): expected then, not an error."""
    if isinstance(context.get("exception"), asyncio.CancelledError):
        return
    loop.default_exception_handler(context)


async def _stop_runner(runner: Any, serving: "asyncio.Future[Any]") -> None:
    """Stop polling, cancel runs in progress, pause the schedule (in the runner's own exit)."""
    await runner.astop()
    await serving


def _start_watchdog(seconds: float, say: Callable[[str], None]) -> None:
    """Leave the process after `seconds` whatever is still running (threads blocked on I/O)."""

    def leave() -> None:
        say(f"gwr serve: shutdown took longer than {seconds:g} s; leaving now.")
        sys.stdout.flush()
        os._exit(0)

    timer = threading.Timer(seconds, leave)
    timer.daemon = True
    timer.start()
