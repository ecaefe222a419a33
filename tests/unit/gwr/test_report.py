"""gwr.report's pure parts: how values read, the chart geometry, and the templates rendering (on
hand-made rows; the whole report on a real warehouse is tests/integration/gwr/test_report.py)."""

from __future__ import annotations

from gwr.report import charts, format as fmt
from gwr.report.pages import render

ROW = {
    "province": "湖北省", "region": "咸宁市", "year": 2022, "indicator": "gdp", "name_zh": "地区生产总值",
    "is_headline": True, "measure": "growth_pct", "unit": "%", "target_value": 8.0, "target_value_high": None,
    "comparator": "approx", "actual_value": 4.4, "actual_period_start_month": 1, "actual_period_end_month": 9,
    "actual_estimate": False, "gap": -3.6, "is_met": False, "is_full_year": False, "target_fact_id": "f1",
    "target_document_id": "000", "target_evidence": "地区生产总值增长8%左右", "actual_fact_id": "f2",
    "actual_document_id": "000", "actual_evidence": "比上年同期增长4.4%",
    "actual_document_kind": "progress_notice", "actual_document_year": 2023,
}


def test_values_read_as_written():
    assert fmt.target_text(ROW) == "≈8%"
    assert fmt.actual_text(ROW) == "4.4%"
    assert fmt.period_text(ROW) == "1–9月"
    assert fmt.num(1321.29) == "1,321.29" and fmt.num(3191) == "3,191" and fmt.num(None) == ""
    assert fmt.status(ROW) == ("bad", "not met")
    assert fmt.target_text(dict(ROW, comparator="max", target_value=None, target_value_high=3.5)) == "≤3.5%"


def test_bullet_chart_clips_an_outlier_with_an_arrow():
    rows = [ROW, dict(ROW, region="彬州市", actual_value=245.0, target_fact_id="f3")]
    c = charts.bullet_chart(rows, "gdp")
    assert len(c.rows) == 2 and c.rows[0].arrow is None and c.rows[1].arrow
    assert c.rows[1].bar[0] + c.rows[1].bar[1] <= charts.LABEL_W + charts.PLOT_W + 1e-6
    assert c.rows[0].tick_x > c.zero_x  # the 8% target right of zero
    assert [label for _, label in c.ticks][:2] == ["0", "5"]


def test_templates_escape_and_show_every_number_with_its_evidence():
    html = render("attainment.html.j2", "Attainment", script="attainment.js",
                  rows=[dict(ROW, region="<b>咸宁市</b>")], charts=[], headings=[("region", "text")],
                  provinces=["湖北省"], regions=["咸宁市"], indicators=["gdp"], indicator_names={}, years=[2022])
    assert "<b>咸宁市</b>" not in html and "&lt;b&gt;咸宁市&lt;/b&gt;" in html
    assert "<q>地区生产总值增长8%左右</q>" in html and "<q>比上年同期增长4.4%</q>" in html
    assert 'data-sort="-3.6"' in html and "document.body.setAttribute('data-js', 'ready')" in html
    assert "None" not in html  # a NULL is an empty cell
    # every number links to its place in its document's page
    assert 'href="documents/000.html#f-f1"' in html and 'href="documents/000.html#f-f2"' in html
    assert "progress_notice 2023" in html


def test_quality_page_links_examples_only_to_documents_with_a_page():
    from gwr.report.pages import quality_page

    doc = {"document_id": "000", "region": "咸宁市", "kind": "progress_notice", "year": 2022, "title": "t",
           "n_facts": 3, "n_targets": 1, "n_actuals": 1, "n_rankings": 0, "n_facts_unknown_indicator": 1}
    unknown = [{"indicator_raw": "工业投资", "facts": 1, "documents": 1, "example": "工业投资593.8亿元",
                "example_fact_id": "u1", "example_document_id": "000"},
               {"indicator_raw": "外贸出口", "facts": 1, "documents": 1, "example": "外贸出口1928.7亿元",
                "example_fact_id": "u2", "example_document_id": "held"}]  # a quarantined document
    d = {"checks": [], "checks_run": None, "runs": [], "quarantined": [], "quarantine_run": None,
         "documents": [doc], "unknown": unknown, "unknown_total": (2, 2),
         "uncoded": [{"region": "龙华区", "document_id": "000", "facts": 2, "first_fact_id": "f9",
                      "candidates": "深圳市 龙华区 440309; 海口市 龙华区 460106"}],
         "coded": [{"facts": 200, "coded": 198}]}
    html = quality_page(d, data_docs=False)
    assert 'href="documents/000.html#f-u1"' in html and "#f-u2" not in html and "外贸出口1928.7亿元" in html
    assert 'href="documents/000.html#f-f9"' in html and "海口市 龙华区 460106" in html
    assert "198 of 200 facts in the marts carry the six-digit code" in html and "(99.0%)" in html
