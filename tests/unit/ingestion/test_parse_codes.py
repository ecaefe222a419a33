"""Region codes chosen by the parser (ingestion/parse/codes.py), on real pages: a repeated name told
apart by the places the text names, a township under the reporting region's code, and a name the
context does not settle left without a code."""

from __future__ import annotations

from pathlib import Path

from ingestion.parse import codes
from ingestion.pipeline import parse_path, parse_text

REPO = Path(__file__).resolve().parents[3]
LONGHUA = REPO / "tests" / "data" / "wild_dev" / "pages" / "d314_longhua_2018.txt"  # 深圳新闻网 on 龙华区
DAYE = REPO / "sample_corpus" / "004_6e630300c27251eb.txt"  # 大冶市 notice naming its towns


def test_a_repeated_name_is_the_place_the_text_points_to():
    # 龙华区 is in 深圳市 (440309) and in 海口市 (460106); the page names 深圳
    (doc,) = parse_path(LONGHUA)
    assert doc.document.region == "龙华区" and doc.document.region_code == "440309"
    assert doc.facts and {f.region_code for f in doc.facts} == {"440309"}


def test_a_repeated_name_the_text_does_not_settle_keeps_no_code():
    lines = LONGHUA.read_text(encoding="utf-8").splitlines()
    # the same page without its dateline, the one line that names 深圳
    cut = "\n".join(lines[1:3] + lines[4:6])
    assert "深圳" not in cut and "海口" not in cut
    (doc,) = parse_text(cut, "cut", overrides={"region": "龙华区"})
    assert doc.document.region == "龙华区" and doc.document.region_code is None
    assert doc.facts and all(f.region == "龙华区" and f.region_code is None for f in doc.facts)
    # with the dateline, the same override gets 深圳's 龙华区
    (whole,) = parse_text(LONGHUA.read_text(encoding="utf-8"), "whole", overrides={"region": "龙华区"})
    assert whole.document.region_code == "440309"


def test_places_below_the_gazetteer_carry_the_reporting_regions_code():
    (doc,) = parse_path(DAYE)
    assert doc.document.region == "大冶市" and doc.document.region_code == "420281"
    towns = {f.region for f in doc.facts if f.region != "大冶市"}
    assert {"东风农场", "金湖街道", "保安镇"} <= towns
    assert {f.region_code for f in doc.facts} == {"420281"}


def test_a_facts_repeated_name_by_the_documents_place():
    # 铁西区: 沈阳市 210106, 鞍山市 210303, 四平市 220302
    shenyang = codes.context_of("210100", "沈阳市")
    assert codes.fact_code("铁西区", "沈阳市", "210100", shenyang) == "210106"
    anshan = codes.context_of("210300", "鞍山市")
    assert codes.fact_code("铁西区", "鞍山市", "210300", anshan) == "210303"
    # in a report of the province both of Liaoning's are candidates: no code, not a guess
    liaoning = codes.context_of("210000", "辽宁省")
    assert codes.fact_code("铁西区", "辽宁省", "210000", liaoning) is None
    # a report of 吉林省 has only one 铁西区
    jilin = codes.context_of("220000", "吉林省")
    assert codes.fact_code("铁西区", "吉林省", "220000", jilin) == "220302"
    assert codes.fact_code(None, "辽宁省", "210000", liaoning) is None


def test_document_code_of_unique_and_unknown_names():
    assert codes.document_code("咸宁市", "") == "421200"
    assert codes.document_code("东风农场", "") is None
    assert codes.document_code(None, "咸宁市") is None
