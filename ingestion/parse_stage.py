"""The parse stage of a refresh: decide which sources changed, parse only those, spool the result.

    batch = parse_sources(sources, build_db, full=False, max_bytes=..., keep=[...])

The plan comes from ingestion.sources.incremental (against the build file's ops.source_files),
the parsing from ingestion.batch (a process pool), and the parsed documents go to a spool on disk
next to the build file (ingestion.loading.spool), so memory stays flat. A file that cannot be used
is quarantined (an IngestError) and the others go on. The returned ParseBatch is what the loader
writes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.tables import utcnow
from ingestion.records import IngestError
from ingestion.sources.discover import NoInputError, Source

MESSAGE_LIMIT = 4000
"""Longest quarantine reason kept (ops.ingest_errors.reason, ops.runs.message)."""


@dataclass
class ParseBatch:
    """What the parse stage hands to the load stage."""

    files: list[Path]
    parsed: Any  # ParsedDocuments: an ingestion.loading.spool.DocumentSpool, or a list in tests
    errors: list[IngestError] = field(default_factory=list)
    full: bool = True
    full_reason: str | None = None
    parsed_sources: list[str] = field(default_factory=list)  # keys whose old rows are replaced
    removed_sources: list[str] = field(default_factory=list)
    unchanged: int = 0
    state_rows: list[dict] = field(default_factory=list)
    cache_rows: list[dict] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Does the raw layer change? (new, changed or removed documents, or a full rebuild)"""
        return self.full or bool(self.parsed_sources) or bool(self.removed_sources)

    @property
    def documents(self) -> int:
        return len(self.parsed)

    @property
    def facts(self) -> int:
        count = getattr(self.parsed, "fact_count", None)  # a DocumentSpool counts as it goes
        return count if count is not None else sum(len(p.facts) for p in self.parsed)


def as_sources(items: list[Any]) -> list[Source]:
    """Sources as they are; plain paths made Sources keyed by their absolute path."""
    out = []
    for it in items:
        if isinstance(it, Source):
            out.append(it)
        else:
            p = Path(it).resolve()
            out.append(Source(key=str(p), path=p))
    return out


def parse_sources(
    sources: list[Any],
    build_db: Path | None = None,
    full: bool = False,
    max_bytes: int | None = None,
    keep: list[str] | None = None,
    workers: int | None = None,
    log: logging.Logger | logging.LoggerAdapter | None = None,
    budget_seconds: float | None = None,
) -> ParseBatch:
    """Plan against the build file's state, parse the changed and new sources, spool them.

    `sources`: Sources (or plain paths); `keep`: keys of sources that could not be fetched this
    time, whose documents stay as they are; `budget_seconds`: what one document may take to parse
    (default GWR_PARSE_BUDGET), longer is quarantined. Raises NoInputError when nothing could be
    parsed and nothing parsed before is still there.
    """
    from contracts.settings import parse_budget
    from ingestion import EXTRACTOR_VERSION
    from ingestion.batch import ParseJob, parse_files
    from ingestion.loading.spool import DocumentSpool
    from ingestion.sources.incremental import StoredState, load_state, plan_sources, state_rows

    log = log or logging.getLogger(__name__)
    srcs = as_sources(list(sources))
    state = load_state(build_db) if build_db else StoredState({}, False, 0, set())
    plan = plan_sources(srcs, state, EXTRACTOR_VERSION, full=full, max_bytes=max_bytes)
    if keep:
        plan.removed = [k for k in plan.removed if k not in set(keep)]
    if plan.full:
        log.info("full refresh: %s", plan.full_reason)
    spool = DocumentSpool(Path(build_db).parent / "spool" if build_db else None)
    batch = ParseBatch(
        files=[Path(s.path) for s in srcs], parsed=spool, full=plan.full, full_reason=plan.full_reason,
        removed_sources=list(plan.removed), unchanged=len(plan.unchanged),
    )
    batch.errors.extend(plan.carried_errors)
    budget = parse_budget() if budget_seconds is None else budget_seconds
    jobs = [
        ParseJob(Path(ps.source.path), tuple(ps.source.overrides), ps.source.key, max_bytes, budget)
        for ps in plan.to_parse
    ]
    hashes = {ps.source.key: ps.file_hash for ps in plan.to_parse}
    counts: dict[str, int] = {}
    errors: dict[str, IngestError] = {}
    for out in parse_files(jobs, workers=workers):
        key = out.job.source_path if out.job else str(out.path)
        batch.parsed_sources.append(key)
        reason = out.error or (None if out.documents else "no document found in the file")
        if reason:
            reason = reason[:MESSAGE_LIMIT]
            log.warning("quarantined %s: %s", key, reason)
            errors[key] = IngestError(key, reason, utcnow(), out.fix)
            batch.errors.append(errors[key])
            continue
        for d in out.documents:
            d.document.source_hash = hashes.get(key)
        counts[key] = len(out.documents)
        batch.parsed.extend(out.documents)
    batch.state_rows = state_rows(plan, counts, errors, "", EXTRACTOR_VERSION, state.sources)
    log.info(
        "parsed %d document(s), %d fact(s) from %d of %d file(s); %d unchanged, %d removed, "
        "%d quarantined", batch.documents, batch.facts, len(jobs), len(srcs), batch.unchanged,
        len(batch.removed_sources), len(batch.errors),
    )
    live_before = sum(1 for ps in plan.unchanged if (ps.previous or {}).get("status") == "loaded")
    if not batch.parsed and not live_before:
        raise NoInputError(
            f"none of the {len(srcs)} file(s) could be parsed (see ops.ingest_errors)"
        )
    return batch
