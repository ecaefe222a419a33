"""What `gwr refresh` prints: the summary of a run (a pure function of flows.summary.RefreshSummary).
`gwr parse`'s output is parse_view.py."""

from __future__ import annotations

from typing import Any

from gwr.table import format_table

CHECK_STAGES = {"raw": "raw layer", "marts": "marts"}
DBT_TYPES = {"seed": "seeds", "model": "models", "test": "data tests", "unit_test": "unit tests",
             "snapshot": "snapshots"}
DBT_OK = ("success", "pass")


def render_summary(s: Any) -> str:
    """`gwr refresh`'s summary of a flows.summary.RefreshSummary: every count says what it counts."""
    lines = [
        f"refresh {s.run_id}: published {s.db_path} in {s.seconds:.1f} s",
        "  mode: " + (f"full rebuild, every source parsed ({s.full_reason})" if s.full
                      else "incremental, only new and changed sources parsed"),
        f"  documents: {s.documents} parsed from {s.files_parsed} of {s.files_seen} "
        f"file(s), {s.facts} facts; {s.files_unchanged} file(s) unchanged, "
        f"{s.documents_removed} document(s) removed; {s.documents_total} in the warehouse",
    ]
    lines += quarantine_lines(s.quarantined)
    if s.mart_rows:
        lines.append("  rows per mart:")
        lines += format_table(["", ""], [[f"marts.{k}", str(n)] for k, n in sorted(s.mart_rows.items())],
                              indent="    ")[1:]
    if s.build_skipped:
        lines.append("  nothing changed: dbt build and checks skipped, marts left as published")
    else:
        lines.append(
            f"  data-quality checks (Great Expectations): {s.checks_passed} passed, "
            f"{s.checks_failed} failed" + (" (non-blocking)" if s.checks_failed else "")
        )
        for c in s.checks:
            lines.append(f"    {CHECK_STAGES.get(c.stage, c.stage):<10} {c.passed} passed, {c.failed} failed")
    if s.dbt_counts:
        lines.append("  dbt build: " + dbt_line(s.dbt_by_type, s.dbt_counts))
    lines.append(f"  Data Docs: {s.data_docs or '(none written)'}")
    if s.stage_seconds:
        lines.append("  seconds by stage: " + ", ".join(f"{k} {v:.1f}" for k, v in s.stage_seconds.items()))
    return "\n".join(lines)


def quarantine_lines(quarantined: list[dict[str, Any]], indent: str = "  ") -> list[str]:
    """The run's quarantine list: each document or file left out of the marts, why, and the fix."""
    if not quarantined:
        return [f"{indent}quarantined: none"]
    docs = sum(1 for q in quarantined if q.get("document_id"))
    out = [f"{indent}quarantined: {docs} document(s), {len(quarantined) - docs} unreadable file(s); "
           "kept out of the marts (ops.quarantined_documents):"]
    for q in quarantined:
        what = q["source"]
        if q.get("document_id") and "#" in q["document_id"]:  # one report of a file holding several
            what += f" ({q['document_id']})"
        out.append(f"{indent}  quarantined {what}: {q['reason']}")
        if q.get("fix"):
            out.append(f"{indent}    fix: {q['fix']}")
    return out


def dbt_line(by_type: dict[str, int], by_status: dict[str, int]) -> str:
    """'238 nodes (4 seeds, 10 models, 218 data tests, 6 unit tests): all succeeded'."""
    total = sum(by_status.values())
    order = list(DBT_TYPES)
    ranked = sorted(by_type.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]))
    kinds = ", ".join(f"{n} {DBT_TYPES.get(t, t)}" for t, n in ranked)
    others = {k: n for k, n in by_status.items() if k not in DBT_OK}
    outcome = "all succeeded" if not others else (
        f"{total - sum(others.values())} succeeded, " + ", ".join(f"{n} {k}" for k, n in sorted(others.items()))
    )
    return f"{total} nodes" + (f" ({kinds})" if kinds else "") + f": {outcome}"
