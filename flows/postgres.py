"""The shared PostgreSQL warehouse: build in `__build` schemas, check, swap in one transaction.

    raw__build, seeds__build, staging__build, marts__build    what a run writes (loader, dbt)
    raw, seeds, staging, marts                                what readers see

A run drops any leftover `__build` schema, loads the raw layer into `raw__build` through the
SQLAlchemy loader, builds the rest with dbt-postgres ($GWR_DBT_SCHEMA_SUFFIX=__build), checks
a copy (below) and publishes with `publish_schemas`: in ONE transaction each published schema is
renamed to `__old`, its build renamed to it, the `__old` ones dropped, and the read-only role
granted SELECT. PostgreSQL's DDL is transactional, so a reader sees the old warehouse or the new
one, never a half-built mart; a failed run leaves the published schemas untouched. Staging views
keep pointing at their tables through the rename (PostgreSQL binds views to tables, not names).

Two refreshes of one database never run at once: a session-level advisory lock is held for the
whole run (`advisory_lock`), released by the server if the process dies.

Quality gates: the GX suites read DuckDB (their checks are pushed into DuckDB SQL), so the
built tables are copied to a temporary DuckDB file as published names (raw, seeds, marts) and
checked there (`copy_for_checks`: pandas from PostgreSQL, then DuckDB). That holds each table in
memory once: fine for tens of thousands of documents, not for millions.
"""

from __future__ import annotations

import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from contracts.settings import duckdb_config, PG_BUILD_SUFFIX, PG_PUBLISHED_SCHEMAS, PG_SCHEMA_SUFFIX_VAR

LOCK_KEY = zlib.crc32(b"gwr refresh")
"""The advisory lock's key: the same for every gwr refresh of one database."""
OLD_SUFFIX = "__old"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def dbt_env(url: str) -> dict[str, str]:
    """The variables dbt_project/profiles.yml's `postgres` output reads, from the SQLAlchemy URL
    (a unix-socket folder may come as `?host=/path`), plus the build schema suffix."""
    u = make_url(url)
    host = u.host or u.query.get("host") or "localhost"
    if isinstance(host, tuple):
        host = host[0]
    return {
        "GWR_PG_HOST": str(host),
        "GWR_PG_PORT": str(u.port or 5432),
        "GWR_PG_USER": u.username or "",
        "GWR_PG_PASSWORD": u.password or "",
        "GWR_PG_DBNAME": u.database or "",
        PG_SCHEMA_SUFFIX_VAR: PG_BUILD_SUFFIX,
    }


class RefreshLockedPg(RuntimeError):
    """Another refresh holds this database's advisory lock."""


@contextmanager
def advisory_lock(engine: sa.Engine, wait: bool = False) -> Iterator[None]:
    """Hold the refresh lock of this database (pg_advisory_lock) for the `with` block."""
    with engine.connect() as conn:
        if wait:
            conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": LOCK_KEY})
        elif not conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar_one():
            raise RefreshLockedPg(
                f"another refresh is already running on {engine.url.render_as_string()} (advisory "
                "lock held); wait for it to finish, or pass --wait to queue behind it")
        conn.commit()
        try:
            yield
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
            conn.commit()


def _schemas(conn: sa.Connection) -> set[str]:
    return {r[0] for r in conn.execute(sa.text("SELECT nspname FROM pg_namespace"))}


def build_schemas(conn: sa.Connection) -> list[str]:
    """The published names of every `__build` schema (raw, seeds, staging, intermediate, marts:
    whatever the dbt project builds)."""
    return sorted(s.removesuffix(PG_BUILD_SUFFIX) for s in _schemas(conn) if s.endswith(PG_BUILD_SUFFIX))


def drop_build_schemas(engine: sa.Engine) -> None:
    """Remove what a failed or killed run left in the `__build` schemas."""
    with engine.begin() as conn:
        for s in build_schemas(conn):
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {_ident(s + PG_BUILD_SUFFIX)} CASCADE"))


def _ensure_reader(conn: sa.Connection, role: str) -> None:
    exists = conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if not exists:
        conn.execute(sa.text(f"CREATE ROLE {_ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"))
    # every session of the role is read-only, whatever the client asks
    conn.execute(sa.text(f"ALTER ROLE {_ident(role)} SET default_transaction_read_only = on"))
    db = conn.execute(sa.text("SELECT current_database()")).scalar_one()
    conn.execute(sa.text(f"GRANT CONNECT ON DATABASE {_ident(db)} TO {_ident(role)}"))


