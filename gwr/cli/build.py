"""The write side of the command line: `gwr refresh` and `gwr serve`, thin over the flows.

Prefect is imported inside the commands (never at import), so `gwr --help` and the read-side
commands start fast.
"""

from __future__ import annotations

import json
import os
import sys

import click

from gwr.cli.options import CONTEXT_SETTINGS, db_option, json_option, max_bytes_option, sources_option


def _quiet_prefect() -> None:
    # Without PREFECT_API_URL, Prefect starts a temporary local API server for the run; on a small
    # machine it needs more than Prefect's default 20 s to come up.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@click.command(context_settings=CONTEXT_SETTINGS)
@sources_option
@db_option(
    "The published DuckDB warehouse file to build. Default: $GWR_DB, else "
    "./warehouse/gwr.duckdb. It is replaced atomically only when every check passes."
)
@click.option(
    "--wait/--no-wait", default=False, show_default=True,
    help="If another refresh is running on the same warehouse: wait for it to finish "
    "(--wait) instead of exiting at once with an error.",
)
@click.option(
    "--full", is_flag=True,
    help="Parse every source again and rebuild the raw layer, instead of only new and changed "
    "sources.",
)
@max_bytes_option
@click.option(
    "--strict", is_flag=True,
    help="Exit with status 3 when any file was quarantined (the run still publishes).",
)
@json_option("the summary")
def refresh(
    sources: tuple[str, ...], db: str | None, wait: bool, full: bool, max_bytes: str | None,
    strict: bool, as_json: bool,
) -> None:
    """Build the warehouse from reports, check it and publish it.

    Steps: find report sources (fetching URLs), parse the new and changed ones into documents,
    sentences and facts, update the raw layer (a removed source's documents are marked removed),
    check it (Great Expectations), build staging and marts (dbt), check the marts, then publish.
    When nothing changed, dbt and the checks are skipped. All work happens on a private copy; the
    warehouse file other people read is replaced in one atomic step only if nothing blocking
    failed. A file that cannot be used (empty, binary, undecodable, too big, …) is quarantined:
    listed in the summary and in ops.ingest_errors, and the run goes on. Every run, failed or not,
    is recorded in ops.runs.

    Prints the documents parsed, the rows per mart, the checks passed and failed, and where the
    Data Docs (the HTML report of the checks) are. Exit status: 0 when the run published, 1 on
    failure (nothing published), 2 when another refresh is running, 3 with --strict when a file
    was quarantined (published all the same).
    """
    from contracts.settings import load_settings
    from flows.publish import RefreshLocked, refresh_lock
    from gwr.cli.render import render_summary

    _quiet_prefect()
    try:
        settings = load_settings(db=db, max_bytes=max_bytes)
    except ValueError as e:
        click.echo(f"gwr refresh: {e}", err=True)
        sys.exit(2)
    try:
        # The lock is taken here, before Prefect starts (its temporary server takes seconds), so
        # that a second refresh exits at once; the flow is told that it is held already.
        with refresh_lock(settings.lock_path, wait=wait, owner="gwr refresh"):
            from flows.refresh import refresh as refresh_flow

            summary = refresh_flow(
                sources=list(sources) or None, db=str(settings.db_path), take_lock=False,
                full=full, max_bytes=settings.max_bytes,
            )
    except RefreshLocked as e:
        click.echo(f"gwr refresh: {e}", err=True)
        sys.exit(2)
    except Exception as e:  # noqa: BLE001
        click.echo(f"gwr refresh failed: {type(e).__name__}: {e}", err=True)
        run_id = getattr(e, "gwr_run_id", None)
        note = "The published warehouse was left unchanged"
        if run_id:
            note += f"; run {run_id} is recorded in ops.runs (state failed)"
        click.echo(note + ".", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(render_summary(summary))
    if strict and summary.ingest_errors:
        click.echo(
            f"gwr refresh --strict: {len(summary.ingest_errors)} file(s) quarantined "
            "(see ops.ingest_errors)", err=True,
        )
        sys.exit(3)


@click.command(context_settings=CONTEXT_SETTINGS)
@sources_option
@db_option(
    "The published warehouse the nightly runs refresh. Default: $GWR_DB, else "
    "./warehouse/gwr.duckdb (made absolute now, so the runs do not depend on their cwd)."
)
@click.option(
    "--cron", default="0 2 * * *", show_default=True,
    help="When to run, as a cron expression (minute hour day month weekday).",
)
@click.option(
    "--timezone", "tz", default="Asia/Shanghai", show_default=True,
    help="Time zone of the cron expression (an IANA name).",
)
@click.option("--name", default="nightly-refresh", show_default=True, help="The deployment's name.")
@max_bytes_option
@click.option("--full", is_flag=True, help="Make every scheduled run a full refresh.")
def serve(
    sources: tuple[str, ...], db: str | None, cron: str, tz: str, name: str,
    max_bytes: str | None, full: bool,
) -> None:
    """Serve the refresh flow as a Prefect deployment on a schedule (nightly by default).

    Runs in the foreground until stopped (Ctrl-C) and starts `refresh` at every tick of the cron
    schedule: 02:00 Asia/Shanghai unless --cron / --timezone say otherwise. Each run is the same
    as `gwr refresh` (incremental, quarantines bad files, publishes atomically); a tick that finds
    a refresh still running waits for it. Needs a Prefect API: start one with
    `prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api, then watch the runs
    in the Prefect UI at http://127.0.0.1:4200.
    """
    from flows.serve import ScheduleError, build_deployment

    try:
        deployment = build_deployment(
            sources=list(sources) or None, db=db, cron=cron, timezone=tz, name=name,
            max_bytes=max_bytes, full=full,
        )
    except ScheduleError as e:
        click.echo(f"gwr serve: {e}", err=True)
        sys.exit(2)
    if not os.environ.get("PREFECT_API_URL"):
        from prefect.settings import PREFECT_API_URL

        if not PREFECT_API_URL.value():
            click.echo(
                "gwr serve: no Prefect API to serve to. Start one with `prefect server start` "
                "and set PREFECT_API_URL=http://127.0.0.1:4200/api (or `prefect config set "
                "PREFECT_API_URL=...`).", err=True,
            )
            sys.exit(2)
    from prefect import serve as prefect_serve

    click.echo(
        f"gwr serve: deployment refresh/{name}, cron '{cron}' ({tz}); "
        f"parameters {json.dumps(deployment.parameters, ensure_ascii=False)}"
    )
    prefect_serve(deployment)
