"""Fixtures and settings of the whole test suite.

tests/unit/ holds the fast tests (no Prefect, dbt or Great Expectations; `pytest tests/unit`);
tests/integration/ the ones that run flows, dbt or GX, marked `integration` here (deselect them
with `-m "not integration"`). Each folder below mirrors a package: tests/unit/ingestion/test_readers.py
tests ingestion/readers/.

- `repo_root`, `corpus_dir`: where the code and the bundled sample corpus are.
- the integration fixtures (Prefect harness, the shared small warehouse) are in
  tests/integration/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.settings import quiet_telemetry

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


INTEGRATION = Path(__file__).resolve().parent / "integration"


def pytest_collection_modifyitems(items) -> None:
    """Mark every test under tests/integration/ `integration`."""
    for item in items:
        if INTEGRATION in Path(item.path).parents:
            item.add_marker(pytest.mark.integration)
