"""Data quality for GWR Warehouse: Great Expectations (GX Core 1.x) suites run on pandas frames.

Public API (GX is imported lazily, only when a suite runs):

    from expectations.runner import run_suite, SuiteOutcome
    from expectations import QualityGateError
    outcome = run_suite(build_db, "raw", run_id)   # or "marts", manifest=<dbt's manifest.json>
    outcome.raise_for_blocking()
"""

from __future__ import annotations


class QualityGateError(RuntimeError):
    """A blocking expectation failed: the build must not be published.

    `failures` holds the failing `CheckResult`s; the message names each expectation and table.
    """

    def __init__(self, message: str, failures: list | None = None):
        super().__init__(message)
        self.failures = list(failures or [])


def run_suite(*args, **kwargs):
    """Shortcut for `expectations.runner.run_suite` (imported lazily)."""
    from expectations.runner import run_suite as _run_suite

    return _run_suite(*args, **kwargs)


__all__ = ["QualityGateError", "run_suite"]
