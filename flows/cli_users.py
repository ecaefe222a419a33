"""Commands for people who use the warehouse: `gwr sql`, `gwr status`, `gwr report`, `gwr docs`.

Registered on the `gwr` group in flows/cli.py (`USER_COMMANDS`). Only click is imported here;
each command imports what it needs when it runs (duckdb for sql/status/report, dbt for docs), so
`gwr --help`, `gwr sql` and `gwr status` start fast and never import Prefect, dbt or GX.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

DB_HELP = "The warehouse file to read. Default: $GWR_DB, else ./warehouse/gwr.duckdb."


def _db_path(db: str | None) -> Path:
    from flows.settings import resolve_db

    path = resolve_db(db)
    if not path.is_file():
        click.echo(f"no warehouse at {path}; run `gwr refresh` first, or pass --db PATH", err=True)
        sys.exit(1)
    return path


# -------------------------------------------------------------------------------------------- sql


@click.command(name="sql", context_settings=CONTEXT_SETTINGS)
@click.argument("query", required=False)
@click.option("--db", metavar="PATH", default=None, help=DB_HELP)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json", "markdown"]), default="table",
    show_default=True,
    help="table: aligned box for reading (Chinese text lines up); csv: with a header row; "
    "json: a list of objects, one per row; markdown: a pipe table to paste into a document.",
)
def sql_cmd(query: str | None, db: str | None, fmt: str) -> None:
    """Run a read-only SQL QUERY on the warehouse and print the result.

    \b
    Examples:
      gwr sql "select region, indicator, target_value, actual_value, is_met
               from marts.fct_target_attainment where region = '咸宁市' and year = 2022"
      gwr sql --format csv "select * from marts.fct_rankings" > rankings.csv
      gwr sql "show tables"            gwr sql "describe marts.fct_targets"

    The tables: marts.fct_targets, fct_actuals, fct_rankings, fct_target_attainment,
    dim_region, dim_indicator, dim_document; raw.documents/sentences/facts; ops.runs,
    ops.dq_results, ops.ingest_errors (see README.md).

    Without QUERY, opens a prompt (type queries ending with ';', .help for help, .quit to
    leave); with input piped in (gwr sql < queries.sql) it runs the queries one after another.

    The connection is read-only and sandboxed: only SELECT-like statements run (SELECT, WITH,
    FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); COPY, ATTACH, INSTALL/LOAD, SET, CREATE, INSERT
    are refused, and no file outside the warehouse (read_csv('/etc/passwd')) nor the network
    can be reached. Exit code 1 when the query fails or is refused, or, with queries piped in,
    when any of them does; the interactive prompt exits 0 on .quit or Ctrl-D.
    """
    from flows.sql import (
        SqlRefused, connect_sandboxed, explain_error, render, repl, run_query,
    )
    import duckdb

    path = _db_path(db)
    con = connect_sandboxed(path)
    try:
        if query is None:
            interactive = sys.stdin.isatty() and sys.stdout.isatty()
            failures = repl(con, fmt, sys.stdin, sys.stdout, interactive)
            # at the prompt each error was shown as it happened: leaving is not a failure
            sys.exit(1 if failures and not interactive else 0)
        try:
            res = run_query(con, query)
        except SqlRefused as e:
            click.echo(f"gwr sql: {e}", err=True)
            sys.exit(1)
        except duckdb.Error as e:
            click.echo(f"gwr sql: {explain_error(e)}", err=True)
            sys.exit(1)
        click.echo(render(res, fmt))
    finally:
        con.close()


# ----------------------------------------------------------------------------------------- status


@click.command(name="status", context_settings=CONTEXT_SETTINGS)
@click.option("--db", metavar="PATH", default=None, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON instead of text.")
def status_cmd(db: str | None, as_json: bool) -> None:
    """Show the state of the warehouse on one screen.

    Whether a refresh is running now, the last runs (when, how long, state, documents, facts,
    files quarantined), the rows in each mart, the data-quality checks of the latest run with
    any that failed (and on which rows), and the files that run could not parse. Reads only.
    """
    import json

    from flows.status import collect, render_text

    info = collect(_db_path(db))
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2, default=str))
    else:
        import shutil

        width = max(80, min(140, shutil.get_terminal_size((100, 24)).columns))
        click.echo(render_text(info, width=width))


# ----------------------------------------------------------------------------------------- report


@click.command(name="report", context_settings=CONTEXT_SETTINGS)
@click.option("--db", metavar="PATH", default=None, help=DB_HELP)
@click.option(
    "--out", "out", metavar="DIR", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the HTML pages into (created if needed; pages in it are overwritten).",
)
def report_cmd(db: str | None, out: Path) -> None:
    """Write a static HTML report of the warehouse into DIR; open DIR/index.html in a browser.

    \b
    DIR/index.html       overview: last run, documents, targets met, failed checks
    DIR/attainment.html  each region's targets beside its latest actuals: bullet charts of the
                         headline indicators and a table you can sort and filter by province,
                         region, indicator and year; hover or click any number to see the
                         sentence of the report it comes from
    DIR/quality.html     data quality: checks per stage and the rows that failed, quarantined
                         files, facts per document, unknown indicator names, run history
    DIR/data_docs/       a copy of the Great Expectations Data Docs of the last run

    The pages need no server and no internet (styles, charts and the small script are inline).
    """
    from flows.report import write_report

    res = write_report(_db_path(db), out)
    click.echo(f"report written to {res.out_dir}")
    for p in res.pages:
        click.echo(f"  {p}")
    if res.data_docs:
        click.echo(f"  {res.data_docs}  (GX Data Docs, copied)")
    click.echo(f"{res.charts} chart(s), {res.attainment_rows} target(s) in the attainment table")
    click.echo(f"open: file://{res.out_dir / 'index.html'}")


# ------------------------------------------------------------------------------------------- docs


@click.command(name="docs", context_settings=CONTEXT_SETTINGS)
@click.option("--db", metavar="PATH", default=None, help=DB_HELP)
def docs_cmd(db: str | None) -> None:
    """Build the dbt docs site (models, columns, tests, lineage graph) of the warehouse.

    Runs `dbt docs generate` on a temporary copy of the warehouse (so it never holds a lock on
    the published file and a refresh can run meanwhile) and writes the site to
    <db dir>/dbt_docs/: static_index.html opens straight from disk; index.html needs a web
    server, e.g. `python -m http.server -d <db dir>/dbt_docs 8080`. Takes 10-20 s.
    """
    import os

    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    from flows.docs import DocsError, build_docs

    path = _db_path(db)
    click.echo(f"generating dbt docs for {path} (on a temporary copy) ...", err=True)
    try:
        res = build_docs(path)
    except DocsError as e:
        click.echo(f"gwr docs: {e}", err=True)
        sys.exit(1)
    click.echo(f"dbt docs written to {res.out_dir}/ ({res.models} models, {res.sources} sources, "
               f"{res.catalog_tables} tables in the catalog)")
    click.echo(f"  open from disk: file://{res.out_dir / 'static_index.html'}")
    click.echo(f"  or serve it:    python -m http.server -d {res.out_dir} 8080  (then http://localhost:8080)")


USER_COMMANDS = [sql_cmd, status_cmd, report_cmd, docs_cmd]
