"""`gwr report`: a static HTML report of a warehouse that opens from disk (no server, no CDN).

    write_report(db_path, out_dir) -> ReportResult

Pages written to `out_dir`:

    index.html        overview and links
    quality.html      data quality: checks per stage with the failures and the rows they failed on
                      (ops.dq_results.unexpected_sample), what the latest run quarantined with the
                      reason and fix (ops.quarantined_documents),
                      facts per document (marts.dim_document), the most frequent indicator names
                      not in the dictionary (raw.facts), the run history (ops.runs)
    attainment.html   targets beside the latest actuals (marts.fct_target_attainment): one
                      bullet chart per headline indicator, and a table that sorts and filters by
                      province, region, indicator and year; every number shows its evidence
    documents/        one page per document: its full text with every fact highlighted at its
                      offsets, and the list of its facts; every number on the other pages links
                      to its place here (documents/<id>.html#f-<fact id>)
    data_docs/        a copy of the GX Data Docs of the last run (`<db dir>/data_docs/`), whose
                      CDN assets are local copies (expectations/data_docs_offline.py)

data.py reads the warehouse, charts.py computes the SVG geometry, pages.py fills the Jinja2
templates (templates/) with it; styles and the table script are static files (static/).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from contracts.settings import WarehousePaths


@dataclass
class ReportResult:
    out_dir: Path
    pages: list[Path] = field(default_factory=list)
    data_docs: Path | None = None
    charts: int = 0
    attainment_rows: int = 0
    documents: int = 0


def write_report(db_path: Path, out_dir: Path) -> ReportResult:
    from gwr.report import data, pages as html

    db_path = Path(db_path).resolve()
    out_dir = Path(out_dir).resolve()
    d = data.read(db_path)  # raises WarehouseMissing when there is no file
    out_dir.mkdir(parents=True, exist_ok=True)
    res = ReportResult(out_dir=out_dir, attainment_rows=len(d["attainment"]))

    src_docs = WarehousePaths(db_path).data_docs_dir
    dest_docs = out_dir / "data_docs"
    if (src_docs / "index.html").exists():
        if dest_docs.exists():
            shutil.rmtree(dest_docs)
        # .gx holds GX's project config and stores, not part of the site
        shutil.copytree(src_docs, dest_docs, ignore=shutil.ignore_patterns(".gx"))
        res.data_docs = dest_docs / "index.html"

    att_html, res.charts = html.attainment_page(d)
    pages = {
        "index.html": html.index_page(d, db_path, res.data_docs is not None, res.charts),
        "attainment.html": att_html,
        "quality.html": html.quality_page(d, res.data_docs is not None),
    }
    for name, text in pages.items():
        p = out_dir / name
        p.write_text(text, encoding="utf-8")
        res.pages.append(p)
    res.documents = write_document_pages(db_path, out_dir)
    return res


def write_document_pages(db_path: Path, out_dir: Path) -> int:
    """documents/<page>.html for every document (pages of documents no longer published go)."""
    from gwr.report import data, pages as html
    from gwr.report.docpages import DOCUMENTS_DIR, page_name

    folder = out_dir / DOCUMENTS_DIR
    folder.mkdir(exist_ok=True)
    written = set()
    for doc, text, facts in data.iter_documents(db_path):
        name = page_name(doc["document_id"])
        (folder / name).write_text(html.document_page(doc, text, facts), encoding="utf-8")
        written.add(name)
    for old in folder.glob("*.html"):
        if old.name not in written:
            old.unlink()
    return len(written)
