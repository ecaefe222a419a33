"""The outcome of a suite: one CheckResult per expectation (a row of ops.dq_results) and the
SuiteOutcome that raises QualityGateError for a blocking failure; `to_check_result` reads a GX
validation result into a CheckResult."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from contracts.tables import columns, dq_results, utcnow
from expectations import QualityGateError
from expectations.checks import Check

SAMPLE_SIZE = 5
"""Failing rows kept per check (ops.dq_results.unexpected_sample)."""
DQ_COLUMNS = columns(dq_results)


@dataclass
class CheckResult:
    """One row of ops.dq_results."""

    run_id: str
    suite: str
    table_name: str
    expectation: str
    column_name: str | None
    success: bool
    blocking: bool
    observed_value: str | None = None
    unexpected_count: int | None = None
    unexpected_sample: str | None = None
    checked_at: dt.datetime = field(default_factory=utcnow)

    def describe(self) -> str:
        target = self.table_name + (f".{self.column_name}" if self.column_name else "")
        if self.unexpected_count is not None:
            detail = f"{self.unexpected_count} unexpected"
        else:
            detail = f"observed {self.observed_value}"
        return f"{self.expectation} on {target} ({detail})"

    def as_row(self) -> dict:
        return {c: getattr(self, c) for c in DQ_COLUMNS}

    def __str__(self) -> str:
        return self.describe()


@dataclass
class SuiteOutcome:
    suite: str
    passed: int
    failed: int
    results: list[CheckResult]
    data_docs_index: Path | None = None
    run_id: str = ""

    @property
    def blocking_failures(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success and r.blocking]

    @property
    def warnings(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success and not r.blocking]

    @property
    def success(self) -> bool:
        return not self.blocking_failures

    def raise_for_blocking(self) -> None:
        failures = self.blocking_failures
        if failures:
            message = f"{self.suite} check failed: " + "; ".join(r.describe() for r in failures)
            raise QualityGateError(message, failures=failures)

    def summary(self) -> str:
        return (
            f"{self.suite}: {self.passed} passed, {self.failed} failed "
            f"({len(self.blocking_failures)} blocking, {len(self.warnings)} warnings)"
        )


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            v = v.item()  # numpy scalar
        except (TypeError, ValueError):
            pass
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None  # pandas represents NULL as NaN
    if isinstance(v, float) and math.isinf(v):
        return str(v)
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def to_check_result(r, check: Check, suite: str, run_id: str, checked_at: dt.datetime) -> CheckResult:
    res = r.result or {}
    exc = r.exception_info or {}
    # exception_info is either {raised_exception, exception_message, ...} or keyed by metric id
    errors = []
    if exc.get("raised_exception"):
        errors.append(exc.get("exception_message"))
    for v in exc.values():
        if isinstance(v, dict) and v.get("raised_exception"):
            errors.append(v.get("exception_message"))
    unexpected_count = res.get("unexpected_count")
    if errors:
        observed = "error: " + " | ".join(str(e) for e in errors if e)
    elif "observed_value" in res:
        observed = json.dumps(_jsonable(res["observed_value"]), ensure_ascii=False)
    elif unexpected_count is not None:
        observed = f"{unexpected_count} of {res.get('element_count')} unexpected"
        if res.get("missing_count"):
            observed += f" ({res['missing_count']} null ignored)"
    else:
        observed = None
    sample = None
    if not r.success:
        items = res.get("partial_unexpected_index_list") or res.get("partial_unexpected_list")
        if items:
            sample = json.dumps(_jsonable(list(items)[:SAMPLE_SIZE]), ensure_ascii=False)
    return CheckResult(
        run_id=run_id,
        suite=suite,
        table_name=check.table,
        expectation=check.expectation_type,
        column_name=check.column_name,
        success=bool(r.success),
        blocking=check.blocking,
        observed_value=(observed[:2000] if observed else None),
        unexpected_count=None if unexpected_count is None else int(unexpected_count),
        unexpected_sample=(sample[:2000] if sample else None),
        checked_at=checked_at,
    )
