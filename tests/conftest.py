"""Shared fixtures.

- `repo_root`, `corpus_dir`: where the code and the bundled sample corpus are.
- `prefect_harness`: one Prefect test harness (temporary SQLite API database) for the whole
  session. Without it a flow run with no PREFECT_API_URL starts a temporary Prefect server, 10-20 s
  each time. Only tests that run a flow need it (`pytestmark = pytest.mark.usefixtures(
  "prefect_harness")`); unit tests call a task's `.fn()` and need nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.settings import quiet_telemetry

REPO_ROOT = Path(__file__).resolve().parents[1]

# No telemetry or version pings from dbt / GX / Prefect during tests (CI has no network but the
# package registries; a ping would only wait for its timeout). Without it the harness's server would
# also write a telemetry session row while the flow writes ("sqlite3.OperationalError: database is
# locked" in the log, harmless but alarming).
quiet_telemetry()


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
