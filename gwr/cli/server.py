"""`gwr server start|stop|status`: a local Prefect server kept running between refreshes
(flows/local_server.py), so that a refresh does not start a temporary one each time."""

from __future__ import annotations

import sys

import click

from gwr.cli.options import CONTEXT_SETTINGS


@click.group(context_settings=CONTEXT_SETTINGS)
def server() -> None:
    """Start, stop or look at a local Prefect server for `gwr refresh` and `gwr serve`.

    Without a Prefect server, every `gwr refresh` starts a temporary one of its own, which costs
    10-20 s each time. `gwr server start` starts one in the background (on 127.0.0.1, port 4200 by
    default) and leaves it running; from then on `gwr refresh` and `gwr serve` use it by
    themselves (unless PREFECT_API_URL names another), a refresh with nothing changed takes a few
    seconds, and every run can be watched in the Prefect UI. `gwr server stop` stops it. Its log
    and state are in $PREFECT_HOME (default ~/.prefect): gwr-server.log, gwr-server.json.
    """


@server.command(context_settings=CONTEXT_SETTINGS)
@click.option("--port", type=int, default=4200, show_default=True, help="Port of the API and UI.")
def start(port: int) -> None:
    """Start the local Prefect server in the background (returns when its API answers)."""
    from flows.local_server import recorded, start as start_server

    already = recorded()
    try:
        state = start_server(port=port)
    except RuntimeError as e:
        click.echo(f"gwr server start: {e}", err=True)
        sys.exit(1)
    word = "already running" if already else "started"
    click.echo(f"Prefect server {word}: pid {state.pid}, API {state.api_url}, UI {state.ui_url}\n"
               f"gwr refresh and gwr serve use it from now on; `gwr server stop` stops it. "
               f"Log: {state.log_path}")


@server.command(context_settings=CONTEXT_SETTINGS)
def stop() -> None:
    """Stop the local Prefect server started by `gwr server start`."""
    from flows.local_server import stop as stop_server

    state = stop_server()
    click.echo(f"Prefect server stopped (pid {state.pid})." if state else "No Prefect server was running.")


@server.command(context_settings=CONTEXT_SETTINGS)
def status() -> None:
    """Say whether the local Prefect server runs and answers. Exit status 0 if it does, 1 if not."""
    from flows.local_server import api_answers, recorded

    state = recorded()
    if state is None:
        click.echo("No Prefect server started by `gwr server start` is running: each refresh starts a "
                   "temporary one (10-20 s).")
        sys.exit(1)
    answers = api_answers(state.api_url)
    click.echo(f"Prefect server pid {state.pid}, API {state.api_url} "
               f"({'answering' if answers else 'NOT answering'}), UI {state.ui_url}, "
               f"up {state.uptime / 60:.0f} min. Log: {state.log_path}")
    sys.exit(0 if answers else 1)
