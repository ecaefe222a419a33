"""Shared fixtures.

- `repo_root`, `corpus_dir`: where the code and the bundled sample corpus are.
- `prefect_harness`: one Prefect test harness (temporary SQLite API database) for the whole
  session. Without it a flow run with no PREFECT_API_URL starts a temporary Prefect server, 10-20 s
  each time. Only tests that run a flow need it (`pytestmark = pytest.mark.usefixtures(
  "prefect_harness")`); unit tests call a task's `.fn()` and need nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

# No telemetry or version pings from dbt / GX / Prefect during tests (CI has no network but the
# package registries; a ping would only wait for its timeout).
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("DO_NOT_TRACK", "1")
# The harness's server would otherwise write a telemetry session row while the flow writes too
# ("sqlite3.OperationalError: database is locked" in the log, harmless but alarming).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def corpus_dir(repo_root: Path) -> Path:
    return repo_root / "sample_corpus"


@pytest.fixture(scope="session")
def prefect_harness():
    """Run flows against a temporary Prefect backend, shared by every test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


SMALL_CORPUS = ("000_500ad30c4c1f596f.txt", "001_d7344a832e05616a.txt")
"""The two sample reports of the shared small warehouse (咸宁市 2022 Q3 and 2021 Q1 notices)."""


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory, corpus_dir: Path) -> Path:
    import shutil

    src = tmp_path_factory.mktemp("small-corpus")
    for name in SMALL_CORPUS:
        shutil.copy(corpus_dir / name, src / name)
    return src


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory, small_corpus: Path, prefect_harness):
    """One successful refresh of the small corpus, shared by every test that only reads it:
    (RefreshSummary, published db path). A test that writes works on a copy."""
    from flows.refresh import refresh

    db = tmp_path_factory.mktemp("small-warehouse") / "gwr.duckdb"
    summary = refresh(sources=[str(small_corpus)], db=str(db))
    return summary, db
