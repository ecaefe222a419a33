"""`gwr serve`: the refresh flow as a Prefect deployment with a cron schedule.

    deployment = build_deployment(cron="0 2 * * *", timezone="Asia/Shanghai", sources=[...])
    prefect.serve(deployment)        # blocks; needs PREFECT_API_URL (prefect server start)

`build_deployment` only builds the RunnerDeployment object (no API call), so it can be checked
without serving anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
