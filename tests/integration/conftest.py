"""Fixtures of the integration tests: one Prefect test harness and one small warehouse, shared by
the whole session.

- `prefect_harness`: a temporary SQLite API database for Prefect. Without it a flow run with no
  PREFECT_API_URL starts a temporary Prefect server, 10-20 s each time.
- `small_warehouse`: one real refresh of two sample reports; every test that only reads a
  warehouse uses it (a test that writes works on a copy).
- `corpus_warehouse`: one real refresh of the whole bundled corpus (sample_corpus/), for the
  tests of what the whole corpus yields (accuracy, region codes, attainment across years,
  escalation, the export); read only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _documents import SMALL_CORPUS


@pytest.fixture(scope="session")
def prefect_harness():
    """Run flows against a temporary Prefect backend, shared by every test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


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


@pytest.fixture(scope="session")
def corpus_warehouse(tmp_path_factory, corpus_dir: Path, prefect_harness) -> Path:
    """The published db path of one refresh of the whole bundled corpus (read only)."""
    from flows.refresh import refresh

    db = tmp_path_factory.mktemp("corpus-warehouse") / "gwr.duckdb"
    refresh(sources=[str(corpus_dir)], db=str(db))
    return db
