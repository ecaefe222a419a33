"""What the commands share: click settings, the --db / --source / --max-bytes options as
decorators, and the check that a warehouse to read exists."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

DB_READ_HELP = "The warehouse file to read. Default: $GWR_DB, else ./warehouse/gwr.duckdb."
SOURCE_HELP = (
    "Reports to ingest: a folder (its .txt, .html, .docx and .pdf files), a file, a glob such as "
    "'reports/*.txt', an http(s) URL, or a YAML manifest listing paths and URLs with region, year "
    "and kind overrides. Repeat to give several. Default: $GWR_SOURCE, else the bundled "
    "sample_corpus/."
)
MAX_BYTES_HELP = (
    "Size limit of one input file or downloaded page, e.g. 20M, 512K or plain bytes; larger ones "
    "are quarantined. Default: $GWR_MAX_BYTES, else 20M."
)


def db_option(help: str = DB_READ_HELP) -> Callable:
    """--db PATH: the warehouse file (the command's own help says what it does with it)."""
    return click.option("--db", metavar="PATH", default=None, help=help)


def sources_option(f: Callable) -> Callable:
    """--source PATH|URL|MANIFEST, repeatable, into the `sources` tuple."""
    return click.option("--source", "sources", multiple=True, metavar="PATH|URL|MANIFEST", help=SOURCE_HELP)(f)


def max_bytes_option(f: Callable) -> Callable:
    """--max-bytes SIZE."""
    return click.option("--max-bytes", metavar="SIZE", default=None, help=MAX_BYTES_HELP)(f)


def json_option(what: str) -> Callable:
    """--json: print `what` as JSON instead of text."""
    return click.option("--json", "as_json", is_flag=True, help=f"Print {what} as JSON instead of text.")


def existing_warehouse(db: str | None) -> Path:
    """The warehouse to read (--db, else $GWR_DB, else the default); exit 1 when there is none."""
    from contracts.settings import resolve_db

    path = resolve_db(db)
    if not path.is_file():
        click.echo(f"no warehouse at {path}; run `gwr refresh` first, or pass --db PATH", err=True)
        sys.exit(1)
    return path
