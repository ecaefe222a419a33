"""Every setting (GWR_* environment variables, with defaults) and every bundled path, in one place.

| variable               | default                  | meaning                                        |
|------------------------|--------------------------|------------------------------------------------|
| GWR_DB                 | ./warehouse/gwr.duckdb   | the published warehouse file (cwd-relative)    |
| GWR_SOURCE             | the bundled sample corpus| default input; several paths split by os.pathsep |
| GWR_DBT_TARGET         | dev                      | dbt target in the dbt project's profiles.yml   |
| GWR_DBT_PROJECT_DIR    | the bundled dbt project  | the dbt project (profiles.yml lives in it)     |
| GWR_DBT_PROFILES_DIR   | = project dir            | where profiles.yml is                          |
| GWR_DBT_DB_PATH        | set by the flow          | the DuckDB file dbt builds into (read by profiles.yml) |
| GWR_MAX_BYTES          | 20M                      | size limit of one input file or page (K/M/G)   |
| GWR_HTTP_TIMEOUT       | 30                       | seconds before an HTTP request times out       |
| GWR_HTTP_RETRIES       | 3                        | retries of failed downloads (Prefect task retries) |
| GWR_HTTP_RETRY_DELAY   | 2                        | first retry delay in s; doubles each retry     |
| GWR_WORKERS            | all cores                | parser processes                               |
| GWR_PARSE_BUDGET       | 60                       | seconds one document may take to parse; longer is quarantined |
| GWR_QUARANTINE_MAX_SHARE | 0.5                    | largest share of documents a run may quarantine and still publish |

`quiet_telemetry()` turns off the usage pings of Prefect (its servers log "Failed to send
telemetry" errors when offline), dbt and GX for this process and every process it starts.

Bundled paths are found beside the installed packages (`ROOT`, the folder holding this package):
the checkout in development, site-packages after `pip install .`, where the wheel puts the dbt
project, the sample corpus, the rules and the report templates in the same layout. So the code
never depends on the current directory or on an editable install.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import MutableMapping, Sequence

ROOT = Path(__file__).resolve().parent.parent
"""The folder holding the packages (contracts/, flows/, ingestion/, gwr/, expectations/) and the
bundled data (dbt_project/, sample_corpus/): the checkout, or site-packages."""

DBT_PROJECT_DIR = ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
"""The dictionaries (indicators, aliases, units, regions): dbt seeds, read by the extractor too."""
RULES_DIR = ROOT / "ingestion" / "rules"
"""The extraction and metadata rules (vocabulary, frames, rankings, metadata, characters, compounds)."""
SAMPLE_CORPUS_DIR = ROOT / "sample_corpus"
SAMPLE_CORPUS_WILD_DIR = ROOT / "sample_corpus_wild"
"""24 real scraped pages (traditional script, pinyin mojibake, navigation junk, news, statistics
releases) with their sources.csv and manifest_regions.yaml: the second sample folder."""
EXPECTATIONS_DIR = ROOT / "expectations"
REPORT_TEMPLATES_DIR = ROOT / "gwr" / "report" / "templates"
REPORT_STATIC_DIR = ROOT / "gwr" / "report" / "static"

DEFAULT_DB = Path("warehouse") / "gwr.duckdb"
DEFAULT_DBT_TARGET = "dev"
MAX_BYTES_DEFAULT = 20 * 1024 * 1024
DBT_DB_PATH_VAR = "GWR_DBT_DB_PATH"
"""The variable dbt_project/profiles.yml reads for the DuckDB file to build into."""
DBT_TARGET_VAR = "GWR_DBT_TARGET"


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


def parse_size(value: str | int) -> int:
    """'20M' → 20971520, '512k' → 524288, '1000' → 1000."""
    if isinstance(value, int):
        return value
    m = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)[bB]?\s*", str(value))
    if not m:
        raise ValueError(f"not a size: {value!r} (use bytes, or a number with K, M or G)")
    mult = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]
    return int(m.group(1)) * mult


def max_bytes_from_env(default: int = MAX_BYTES_DEFAULT) -> int:
    """$GWR_MAX_BYTES (plain bytes, or with a K/M/G suffix), else `default`."""
    raw = os.environ.get("GWR_MAX_BYTES")
    return parse_size(raw) if raw else default


PARSE_BUDGET_DEFAULT = 60.0


def parse_budget() -> float:
    """Seconds one document may take to parse before it is quarantined: $GWR_PARSE_BUDGET, else 60."""
    env = os.environ.get("GWR_PARSE_BUDGET")
    return float(env) if env else PARSE_BUDGET_DEFAULT


QUARANTINE_MAX_SHARE_DEFAULT = 0.5


def quarantine_max_share() -> float:
    """The largest share of a run's documents (and unreadable files) that may be quarantined while
    the run still publishes: $GWR_QUARANTINE_MAX_SHARE (0..1), else 0.5. More than that is no longer
    a few odd pages but something systemic (a broken reader, the wrong folder), so the run fails."""
    env = os.environ.get("GWR_QUARANTINE_MAX_SHARE")
    if not env:
        return QUARANTINE_MAX_SHARE_DEFAULT
    try:
        share = float(env)
    except ValueError:
        share = -1.0
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"GWR_QUARANTINE_MAX_SHARE must be a share between 0 and 1 (0.5 = half), not {env!r}")
    return share


def workers() -> int:
    """Parser processes: $GWR_WORKERS, else one per core."""
    env = os.environ.get("GWR_WORKERS")
    return max(1, int(env)) if env else max(1, os.cpu_count() or 1)


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
    return (str(SAMPLE_CORPUS_DIR),)


@dataclass(frozen=True)
class WarehousePaths:
    """The files beside a published warehouse file (docs/ARCHITECTURE.md, "Files beside")."""

    db_path: Path
    """The published warehouse file (absolute)."""

    @property
    def warehouse_dir(self) -> Path:
        return self.db_path.parent

    @property
    def cache_dir(self) -> Path:
        """Local cache of downloaded pages: `<db dir>/.cache/`."""
        return self.warehouse_dir / ".cache"

    @property
    def build_dir(self) -> Path:
        """Where the build files of runs live: `<db dir>/.build/`."""
        return self.warehouse_dir / ".build"

    @property
    def lock_path(self) -> Path:
        """The refresh lock (flock): `<db dir>/.refresh.lock`."""
        return self.warehouse_dir / ".refresh.lock"

    @property
    def data_docs_dir(self) -> Path:
        """Where Great Expectations writes its Data Docs site: `<db dir>/data_docs/`."""
        return self.warehouse_dir / "data_docs"

    @property
    def dbt_artifacts_dir(self) -> Path:
        """dbt's target/ and logs/ for runs against this warehouse: `<db dir>/.dbt/` (never inside
        the dbt project, which may be read-only in site-packages)."""
        return self.warehouse_dir / ".dbt"

    @property
    def dbt_manifest(self) -> Path:
        """The manifest of the last dbt build of this warehouse."""
        return self.dbt_artifacts_dir / "target" / "manifest.json"

    @property
    def dbt_docs_dir(self) -> Path:
        """Where `gwr docs` writes the dbt docs site: `<db dir>/dbt_docs/`."""
        return self.warehouse_dir / "dbt_docs"


@dataclass(frozen=True)
class Settings(WarehousePaths):
    """The settings of one refresh, resolved once from arguments, environment and defaults."""

    sources: tuple[str, ...] = ()
    """Folders, files, glob patterns, URLs or manifests to ingest."""
    dbt_target: str = DEFAULT_DBT_TARGET
    dbt_project_dir: Path = DBT_PROJECT_DIR
    dbt_profiles_dir: Path = DBT_PROJECT_DIR
    max_bytes: int = MAX_BYTES_DEFAULT
    """Size limit of one input file or downloaded page."""
    http_timeout: float = 30.0
    http_retries: int = 3
    http_retry_delay: float = 2.0
    quarantine_max_share: float = QUARANTINE_MAX_SHARE_DEFAULT
    """Largest share of a run's documents and files that may be quarantined (GWR_QUARANTINE_MAX_SHARE)."""

    def http_retry_delays(self) -> list[float]:
        """Exponential backoff: delay, 2×delay, 4×delay, …"""
        return [self.http_retry_delay * 2**i for i in range(self.http_retries)]


