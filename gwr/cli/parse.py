"""`gwr parse`: the facts extracted from report files, without touching the warehouse."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from gwr.cli.options import CONTEXT_SETTINGS


@click.command(context_settings=CONTEXT_SETTINGS)
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
    from gwr.cli.parse_view import render_json, render_table
    from ingestion.pipeline import parse_path  # pure Python: no Prefect, dbt or GX

    docs = []
    failed = 0
    for f in files:
        try:
            docs.extend(parse_path(f))
        except Exception as e:  # noqa: BLE001
            failed += 1
            click.echo(f"error: {f}: {type(e).__name__}: {e}", err=True)
    if fmt == "json":
        click.echo(render_json(docs))
    else:
        click.echo(render_table(docs, width=shutil.get_terminal_size().columns), nl=False)
    if failed:
        sys.exit(1)
