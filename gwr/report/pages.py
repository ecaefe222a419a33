"""The report's pages: the data of gwr.report.data arranged for the templates, rendered by Jinja2.

Markup lives in templates/ (autoescaped), styles and the table script in static/; both are
inlined into each page so that the pages open from disk with no server and no internet.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from contracts.settings import REPORT_STATIC_DIR, REPORT_TEMPLATES_DIR
from gwr.report.charts import BulletChart, bullet_chart, doc_bar
from gwr.report.docpages import DOCUMENTS_DIR, fact_href, page_name, segments, style_of
from gwr.report.format import FILTERS, MEASURE_LABEL, fact_title, unit_suffix


@functools.cache
def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(REPORT_TEMPLATES_DIR)),
        autoescape=True,
        finalize=lambda v: "" if v is None else v,  # a NULL shows as an empty cell
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.globals.update(fact_href=fact_href, page_name=page_name, documents_dir=DOCUMENTS_DIR)
    return env


def _static(name: str) -> str:
    return (REPORT_STATIC_DIR / name).read_text(encoding="utf-8")


def render(template: str, title: str, script: str | None = None, **context: Any) -> str:
    from markupsafe import Markup

    context.setdefault("root", "")
    return environment().get_template(template).render(
        title=title, css=Markup(_static("report.css")),
        script=Markup(_static(script)) if script else None, **context,
    )


# -------------------------------------------------------------------------------------- attainment


def headline_charts(d: dict) -> list[dict[str, Any]]:
    """One bullet chart per headline indicator and measure, targets with an actual first."""
    rows = d["attainment"]
    charts = []
    for ind in [i for i in d["indicators"] if i["is_headline"]]:
        ind_rows = [r for r in rows if r["indicator"] == ind["indicator"]]
        for measure in sorted({r["measure"] for r in ind_rows}):
            mrows = [r for r in ind_rows if r["measure"] == measure and r["target_value"] is not None]
            mrows.sort(key=lambda r: (r["actual_value"] is None, r["province"], r["region"], r["year"] or 0))
            if not mrows:
                continue
            unit = "/".join(sorted(u for u in {unit_suffix(r) for r in mrows} if u))
            title = f"{ind['name_zh']} ({ind['indicator']}), {MEASURE_LABEL.get(measure, measure)}"
            if measure == "level" and unit:
                title += f" in {unit}"
            chart: BulletChart = bullet_chart(mrows, title)
            charts.append({
                "indicator": ind["indicator"], "measure": measure, "chart": chart, "n": len(mrows),
                "met": sum(1 for r in mrows if r["is_met"]),
                "judged": sum(1 for r in mrows if r["is_met"] is not None),
            })
    return charts


HEADINGS = [("province", "text"), ("region", "text"), ("year", "num"), ("indicator", "text"),
            ("measure", "text"), ("target", "num"), ("actual", "num"), ("period", "text"),
            ("reported in", "text"), ("gap", "num"), ("met", "text")]


def attainment_page(d: dict) -> tuple[str, int]:
    rows = d["attainment"]
    charts = headline_charts(d)
    html = render(
        "attainment.html.j2", "Attainment", script="attainment.js", rows=rows, charts=charts,
        headings=HEADINGS,
        provinces=sorted({r["province"] for r in rows}),
        regions=sorted({r["region"] for r in rows if r["region"]}),
        indicators=sorted({r["indicator"] for r in rows if r["indicator"]}),
        indicator_names={r["indicator"]: f"{r['name_zh']} ({r['indicator']})" for r in rows},
        years=sorted({r["year"] for r in rows if r["year"] is not None}),
    )
    return html, len(charts)


# ----------------------------------------------------------------------------------------- quality


def quality_page(d: dict, data_docs: bool) -> str:
    checks = d["checks"]
    stages: dict[str, dict[str, Any]] = {}
    for c in checks:
        s = stages.setdefault(c["suite"], {"passed": 0, "failed": 0, "blocking": 0, "tables": set()})
        s["tables"].add(c["table_name"])
        if c["success"]:
            s["passed"] += 1
        else:
            s["failed"] += 1
            s["blocking"] += 1 if c["blocking"] else 0
    docs = d["documents"]
    scale = 220 / max([doc.get("n_facts") or 0 for doc in docs] + [1])
    return render(
        "quality.html.j2", "Data quality", checks=checks, failed=[c for c in checks if not c["success"]],
        stages=stages, checks_run=d["checks_run"], data_docs=data_docs,
        run=next((r for r in d["runs"] if r["run_id"] == d["checks_run"]), None),
        quarantined=d["quarantined"], quarantine_run=d["quarantine_run"], documents=[(doc, doc_bar(doc, scale)) for doc in docs],
        unknown=d["unknown"], unknown_total=d["unknown_total"], runs=d["runs"],
        uncoded=d.get("uncoded", []), coded=(d.get("coded") or [{"facts": 0, "coded": 0}])[0],
        paged={doc["document_id"] for doc in docs},  # documents with a page (the published ones)
    )


# ------------------------------------------------------------------------------------------- index


def index_page(d: dict, db_path: Path, data_docs: bool, n_charts: int) -> str:
    return render(
        "index.html.j2", "Report", db_path=db_path,
        written=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        last=d["runs"][0] if d["runs"] else None, documents=len(d["documents"]),
        met=sum(1 for r in d["attainment"] if r["is_met"]),
        judged=sum(1 for r in d["attainment"] if r["is_met"] is not None),
        failed=sum(1 for c in d["checks"] if not c["success"]),
        quarantined=len(d["quarantined"]), n_charts=n_charts, data_docs=data_docs, marts=d["marts"],
        doc_list=d["documents"],
    )


# ---------------------------------------------------------------------------------------- documents


def document_page(doc: dict, text: str, facts: list[dict]) -> str:
    """A document's page: its text cut into highlighted pieces, and the list of its facts."""
    return render(
        "document.html.j2", doc.get("title") or doc["document_id"], script="document.js", root="../",
        doc=doc, facts=facts, segments=segments(text, facts),
        titles={f["fact_id"]: fact_title(f) for f in facts}, styles={f["fact_id"]: style_of(f) for f in facts},
    )
