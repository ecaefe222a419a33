"""The normalised view: matching text folded and cleaned, offsets that map back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.parse.view import build_view, fold, junk_tokens

REPO = Path(__file__).resolve().parents[3]
WILD = REPO / "sample_corpus_wild"


def _read(name: str) -> str:
    return (WILD / name).read_text(encoding="utf-8")


def test_traditional_folds_to_simplified_one_for_one():
    text = "地區生產總值增長6.1%"
    assert fold(text) == "地区生产总值增长6.1%"
    assert len(fold(text)) == len(text)


def test_common_simplified_characters_stay():
    # 乾县 is a county of 咸阳 and 著 a simplified character: OpenCC would change both
    assert fold("乾县显著") == "乾县显著"


def test_variant_not_in_opencc_is_mapped():
    assert fold("陜西省") == "陕西省"


def test_pinyin_annotations_leave_the_view_not_the_evidence():
    original = _read("w07_xingguo_2022.txt")
    view = build_view(original)
    assert "(cái)" not in view.text and "(zhǎng)" not in view.text
    i = view.text.index("一般公共预算收入5.03亿元")
    a, b = view.to_original(i, i + len("一般公共预算收入5.03亿元"))
    assert original[a:b] == "一般公共預(yù)算收入5.03億元"
    assert view.script == "garbled"


def test_annotations_after_a_character_of_extension_a_leave_the_view():
    # 䶮 (U+4DAE) is in CJK Extension A: a pinyin annotation or a junk symbol after it is junk too
    assert build_view("刘䶮(yǎn)经(jīng)济").text == "刘䶮经济"
    assert build_view("䶮№业").text == "䶮业"


def test_junk_tokens_and_hard_wraps():
    original = _read("w27_lixian_2017.txt")
    assert junk_tokens(fold(original)) == {"pbY"}
    view = build_view(original)
    assert "pbY" not in view.text
    assert "全社会固定资产投资完成59.4亿元" in view.text  # "投\n资" joined
    assert "是2011年的1.37倍" in view.text  # "1.\n37倍" joined
    i = view.text.index("全社会固定资产投资完成59.4亿元")
    a, b = view.to_original(i, i + len("全社会固定资产投资完成59.4亿元"))
    assert original[a:b] == "全社会固定资产投\n资完成59.4亿元"


def test_a_page_that_is_not_wrapped_keeps_its_lines():
    original = (REPO / "tests/data/wild_dev/pages/d209_shaanxi_2021.txt").read_text(encoding="utf-8")
    view = build_view(original)
    assert "规上工业增加值增长1%\n进出口总额增长7.3%" in view.text


def test_spaced_numbers_and_per_cent_variant():
    view = build_view("经济增长6 . 5%左右,同比增长15℅,增长8 %")
    assert view.text == "经济增长6.5%左右,同比增长15%,增长8%"


@pytest.mark.parametrize("written, read", [
    ("增长百分之九以上", "增长9%以上"),
    ("增长百分之三十八左右", "增长38%左右"),
    ("完成两千零一十八点一亿元", "完成2018.1亿元"),
    ("投资一万两千三百亿元", "投资12300亿元"),
    ("达到一万零五百多亿元", "达到10500亿元"),
    ("由二00二年的", "由2002年的"),
    ("二元结构", "二元结构"),  # no amount
    ("百亿元项目", "百亿元项目"),  # a size class
    ("第三十亿元", "第三十亿元"),  # an ordinal
    ("一二〇二三年", "一二〇二三年"),  # a run of numerals, no year
])
def test_numerals_in_words(written, read):
    assert build_view(written).text == read


@pytest.mark.parametrize("original, view_text, spans", [
    # a replacement maps each of its characters to the whole piece it replaced
    ("于二〇二三年", "于2023年", [(0, 1), (1, 5), (1, 5), (1, 5), (1, 5), (5, 6)]),
    # a spaced point becomes one character; what follows shifts back by the space
    ("1 .5%与2. 5%", "1.5%与2.5%", [(0, 1), (1, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 9), (9, 10), (10, 11)]),
    # deletions (pinyin annotations, a space, a junk symbol): the characters after them shift
    ("经(jīng)济(jì)增长6 %", "经济增长6%", [(0, 1), (7, 8), (12, 13), (13, 14), (14, 15), (16, 17)]),
    ("工№业增长", "工业增长", [(0, 1), (2, 3), (3, 4), (4, 5)]),
    ("增长9。5%", "增长9.5%", [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]),
])
def test_the_offset_map_of_each_kind_of_edit(original, view_text, spans):
    view = build_view(original)
    assert view.text == view_text
    assert [view.to_original(i, i + 1) for i in range(len(view.text))] == spans
    assert view.to_original(0, len(view.text)) == (0, len(original))
    assert view.to_original(len(view.text), len(view.text)) == (len(original), len(original))


def test_every_view_offset_maps_inside_the_original():
    for path in sorted(WILD.glob("*.txt")):
        original = path.read_text(encoding="utf-8")
        view = build_view(original)
        for i in range(0, len(view.text), 7):
            a, b = view.to_original(i, min(i + 9, len(view.text)))
            assert 0 <= a <= b <= len(original)
            # a character that was not rewritten maps to itself (folded)
            if view.text[i] == fold(original[a]) and b - a == 1:
                assert fold(original[a]) == view.text[i]


def test_script_of_the_sample_pages():
    import csv

    with (WILD / "sources.csv").open(encoding="utf-8") as fh:
        labels = {r["id"]: r["script"] for r in csv.DictReader(fh)}
    got = {p.stem: build_view(p.read_text(encoding="utf-8")).script for p in WILD.glob("*.txt")}
    agree = sum(got[k] == v for k, v in labels.items())
    assert agree >= 22, {k: (got[k], v) for k, v in labels.items() if got[k] != v}


def test_a_page_laid_out_one_pdf_span_per_line_is_joined():
    """Figures on lines of their own and words cut where a span ended ("地区生\n产总值增长\n3.5%\n左右")
    read as one sentence; a break after a sentence's end, or before a heading, stays."""
    original = (REPO / "tests/data/wild_holdout/pages/n20_jilin_2020.txt").read_text(encoding="utf-8")
    view = build_view(original)
    assert "预计全年地区生产总值增长3.5%左右。规模以上工业增加值增速由负转正,增长3%以上。" in view.text
    assert "增长2.1%、2.5%。\n——新动能不断集聚。\n红旗品牌汽车产量10.4万辆" in view.text
    i = view.text.index("地区生产总值增长3.5%")
    a, b = view.to_original(i, i + len("地区生产总值增长3.5%"))
    assert original[a:b] == "地区生\n产总值增长\n3.5%"


def test_a_page_with_a_few_short_figure_lines_keeps_its_lines():
    text = "一、主要指标\n地区生产总值\n12.5\n亿元\n增长\n6.1%\n二、其他\n全年完成情况良好。\n"
    assert build_view(text).text == text  # fewer than five figure lines: a table's cells stay apart
