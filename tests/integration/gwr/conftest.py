"""The read-side commands all read the shared small warehouse (tests/integration/conftest.py)."""

from __future__ import annotations

import pytest
from _readside import fingerprint


@pytest.fixture(scope="module")
def wh(small_warehouse) -> dict:
    """The shared warehouse with its fingerprint, taken when the module starts."""
    _, db = small_warehouse
    return fingerprint(db)
