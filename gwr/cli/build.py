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
    from contracts.settings import quiet_telemetry

    # Without PREFECT_API_URL, Prefect starts a temporary local API server for the run; on a small
    # machine it needs more than Prefect's default 20 s to come up.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    quiet_telemetry()  # the temporary Prefect server logs telemetry errors when offline


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
    help="Exit with status 3 when any document or file was quarantined (the run still publishes).",
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
    failed.

    One odd document never stops the run: a file that cannot be read (empty, binary, undecodable,
    too big, …) or a document that cannot be published (no region, year or kind found, no readable
    prose, implausible figures, over its parse budget GWR_PARSE_BUDGET) is quarantined: listed with
    its reason and fix in the summary and in ops.quarantined_documents, kept in the raw layer, left
    out of the marts, and the run goes on. It comes back by itself at the refresh after its cause
    is fixed (say a manifest entry giving its region). The run fails only for what is systemic: a
    broken contract, a dbt error, or more than GWR_QUARANTINE_MAX_SHARE (default 0.5) of its
    documents quarantined. Every run, failed or not, is recorded in ops.runs.

    Prints the documents parsed, the quarantined ones, the rows per mart, the checks passed and
    failed, and where the Data Docs (the HTML report of the checks) are. Exit status: 0 when the
    run published, 1 on failure (nothing published), 2 when another refresh is running (or a bad
    option or setting), 3 with --strict when a document or file was quarantined (published all
    the same).
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
    if strict and summary.quarantined:
        click.echo(
            f"gwr refresh --strict: {summary.quarantined_documents} document(s) and "
            f"{summary.quarantined_files} file(s) quarantined (see ops.quarantined_documents)", err=True,
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

    Runs in the foreground until stopped (Ctrl-C or SIGTERM) and starts `refresh` at every tick
    of the cron schedule: 02:00 Asia/Shanghai unless --cron / --timezone say otherwise. Each run
    is the same as `gwr refresh` (incremental, quarantines bad files, publishes atomically); a tick
    that finds a refresh still running waits for it.

    It checks first that every --source exists (or is a URL or a readable manifest), that the
    warehouse folder is writable and that the Prefect API answers, and exits 2 naming what is
    wrong. It needs a Prefect API: start one with `prefect server start` and set
    PREFECT_API_URL=http://127.0.0.1:4200/api, then watch the runs in the Prefect UI at
    http://127.0.0.1:4200. On stop, the schedule is paused until the next `gwr serve`.
    """
    from contracts.settings import load_settings, quiet_telemetry
    from flows.serve import (
        ScheduleError, build_deployment, check_serve_inputs, next_run, prefect_api_problem,
    )

    quiet_telemetry()  # also for the runs it starts
    try:
        settings = load_settings(db=db, sources=list(sources) or None, max_bytes=max_bytes)
        deployment = build_deployment(
            sources=list(settings.sources), db=str(settings.db_path), cron=cron, timezone=tz,
            name=name, max_bytes=settings.max_bytes, full=full,
        )
    except (ScheduleError, ValueError) as e:
        click.echo(f"gwr serve: {e}", err=True)
        sys.exit(2)
    problems = check_serve_inputs(list(settings.sources), settings.db_path)
    api_problem = prefect_api_problem()
    if api_problem:
        problems.append(api_problem)
    if problems:
        click.echo("gwr serve: cannot serve the nightly refresh:", err=True)
        for p in problems:
            click.echo(f"  - {p}", err=True)
        sys.exit(2)

    from flows.serve import serve_until_stopped

    click.echo(
        f"gwr serve: serving refresh/{name}: cron '{cron}' ({tz}), next run {next_run(cron, tz)}; "
        f"warehouse {settings.db_path}; sources {', '.join(deployment.parameters['sources'])}. "
        "Ctrl-C stops it."
    )
    try:
        outcome = serve_until_stopped(deployment, say=lambda m: click.echo(m, err=True))
    except Exception as e:  # noqa: BLE001  (registering or serving failed: say so, no traceback)
        click.echo(f"gwr serve failed: {type(e).__name__}: {e}", err=True)
        sys.exit(1)
    if outcome.signal_name is None:
        click.echo("gwr serve: the runner stopped by itself", err=True)
        sys.exit(1)
    click.echo(
        f"gwr serve: stopped ({outcome.signal_name}); "
        + (f"the schedule of refresh/{name} is paused until the next `gwr serve`."
           if outcome.schedule_paused else
           "the Prefect API did not answer, so the schedule could not be paused."),
        err=True,
    )