def publish_schemas(engine: sa.Engine, reader_role: str) -> None:
    """Swap every `__build` schema in for its published one, in one transaction, and grant the
    read-only role USAGE and SELECT on them (nothing else). The schemas every build must have
    (PG_PUBLISHED_SCHEMAS) missing: RuntimeError, nothing published."""
    with engine.begin() as conn:
        _ensure_reader(conn, reader_role)
        present = _schemas(conn)
        built = build_schemas(conn)
        for s in PG_PUBLISHED_SCHEMAS:
            if s not in built:
                raise RuntimeError(f"schema {s + PG_BUILD_SUFFIX} was not built: nothing to publish")
        for s in built:
            build, old = s + PG_BUILD_SUFFIX, s + OLD_SUFFIX
            conn.execute(sa.text(f"GRANT USAGE ON SCHEMA {_ident(build)} TO {_ident(reader_role)}"))
            conn.execute(sa.text(f"GRANT SELECT ON ALL TABLES IN SCHEMA {_ident(build)} TO {_ident(reader_role)}"))
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {_ident(old)} CASCADE"))
            if s in present:
                conn.execute(sa.text(f"ALTER SCHEMA {_ident(s)} RENAME TO {_ident(old)}"))
            conn.execute(sa.text(f"ALTER SCHEMA {_ident(build)} RENAME TO {_ident(s)}"))
        for s in built:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {_ident(s + OLD_SUFFIX)} CASCADE"))


def _tables(conn: sa.Connection, schema: str) -> list[str]:
    return [r[0] for r in conn.execute(sa.text(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = :s "
        "AND table_type = 'BASE TABLE' ORDER BY table_name"), {"s": schema})]


PG_TO_DUCKDB = {
    "character varying": "VARCHAR", "text": "VARCHAR", "double precision": "DOUBLE",
    "real": "FLOAT", "integer": "INTEGER", "bigint": "BIGINT", "smallint": "SMALLINT",
    "boolean": "BOOLEAN", "date": "DATE", "numeric": "DOUBLE",
    "timestamp without time zone": "TIMESTAMP", "timestamp with time zone": "TIMESTAMPTZ",
}
"""PostgreSQL column types (information_schema's names) → DuckDB's, for the checks' copy."""


def copy_for_checks(engine: sa.Engine, duck_path: Path, schemas: tuple[str, ...]) -> Path:
    """Copy every table of the `__build` schemas `schemas` (published names: "raw", "marts",
    "seeds") into the DuckDB file `duck_path`, under the published names, with the same column
    types (an all-NULL column keeps its type)."""
    import duckdb
    import pandas as pd

    con = duckdb.connect(str(duck_path), config=duckdb_config())
    try:
        with engine.connect() as conn:
            for schema in schemas:
                build = schema + PG_BUILD_SUFFIX
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(schema)}")
                for table in _tables(conn, build):
                    cols = conn.execute(sa.text(
                        "SELECT column_name, data_type FROM information_schema.columns "
                        "WHERE table_schema = :s AND table_name = :t ORDER BY ordinal_position"),
                        {"s": build, "t": table}).all()
                    types = [(c, PG_TO_DUCKDB.get(t, "VARCHAR")) for c, t in cols]
                    frame = pd.read_sql_query(sa.text(f"SELECT * FROM {_ident(build)}.{_ident(table)}"),
                                              conn, dtype_backend="pyarrow")
                    con.register("pg_frame", frame)
                    target = f"{_ident(schema)}.{_ident(table)}"
                    con.execute(f"CREATE OR REPLACE TABLE {target} ("
                                + ", ".join(f"{_ident(c)} {t}" for c, t in types) + ")")
                    con.execute(f"INSERT INTO {target} SELECT "
                                + ", ".join(f"CAST({_ident(c)} AS {t})" for c, t in types) + " FROM pg_frame")
                    con.unregister("pg_frame")
    finally:
        con.close()
    return duck_path


def mart_counts(engine: sa.Engine, schema: str = "marts") -> dict[str, int]:
    """Rows per table of `schema`."""
    with engine.connect() as conn:
        return {t: int(conn.execute(sa.text(f"SELECT count(*) FROM {_ident(schema)}.{_ident(t)}")).scalar_one())
                for t in _tables(conn, schema)}
