"""The read side of the command line: `gwr sql`, `gwr status`, `gwr report`, `gwr docs`, `gwr eval`.

Every command only reads the published warehouse (`gwr docs` works on a temporary copy). Each
imports what it needs when it runs (duckdb; dbt for docs), never Prefect, so they start fast.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from gwr.cli.options import CONTEXT_SETTINGS, db_option, existing_warehouse, json_option


# -------------------------------------------------------------------------------------------- sql


@click.command(name="sql", context_settings=CONTEXT_SETTINGS)
@click.argument("query", required=False)
@db_option()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json", "markdown"]), default="table",
    show_default=True,
    help="table: aligned box for reading (Chinese text lines up); csv: with a header row; "
    "json: a list of objects, one per row; markdown: a pipe table to paste into a document.",
)
@click.option(
    "--target", type=click.Choice(["duckdb", "postgres"]), default=None,
    help="Which warehouse: `duckdb` (the file --db, the default; $GWR_TARGET) or `postgres` (the "
    "shared database, connected as its read-only role: $GWR_PG_READ_URL, else $GWR_PG_URL with "
    "the user $GWR_PG_READER, default gwr_reader). With postgres a QUERY is required.",
)
def sql_cmd(query: str | None, db: str | None, fmt: str, target: str | None) -> None:
    """Run a read-only SQL QUERY on the warehouse and print the result.

    \b
    Examples:
      gwr sql "select region, indicator, target_value, actual_value, is_met
               from marts.fct_target_attainment where region = '咸宁市' and year = 2022"
      gwr sql --format csv "select * from marts.fct_rankings" > rankings.csv
      gwr sql "show tables"            gwr sql "describe marts.fct_targets"

    The tables: marts.fct_targets, fct_actuals, fct_rankings, fct_target_attainment,
    dim_region, dim_indicator, dim_document; raw.documents/sentences/facts; ops.runs,
    ops.dq_results, ops.quarantined_documents, ops.ingest_errors (see README.md).

    Without QUERY, opens a prompt (type queries ending with ';', .help for help, .quit to
    leave); with input piped in (gwr sql < queries.sql) it runs the queries one after another.

    The connection is read-only and sandboxed: only SELECT-like statements run (SELECT, WITH,
    FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); COPY, ATTACH, INSTALL/LOAD, SET, CREATE, INSERT
    are refused, and no file outside the warehouse (read_csv('/etc/passwd')) nor the network
    can be reached. Exit code 1 when the query fails or is refused, or, with queries piped in,
    when any of them does; the interactive prompt exits 0 on .quit or Ctrl-D.
    """
    import duckdb

    from gwr.repl import repl
    from gwr.sql import SqlRefused, connect_sandboxed, explain_error, render, run_query

    from contracts.settings import warehouse_target

    if warehouse_target(target) == "postgres":
        _sql_postgres(query, fmt)
        return
    path = existing_warehouse(db)
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


def _sql_postgres(query: str | None, fmt: str) -> None:
    """`gwr sql --target postgres QUERY`: the query as the read-only role (gwr/sql_postgres.py)."""
    from contracts.settings import postgres_read_url
    from gwr.sql import render
    from gwr.sql_postgres import PostgresQueryError, run_pg_query

    if query is None:
        click.echo("gwr sql: --target postgres needs a QUERY (the prompt is DuckDB's only)", err=True)
        sys.exit(2)
    try:
        res = run_pg_query(postgres_read_url(), query)
    except (ValueError, PostgresQueryError) as e:
        click.echo(f"gwr sql: {e}", err=True)
        sys.exit(1)
    click.echo(render(res, fmt))


# ----------------------------------------------------------------------------------------- status


@click.command(name="status", context_settings=CONTEXT_SETTINGS)
@db_option()
@json_option("the status")
def status_cmd(db: str | None, as_json: bool) -> None:
    """Show the state of the warehouse on one screen.

    Whether a refresh is running now, the last runs (when, how long, state, documents, facts,
    how many quarantined), the rows in each mart, the data-quality checks of the latest run with
    any that failed (and on which rows), and what that run quarantined: each document it left out
    of the marts and each file it could not read, with the reason and what would fix it.
    Reads only.
    """
    from gwr.status import collect, render_text

    info = collect(existing_warehouse(db))
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2, default=str))
    else:
        import shutil

        width = max(80, min(140, shutil.get_terminal_size((100, 24)).columns))
        click.echo(render_text(info, width=width))


# ----------------------------------------------------------------------------------------- report


@click.command(name="report", context_settings=CONTEXT_SETTINGS)
@db_option()
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
    DIR/quality.html     data quality: checks per stage and the rows that failed, what the
                         latest run quarantined (reasons, fixes), facts per document, facts
                         without a region code, unknown indicator names, run history
    DIR/documents/       one page per report: its full text with every fact highlighted where
                         it was read and the list of its facts; every number on the other pages
                         links to its place here
    DIR/data_docs/       a copy of the Great Expectations Data Docs of the last run

    The pages need no server and no internet (styles, charts and the small scripts are inline;
    the Data Docs use local copies of their styles and scripts).
    """
    from gwr.report import write_report

    res = write_report(existing_warehouse(db), out)
    click.echo(f"report written to {res.out_dir}")
    for p in res.pages:
        click.echo(f"  {p}")
    if res.data_docs:
        click.echo(f"  {res.data_docs}  (GX Data Docs, copied)")
    click.echo(f"  {res.out_dir / 'documents'}/  ({res.documents} document page(s))")
    click.echo(f"{res.charts} chart(s), {res.attainment_rows} target(s) in the attainment table")
    click.echo(f"open: file://{res.out_dir / 'index.html'}")


