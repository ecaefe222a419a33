"""`gwr report`: a static HTML report of a warehouse that opens from disk (no server, no CDN).

    write_report(db_path, out_dir) -> ReportResult

Pages written to `out_dir`:

    index.html        overview and links
    quality.html      data quality: checks per stage with the failures and the rows they failed on
                      (ops.dq_results.unexpected_sample), quarantined files (ops.ingest_errors),
                      facts per document (marts.dim_document), the most frequent indicator names
                      not in the dictionary (raw.facts), the run history (ops.runs)
    attainment.html   targets beside the latest actuals (marts.fct_target_attainment): one
                      bullet chart per headline indicator, and a table that sorts and filters by
                      province, region, indicator and year; every number shows its evidence
    data_docs/        a copy of the GX Data Docs of the last run (`<db dir>/data_docs/`)

Charts are SVG drawn here in Python; the only script is a small inline one that sorts and filters
the table. CSS is inline. The warehouse is read through flows.sql's sandboxed read-only connection.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from flows.sql import connect_sandboxed, query_rows, table_exists
from flows.status import latest_checked_run

UNKNOWN_TOP = 25


@dataclass
class ReportResult:
    out_dir: Path
    pages: list[Path] = field(default_factory=list)
    data_docs: Path | None = None
    charts: int = 0
    attainment_rows: int = 0


# ------------------------------------------------------------------------------------------ helpers


def esc(v: Any) -> str:
    return html.escape("" if v is None else str(v), quote=True)


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


CMP_SIGN = {"approx": "≈", "min": "≥", "max": "≤", "range": "–", "exact": "="}
MEASURE_LABEL = {
    "growth_pct": "growth, %", "level": "level", "rate_pct": "rate, %", "completion_pct": "completion, %",
}

CSS = """
:root { --ok:#2e7d32; --bad:#c62828; --none:#9e9e9e; --target:#212121; --band:#cfd8dc; --fg:#1b1b1b; --muted:#666; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       color: var(--fg); margin: 0; background: #fafafa; }
header { background: #263238; color: #fff; padding: 12px 24px; }
header a { color: #b3e5fc; margin-right: 18px; text-decoration: none; }
header h1 { margin: 0 0 4px; font-size: 20px; }
main { padding: 16px 24px 48px; max-width: 1400px; }
h2 { margin: 28px 0 8px; font-size: 18px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { margin: 18px 0 6px; font-size: 15px; }
p.note, .muted { color: var(--muted); }
table { border-collapse: collapse; background: #fff; margin: 6px 0; }
th, td { border: 1px solid #e0e0e0; padding: 3px 8px; vertical-align: top; text-align: left; }
th { background: #eceff1; position: sticky; top: 0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.fail td { background: #ffebee; }
.ok { color: var(--ok); font-weight: 600; } .bad { color: var(--bad); font-weight: 600; } .none { color: var(--none); }
code, pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre.sample { white-space: pre-wrap; margin: 0; max-width: 520px; }
details > summary { cursor: pointer; }
details.ev > summary { list-style: none; }
details.ev > summary::-webkit-details-marker { display: none; }
details.ev q { display: block; max-width: 360px; font-size: 12px; background: #fffde7; padding: 2px 4px; margin-top: 2px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { background: #fff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 10px 14px; min-width: 150px; }
.card b { display: block; font-size: 22px; }
.charts { display: flex; flex-wrap: wrap; gap: 18px; }
.chart { background: #fff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 8px; }
.chart h3 { margin: 0 0 4px; }
svg text { font-size: 11px; fill: #333; }
svg .lbl { font-size: 11px; }
svg a:hover rect, svg a:hover line { opacity: .7; }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin: 8px 0; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
th.sortable { cursor: pointer; user-select: none; }
th.sortable::after { content: " ↕"; color: #aaa; }
th.asc::after { content: " ↑"; color: #000; } th.desc::after { content: " ↓"; color: #000; }
.legend span { display: inline-block; margin-right: 14px; }
.sw { display: inline-block; width: 12px; height: 10px; vertical-align: middle; margin-right: 4px; }
tr:target td { outline: 2px solid #ffb300; }
"""


def page(title: str, body: str, script: str = "") -> str:
    nav = (
        '<a href="index.html">Overview</a><a href="attainment.html">Attainment</a>'
        '<a href="quality.html">Data quality</a><a href="data_docs/index.html">GX Data Docs</a>'
    )
    js = f"<script>\n{script}\n</script>" if script else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{esc(title)} · GWR Warehouse</title><style>{CSS}</style></head>\n"
        f"<body><header><h1>GWR Warehouse · {esc(title)}</h1><nav>{nav}</nav></header>\n"
        f"<main>\n{body}\n</main>{js}</body></html>\n"
    )


def table(headers: list[str], rows: Iterable[list[str]], numeric: set[int] = frozenset(),
          row_attrs: Iterable[str] | None = None, attrs: str = "") -> str:
    """`rows` hold HTML already escaped."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    row_attrs = list(row_attrs) if row_attrs is not None else None
    for i, r in enumerate(rows):
        ra = f" {row_attrs[i]}" if row_attrs else ""
        body.append(f"<tr{ra}>" + "".join(
            f'<td class="n">{c}</td>' if j in numeric else f"<td>{c}</td>" for j, c in enumerate(r)
        ) + "</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(headers)}" class="muted">none</td></tr>')
    return f"<table {attrs}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


# ------------------------------------------------------------------------------------------ reading


def _read(db_path: Path) -> dict[str, Any]:
    con = connect_sandboxed(db_path)
    try:
        has = {f"{s}.{t}": table_exists(con, s, t) for s, t in [
            ("ops", "runs"), ("ops", "dq_results"), ("ops", "ingest_errors"), ("raw", "facts"),
            ("marts", "dim_document"), ("marts", "fct_target_attainment"), ("marts", "dim_region"),
            ("marts", "dim_indicator"),
        ]}
        d: dict[str, Any] = {}
        d["runs"] = query_rows(con, "SELECT * FROM ops.runs ORDER BY started DESC NULLS LAST") if has["ops.runs"] else []
        d["checks_run"] = None
        d["checks"] = []
        if has["ops.dq_results"]:
            run_id = latest_checked_run(con)
            if run_id:
                d["checks_run"] = run_id
                d["checks"] = query_rows(
                    con,
                    "SELECT * FROM ops.dq_results WHERE run_id = ? "
                    "ORDER BY success, blocking DESC, suite DESC, table_name, expectation, column_name",
                    [run_id],
                )
        d["ingest_errors"] = (
            query_rows(con, 'SELECT * FROM ops.ingest_errors ORDER BY "at" DESC, file')
            if has["ops.ingest_errors"] else []
        )
        d["documents"] = (
            query_rows(con, "SELECT * EXCLUDE (content_hash) FROM marts.dim_document ORDER BY document_id")
            if has["marts.dim_document"] else []
        )
        d["unknown"] = (
            query_rows(
                con,
                "SELECT indicator_raw, count(*) AS facts, count(DISTINCT document_id) AS documents, "
                "min(evidence) AS example FROM raw.facts WHERE indicator IS NULL "
                "GROUP BY indicator_raw ORDER BY facts DESC, indicator_raw LIMIT ?",
                [UNKNOWN_TOP],
            )
            if has["raw.facts"] else []
        )
        d["unknown_total"] = (
            con.execute("SELECT count(*), count(DISTINCT indicator_raw) FROM raw.facts WHERE indicator IS NULL").fetchone()
            if has["raw.facts"] else (0, 0)
        )
        d["indicators"] = (
            query_rows(con, "SELECT indicator, name_zh, is_headline, default_unit FROM marts.dim_indicator ORDER BY indicator")
            if has["marts.dim_indicator"] else []
        )
        if has["marts.fct_target_attainment"]:
            d["attainment"] = query_rows(
                con,
                """
                SELECT coalesce(r.province, '(unknown)') AS province, a.region, a.year, a.indicator,
                       coalesce(i.name_zh, a.indicator) AS name_zh, coalesce(i.is_headline, false) AS is_headline,
                       a.measure, a.unit, a.target_value, a.target_value_high, a.comparator,
                       a.actual_value, a.actual_period_start_month, a.actual_period_end_month,
                       a.actual_estimate, a.gap, a.is_met, a.is_full_year,
                       a.target_fact_id, a.target_document_id, a.target_evidence,
                       a.actual_fact_id, a.actual_document_id, a.actual_evidence
                FROM marts.fct_target_attainment a
                LEFT JOIN marts.dim_region r ON r.region = a.region
                LEFT JOIN marts.dim_indicator i ON i.indicator = a.indicator
                ORDER BY province, a.region, a.year, a.indicator, a.measure, a.target_fact_id
                """,
            )
        else:
            d["attainment"] = []
        d["marts"] = {
            t: con.execute(f'SELECT count(*) FROM marts."{t}"').fetchone()[0]
            for (t,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1"
            ).fetchall()
        }
    finally:
        con.close()
    return d


# --------------------------------------------------------------------------------------- attainment


def _unit_suffix(r: dict) -> str:
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
    return f"{sign}{v}{_unit_suffix(r)}"


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
    s = f"{num(r['actual_value'])}{_unit_suffix(r)}"
    if r["actual_estimate"]:
        s += " (预计)"
    return s


def evidence_title(kind: str, r: dict) -> str:
    if kind == "target":
        return f"target: {r['target_evidence']}  [{r['target_document_id']}]"
    return f"actual ({period_text(r)}): {r['actual_evidence']}  [{r['actual_document_id']}]"


def _status(r: dict) -> tuple[str, str]:
    if r["is_met"] is None:
        return "none", "no actual"
    return ("ok", "met") if r["is_met"] else ("bad", "not met")


def _row_id(r: dict) -> str:
    return "t-" + "".join(c if c.isalnum() else "-" for c in r["target_fact_id"])


def bullet_chart(rows: list[dict], title: str) -> str:
    """One SVG: a row per region and year; bar = latest actual, black tick = target, grey band = range."""
    row_h, top, label_w, plot_w, value_w = 22, 26, 150, 280, 180
    width = label_w + plot_w + value_w
    height = top + row_h * len(rows) + 24
    targets = [float(r[k]) for r in rows for k in ("target_value", "target_value_high")
               if r[k] is not None and math.isfinite(r[k])]
    actuals = [float(r["actual_value"]) for r in rows
               if r["actual_value"] is not None and math.isfinite(r["actual_value"])]
    # an outlying actual (245% growth) would squash every other row: the axis stops at 2.5x the
    # largest target and such a bar ends in an arrow (its number is printed beside it anyway)
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
        return label_w + (v - lo) / (hi - lo) * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bullet" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{esc(title)}">',
    ]
    # axis: zero line and ticks
    step = _nice_step(hi - lo)
    t = math.ceil(lo / step) * step
    while t <= hi + 1e-9:
        xt = x(t)
        parts.append(f'<line x1="{xt:.1f}" y1="{top - 4}" x2="{xt:.1f}" y2="{height - 20}" stroke="#eee"/>')
        parts.append(f'<text x="{xt:.1f}" y="{height - 6}" text-anchor="middle">{esc(num(round(t, 6)))}</text>')
        t += step
    parts.append(f'<line x1="{x(0):.1f}" y1="{top - 4}" x2="{x(0):.1f}" y2="{height - 20}" stroke="#999"/>')
    parts.append(f'<text x="{label_w + plot_w + 8}" y="14" class="lbl" font-weight="600">actual / target</text>')
    for i, r in enumerate(rows):
        y = top + i * row_h
        cls, word = _status(r)
        color = {"ok": "#2e7d32", "bad": "#c62828", "none": "#9e9e9e"}[cls]
        href = f"#{_row_id(r)}"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{esc(r["region"])} {r["year"] or ""}</text>'
        )
        tv, th = r["target_value"], r["target_value_high"]
        t_title = esc(evidence_title("target", r))
        if r["comparator"] == "range" and th is not None:
            parts.append(
                f'<a href="{href}"><rect class="target-band" x="{x(tv):.1f}" y="{y + 2}" width="{max(x(th) - x(tv), 1.5):.1f}" '
                f'height="{row_h - 4}" fill="#cfd8dc"><title>{t_title}</title></rect></a>'
            )
        av = r["actual_value"]
        if av is not None:
            shown = max(lo, min(hi, av))
            x0, x1 = sorted((x(0), x(shown)))
            parts.append(
                f'<a href="{href}"><rect class="actual-bar" x="{x0:.1f}" y="{y + 6}" width="{max(x1 - x0, 1.5):.1f}" '
                f'height="{row_h - 12}" fill="{color}"><title>{esc(evidence_title("actual", r))}</title></rect></a>'
            )
            if shown != av:  # clipped: an arrow at the end of the axis
                xe = x(shown)
                d = 1 if av > shown else -1
                parts.append(
                    f'<path d="M{xe:.1f},{y + 3} l{6 * d},{row_h / 2 - 3:.1f} l{-6 * d},{row_h / 2 - 3:.1f} z" '
                    f'fill="{color}"><title>{esc(num(av))} (beyond the axis)</title></path>'
                )
        tick_v = th if (r["comparator"] == "max" and th is not None) else tv
        if tick_v is not None:
            parts.append(
                f'<a href="{href}"><line class="target-tick" x1="{x(tick_v):.1f}" y1="{y + 2}" x2="{x(tick_v):.1f}" '
                f'y2="{y + row_h - 2}" stroke="#212121" stroke-width="3"><title>{t_title}</title></line></a>'
            )
        a_txt = actual_text(r) or "–"
        parts.append(
            f'<a href="{href}"><text x="{label_w + plot_w + 8}" y="{y + 14}" fill="{color}">'
            f'<title>{esc(evidence_title("actual", r)) if av is not None else "no actual reported"}</title>'
            f'{esc(a_txt)}</text></a>'
            f'<a href="{href}"><text x="{label_w + plot_w + 100}" y="{y + 14}">'
            f'<title>{t_title}</title>/ {esc(target_text(r))}</text></a>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _nice_step(span: float) -> float:
    raw = span / 5
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


TABLE_JS = r"""
(function () {
  var table = document.getElementById('attainment');
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var filters = {province: 'f-province', region: 'f-region', indicator: 'f-indicator', year: 'f-year'};
  var text = document.getElementById('f-text');
  var count = document.getElementById('shown');
  function apply() {
    var want = {};
    Object.keys(filters).forEach(function (k) { want[k] = document.getElementById(filters[k]).value; });
    var q = text.value.trim().toLowerCase();
    var n = 0;
    rows.forEach(function (tr) {
      var ok = Object.keys(want).every(function (k) { return !want[k] || tr.dataset[k] === want[k]; });
      if (ok && q) { ok = tr.textContent.toLowerCase().indexOf(q) >= 0; }
      tr.hidden = !ok;
      if (ok) { n++; }
    });
    count.textContent = n + ' of ' + rows.length + ' targets shown';
  }
  Object.keys(filters).forEach(function (k) { document.getElementById(filters[k]).addEventListener('change', apply); });
  text.addEventListener('input', apply);
  document.getElementById('f-reset').addEventListener('click', function () {
    Object.keys(filters).forEach(function (k) { document.getElementById(filters[k]).value = ''; });
    text.value = ''; apply();
  });
  var ths = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(ths, function (th, i) {
    if (!th.classList.contains('sortable')) { return; }
    th.addEventListener('click', function () {
      var dir = th.classList.contains('asc') ? -1 : 1;
      Array.prototype.forEach.call(ths, function (h) { h.classList.remove('asc', 'desc'); });
      th.classList.add(dir === 1 ? 'asc' : 'desc');
      var numeric = th.dataset.type === 'num';
      rows.sort(function (a, b) {
        var x = a.cells[i].dataset.sort, y = b.cells[i].dataset.sort;
        if (x === undefined) { x = a.cells[i].textContent; }
        if (y === undefined) { y = b.cells[i].textContent; }
        if (numeric) {
          x = x === '' ? NaN : parseFloat(x); y = y === '' ? NaN : parseFloat(y);
          if (isNaN(x) && isNaN(y)) { return 0; }
          if (isNaN(x)) { return 1; }
          if (isNaN(y)) { return -1; }
          return (x - y) * dir;
        }
        return x.localeCompare(y, 'zh-CN') * dir;
      });
      rows.forEach(function (tr) { tbody.appendChild(tr); });
    });
  });
  apply();
  document.body.setAttribute('data-js', 'ready');
})();
"""


def _options(values: Iterable[Any], labels: dict | None = None) -> str:
    out = ['<option value="">all</option>']
    for v in values:
        lab = (labels or {}).get(v, v)
        out.append(f'<option value="{esc(v)}">{esc(lab)}</option>')
    return "".join(out)


def _ev_cell(text: str, evidence: str | None, doc: str | None, sort_value: Any) -> str:
    sv = "" if sort_value is None else esc(sort_value)
    if not text:
        return f'<td class="n" data-sort="{sv}"><span class="none">–</span></td>'
    return (
        f'<td class="n" data-sort="{sv}" title="{esc(evidence)}  [{esc(doc)}]"><details class="ev"><summary>{esc(text)}</summary>'
        f'<q>{esc(evidence)}</q><small class="muted">{esc(doc)}</small></details></td>'
    )


def attainment_page(d: dict) -> tuple[str, int]:
    rows = d["attainment"]
    headline = [i for i in d["indicators"] if i["is_headline"]]
    body = [
        "<p>Each target of a region and year beside the latest actual reported for that year "
        "(<code>marts.fct_target_attainment</code>; province from <code>marts.dim_region</code>). "
        "A part-year actual (1–9月) is compared as it is. Hover over any number or bar to see the "
        "sentence it was read from; click a table number to expand it, or a bar to jump to its row.</p>",
        '<p class="legend"><span><i class="sw" style="background:#2e7d32"></i>actual, target met</span>'
        '<span><i class="sw" style="background:#c62828"></i>actual, not met</span>'
        '<span><i class="sw" style="background:#212121;width:3px"></i>target</span>'
        '<span><i class="sw" style="background:#cfd8dc"></i>target range</span>'
        '<span class="none">– no actual yet</span></p>',
        "<h2>Headline indicators</h2>",
    ]
    n_charts = 0
    charts = []
    for ind in headline:
        ind_rows = [r for r in rows if r["indicator"] == ind["indicator"]]
        for measure in sorted({r["measure"] for r in ind_rows}):
            mrows = [r for r in ind_rows if r["measure"] == measure and r["target_value"] is not None]
            # targets with an actual first (those are the comparisons), then the ones still open
            mrows.sort(key=lambda r: (r["actual_value"] is None, r["province"], r["region"], r["year"] or 0))
            if not mrows:
                continue
            units = {_unit_suffix(r) for r in mrows}
            unit = "/".join(sorted(u for u in units if u))
            title = f"{ind['name_zh']} ({ind['indicator']}), {MEASURE_LABEL.get(measure, measure)}"
            if measure == "level" and unit:
                title += f" in {unit}"
            met = sum(1 for r in mrows if r["is_met"])
            judged = sum(1 for r in mrows if r["is_met"] is not None)
            charts.append(
                f'<div class="chart" id="chart-{esc(ind["indicator"])}-{esc(measure)}"><h3>{esc(title)}</h3>'
                f'<div class="muted">{len(mrows)} target(s); {met} of {judged} with an actual met</div>'
                f"{bullet_chart(mrows, title)}</div>"
            )
            n_charts += 1
    body.append(f'<div class="charts">{"".join(charts)}</div>' if charts else '<p class="muted">No headline targets in the warehouse.</p>')

    provinces = sorted({r["province"] for r in rows})
    regions = sorted({r["region"] for r in rows if r["region"]})
    indicators = sorted({r["indicator"] for r in rows if r["indicator"]})
    names = {r["indicator"]: f"{r['name_zh']} ({r['indicator']})" for r in rows}
    years = sorted({r["year"] for r in rows if r["year"] is not None})
    body.append("<h2>All targets</h2>")
    body.append(
        '<div class="filters">'
        f'<label>province<select id="f-province">{_options(provinces)}</select></label>'
        f'<label>region<select id="f-region">{_options(regions)}</select></label>'
        f'<label>indicator<select id="f-indicator">{_options(indicators, names)}</select></label>'
        f'<label>year<select id="f-year">{_options(years)}</select></label>'
        '<label>text<input id="f-text" type="search" placeholder="any text, e.g. 咸宁"></label>'
        '<button id="f-reset" type="button">reset</button>'
        f'<span id="shown" class="muted">{len(rows)} targets</span></div>'
    )
    heads = [("province", "text"), ("region", "text"), ("year", "num"), ("indicator", "text"),
             ("measure", "text"), ("target", "num"), ("actual", "num"), ("period", "text"),
             ("gap", "num"), ("met", "text")]
    th = "".join(f'<th class="sortable" data-type="{t}">{esc(h)}</th>' for h, t in heads)
    trs = []
    for r in rows:
        cls, word = _status(r)
        tsort = r["target_value_high"] if (r["comparator"] == "max" and r["target_value_high"] is not None) else r["target_value"]
        trs.append(
            f'<tr id="{_row_id(r)}" data-province="{esc(r["province"])}" data-region="{esc(r["region"])}" '
            f'data-indicator="{esc(r["indicator"])}" data-year="{esc(r["year"])}">'
            f"<td>{esc(r['province'])}</td><td>{esc(r['region'])}</td>"
            f'<td class="n">{esc(r["year"])}</td>'
            f'<td title="{esc(r["indicator"])}">{esc(r["name_zh"])}<br><small class="muted">{esc(r["indicator"])}</small></td>'
            f"<td>{esc(MEASURE_LABEL.get(r['measure'], r['measure']))}</td>"
            + _ev_cell(target_text(r), r["target_evidence"], r["target_document_id"], tsort)
            + _ev_cell(actual_text(r), r["actual_evidence"], r["actual_document_id"], r["actual_value"])
            + f"<td>{esc(period_text(r))}</td>"
            f'<td class="n" data-sort="{"" if r["gap"] is None else r["gap"]}">{esc(num(r["gap"]))}</td>'
            f'<td class="{cls}">{esc(word)}</td></tr>'
        )
    if not trs:
        trs.append('<tr><td colspan="10" class="muted">no targets</td></tr>')
    body.append(f'<table id="attainment"><thead><tr>{th}</tr></thead><tbody>{"".join(trs)}</tbody></table>')
    return page("Attainment", "\n".join(body), TABLE_JS), n_charts


# ------------------------------------------------------------------------------------------ quality


def _sample_html(sample: str | None) -> str:
    if not sample:
        return ""
    try:
        items = json.loads(sample)
    except ValueError:
        return f'<pre class="sample">{esc(sample)}</pre>'
    if isinstance(items, list):
        lines = [json.dumps(i, ensure_ascii=False) if not isinstance(i, str) else i for i in items]
        return '<pre class="sample">' + esc("\n".join(lines)) + "</pre>"
    return f'<pre class="sample">{esc(json.dumps(items, ensure_ascii=False, indent=1))}</pre>'


def docs_stacked_bar(doc: dict, scale: float) -> str:
    parts = [("n_targets", "#1565c0", "targets"), ("n_actuals", "#2e7d32", "actuals"),
             ("n_rankings", "#ef6c00", "rankings"), ("n_facts_unknown_indicator", "#9e9e9e", "unknown indicator")]
    x = 0.0
    out = ['<svg xmlns="http://www.w3.org/2000/svg" class="docbar" width="220" height="14">']
    for key, color, label in parts:
        v = doc.get(key) or 0
        w = v * scale
        if w > 0:
            out.append(f'<rect x="{x:.1f}" y="1" width="{w:.1f}" height="12" fill="{color}"><title>{v} {label}</title></rect>')
        x += w
    out.append("</svg>")
    return "".join(out)


def quality_page(d: dict, data_docs: bool) -> str:
    checks = d["checks"]
    body = []
    failed = [c for c in checks if not c["success"]]
    run = next((r for r in d["runs"] if r["run_id"] == d["checks_run"]), None)
    body.append('<div class="cards">')
    body.append(f'<div class="card">checks passed<b class="ok">{len(checks) - len(failed)}</b></div>')
    body.append(f'<div class="card">checks failed<b class="{"bad" if failed else "ok"}">{len(failed)}</b></div>')
    body.append(f'<div class="card">quarantined files<b>{len(d["ingest_errors"])}</b></div>')
    body.append(f'<div class="card">documents<b>{len(d["documents"])}</b></div>')
    body.append(f'<div class="card">runs recorded<b>{len(d["runs"])}</b></div></div>')
    if d["checks_run"]:
        body.append(
            f'<p>Checks of run <code>{esc(d["checks_run"])}</code>'
            + (f' (state {esc(run["state"])}, started {esc(ts(run["started"]))} UTC)' if run else "")
            + ". "
            + ('The full Great Expectations results: <a href="data_docs/index.html">GX Data Docs</a> '
               '(they load their styling from public CDNs, so offline they show unstyled).' if data_docs
               else "No GX Data Docs were found next to the warehouse.")
            + "</p>"
        )
    # per stage
    body.append("<h2>Checks per stage</h2>")
    stages: dict[str, dict[str, int]] = {}
    for c in checks:
        s = stages.setdefault(c["suite"], {"passed": 0, "failed": 0, "blocking": 0, "tables": set()})
        s["tables"].add(c["table_name"])
        if c["success"]:
            s["passed"] += 1
        else:
            s["failed"] += 1
            s["blocking"] += 1 if c["blocking"] else 0
    body.append(table(
        ["stage (suite)", "tables", "checks", "passed", "failed", "of which blocking"],
        [[esc(k), esc(len(v["tables"])), esc(v["passed"] + v["failed"]), f'<span class="ok">{v["passed"]}</span>',
          f'<span class="{"bad" if v["failed"] else "ok"}">{v["failed"]}</span>', esc(v["blocking"])]
         for k, v in stages.items()],
        numeric={1, 2, 3, 4, 5},
    ))
    body.append("<h3>Failed checks, and the rows they failed on</h3>")
    if failed:
        body.append(table(
            ["stage", "table.column", "expectation", "severity", "unexpected", "observed", "sample of failing rows"],
            [[esc(c["suite"]), esc(c["table_name"] + (f".{c['column_name']}" if c["column_name"] else "")),
              f"<code>{esc(c['expectation'])}</code>", '<span class="bad">blocking</span>' if c["blocking"] else "warning",
              esc(num(c["unexpected_count"])), esc(c["observed_value"]), _sample_html(c["unexpected_sample"])]
             for c in failed],
            numeric={4}, row_attrs=['class="fail"'] * len(failed), attrs='id="failed-checks"',
        ))
    else:
        body.append(f'<p class="ok">All {len(checks)} checks passed.</p>' if checks else '<p class="muted">No checks recorded.</p>')
    body.append(f"<details><summary>All {len(checks)} checks of the run</summary>")
    body.append(table(
        ["stage", "table", "column", "expectation", "result", "blocking", "observed"],
        [[esc(c["suite"]), esc(c["table_name"]), esc(c["column_name"]), f"<code>{esc(c['expectation'])}</code>",
          '<span class="ok">pass</span>' if c["success"] else '<span class="bad">FAIL</span>',
          "yes" if c["blocking"] else "no", esc((c["observed_value"] or "")[:200])]
         for c in checks],
    ))
    body.append("</details>")

    body.append("<h2>Quarantined files</h2>")
    body.append("<p class=\"note\">Input files that could not be parsed; the runs went on without them "
                "(<code>ops.ingest_errors</code>).</p>")
    body.append(table(
        ["run", "file", "reason", "at (UTC)"],
        [[f"<code>{esc(e['run_id'])}</code>", esc(e["file"]), esc(e["reason"]), esc(ts(e["at"]))] for e in d["ingest_errors"]],
        attrs='id="quarantined"',
    ))

    body.append("<h2>Facts per document</h2>")
    docs = d["documents"]
    mx = max([doc.get("n_facts") or 0 for doc in docs] + [1])
    scale = 220 / mx
    body.append('<p class="legend"><span><i class="sw" style="background:#1565c0"></i>targets</span>'
                '<span><i class="sw" style="background:#2e7d32"></i>actuals</span>'
                '<span><i class="sw" style="background:#ef6c00"></i>rankings</span>'
                '<span><i class="sw" style="background:#9e9e9e"></i>indicator not in the dictionary</span></p>')
    body.append(table(
        ["document", "region", "kind", "year", "title", "facts", "targets", "actuals", "rankings", "unknown ind.", ""],
        [[f"<code>{esc(doc['document_id'])}</code>", esc(doc.get("region")), esc(doc.get("kind")), esc(doc.get("year")),
          esc((doc.get("title") or "")[:40]), esc(doc.get("n_facts")), esc(doc.get("n_targets")), esc(doc.get("n_actuals")),
          esc(doc.get("n_rankings")), esc(doc.get("n_facts_unknown_indicator")), docs_stacked_bar(doc, scale)]
         for doc in docs],
        numeric={3, 5, 6, 7, 8, 9}, attrs='id="documents"',
    ))

    body.append("<h2>Most frequent indicator names not in the dictionary</h2>")
    total, distinct = d["unknown_total"]
    body.append(f'<p class="note">{total} facts in <code>raw.facts</code> have no indicator ({distinct} distinct '
                "names as written). Adding a frequent one to <code>dbt_project/seeds/indicator_aliases.csv</code> "
                "(or a new indicator) brings its facts into the marts.</p>")
    body.append(table(
        ["name as written", "facts", "documents", "example evidence"],
        [[esc(u["indicator_raw"]), esc(u["facts"]), esc(u["documents"]), esc(u["example"])] for u in d["unknown"]],
        numeric={1, 2}, attrs='id="unknown"',
    ))

    body.append("<h2>Run history</h2>")
    body.append(table(
        ["run", "started (UTC)", "took", "state", "files", "documents", "facts", "quarantined", "message"],
        [[f"<code>{esc(r['run_id'])}</code>", esc(ts(r["started"])),
          esc(f"{(r['finished'] - r['started']).total_seconds():.0f} s" if r["finished"] and r["started"] else ""),
          f'<span class="{"ok" if r["state"] == "succeeded" else "bad" if r["state"] == "failed" else ""}">{esc(r["state"])}</span>',
          esc(r["documents_seen"]), esc(r["documents_parsed"]), esc(r["facts"]), esc(r["errors"]), esc(r["message"])]
         for r in d["runs"]],
        numeric={4, 5, 6, 7}, attrs='id="runs"',
    ))
    return page("Data quality", "\n".join(body))


# -------------------------------------------------------------------------------------------- index


def index_page(d: dict, db_path: Path, data_docs: bool, n_charts: int) -> str:
    last = d["runs"][0] if d["runs"] else None
    failed = sum(1 for c in d["checks"] if not c["success"])
    met = sum(1 for r in d["attainment"] if r["is_met"])
    judged = sum(1 for r in d["attainment"] if r["is_met"] is not None)
    body = [
        f"<p>Warehouse <code>{esc(db_path)}</code>; report written "
        f"{esc(dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'))}.</p>",
        '<div class="cards">',
        f'<div class="card">last run<b>{esc(last["state"] if last else "none")}</b>'
        f'<span class="muted">{esc(last["run_id"] if last else "")}</span></div>',
        f'<div class="card">documents<b>{len(d["documents"])}</b></div>',
        f'<div class="card">targets with an actual met<b>{met} / {judged}</b></div>',
        f'<div class="card">failed checks<b class="{"bad" if failed else "ok"}">{failed}</b></div>',
        f'<div class="card">quarantined files<b>{len(d["ingest_errors"])}</b></div>',
        "</div>",
        "<h2>Pages</h2><ul>",
        f'<li><a href="attainment.html">Attainment</a>: targets beside the latest actuals, {n_charts} charts of '
        "the headline indicators, a table to sort and filter; every number with its evidence.</li>",
        '<li><a href="quality.html">Data quality</a>: checks per stage and what failed, quarantined files, '
        "facts per document, unknown indicator names, run history.</li>",
        ('<li><a href="data_docs/index.html">GX Data Docs</a> of the last run (a copy).</li>' if data_docs
         else "<li>GX Data Docs: none found next to the warehouse.</li>"),
        "</ul>",
        "<h2>Rows per mart</h2>",
        table(["mart", "rows"], [[f"<code>marts.{esc(k)}</code>", esc(v)] for k, v in d["marts"].items()], numeric={1}),
    ]
    return page("Report", "\n".join(body))


# --------------------------------------------------------------------------------------------- main


def write_report(db_path: Path, out_dir: Path) -> ReportResult:
    db_path = Path(db_path).resolve()
    out_dir = Path(out_dir).resolve()
    d = _read(db_path)  # raises WarehouseMissing when there is no file
    out_dir.mkdir(parents=True, exist_ok=True)
    res = ReportResult(out_dir=out_dir, attainment_rows=len(d["attainment"]))

    src_docs = db_path.parent / "data_docs"
    dest_docs = out_dir / "data_docs"
    if (src_docs / "index.html").exists():
        if dest_docs.exists():
            shutil.rmtree(dest_docs)
        # .gx holds GX's project config and stores, not part of the site
        shutil.copytree(src_docs, dest_docs, ignore=shutil.ignore_patterns(".gx"))
        res.data_docs = dest_docs / "index.html"

    att_html, res.charts = attainment_page(d)
    pages = {
        "index.html": index_page(d, db_path, res.data_docs is not None, res.charts),
        "attainment.html": att_html,
        "quality.html": quality_page(d, res.data_docs is not None),
    }
    for name, text in pages.items():
        p = out_dir / name
        p.write_text(text, encoding="utf-8")
        res.pages.append(p)
    return res
