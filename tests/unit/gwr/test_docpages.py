"""The document pages of `gwr report` (gwr/report/docpages.py and templates/document.html.j2), on
the real text of 珠海市's 2023 report: overlapping facts cut into pieces once, anchors where facts
start, numbers the extractor could not tie to an indicator marked apart."""

from __future__ import annotations

import html as _html
from pathlib import Path

from gwr.report.docpages import fact_href, page_name, segments, style_of
from gwr.report.pages import document_page

REPO = Path(__file__).resolve().parents[3]
# from sample_corpus/003_6b340ccef4bd5f14.txt, the 珠海市 report (document #15)
TEXT = "全市地区生产总值4045.5亿元、增长2.3%;工业投资593.8亿元、增长56.4%;固定资产投资1972.6亿元、下降8.8%;"


def _fact(fid, evidence, kind="actual", indicator="gdp", occurrence=0, **kw):
    start = TEXT.index(evidence) if not occurrence else TEXT.index(evidence, occurrence)
    base = dict(fact_id=fid, document_id="d", kind=kind, indicator=indicator, indicator_raw=evidence[:4],
                region="珠海市", year=2022, period_start_month=1, period_end_month=12, measure="level",
                value=1.0, value_high=None, unit="亿元", comparator=None, estimate=False, rank=None,
                rank_scope=None, rank_direction=None, target_text=None, evidence=evidence,
                char_start=start, char_end=start + len(evidence))
    base.update(kw)
    return base


FACTS = [
    _fact("a1", "地区生产总值4045.5亿元"),
    _fact("a2", "地区生产总值4045.5亿元、增长2.3%", measure="growth_pct", value=2.3, unit="%"),
    _fact("u1", "工业投资593.8亿元", indicator=None),
    _fact("f1", "固定资产投资1972.6亿元", indicator="fixed_asset_investment"),
    _fact("f2", "固定资产投资1972.6亿元、下降8.8%", indicator="fixed_asset_investment", measure="growth_pct",
          value=-8.8, unit="%"),
]


def test_pieces_cover_the_text_once_and_know_their_facts():
    segs = segments(TEXT, FACTS)
    assert "".join(s.text for s in segs) == TEXT
    for f in FACTS:
        covered = "".join(s.text for s in segs if f["fact_id"] in s.facts)
        assert covered == f["evidence"], f["fact_id"]
        assert sum(s.starts.count(f["fact_id"]) for s in segs) == 1
    inner = next(s for s in segs if s.text == "固定资产投资1972.6亿元")
    assert inner.facts == ["f1", "f2"] and inner.starts == ["f1", "f2"]  # innermost first
    assert next(s for s in segs if s.text == "工业投资593.8亿元").style == "unknown"
    assert style_of(FACTS[0]) == "actual"


def test_facts_outside_the_text_and_zero_length_facts():
    bad = dict(FACTS[0], fact_id="x", char_start=5, char_end=len(TEXT) + 3)
    empty = dict(FACTS[0], fact_id="z", char_start=len(TEXT), char_end=len(TEXT))
    segs = segments(TEXT, [bad, empty])
    assert "".join(s.text for s in segs) == TEXT
    assert all("x" not in s.facts and "x" not in s.starts for s in segs)
    assert segs[-1].starts == ["z"] and segs[-1].text == ""


def test_page_names_need_no_escaping():
    assert page_name("000_500ad30c4c1f596f") == "000_500ad30c4c1f596f.html"
    a, b = page_name("003_6b340ccef4bd5f14#15"), page_name("003_6b340ccef4bd5f14_15")
    assert a != b and "#" not in a and a.startswith("003_6b340ccef4bd5f14_15-")
    assert fact_href("003_6b340ccef4bd5f14#15", "f2") == f"documents/{a}#f-f2"


def test_the_page_highlights_every_fact_and_lists_it():
    doc = dict(document_id="003_6b340ccef4bd5f14#15", region="珠海市", region_code="440400", kind="work_report",
               year=2022, target_year=2023, published_date=None, title="2023年珠海市人民政府工作报告",
               source_path="sample_corpus/003_6b340ccef4bd5f14.txt")
    page = document_page(doc, TEXT + "<script>x</script>", FACTS)
    assert "<script>x</script>" not in page and _html.escape("<script>x</script>") in page
    for f in FACTS:
        assert f'id="f-{f["fact_id"]}"' in page and f'href="#f-{f["fact_id"]}"' in page
        assert f'id="row-{f["fact_id"]}"' in page
    assert '<span class="hl hl-unknown" data-facts="u1"' in page and 'class="k-unknown"' in page
    assert 'href="../index.html"' in page and "(440400)" in page
    assert "document.body.setAttribute('data-js', 'ready')" in page
