"""How values read in the report: numbers, times, targets with their comparator, periods (pure)."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

CMP_SIGN = {"approx": "≈", "min": "≥", "max": "≤", "range": "–", "exact": "="}
MEASURE_LABEL = {
    "growth_pct": "growth, %", "level": "level", "rate_pct": "rate, %", "completion_pct": "completion, %",
}
STATUS_COLOR = {"ok": "#2e7d32", "bad": "#c62828", "none": "#9e9e9e"}


def num(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if not math.isfinite(v):
            return str(v)
        return f"{v:,.4f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"
    return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)


def ts(v: Any) -> str:
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    return "" if v is None else str(v)


def took(r: dict) -> str:
    """How long a run took, '12 s' ('' while unfinished)."""
    if r.get("finished") and r.get("started"):
        return f"{(r['finished'] - r['started']).total_seconds():.0f} s"
    return ""


def unit_suffix(r: dict) -> str:
    if r["measure"] in ("growth_pct", "rate_pct", "completion_pct"):
        return "%"
    return r.get("unit") or ""


def target_text(r: dict) -> str:
    v = num(r["target_value"])
    if r["comparator"] == "range" and r["target_value_high"] is not None:
        v = f"{v}–{num(r['target_value_high'])}"
    elif r["comparator"] == "max" and r["target_value_high"] is not None:
        v = num(r["target_value_high"])
    sign = CMP_SIGN.get(r["comparator"] or "", "")
    sign = "" if sign in ("–", "=") else sign
    return f"{sign}{v}{unit_suffix(r)}"


def target_sort_value(r: dict) -> Any:
    """What the target column sorts by: the bound that matters (the high end of a `max`)."""
    if r["comparator"] == "max" and r["target_value_high"] is not None:
        return r["target_value_high"]
    return r["target_value"]


def period_text(r: dict) -> str:
    a, b = r["actual_period_start_month"], r["actual_period_end_month"]
    if a is None:
        return ""
    if a == 1 and b == 12:
        return "full year"
    return f"{a}–{b}月" if a != b else f"{a}月"


def actual_text(r: dict) -> str:
    if r["actual_value"] is None:
        return ""
    s = f"{num(r['actual_value'])}{unit_suffix(r)}"
    if r["actual_estimate"]:
        s += " (预计)"
    return s


def evidence_title(kind: str, r: dict) -> str:
    if kind == "target":
        return f"target: {r['target_evidence']}  [{r['target_document_id']}]"
    return f"actual ({period_text(r)}): {r['actual_evidence']}  [{r['actual_document_id']}]"


def status(r: dict) -> tuple[str, str]:
    """(css class, word) of a target: met, not met, or no actual yet."""
    if r["is_met"] is None:
        return "none", "no actual"
    return ("ok", "met") if r["is_met"] else ("bad", "not met")


def row_id(r: dict) -> str:
    """The HTML id of a target's table row (charts link to it)."""
    return "t-" + "".join(c if c.isalnum() else "-" for c in r["target_fact_id"])


def sample_lines(sample: str | None) -> str | None:
    """ops.dq_results.unexpected_sample (JSON) as one failing row per line."""
    if not sample:
        return None
    try:
        items = json.loads(sample)
    except ValueError:
        return sample
    if isinstance(items, list):
        return "\n".join(json.dumps(i, ensure_ascii=False) if not isinstance(i, str) else i for i in items)
    return json.dumps(items, ensure_ascii=False, indent=1)


FILTERS = {
    "num": num, "ts": ts, "took": took, "target_text": target_text, "period_text": period_text,
    "actual_text": actual_text, "evidence_title": evidence_title, "row_id": row_id,
    "sample_lines": sample_lines, "measure_label": lambda m: MEASURE_LABEL.get(m, m),
    "status": status, "target_sort_value": target_sort_value,
}
"""The helpers above as Jinja2 filters."""


def fact_value_text(f: dict) -> str:
    """A raw fact's number as the side list of a document page shows it: ≥8% for a target,
    1321.29亿元 (预计) for an actual, 第13 (全省) for a ranking, the words of a qualitative target."""
    if f["kind"] == "ranking":
        scope = f" ({f['rank_scope']})" if f.get("rank_scope") else ""
        return f"{'倒数' if f.get('rank_direction') == 'bottom' else ''}第{f['rank']}{scope}"
    if f["value"] is None:
        return f.get("target_text") or ""
    unit = "%" if f["measure"] in ("growth_pct", "rate_pct", "completion_pct") else (f.get("unit") or "")
    v = num(f["value"])
    if f.get("value_high") is not None:
        v = f"{v}–{num(f['value_high'])}"
    sign = CMP_SIGN.get(f.get("comparator") or "", "") if f["kind"] == "target" else ""
    sign = "" if sign in ("–", "=") else sign
    return f"{sign}{v}{unit}" + (" (预计)" if f.get("estimate") else "")


def fact_period(f: dict) -> str:
    a, b = f["period_start_month"], f["period_end_month"]
    return "" if a is None else ("1–12月" if (a, b) == (1, 12) else f"{a}–{b}月" if a != b else f"{a}月")


def fact_title(f: dict) -> str:
    """One line about a fact, for the tooltip of its highlight."""
    what = f.get("indicator") or f"{f['indicator_raw']} (not in the dictionary)"
    return (f"{f['kind']} · {f.get('region') or '?'} {f.get('year') or ''} {fact_period(f)} · {what} "
            f"{f['measure']} {fact_value_text(f)}").strip()


FILTERS.update({"fact_value": fact_value_text, "fact_period": fact_period, "fact_title": fact_title})
