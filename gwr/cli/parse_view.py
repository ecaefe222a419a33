"""`gwr parse`'s output: the facts of parsed documents as a table that fits the terminal, or JSON.

    text = render_table(docs, width=shutil.get_terminal_size().columns)
    text = render_json(docs)              # every field, evidence complete

The table drops columns that are empty for a document (rank, scope, ...) and cuts long text cells
(with "…") so that the evidence keeps EVIDENCE_WANT columns (at least EVIDENCE_MIN) at the end of
the line. When even that does not fit (an 80-column terminal), a narrower table is printed, with
value and unit, rank and scope in one cell each, and every fact's evidence whole below it.
Widths count CJK characters as two columns, as terminals show them (gwr.table). Pure functions,
no I/O.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable

from gwr.table import display_width, format_table, wrap

SEP = "  "
EVIDENCE_MIN = 20
"""Narrower than this, the evidence goes on its own line."""
EVIDENCE_WANT = 30
"""The text columns are cut to leave the evidence this much room, when they can be."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    min_width: int | None = None
    """Cut down to this when the line is too wide (None: never cut)."""


WIDE = (
    Column("kind", "kind"), Column("region", "region", 6), Column("year", "year"),
    Column("period", "period"), Column("indicator", "indicator", 12),
    Column("indicator_raw", "as written", 8), Column("measure", "measure"),
    Column("value", "value"), Column("unit", "unit"), Column("comparator", "cmp"),
    Column("rank", "rank"), Column("rank_scope", "scope", 6),
)
NARROW = (
    Column("kind", "kind"), Column("region", "region", 6), Column("year", "year"),
    Column("period", "period"), Column("indicator_or_raw", "indicator", 12),
    Column("measure", "measure", 10), Column("value_unit", "value", 12), Column("comparator", "cmp"),
    Column("rank_in_scope", "rank", 8),
)
"""NARROW: indicator falls back to the name as written when it is not in the dictionary."""
SHRINK_ORDER = ("indicator_raw", "indicator", "indicator_or_raw", "rank_scope", "rank_in_scope",
                "region", "value_unit", "measure")


def fact_dict(doc: Any, fact: Any) -> dict:
    """All fields of a fact, with its document id."""
    row = fact.as_row() if hasattr(fact, "as_row") else dict(vars(fact))
    row.setdefault("document_id", doc.document.document_id)
    return row


def render_json(docs: Iterable[Any]) -> str:
    """Every document with its metadata (without its text) and every field of every fact."""
    payload = []
    for d in docs:
        meta = d.document.as_row()
        meta.pop("text", None)
        payload.append({
            "document": meta,
            "sentences": len(d.sentences),
            "facts": [fact_dict(d, f) for f in d.facts],
        })
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str)


def render_table(docs: Iterable[Any], width: int) -> str:
    """One block per document: a heading line, then one line per fact (see the module doc)."""
    blocks = []
    for d in docs:
        doc = d.document
        lines = wrap_words([
            f"== {doc.document_id}", f"region={doc.region or '?'}", f"kind={doc.kind or '?'}",
            f"year={doc.year or '?'}", f"target_year={doc.target_year or '?'}", f"{len(d.facts)} fact(s)",
        ], width)
        facts = [fact_dict(d, f) for f in d.facts]
        if facts:
            lines.extend(fit_table([_cells(f) for f in facts], [_evidence(f) for f in facts], width))
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def fit_table(rows: list[dict[str, str]], evidence: list[str], width: int) -> list[str]:
    """The lines of the table of `rows` (cells by column key) with `evidence`, at most `width`
    columns wide when at all possible."""
    ev_width = max(display_width(e) for e in evidence)
    ev_min = max(min(EVIDENCE_MIN, ev_width), display_width("evidence"))
    ev_want = max(min(EVIDENCE_WANT, ev_width), ev_min)
    cols, widths = _fit([c for c in WIDE if any(r[c.key] for r in rows)], rows, width - len(SEP) - ev_want)
    room = width - _line_width(widths, SEP) - len(SEP)
    if room >= ev_min:  # evidence as the last column, cut to the room left
        widths["evidence"] = min(ev_width, room)
        rows = [{**r, "evidence": e} for r, e in zip(rows, evidence)]
        return _lines([*cols, Column("evidence", "evidence")], widths, rows, SEP, below=None)
    cols, widths = _fit([c for c in NARROW if any(r[c.key] for r in rows)], rows, width)
    sep = SEP if _line_width(widths, SEP) <= width else " "
    return _lines(cols, widths, rows, sep, below=[wrap(e, max(width - 4, 10)) for e in evidence])


def _line_width(widths: dict[str, int], sep: str) -> int:
    return sum(widths.values()) + len(sep) * max(len(widths) - 1, 0)


def _fit(cols: list[Column], rows: list[dict[str, str]], limit: int) -> tuple[list[Column], dict[str, int]]:
    """Column widths: the widest cell, then the cuttable columns cut (SHRINK_ORDER) to `limit`."""
    widths = {c.key: max(display_width(c.header), *(display_width(r[c.key]) for r in rows)) for c in cols}
    by_key = {c.key: c for c in cols}
    for key in SHRINK_ORDER:
        col = by_key.get(key)
        over = _line_width(widths, SEP) - limit
        if over <= 0:
            break
        if col is not None and col.min_width is not None:
            widths[key] = max(col.min_width, display_width(col.header), widths[key] - over)
    return cols, widths


def _lines(cols: list[Column], widths: dict[str, int], rows: list[dict[str, str]], sep: str,
           below: list[list[str]] | None) -> list[str]:
    """The table (gwr.table, cells cut to `widths`), each row followed by its `below` lines."""
    table = format_table([c.header for c in cols], [[r[c.key] for c in cols] for r in rows],
                         widths=[widths[c.key] for c in cols], sep=sep, rule=True)
    out = table[:2]
    for i, line in enumerate(table[2:]):
        out.append(line)
        if below is not None:
            out.extend("    " + part for part in below[i])
    return out


# ------------------------------------------------------------------------------------ the cells


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else ""
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _cells(f: dict) -> dict[str, str]:
    cells = {c.key: _fmt(f.get(c.key)) for c in WIDE}
    a, b = f.get("period_start_month"), f.get("period_end_month")
    cells["period"] = "" if a is None and b is None else (f"{a}-{b}" if a != b else f"{a}")
    estimate = " (预计)" if f.get("estimate") else ""
    cells["value"] = _value(f) + estimate
    cells["indicator_or_raw"] = cells["indicator"] or cells["indicator_raw"]
    cells["value_unit"] = " ".join(x for x in (_value(f), cells["unit"]) if x) + estimate
    cells["rank_in_scope"] = " ".join(x for x in (cells["rank"], cells["rank_scope"]) if x)
    return cells


def _value(f: dict) -> str:
    if f.get("target_text"):
        return f["target_text"]
    v = _fmt(f.get("value"))
    if f.get("value_high") is not None:
        v += "~" + _fmt(f["value_high"])
    return v


def _evidence(f: dict) -> str:
    return " ".join(_fmt(f.get("evidence")).split())


def wrap_words(words: list[str], width: int, sep: str = "  ", indent: str = "   ") -> list[str]:
    """`words` joined by `sep` on lines of at most `width` columns (a longer word stays whole)."""
    lines = [words[0]]
    for w in words[1:]:
        if display_width(lines[-1] + sep + w) <= width:
            lines[-1] += sep + w
        else:
            lines.append(indent + w)
    return lines
