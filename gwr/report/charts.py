"""The geometry of the report's SVG charts (pure): templates/macros.html.j2 draws them.

bullet_chart: one row per region and year of an indicator; bar = the latest actual (green met,
red not met, grey no actual), black tick = the target, grey band = a target range. An outlying
actual (245% growth) would squash every other row: the axis stops at 2.5x the largest target and
such a bar ends in an arrow (its number is printed beside it anyway).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from gwr.report.format import STATUS_COLOR, num, status

ROW_H, TOP, LABEL_W, PLOT_W, VALUE_W = 22, 26, 150, 280, 180


@dataclass
class BulletRow:
    r: dict
    """The attainment row (target, actual, evidence)."""
    y: float
    color: str
    band: tuple[float, float] | None = None
    """x and width of the target range."""
    bar: tuple[float, float] | None = None
    """x and width of the actual's bar."""
    arrow: str | None = None
    """SVG path of the arrow that ends a bar clipped by the axis."""
    tick_x: float | None = None


@dataclass
class BulletChart:
    title: str
    width: int
    height: int
    zero_x: float
    ticks: list[tuple[float, str]] = field(default_factory=list)
    rows: list[BulletRow] = field(default_factory=list)
    row_h: int = ROW_H
    top: int = TOP
    label_w: int = LABEL_W
    plot_w: int = PLOT_W


def nice_step(span: float) -> float:
    """An axis step of 1, 2, 2.5 or 5 times a power of ten, about a fifth of `span`."""
    raw = span / 5
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def bullet_chart(rows: list[dict], title: str) -> BulletChart:
    width = LABEL_W + PLOT_W + VALUE_W
    height = TOP + ROW_H * len(rows) + 24
    targets = [float(r[k]) for r in rows for k in ("target_value", "target_value_high")
               if r[k] is not None and math.isfinite(r[k])]
    actuals = [float(r["actual_value"]) for r in rows
               if r["actual_value"] is not None and math.isfinite(r["actual_value"])]
    span_t = max([abs(v) for v in targets] + [1e-9])
    cap = 2.5 * span_t if targets else None
    vals: list[float] = [0.0, *targets]
    for v in actuals:
        vals.append(max(-cap, min(cap, v)) if cap else v)
    lo, hi = min(vals), max(vals)
    if hi == lo:
        hi = lo + 1
    pad = (hi - lo) * 0.05
    lo = lo - pad if lo < 0 else lo
    hi += pad

    def x(v: float) -> float:
        return LABEL_W + (v - lo) / (hi - lo) * PLOT_W

    chart = BulletChart(title=title, width=width, height=height, zero_x=x(0))
    step = nice_step(hi - lo)
    t = math.ceil(lo / step) * step
    while t <= hi + 1e-9:
        chart.ticks.append((x(t), num(round(t, 6))))
        t += step
    for i, r in enumerate(rows):
        y = TOP + i * ROW_H
        row = BulletRow(r=r, y=y, color=STATUS_COLOR[status(r)[0]])
        tv, th = r["target_value"], r["target_value_high"]
        if r["comparator"] == "range" and th is not None:
            row.band = (x(tv), max(x(th) - x(tv), 1.5))
        av = r["actual_value"]
        if av is not None:
            shown = max(lo, min(hi, av))
            x0, x1 = sorted((x(0), x(shown)))
            row.bar = (x0, max(x1 - x0, 1.5))
            if shown != av:  # clipped: an arrow at the end of the axis
                xe, d = x(shown), 1 if av > shown else -1
                row.arrow = f"M{xe:.1f},{y + 3} l{6 * d},{ROW_H / 2 - 3:.1f} l{-6 * d},{ROW_H / 2 - 3:.1f} z"
        tick_v = th if (r["comparator"] == "max" and th is not None) else tv
        if tick_v is not None:
            row.tick_x = x(tick_v)
        chart.rows.append(row)
    return chart


DOC_PARTS = [("n_targets", "#1565c0", "targets"), ("n_actuals", "#2e7d32", "actuals"),
             ("n_rankings", "#ef6c00", "rankings"),
             ("n_facts_unknown_indicator", "#9e9e9e", "unknown indicator")]
"""The stacked bar of facts per document: (column of marts.dim_document, colour, label)."""


def doc_bar(doc: dict, scale: float) -> list[tuple[float, float, str, int, str]]:
    """(x, width, colour, count, label) of each non-empty part of a document's stacked bar."""
    out, x = [], 0.0
    for key, color, label in DOC_PARTS:
        v = doc.get(key) or 0
        w = v * scale
        if w > 0:
            out.append((x, w, color, v, label))
        x += w
    return out
