"""The unit tests load no Prefect, dbt or Great Expectations: each module is checked after it ran
(when the session had not loaded them already, e.g. in a full run after the integration tests)."""

from __future__ import annotations

import sys

import pytest

HEAVY = ("prefect", "dbt", "great_expectations")


def _loaded() -> set[str]:
    return {m.split(".")[0] for m in sys.modules} & set(HEAVY)


@pytest.fixture(autouse=True, scope="module")
def _no_heavy_imports():
    before = _loaded()
    yield
    new = _loaded() - before
    assert not new, f"a unit test module loaded {sorted(new)}: move it to tests/integration/"
