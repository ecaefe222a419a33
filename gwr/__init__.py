"""The read side of GWR Warehouse and its command line.

    gwr.cli       the `gwr` command (click): thin commands over the flows and the modules below
    gwr.sql       sandboxed read-only SQL on the published warehouse; gwr.repl its prompt
    gwr.status    the state of a warehouse on one screen
    gwr.report    static HTML report (Jinja2 templates, CSS/JS static files)
    gwr.docs      the dbt docs site of a warehouse
    gwr.eval      the marts scored against hand-labelled gold facts
    gwr.table     the one CJK-aware table printer (sql, status, parse)

Nothing here imports Prefect; the `refresh` and `serve` commands import the flows when they run.
"""
