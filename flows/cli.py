"""`gwr`: the command line of GWR Warehouse, a thin layer over the flows.

    gwr refresh [--source PATH|URL|MANIFEST ...] [--db PATH] [--wait] [--full] [--strict]
                                                            build, check and publish the warehouse
    gwr serve [--cron '0 2 * * *'] [--timezone Asia/Shanghai] [--source ...] [--db PATH]
                                                            the refresh as a nightly Prefect deployment
    gwr eval --gold PATH ... [--db PATH] [--json]           score the warehouse against gold labels
    gwr parse FILE ... [--format table|json]                print the facts of files (no warehouse)

Heavy libraries (Prefect, dbt, Great Expectations) are imported inside the commands that need
them, so `gwr --help` and `gwr parse` start fast and never touch them.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="gwr-warehouse", prog_name="gwr")
def cli() -> None:
    """GWR Warehouse: targets, results and rankings from Chinese local-government reports.

    Reports (政府工作报告, progress notices) are parsed into facts, loaded into a DuckDB
    warehouse, modelled by dbt into marts and checked by Great Expectations before they are
    published. Start with `gwr parse FILE` to see what is extracted from one report, then
    `gwr refresh` to build the warehouse (./warehouse/gwr.duckdb unless --db or $GWR_DB says
    otherwise).
    """


# ------------------------------------------------------------------------------------------ parse


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
    help="table: one line per fact, grouped by document, fitted to the terminal's width (long "
    "evidence is cut with '…', or put whole on a line of its own when the terminal is narrow). "
    "json: every document with its metadata and all fact fields, evidence complete, for scripts.",
)
def parse(files: tuple[Path, ...], fmt: str) -> None:
    """Print the facts extracted from report FILE(s), without touching the warehouse.

    Each FILE is a report as plain text (for example sample_corpus/000_500ad30c4c1f596f.txt). A file
    holding several reports is split into documents. Facts are targets (目标), actuals (完成情况)
    and rankings (排名), each with the sentence it came from as evidence.
    """
    from ingestion.pipeline import parse_path  # pure Python: no Prefect, dbt or GX

    out_docs = []
    failed = 0
    for f in files:
        try:
            docs = parse_path(f)
        except Exception as e:  # noqa: BLE001
            failed += 1
            click.echo(f"error: {f}: {type(e).__name__}: {e}", err=True)
            continue
        out_docs.extend(docs)

    from flows.parse_view import render_json, render_table

    if fmt == "json":
        click.echo(render_json(out_docs))
    else:
        click.echo(render_table(out_docs, width=shutil.get_terminal_size().columns), nl=False)
    if failed:
        sys.exit(1)


# ---------------------------------------------------------------------------------------- refresh


_SOURCE_HELP = (
    "Reports to ingest: a folder (its .txt, .html, .docx and .pdf files), a file, a glob such as "
    "'reports/*.txt', an http(s) URL, or a YAML manifest listing paths and URLs with region, year "
    "and kind overrides. Repeat to give several. Default: $GWR_SOURCE, else the bundled "
    "sample_corpus/."
)
_MAX_BYTES_HELP = (
    "Size limit of one input file or downloaded page, e.g. 20M, 512K or plain bytes; larger ones "
    "are quarantined. Default: $GWR_MAX_BYTES, else 20M."
)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option("--source", "sources", multiple=True, metavar="PATH|URL|MANIFEST", help=_SOURCE_HELP)
@click.option(
    "--db", metavar="PATH", default=None,
    help="The published DuckDB warehouse file to build. Default: $GWR_DB, else "
    "./warehouse/gwr.duckdb. It is replaced atomically only when every check passes.",
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
@click.option("--max-bytes", metavar="SIZE", default=None, help=_MAX_BYTES_HELP)
@click.option(
    "--strict", is_flag=True,
    help="Exit with status 3 when any file was quarantined (the run still publishes).",
)
@click.option(
    "--json", "as_json", is_flag=True,
    help="Print the summary as JSON instead of text.",
)
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
    import os

    # Without PREFECT_API_URL, Prefect starts a temporary local API server for the run; on a small
    # machine it needs more than Prefect's default 20 s to come up.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    from flows.publish import RefreshLocked, refresh_lock
    from flows.settings import load_settings, quiet_telemetry

    quiet_telemetry()  # the temporary Prefect server logs telemetry errors when offline

    try:
        settings = load_settings(db=db, max_bytes=max_bytes)
    except ValueError as e:
        click.echo(f"gwr refresh: {e}", err=True)
        sys.exit(2)
    try:
        # Take the lock before starting Prefect (whose temporary server takes seconds to start), so
        # that a second refresh exits at once; the flow is told the lock is already held.
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
        click.echo(summary.render_text())
    if strict and summary.ingest_errors:
        click.echo(
            f"gwr refresh --strict: {len(summary.ingest_errors)} file(s) quarantined "
            "(see ops.ingest_errors)", err=True,
        )
        sys.exit(3)


# ------------------------------------------------------------------------------------------ serve


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option("--source", "sources", multiple=True, metavar="PATH|URL|MANIFEST", help=_SOURCE_HELP)
@click.option(
    "--db", metavar="PATH", default=None,
    help="The published warehouse the nightly runs refresh. Default: $GWR_DB, else "
    "./warehouse/gwr.duckdb (made absolute now, so the runs do not depend on their cwd).",
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
@click.option("--max-bytes", metavar="SIZE", default=None, help=_MAX_BYTES_HELP)
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
    from flows.serve import (
        ScheduleError, build_deployment, check_serve_inputs, next_run, prefect_api_problem,
    )
    from flows.settings import load_settings, quiet_telemetry

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


# ------------------------------------------------------------------------------------------- eval


@cli.command(name="eval", context_settings=CONTEXT_SETTINGS)
@click.option(
    "--gold", "gold", multiple=True, required=True, metavar="PATH",
    type=click.Path(exists=True, path_type=Path),
    help="Hand-labelled facts to compare with (CSV, see tests/gold/LABELING.md). "
    "A file or a folder of CSV files; repeat to give several.",
)
@click.option(
    "--db", metavar="PATH", default=None,
    help="The warehouse to evaluate. Default: $GWR_DB, else ./warehouse/gwr.duckdb.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON instead of text.")
def eval_cmd(gold: tuple[Path, ...], db: str | None, as_json: bool) -> None:
    """Score the published warehouse's facts against gold labels (precision, recall, F1).

    Run `gwr refresh` first. The warehouse is only read. Prints per-kind and overall scores and
    the facts that were missed or extra; exits 0 whatever the score.
    """
    from flows.settings import resolve_db
    from ingestion.evaluate import evaluate

    db_path = resolve_db(db)
    if not db_path.exists():
        click.echo(f"gwr eval: no warehouse at {db_path}; run `gwr refresh` first (or pass --db)", err=True)
        sys.exit(1)
    gold_paths: list[Path] = []
    for g in gold:
        gold_paths.extend(sorted(g.glob("*.csv")) if g.is_dir() else [g])
    report = evaluate(db_path, gold_paths)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(report.render_text())


from flows.cli_users import USER_COMMANDS  # noqa: E402  (gwr sql, status, report, docs)

for _command in USER_COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point (`gwr`)."""
    cli(prog_name="gwr")


if __name__ == "__main__":
    main()
