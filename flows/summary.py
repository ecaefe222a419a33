"""What a refresh did, as data: returned by the flow, rendered by `gwr refresh` (gwr/cli/render.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class CheckSummary:
    """The outcome of one quality suite (raw or marts)."""

    stage: str
    suite: str
    passed: int
    failed: int
    blocking_failures: list[str]
    data_docs_index: str | None


@dataclass
class RefreshSummary:
    """What a successful refresh did."""

    run_id: str
    db_path: str
    files_seen: int
    documents: int
    facts: int
    ingest_errors: list[dict[str, str]]
    raw_rows: dict[str, int]
    mart_rows: dict[str, int]
    checks: list[CheckSummary]
    dbt_counts: dict[str, int]
    """dbt nodes per status (success, pass, warn, skipped)."""
    data_docs: str | None
    seconds: float
    files_unchanged: int = 0
    files_parsed: int = 0
    documents_removed: int = 0
    documents_total: int = 0
    full: bool = True
    full_reason: str | None = None
    build_skipped: bool = False
    stage_seconds: dict[str, float] = field(default_factory=dict)
    dbt_by_type: dict[str, int] = field(default_factory=dict)
    """dbt nodes per resource type (seed, model, test, unit_test)."""
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    """What the run left out of the marts (ops.quarantined_documents): source, document_id (None
    for a file no document came out of), reason, fix."""

    @property
    def quarantined_documents(self) -> int:
        return sum(1 for q in self.quarantined if q.get("document_id"))

    @property
    def quarantined_files(self) -> int:
        return len(self.quarantined) - self.quarantined_documents

    @property
    def checks_passed(self) -> int:
        return sum(c.passed for c in self.checks)

    @property
    def checks_failed(self) -> int:
        return sum(c.failed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["checks_passed"] = self.checks_passed
        d["checks_failed"] = self.checks_failed
        return d
