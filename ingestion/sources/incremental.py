"""Incremental refresh: which sources must be parsed again, which are unchanged, which are gone.

State: ops.source_files in the warehouse (published with each successful run), one row per source
(absolute file path, or URL) with the sha256 of its bytes, its size and mtime (ns), the manifest
overrides and the extractor version it was parsed with, and its status (loaded | quarantined |
removed).

A source is unchanged, and is neither read nor parsed, when its size, mtime, overrides and local
file are those recorded. When only the size or mtime differ, its bytes are hashed: the same hash
means unchanged too (only the state row is refreshed). Anything else is parsed again, and its old
raw rows are replaced. A source recorded but no longer named by the sources is removed: its
documents keep their raw.documents row with `removed_at` set and lose their sentences and facts.

Everything is parsed again (a full refresh) when: --full is given, the extractor version differs
from the one any loaded source was parsed with, or the raw tables are missing or have another
layout than the loader's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.tables import utcnow
from contracts.warehouse import read_ops_table
from ingestion.records import FILE_FIX, IngestError
from ingestion.sources.discover import Source

LIVE = ("loaded", "quarantined")


def file_sha256(path: Path, limit: int | None = None) -> str | None:
    """sha256 hex of the file's bytes (None when it is over `limit` or unreadable)."""
    try:
        if limit is not None and path.stat().st_size > limit:
            return None
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


def overrides_json(overrides: tuple[tuple[str, Any], ...]) -> str:
    return json.dumps(dict(overrides), ensure_ascii=False, sort_keys=True)


@dataclass
class PlannedSource:
    source: Source  # with a local path
    file_hash: str | None
    size: int | None
    mtime_ns: int | None
    previous: dict | None


@dataclass
class Plan:
    full: bool
    full_reason: str | None
    to_parse: list[PlannedSource] = field(default_factory=list)
    unchanged: list[PlannedSource] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # source keys
    carried_errors: list[IngestError] = field(default_factory=list)
    """Unchanged sources that were quarantined before: reported again, not re-read."""


@dataclass
class StoredState:
    sources: dict[str, dict]
    raw_ok: bool
    raw_documents: int
    extractor_versions: set[str]


def load_state(db_path: Path) -> StoredState:
    """The incremental state of a warehouse file (read-only; an absent file gives an empty state)."""
    from ingestion.loading.load import schema_matches

    if not Path(db_path).exists():
        return StoredState({}, False, 0, set())
    sources = read_ops_table(db_path, "source_files", "source")
    import sqlalchemy as sa

    engine = sa.create_engine(f"duckdb:///{db_path}", connect_args={"read_only": True})
    try:
        with engine.connect() as conn:
            raw_ok = schema_matches(conn)
            n = conn.execute(sa.text("SELECT count(*) FROM raw.documents")).scalar_one() if raw_ok else 0
            versions = (
                {r[0] for r in conn.execute(sa.text(
                    "SELECT DISTINCT extractor_version FROM raw.documents WHERE removed_at IS NULL"
                ))}
                if raw_ok else set()
            )
    finally:
        engine.dispose()
    return StoredState(sources, raw_ok, int(n), versions)


def plan_sources(
    sources: list[Source], state: StoredState, extractor_version: str, *, full: bool = False,
    max_bytes: int | None = None,
) -> Plan:
    """Decide per source: parse, unchanged, or removed (see the module docstring)."""
    reason = None
    if full:
        reason = "--full was given"
    elif not state.raw_ok:
        reason = ("first build: the warehouse has no raw layer yet" if state.raw_documents == 0
                  else "the raw layer's layout changed")
        full = True
    elif state.raw_documents and not state.sources:
        reason, full = "no record yet of the sources parsed before", True
    else:
        old = {r.get("extractor_version") for r in state.sources.values() if r.get("status") == "loaded"}
        old |= state.extractor_versions
        old.discard(None)
        if old - {extractor_version}:
            reason = f"extractor version changed ({', '.join(sorted(old))} → {extractor_version})"
            full = True
    plan = Plan(full=full, full_reason=reason)
    seen: set[str] = set()
    for src in sources:
        seen.add(src.key)
        path = Path(src.path)
        prev = state.sources.get(src.key)
        try:
            st = path.stat()
            size, mtime = st.st_size, st.st_mtime_ns
        except OSError:
            size = mtime = None
        ov = overrides_json(src.overrides)
        same_ctx = (
            prev is not None and prev.get("status") in LIVE and prev.get("overrides") == ov
            and prev.get("local_path") == str(path) and not full
        )
        if same_ctx and size is not None and prev.get("size") == size and prev.get("mtime_ns") == mtime:
            plan.unchanged.append(PlannedSource(src, prev.get("file_hash"), size, mtime, prev))
            continue
        digest = file_sha256(path, max_bytes) if size is not None else None
        if same_ctx and digest is not None and prev.get("file_hash") == digest:
            plan.unchanged.append(PlannedSource(src, digest, size, mtime, prev))
            continue
        plan.to_parse.append(PlannedSource(src, digest, size, mtime, prev))
    for u in plan.unchanged:
        if u.previous and u.previous.get("status") == "quarantined":
            plan.carried_errors.append(IngestError(
                u.source.key,
                f"{u.previous.get('reason')} (unchanged since run {u.previous.get('run_id')})",
                utcnow(), u.previous.get("fix") or FILE_FIX,
            ))
    plan.removed = sorted(
        k for k, r in state.sources.items() if k not in seen and r.get("status") in LIVE
    )
    return plan


def state_rows(
    plan: Plan, parsed_counts: dict[str, int], errors: dict[str, IngestError], run_id: str,
    extractor_version: str, previous: dict[str, dict],
) -> list[dict]:
    """The ops.source_files rows to upsert after a run: every parsed, unchanged and removed source
    (`errors`: the quarantined ones, by key)."""
    now = utcnow()
    rows: list[dict] = []
    for ps in plan.to_parse:
        key = ps.source.key
        prev = previous.get(key) or {}
        quarantined = key in errors
        rows.append({
            "source": key, "local_path": str(ps.source.path), "file_hash": ps.file_hash,
            "size": ps.size, "mtime_ns": ps.mtime_ns, "overrides": overrides_json(ps.source.overrides),
            "extractor_version": extractor_version,
            "status": "quarantined" if quarantined else "loaded",
            "documents": 0 if quarantined else parsed_counts.get(key, 0),
            "reason": errors[key].reason if quarantined else None,
            "fix": errors[key].fix if quarantined else None, "first_seen": prev.get("first_seen") or now,
            "changed_at": now, "checked_at": now, "removed_at": None, "run_id": run_id,
        })
    for ps in plan.unchanged:
        row = dict(ps.previous or {})
        row.update(size=ps.size, mtime_ns=ps.mtime_ns, file_hash=ps.file_hash or row.get("file_hash"),
                   checked_at=now)
        rows.append(row)
    for key in plan.removed:
        row = dict(previous.get(key) or {"source": key})
        row.update(status="removed", removed_at=now, checked_at=now, run_id=run_id)
        rows.append(row)
    return rows


__all__ = [
    "Plan", "PlannedSource", "StoredState", "load_state", "plan_sources", "state_rows", "file_sha256",
]
