"""A real, temporary PostgreSQL server for the tests (Debian's `postgresql` package; .ci/run
installs it).

    with postgres_server(tmp_path / "pg") as pg:     # initdb + pg_ctl start on a unix socket
        url = pg.url("gwr")                          # postgresql+psycopg2://gwr_admin@/gwr?host=...

The cluster lives in its own folder with its socket in it (no TCP port), C locale and UTF-8 (so
text sorts by code point, as in DuckDB). PostgreSQL refuses to run as root: when the tests run as
root (CI), the cluster's folder is given to the unprivileged user `nobody` and initdb/pg_ctl run
as that user through `runuser`; the tests connect over the socket as the cluster's superuser
`gwr_admin` (trust authentication on the local socket only). The server is stopped (fast, then
immediate) and its folder removed at the end, whatever happened.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SUPERUSER = "gwr_admin"
RUN_AS_WHEN_ROOT = "nobody"


def postgres_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<major>/bin holding initdb (Debian's layout), or $PG_BIN."""
    env = os.environ.get("PG_BIN")
    if env and (Path(env) / "initdb").exists():
        return Path(env)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    return Path(which).parent if which else None


@dataclass
class PostgresServer:
    data_dir: Path
    socket_dir: Path
    bin_dir: Path

    def url(self, dbname: str = "postgres", user: str = SUPERUSER, password: str | None = None) -> str:
        """SQLAlchemy URL over the unix socket."""
        auth = user + (f":{password}" if password else "")
        return f"postgresql+psycopg2://{auth}@/{dbname}?host={self.socket_dir}"

    def create_database(self, name: str) -> str:
        import psycopg2

        con = psycopg2.connect(dbname="postgres", user=SUPERUSER, host=str(self.socket_dir))
        con.autocommit = True
        try:
            con.cursor().execute(f'CREATE DATABASE "{name}"')
        finally:
            con.close()
        return self.url(name)


def _as_owner(cmd: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *cmd] if owner else cmd


@contextmanager
def postgres_server(folder: Path) -> Iterator[PostgresServer]:
    """initdb a cluster in `folder`, start it on a socket in `folder`, yield it, stop it."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL's initdb was not found (apt-get install postgresql)")
    folder.mkdir(parents=True, exist_ok=True)
    data_dir, socket_dir, log = folder / "data", folder / "socket", folder / "server.log"
    socket_dir.mkdir(exist_ok=True)
    owner = RUN_AS_WHEN_ROOT if os.geteuid() == 0 else None
    if owner:
        uid, gid = pwd.getpwnam(owner).pw_uid, pwd.getpwnam(owner).pw_gid
        for p in (folder, socket_dir):
            os.chown(p, uid, gid)
        # the owner must be able to reach the folder: open the path's parents for traversal
        for parent in folder.parents:
            if parent == Path("/"):
                break
            mode = parent.stat().st_mode
            if not mode & 0o001:
                os.chmod(parent, mode | 0o001)
    subprocess.run(
        _as_owner([str(bin_dir / "initdb"), "-D", str(data_dir), "-U", SUPERUSER, "-A", "trust",
                   "-E", "UTF8", "--locale=C", "--no-sync"], owner),
        check=True, capture_output=True, text=True,
    )
    opts = f"-k {socket_dir} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
    subprocess.run(
        _as_owner([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(log), "-o", opts,
                   "-w", "-t", "120", "start"], owner),
        check=True, capture_output=True, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not list(socket_dir.glob(".s.PGSQL.*")) and time.monotonic() < deadline:
            time.sleep(0.1)
        yield PostgresServer(data_dir=data_dir, socket_dir=socket_dir, bin_dir=bin_dir)
    finally:
        for mode in ("fast", "immediate"):
            r = subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", mode,
                                          "-w", "-t", "60", "stop"], owner), capture_output=True)
            if r.returncode == 0:
                break
        shutil.rmtree(folder, ignore_errors=True)
