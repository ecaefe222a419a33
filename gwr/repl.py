"""The `gwr sql` prompt: queries ending with `;`, dot commands, on the sandboxed connection."""

from __future__ import annotations

import duckdb

from gwr.sql import FORMATS, SqlRefused, explain_error, render, run_query

REPL_HELP = """\
Type a query ending with ; and press Enter (a query may span several lines).
  .tables          list the warehouse's tables and views
  .schema TABLE    the columns of TABLE (e.g. .schema marts.fct_targets)
  .format FMT      table, csv, json or markdown
  .help            this help
  .quit            leave (or Ctrl-D)
Read-only: COPY, ATTACH, INSTALL, SET, CREATE, INSERT... are refused."""


def repl(con: duckdb.DuckDBPyConnection, fmt: str, stdin, stdout, interactive: bool) -> int:
    """A small prompt on the sandboxed connection. Returns the number of failed statements."""
    if interactive:
        try:
            import readline  # noqa: F401  (line editing; history kept in memory only)
        except ImportError:  # pragma: no cover
            pass
        stdout.write("gwr sql: read-only SQL on the warehouse. .help for help, .quit to leave.\n")
    failures = 0

    def execute(sql: str) -> bool:
        """Run one statement and print its result or why it failed; True when it ran."""
        try:
            out(render(run_query(con, sql), fmt))
            return True
        except SqlRefused as e:
            out(str(e))
        except duckdb.Error as e:
            out(explain_error(e))
        return False

    buf: list[str] = []

    def out(s: str) -> None:
        stdout.write(s + "\n")
        stdout.flush()

    while True:
        prompt = ("gwr> " if not buf else "...> ") if interactive else ""
        try:
            if interactive:
                line = input(prompt)
            else:
                line = stdin.readline()
                if line == "":
                    raise EOFError
                line = line.rstrip("\n")
        except EOFError:
            if interactive:
                out("")
            break
        except KeyboardInterrupt:
            out("^C")
            buf = []
            continue
        stripped = line.strip()
        if not buf and stripped.startswith("."):
            cmd, _, arg = stripped.partition(" ")
            arg = arg.strip().rstrip(";")
            if cmd in (".quit", ".exit", ".q"):
                break
            if cmd == ".help":
                out(REPL_HELP)
            elif cmd == ".tables":
                res = run_query(
                    con,
                    "SELECT table_schema || '.' || table_name AS name, table_type AS type "
                    "FROM information_schema.tables WHERE table_schema NOT IN ('information_schema', 'pg_catalog') "
                    "ORDER BY 1",
                )
                out(render(res, fmt))
            elif cmd == ".schema" and arg:
                try:
                    out(render(run_query(con, f"DESCRIBE {arg}"), fmt))
                except (duckdb.Error, SqlRefused) as e:
                    failures += 1
                    out(explain_error(e) if not isinstance(e, SqlRefused) else str(e))
            elif cmd == ".format" and arg in FORMATS:
                fmt = arg
                out(f"format: {fmt}")
            else:
                out(f"unknown command {stripped!r}; .help lists the commands")
            continue
        if not stripped and not buf:
            continue
        buf.append(line)
        if not stripped.endswith(";"):
            continue
        failures += not execute("\n".join(buf))
        buf = []
    if buf and "".join(buf).strip():
        failures += not execute("\n".join(buf))
    return failures