# ------------------------------------------------------------------------------------------- docs


@click.command(name="docs", context_settings=CONTEXT_SETTINGS)
@db_option()
def docs_cmd(db: str | None) -> None:
    """Build the dbt docs site (models, columns, tests, lineage graph) of the warehouse.

    Runs `dbt docs generate` on a temporary copy of the warehouse (so it never holds a lock on
    the published file and a refresh can run meanwhile) and writes the site to
    <db dir>/dbt_docs/: static_index.html opens straight from disk; index.html needs a web
    server, e.g. `python -m http.server -d <db dir>/dbt_docs 8080`. Takes 10-20 s.
    """
    import os

    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    from gwr.docs import DocsError, build_docs

    path = existing_warehouse(db)
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


# ------------------------------------------------------------------------------------------- eval


@click.command(name="eval", context_settings=CONTEXT_SETTINGS)
@click.option(
    "--gold", "gold", multiple=True, required=True, metavar="PATH",
    type=click.Path(exists=True, path_type=Path),
    help="Hand-labelled facts to compare with (CSV, see tests/gold/LABELING.md). "
    "A file or a folder of CSV files; repeat to give several.",
)
@click.option(
    "--parse", "parse_sources", multiple=True, metavar="PATH|MANIFEST",
    help="Score the facts of parsing these files, folders or manifests directly, without a "
    "warehouse (the same rule of what reaches the marts). Repeat to give several.",
)
@click.option(
    "--labels", "labels", metavar="CSV", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A sources.csv whose doc_kind and script columns label the documents for the slices "
    "(default: the kind and script the parser found).",
)
@db_option("The warehouse to evaluate. Default: $GWR_DB, else ./warehouse/gwr.duckdb.")
@json_option("the evaluation")
def eval_cmd(gold: tuple[Path, ...], parse_sources: tuple[str, ...], labels: Path | None, db: str | None,
             as_json: bool) -> None:
    """Score extracted facts against gold labels: precision, recall and F1 per fact kind, and per
    document kind and script (so a regression in one kind of page shows).

    By default the published warehouse is read (run `gwr refresh` first); with --parse the
    files are parsed directly. Prints the scores and the facts that were missed or extra; exits 0
    whatever the score.
    """
    from gwr.eval import evaluate, evaluate_parse

    gold_paths: list[Path] = []
    for g in gold:
        gold_paths.extend(sorted(g.glob("*.csv")) if g.is_dir() else [g])
    if parse_sources:
        report = evaluate_parse(list(parse_sources), gold_paths, labels)
    else:
        report = evaluate(existing_warehouse(db), gold_paths, labels)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(report.render_text())
