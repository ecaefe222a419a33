"""Settings for the flows and the CLI: environment variables with defaults (docs/ARCHITECTURE.md).

| variable          | default                    | meaning                                   |
|-------------------|----------------------------|-------------------------------------------|
| GWR_DB            | ./warehouse/gwr.duckdb     | the published warehouse file (cwd-relative)|
| GWR_SOURCE        | <repo>/sample_corpus       | default input; several paths split by os.pathsep |
| GWR_DBT_TARGET    | dev                        | dbt target in dbt_project/profiles.yml    |
| GWR_DBT_PROJECT_DIR | <repo>/dbt_project       | the dbt project (profiles.yml lives in it) |
| GWR_DBT_PROFILES_DIR | = project dir           | where profiles.yml is                      |
| GWR_MAX_BYTES     | 20M                        | size limit of one input file or page (K/M/G) |
| GWR_HTTP_TIMEOUT  | 30                         | seconds before an HTTP request times out   |
| GWR_HTTP_RETRIES  | 3                          | retries of failed downloads (Prefect task retries) |
| GWR_HTTP_RETRY_DELAY | 2                       | first retry delay in s; doubles each retry |
| GWR_WORKERS       | all cores                  | parser processes                           |

Nothing here imports Prefect, dbt or GX. `quiet_telemetry()` turns off the usage pings of Prefect
(its servers log "Failed to send telemetry" errors when offline), dbt and GX for this process and
every process it starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import MutableMapping, Sequence

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The repository root (the folder holding flows/, ingestion/, dbt_project/, sample_corpus/)."""

DEFAULT_DB = Path("warehouse") / "gwr.duckdb"
DEFAULT_SOURCE = REPO_ROOT / "sample_corpus"
DEFAULT_DBT_TARGET = "dev"
DEFAULT_DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

TELEMETRY_OFF: dict[str, str] = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # the Prefect servers we start (temporary or not)
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "False",
}
"""No usage pings: the machines this runs on are often offline, and a ping then only logs errors."""


def quiet_telemetry(environ: MutableMapping[str, str] = os.environ) -> None:
    """Set TELEMETRY_OFF in `environ` (this process's environment by default) unless already set."""
    for key, value in TELEMETRY_OFF.items():
        environ.setdefault(key, value)


@dataclass(frozen=True)
class Settings:
    db_path: Path
    """The published warehouse file (absolute)."""
    sources: tuple[str, ...]
    """Folders, files or glob patterns to ingest."""
    dbt_target: str
    dbt_project_dir: Path
    dbt_profiles_dir: Path
    max_bytes: int = 20 * 1024 * 1024
    """Size limit of one input file or downloaded page."""
    http_timeout: float = 30.0
    http_retries: int = 3
    http_retry_delay: float = 2.0

    @property
    def cache_dir(self) -> Path:
        """Local cache of downloaded pages: `<db dir>/.cache/`."""
        return self.warehouse_dir / ".cache"

    def http_retry_delays(self) -> list[float]:
        """Exponential backoff: delay, 2×delay, 4×delay, …"""
        return [self.http_retry_delay * 2**i for i in range(self.http_retries)]

    @property
    def warehouse_dir(self) -> Path:
        return self.db_path.parent

    @property
    def build_dir(self) -> Path:
        """Where the build files of runs live: `<db dir>/.build/`."""
        return self.warehouse_dir / ".build"

    @property
    def lock_path(self) -> Path:
        return self.warehouse_dir / ".refresh.lock"

    @property
    def data_docs_dir(self) -> Path:
        """Where Great Expectations writes its Data Docs site: `<db dir>/data_docs/`."""
        return self.warehouse_dir / "data_docs"

    @property
    def dbt_artifacts_dir(self) -> Path:
        """dbt's target/ and logs/ for runs against this warehouse: `<db dir>/.dbt/`."""
        return self.warehouse_dir / ".dbt"


def resolve_db(db: str | os.PathLike | None = None) -> Path:
    """The published DuckDB file: `db`, else $GWR_DB, else ./warehouse/gwr.duckdb; made absolute."""
    raw = db if db not in (None, "") else os.environ.get("GWR_DB") or DEFAULT_DB
    return Path(raw).expanduser().resolve()


def resolve_sources(sources: Sequence[str | os.PathLike] | None = None) -> tuple[str, ...]:
    """Inputs: `sources`, else $GWR_SOURCE (os.pathsep-separated), else the bundled sample corpus."""
    if sources:
        return tuple(str(s) for s in sources)
    env = os.environ.get("GWR_SOURCE")
    if env:
        return tuple(p for p in env.split(os.pathsep) if p)
    return (str(DEFAULT_SOURCE),)


def load_settings(
    db: str | os.PathLike | None = None,
    sources: Sequence[str | os.PathLike] | None = None,
    dbt_target: str | None = None,
    max_bytes: int | str | None = None,
) -> Settings:
    from ingestion.readers import max_bytes_from_env, parse_size

    project = Path(os.environ.get("GWR_DBT_PROJECT_DIR") or DEFAULT_DBT_PROJECT_DIR).resolve()
    profiles = Path(os.environ.get("GWR_DBT_PROFILES_DIR") or project).resolve()
    return Settings(
        db_path=resolve_db(db),
        sources=resolve_sources(sources),
        dbt_target=dbt_target or os.environ.get("GWR_DBT_TARGET") or DEFAULT_DBT_TARGET,
        dbt_project_dir=project,
        dbt_profiles_dir=profiles,
        max_bytes=parse_size(max_bytes) if max_bytes not in (None, "") else max_bytes_from_env(),
        http_timeout=float(os.environ.get("GWR_HTTP_TIMEOUT") or 30),
        http_retries=int(os.environ.get("GWR_HTTP_RETRIES") or 3),
        http_retry_delay=float(os.environ.get("GWR_HTTP_RETRY_DELAY") or 2),
    )
