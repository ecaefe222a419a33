"""`gwr sql --target postgres`: one query on the shared PostgreSQL warehouse, as the read-only role.

Two layers keep a query from changing anything, as for DuckDB (gwr/sql.py):
1. the role: the connection logs in as the read-only role (GWR_PG_READ_URL, else GWR_PG_URL with
   GWR_PG_READER as its user), which every publication grants USAGE and SELECT on the published
   schemas and nothing else, and whose sessions default to read-only transactions
   (flows/postgres.py);
2. the session: it is opened with `default_transaction_read_only=on` and runs the query in a
   transaction that is rolled back, so even a role with more rights than it should have writes
   nothing.
"""

from __future__ import annotations

from gwr.sql import QueryResult


class PostgresQueryError(RuntimeError):
    """The query failed or was refused by the server; the message is the server's."""


def run_pg_query(url: str, sql: str) -> QueryResult:
    """Run `sql` read-only on the PostgreSQL database at `url`; rows of its last statement."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, connect_args={"options": "-c default_transaction_read_only=on"})
    try:
        with engine.connect() as conn:
            try:
                res = conn.exec_driver_sql(sql)
                if not res.returns_rows:
                    return QueryResult(columns=[], types=[], rows=[])
                columns = list(res.keys())
                rows = [tuple(r) for r in res.fetchall()]
            except sa.exc.DBAPIError as e:
                raise PostgresQueryError(str(getattr(e, "orig", e)).strip()) from None
            finally:
                conn.rollback()
    finally:
        engine.dispose()
    types = []
    for i in range(len(columns)):
        value = next((r[i] for r in rows if r[i] is not None), None)
        types.append(type(value).__name__.upper() if value is not None else "")
    return QueryResult(columns=columns, types=types, rows=rows)
