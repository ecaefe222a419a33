"""Text the commands print: the refresh summary and the facts of `gwr parse` (pure functions)."""

from __future__ import annotations

from typing import Any

from gwr.table import format_table


def render_summary(s: Any) -> str:
    """`gwr refresh`'s summary of a flows.summary.RefreshSummary."""
    mode = f"full: {s.full_reason}" if s.full else "incremental"
    lines = [
        f"refresh {s.run_id}: published {s.db_path} in {s.seconds:.1f} s ({mode})",
        f"  documents: {s.documents} parsed from {s.files_parsed} of {s.files_seen} "
        f"file(s), {s.facts} facts; {s.files_unchanged} file(s) unchanged, "
        f"{s.documents_removed} document(s) removed; {s.documents_total} in the warehouse"
        + (f"; {len(s.ingest_errors)} file(s) quarantined" if s.ingest_errors else ""),
    ]
    for e in s.ingest_errors:
        lines.append(f"    quarantined {e['file']}: {e['reason']}")
    if s.mart_rows:
        lines.append("  rows per mart:")
        lines += format_table(["", ""], [[f"marts.{k}", str(n)] for k, n in sorted(s.mart_rows.items())],
                              indent="    ")[1:]
    if s.build_skipped:
        lines.append("  nothing changed: dbt build and checks skipped, marts left as published")
    lines.append(
        f"  data-quality checks: {s.checks_passed} passed, {s.checks_failed} failed"
        + (" (non-blocking)" if s.checks_failed else "")
    )
    for c in s.checks:
        lines.append(f"    {c.stage:<5} {c.suite}: {c.passed} passed, {c.failed} failed")
    if s.dbt_counts:
        lines.append("  dbt build: " + ", ".join(f"{n} {st}" for st, n in sorted(s.dbt_counts.items())))
    lines.append(f"  Data Docs: {s.data_docs or '(none written)'}")
    if s.stage_seconds:
        lines.append("  seconds by stage: " + ", ".join(f"{k} {v:.1f}" for k, v in s.stage_seconds.items()))
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ parse

FACT_COLUMNS = [
    ("kind", "kind"), ("region", "region"), ("year", "year"), ("period", None),
    ("indicator", "indicator"), ("indicator_raw", "as written"), ("measure", "measure"),
    ("value", "value"), ("unit", "unit"), ("comparator", "cmp"), ("rank", "rank"),
    ("rank_scope", "scope"), ("evidence", "evidence"),
]


def fact_dict(doc: Any, fact: Any) -> dict:
    row = fact.as_row() if hasattr(fact, "as_row") else dict(vars(fact))
    row.setdefault("document_id", doc.document.document_id)
    return row


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, bool):
        return "yes" if v else ""
    return str(v)


def _period(f: dict) -> str:
    a, b = f.get("period_start_month"), f.get("period_end_month")
    if a is None and b is None:
        return ""
    return f"{a}-{b}" if a != b else f"{a}"


def _value(f: dict) -> str:
    if f.get("target_text"):
        return f["target_text"]
    v = _fmt(f.get("value"))
    if f.get("value_high") is not None:
        v += "~" + _fmt(f["value_high"])
    if f.get("estimate"):
        v += " (预计)"
    return v


def _cell(key: str, f: dict) -> str:
    if key == "period":
        return _period(f)
    if key == "value":
        return _value(f)
    if key == "evidence":
        ev = _fmt(f.get("evidence")).replace("\n", " ")
        return ev if len(ev) <= 30 else ev[:29] + "…"
    return _fmt(f.get(key))


def render_parsed(d: Any) -> str:
    """One parsed document for reading: a heading line, then one line per fact."""
    doc = d.document
    lines = [
        f"== {doc.document_id}  region={doc.region or '?'}  kind={doc.kind or '?'}  "
        f"year={doc.year or '?'}  target_year={doc.target_year or '?'}  {len(d.facts)} fact(s)"
    ]
    rows = [[_cell(k, fact_dict(d, fact)) for k, _ in FACT_COLUMNS] for fact in d.facts]
    if rows:
        lines += format_table([h or k for k, h in FACT_COLUMNS], rows, rule=True)
    return "\n".join(lines)


def parsed_json(d: Any) -> dict:
    """One parsed document for scripts: its metadata (without the text) and every fact field."""
    meta = d.document.as_row()
    meta.pop("text", None)
    return {"document": meta, "sentences": len(d.sentences), "facts": [fact_dict(d, f) for f in d.facts]}
