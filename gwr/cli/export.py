"""`gwr export`: the research panel in the researcher's own tools (gwr/export/ does the work)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from gwr.cli.options import CONTEXT_SETTINGS, db_option, existing_warehouse
from gwr.export.formats import FORMATS

_YEARS = re.compile(r"^(\d{4})(?:\s*[-–:]\s*(\d{4}))?$")


def parse_years(values: tuple[str, ...]) -> tuple[int, ...]:
    """'2022' and '2021-2023' (repeatable) as the years they name."""
    years: set[int] = set()
    for v in values:
        for part in v.split(","):
            m = _YEARS.match(part.strip())
            if not m:
                raise click.BadParameter(f"{part!r} is not a year or a range of years (2022, 2021-2023)",
                                         param_hint="--year")
            a, b = int(m.group(1)), int(m.group(2) or m.group(1))
            if b < a:
                raise click.BadParameter(f"{part!r}: the range ends before it starts", param_hint="--year")
            years.update(range(a, b + 1))
    return tuple(sorted(years))


def _check_names(db: Path, provinces: tuple[str, ...], indicators: tuple[str, ...]) -> None:
    """Exit 2 naming a province or an indicator code the warehouse does not know."""
    from gwr.sql import connect_sandboxed, query_rows

    con = connect_sandboxed(db)
    try:
        known_p = {n for r in query_rows(con, "SELECT region, short_name FROM marts.dim_region "
                                              "WHERE level = 'province'") for n in r.values()}
        known_i = [r["indicator"] for r in query_rows(con, "SELECT indicator FROM marts.dim_indicator "
                                                           "ORDER BY 1")]
    finally:
        con.close()
    bad_p = [p for p in provinces if p not in known_p]
    bad_i = [i for i in indicators if i not in known_i]
    if bad_p:
        click.echo(f"gwr export: unknown province {', '.join(bad_p)} (give its name: 湖北省 or 湖北)", err=True)
    if bad_i:
        click.echo(f"gwr export: unknown indicator {', '.join(bad_i)}; the codes are: {', '.join(known_i)}",
                   err=True)
    if bad_p or bad_i:
        sys.exit(2)


@click.command(name="export", context_settings=CONTEXT_SETTINGS)
@db_option()
@click.option("--out", "out", metavar="DIR", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the files into (created if needed; files of the same name are replaced).")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS), default=("csv",),
              show_default=True,
              help="csv: UTF-8 with BOM (Excel shows the Chinese text); parquet; dta: Stata 14+ with "
              "variable labels; xlsx: one workbook, a sheet per table. Repeat for several.")
@click.option("--province", "provinces", multiple=True, metavar="NAME",
              help="Only this province (湖北省 or 湖北). Repeat for several.")
@click.option("--year", "years", multiple=True, metavar="YEAR|FROM-TO",
              help="Only these years: 2022, or 2021-2023. Repeat for several.")
@click.option("--indicator", "indicators", multiple=True, metavar="CODE",
              help="Only this indicator (gdp, retail_sales, ...; see `gwr sql \"select * from "
              "marts.dim_indicator\"`). Repeat for several.")
def export_cmd(db: str | None, out: Path, formats: tuple[str, ...], provinces: tuple[str, ...],
               years: tuple[str, ...], indicators: tuple[str, ...]) -> None:
    """Write the research panel for Stata, R, pandas or Excel into DIR.

    \b
    gwr_panel        one row per region, year, indicator and measure: the target (value, high
                     end, comparator, qualitative text), the full-year actual (fy_*), the latest
                     part-year actual with its months (py_*), the rank and its field (rank_*),
                     the region's 6-digit code, province and prefecture, and for every number
                     its fact id, document and exact text with offsets (marts.fct_panel)
    gwr_documents    the reports behind those numbers (title, date, source)
    gwr_indicators   what the indicator codes mean
    gwr_variables    a codebook: every column's label and description

    \b
    Examples:
      gwr export --out panel/                                  (CSV files)
      gwr export --format dta --format xlsx --out panel/ --province 湖北 --year 2021-2023
      gwr export --format parquet --indicator gdp --out panel/

    Reads the published warehouse only (run `gwr refresh` first).
    """
    from gwr.export.run import Filters, export

    path = existing_warehouse(db)
    _check_names(path, provinces, indicators)
    filters = Filters(tuple(provinces), parse_years(years), tuple(indicators))
    res = export(path, out, tuple(dict.fromkeys(formats)), filters)
    click.echo(f"export written to {res.out_dir} (rows: "
               + ", ".join(f"{t} {n}" for t, n in res.rows.items()) + ")")
    for p in res.files:
        click.echo(f"  {p}")
    if not res.rows.get("panel"):
        click.echo("(no row matches the filters)", err=True)
