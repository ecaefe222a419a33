"""`gwr`: the command line of GWR Warehouse, thin over the flows (write side) and the read side.

    gwr refresh [--source PATH|URL|MANIFEST ...] [--db PATH] [--wait] [--full] [--strict]
    gwr serve [--cron '0 2 * * *'] [--timezone Asia/Shanghai] [--source ...] [--db PATH]
    gwr parse FILE ... [--format table|json]
    gwr sql [QUERY] | gwr status | gwr report --out DIR | gwr docs | gwr eval --gold PATH
    gwr export --out DIR [--format csv|parquet|dta|xlsx] [--province 湖北] [--year 2021-2023]
    gwr server start|stop|status   (a local Prefect server kept running between refreshes)

build.py (refresh, serve), server.py (server start|stop|status), parse.py, read.py (sql, status, report, docs, eval),
export.py hold the commands;
options.py the shared options; render.py (the refresh summary) and parse_view.py what they print. Heavy libraries (Prefect, dbt, Great
Expectations) are imported inside the commands that need them, so `gwr --help` starts fast.
"""

from __future__ import annotations

import click

from gwr.cli.build import refresh, serve
from gwr.cli.export import export_cmd
from gwr.cli.options import CONTEXT_SETTINGS
from gwr.cli.parse import parse
from gwr.cli.read import docs_cmd, eval_cmd, report_cmd, sql_cmd, status_cmd
from gwr.cli.server import server


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


for _command in (parse, refresh, serve, server, eval_cmd, sql_cmd, status_cmd, report_cmd, docs_cmd, export_cmd):
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point (`gwr`)."""
    cli(prog_name="gwr")


if __name__ == "__main__":
    main()