def warehouse_paths(db: str | os.PathLike | None = None) -> WarehousePaths:
    """The files of the warehouse `db` (else $GWR_DB, else ./warehouse/gwr.duckdb)."""
    return WarehousePaths(resolve_db(db))


def load_settings(
    db: str | os.PathLike | None = None,
    sources: Sequence[str | os.PathLike] | None = None,
    dbt_target: str | None = None,
    max_bytes: int | str | None = None,
) -> Settings:
    """Arguments first, then the environment, then the defaults. Raises ValueError for a bad size
    or share."""
    project = Path(os.environ.get("GWR_DBT_PROJECT_DIR") or DBT_PROJECT_DIR).resolve()
    profiles = Path(os.environ.get("GWR_DBT_PROFILES_DIR") or project).resolve()
    return Settings(
        db_path=resolve_db(db),
        sources=resolve_sources(sources),
        dbt_target=dbt_target or os.environ.get(DBT_TARGET_VAR) or DEFAULT_DBT_TARGET,
        dbt_project_dir=project,
        dbt_profiles_dir=profiles,
        max_bytes=parse_size(max_bytes) if max_bytes not in (None, "") else max_bytes_from_env(),
        http_timeout=float(os.environ.get("GWR_HTTP_TIMEOUT") or 30),
        http_retries=int(os.environ.get("GWR_HTTP_RETRIES") or 3),
        http_retry_delay=float(os.environ.get("GWR_HTTP_RETRY_DELAY") or 2),
        quarantine_max_share=quarantine_max_share(),
    )
