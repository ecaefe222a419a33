"""ingestion.extract on real report text: targets, actuals, rankings, their attribution and evidence.

Sentences come from the bundled corpus (sample_corpus/) unless a docstring names another real
report: the corpus has no range target or full-width digits, so those come from the 2019 national
government work report and published city reports.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.pipeline import parse_path, parse_text
from ingestion.readers import read_text

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "sample_corpus"
NOTICE = CORPUS / "000_500ad30c4c1f596f.txt"
MULTI = CORPUS / "003_6b340ccef4bd5f14.txt"


WORK_HEAD = "2023年咸阳市政府工作报告\n各位代表:\n一、2022年工作回顾\n"

PLAN_HEAD = "二、2023年工作安排\n今年经济社会发展主要预期目标是:"

def facts_of(text: str, **match):
    out = []
    for pd in parse_text(text, "t"):
        for f in pd.facts:
            if all(getattr(f, k) == v for k, v in match.items()):
                out.append(f)
    return out

def one(text: str, **match):
    found = facts_of(text, **match)
    assert len(found) == 1, [(f.kind, f.indicator, f.measure, f.value, f.rank) for f in facts_of(text)]
    return found[0]

@pytest.mark.parametrize("sentence,indicator,measure,value,high,unit,comparator", [
    ("生产总值增长6%左右", "gdp", "growth_pct", 6, None, "%", "approx"),
    ("规模以上工业增加值增长6.5%以上", "industrial_value_added", "growth_pct", 6.5, None, "%", "min"),
    ("城镇调查失业率控制在5.5%以内", "surveyed_unemployment_rate", "rate_pct", 5.5, None, "%", "max"),
    ("城镇调查失业率控制在5.5%左右", "surveyed_unemployment_rate", "rate_pct", 5.5, None, "%", "approx"),
    ("确保粮食产量不低于212.5万吨", "grain_output", "level", 212.5, None, "万吨", "min"),
    ("进出口总值增长5%", "import_export", "growth_pct", 5, None, "%", "exact"),
    ("粮食总产达到106亿斤以上", "grain_output", "level", 530, None, "万吨", "min"),
    ("城镇新增就业8000人以上", "urban_new_jobs", "level", 0.8, None, "万人", "min"),
    ("社会消费品零售总额突破2500亿元", "retail_sales", "level", 2500, None, "亿元", "min"),
    # 2019 national government work report: a range target
    ("国内生产总值增长6%-6.5%", "gdp", "growth_pct", 6, 6.5, "%", "range"),
    ("地区生产总值增长6.5—7%", "gdp", "growth_pct", 6.5, 7, "%", "range"),
    # 力争 without 以上 is exact
    ("地区生产总值力争增长6.5%", "gdp", "growth_pct", 6.5, None, "%", "exact"),
    # full-width digits and punctuation
    ("地区生产总值增长８．５％左右", "gdp", "growth_pct", 8.5, None, "%", "approx"),
])
def test_targets(sentence, indicator, measure, value, high, unit, comparator):
    f = one(WORK_HEAD + PLAN_HEAD + sentence + "。", kind="target", indicator=indicator)
    assert (f.measure, f.value, f.value_high, f.unit, f.comparator, f.year) == (measure, pytest.approx(value), high, unit, comparator, 2023)

def test_abbreviations_and_lists():
    """资兴市 2023: 规工, 固投, 社零; 彬州市 2023: 分别增长7%和8%左右."""
    text = WORK_HEAD + PLAN_HEAD + "地区生产总值增长8%左右;规工增长9%左右;固投增长9.5%;社零增长8%左右。城镇和农村居民人均可支配收入分别增长7%和8%左右。"
    got = {(f.indicator, f.value, f.comparator) for f in facts_of(text, kind="target")}
    assert {("industrial_value_added", 9, "approx"), ("fixed_asset_investment", 9.5, "exact"),
            ("retail_sales", 8, "approx"), ("urban_disposable_income", 7, "approx"),
            ("rural_disposable_income", 8, "approx")} <= got

def test_qualitative_target_is_kept_without_a_number():
    text = WORK_HEAD + PLAN_HEAD + "地方一般公共预算收入增长5.0%以上;居民人均可支配收入增长与经济增长同步。"
    f = one(text, kind="target", measure="qualitative")
    assert f.indicator == "per_capita_disposable_income" and f.value is None and "同步" in f.target_text

def test_target_beside_actual():
    """咸宁市 2021 Q1 notice: 增长58.3%(目标10.5%)."""
    text = read_text(CORPUS / "001_d7344a832e05616a.txt")
    t = one(text, kind="target", indicator="gdp")
    a = one(text, kind="actual", indicator="gdp", measure="growth_pct")
    assert (t.value, t.comparator, t.year) == (10.5, "exact", 2021)
    assert (a.value, a.period_start_month, a.period_end_month) == (58.3, 1, 3)
    u = one(text, kind="target", indicator="registered_unemployment_rate")
    assert (u.value, u.comparator) == (4.5, "max")

def test_progress_notice_actuals_levels_and_ranks():
    text = read_text(NOTICE)
    lvl = one(text, kind="actual", indicator="gdp", measure="level", region="咸宁市")
    assert (lvl.value, lvl.unit, lvl.period_start_month, lvl.period_end_month, lvl.year) == (1321.29, "亿元", 1, 9, 2022)
    g = one(text, kind="actual", indicator="gdp", measure="growth_pct", region="咸宁市")
    assert g.value == 4.4
    r = one(text, kind="ranking", indicator="gdp")
    assert (r.rank, r.rank_scope, r.measure) == (13, "全省", "growth_pct")
    # "1-9" without 月
    out = one(text, kind="actual", indicator="industrial_output", measure="level")
    assert (out.value, out.period_end_month) == (1662.25, 9)

@pytest.mark.parametrize("prefix,months", [
    ("1-9月,", (1, 9)), ("1—8月,", (1, 8)), ("一季度,", (1, 3)), ("上半年,", (1, 6)),
    ("前三季度,", (1, 9)), ("全年,", (1, 12)), ("三季度,", (1, 9)),
])
def test_periods(prefix, months):
    text = "关于2022年《政府工作报告》确定主要目标任务进展情况的通报\n" + prefix + "全市地区生产总值增长4.4%。"
    f = one(text, kind="actual", indicator="gdp")
    assert (f.period_start_month, f.period_end_month) == months

def test_estimates_and_negative_growth():
    """曾都区 2021: 预计 at the head of a list; 珠海市 2022: 下降8.8%."""
    text = read_text(CORPUS / "002_f32c294674d3e8c0.txt")
    for f in facts_of(text, kind="actual", indicator="retail_sales"):
        assert f.estimate
    docs = parse_path(MULTI)
    zh = [f for f in docs[14].facts if f.indicator == "fixed_asset_investment" and f.measure == "growth_pct" and f.kind == "actual"]
    assert [f.value for f in zh] == [-8.8]

def test_completion_rates_and_township_lists():
    """大冶市 2022: 完成全年目标任务的93.6%; 东风农场163.8%、东岳路街道110.8%."""
    text = read_text(CORPUS / "004_6e630300c27251eb.txt")
    f = one(text, kind="actual", indicator="fixed_asset_investment", measure="completion_pct", region="大冶市")
    assert f.value == 93.6
    farm = one(text, kind="actual", indicator="industrial_output", measure="completion_pct", region="东风农场")
    assert farm.value == 163.8 and farm.evidence == "东风农场163.8%"

def test_units_are_standardised():
    text = WORK_HEAD + "城镇居民人均可支配收入超7.7万元。外贸自营进出口总额超1.2万亿元。全市城镇新增就业10158人。\n" + PLAN_HEAD + "生产总值增长6%。"
    assert one(text, indicator="urban_disposable_income").value == pytest.approx(77000)
    assert one(text, indicator="urban_disposable_income").unit == "元"
    assert one(text, indicator="import_export").value == pytest.approx(12000)
    assert one(text, indicator="urban_new_jobs").value == pytest.approx(1.0158)

@pytest.mark.parametrize("sentence,rank,scope,measures", [
    ("地区生产总值1321.29亿元,比上年同期增长4.4%,全省排名第13位", 13, "全省", ["growth_pct"]),
    ("地区生产总值增长4.4%,全省排名第十三位", 13, "全省", ["growth_pct"]),
    ("生产总值326.3亿元、超过兴平居咸阳第三", 3, "咸阳", ["level"]),
    ("地方财政收入21.1亿元,增长94.4%,总量和增速均为咸阳第一", 1, "咸阳", ["level", "growth_pct"]),
    ("固定资产投资增长6.3%,增速位居全省第三", 3, "全省", ["growth_pct"]),
    ("规上工业增加值363.51亿元、增长2.4%、增速在粤东西北地市排名第1", 1, "粤东西北地市", ["growth_pct"]),
])
def test_rankings(sentence, rank, scope, measures):
    text = WORK_HEAD + sentence + "。\n" + PLAN_HEAD + "生产总值增长6%。"
    got = facts_of(text, kind="ranking")
    assert sorted(f.measure for f in got) == sorted(measures)
    assert all((f.rank, f.rank_scope, f.year) == (rank, scope, 2022) for f in got)

def test_ranking_lists_distribute_in_order():
    """咸宁市 2021 Q1: 规模以上工业增加值、进出口总额增速分别位列全省第五位、第二位."""
    text = read_text(CORPUS / "001_d7344a832e05616a.txt")
    ranks = {f.indicator: f.rank for f in facts_of(text, kind="ranking")}
    assert ranks["industrial_value_added"] == 5 and ranks["import_export"] == 2

def test_league_tables_keep_their_direction():
    """大冶市 2022: 乡镇排名前三位分别是…,后三位分别是…"""
    text = read_text(CORPUS / "004_6e630300c27251eb.txt")
    tops = facts_of(text, kind="ranking", rank_direction="top", region="高新区")
    bottoms = facts_of(text, kind="ranking", rank_direction="bottom", region="东风农场")
    assert tops and all(f.indicator is None and f.rank >= 1 for f in tops)
    assert bottoms

def test_year_attribution_of_work_reports():
    docs = parse_path(MULTI)
    for pd in docs:
        for f in pd.facts:
            assert f.year == (2023 if f.kind == "target" else 2022), (pd.document.document_id, f.evidence)

def test_sub_unit_region():
    text = read_text(NOTICE)
    f = one(text, kind="actual", indicator="gdp", measure="level", region="咸安区")
    assert f.value == 320.86

def test_unknown_indicator_is_kept_under_its_raw_name():
    text = WORK_HEAD + "实际使用外资增长93.2%。\n" + PLAN_HEAD + "生产总值增长6%。"
    f = one(text, kind="actual")
    assert f.indicator is None and "外资" in f.indicator_raw and f.value == 93.2

def test_sector_figures_are_not_the_regions_indicator():
    """宁波市 2022: 综保区… / 曾都区: 人均GDP: not the region's headline indicator."""
    text = WORK_HEAD + "综保区进出口总额增长64.2%。人均GDP达到8.2万元。\n" + PLAN_HEAD + "生产总值增长6%。"
    assert not [f for f in facts_of(text, kind="actual") if f.indicator is not None]

def test_every_fact_of_the_corpus_has_exact_evidence():
    n = 0
    for path in sorted(CORPUS.glob("*.txt")):
        for pd in parse_path(path):
            text = pd.document.text
            for f in pd.facts:
                assert text[f.char_start : f.char_end] == f.evidence, (f.document_id, f.evidence)
                assert 0 <= f.char_start < f.char_end <= len(text)
                n += 1
            ends = [0]
            for s in pd.sentences:  # offsets only: in order, inside the text, not overlapping
                assert ends[-1] <= s.char_start < s.char_end <= len(text)
                ends.append(s.char_end)
    assert n > 500

@pytest.mark.parametrize("prefix,months", [
    ("截至9月底,", (1, 9)), ("前10个月,", (1, 10)), ("1-6月份,", (1, 6)), ("前三个月,", (1, 3)),
])
def test_more_periods(prefix, months):
    text = "关于2022年《政府工作报告》确定主要目标任务进展情况的通报\n" + prefix + "全市地区生产总值增长4.4%。"
    f = one(text, kind="actual", indicator="gdp")
    assert (f.period_start_month, f.period_end_month) == months

def test_estimate_for_the_whole_year():
    text = "关于2022年《政府工作报告》确定主要目标任务三季度进展情况的通报\n1-9月,全市粮食种植面积302.85万亩,预计全年粮食产量122.23万吨。"
    f = one(text, kind="actual", indicator="grain_output")
    assert f.estimate and (f.period_start_month, f.period_end_month) == (1, 12)

def test_completion_share_of_the_annual_plan_is_not_skipped_as_a_share():
    text = "关于2022年重点工作完成情况的通报\n1-9月,全市固定资产投资完成320亿元,占全年任务的75.2%。"
    f = one(text, indicator="fixed_asset_investment", measure="completion_pct")
    assert f.value == 75.2 and f.kind == "actual"

def test_annual_target_written_after_the_actual():
    text = "关于2022年重点工作完成情况的通报\n1-6月,全市地区生产总值增长5.1%,年度目标8%。"
    t = one(text, kind="target", indicator="gdp")
    a = one(text, kind="actual", indicator="gdp")
    assert (t.value, a.value, a.period_end_month) == (8, 5.1, 6)

def test_decline_words():
    text = WORK_HEAD + "全市进出口总额降低3.2%。\n" + PLAN_HEAD + "生产总值增长6%。"
    assert one(text, kind="actual", indicator="import_export").value == -3.2

def test_dollar_figures_are_kept_raw_not_converted():
    """乐昌市 2023: 确保外贸进出口额达5000万美元 has no exchange rate: raw layer only."""
    text = WORK_HEAD + PLAN_HEAD + "生产总值增长6%。确保外贸进出口额达5000万美元。"
    f = one(text, unit="亿美元")
    assert f.indicator is None and f.value == pytest.approx(0.5) and "美元" in f.indicator_raw

def test_rank_in_a_named_city():
    """彬州市 2023: 增长6.8%、排咸阳第一."""
    text = WORK_HEAD + "生产总值326.3亿元,增长6.8%、排咸阳第一。\n" + PLAN_HEAD + "生产总值增长6%。"
    f = one(text, kind="ranking")
    assert (f.rank, f.rank_scope, f.measure, f.indicator) == (1, "咸阳", "growth_pct", "gdp")

NOTICE_HEAD = "关于2023年全县主要经济指标完成情况的通报\n现将2023年1-9月全县主要经济指标完成情况通报如下:\n"

def test_paragraph_heading_names_the_subject():
    """County notices often head each paragraph with the indicator: (一)地区生产总值。全年目标增长7%。…"""
    text = NOTICE_HEAD + "(二)规模以上工业增加值。全年目标增长8.5%,1-9月增长9.2%,高于全年目标0.7个百分点,居全市第一。\n"
    t = one(text, kind="target", indicator="industrial_value_added")
    a = one(text, kind="actual", indicator="industrial_value_added")
    r = one(text, kind="ranking", indicator="industrial_value_added")
    assert (t.value, a.value, a.period_end_month, r.rank, r.rank_scope) == (8.5, 9.2, 9, 1, "全市")
    assert text[t.char_start : t.char_end] == t.evidence

def test_heading_does_not_lend_its_subject_to_another_one():
    text = NOTICE_HEAD + "(三)社会消费品零售总额。限额以上消费品零售总额完成全年任务的有2个单位,分别是:殷祖镇103.4%、金湖街道100.7%。\n"
    assert not facts_of(text, indicator="retail_sales")

def test_nearest_measure_word_wins():
    text = NOTICE_HEAD + "(五)一般公共预算收入。1-9月累计完成8.63亿元,为年度预算的78.5%,同比增长12.1%。\n"
    assert one(text, indicator="general_budget_revenue", measure="completion_pct").value == 78.5
    assert one(text, indicator="general_budget_revenue", measure="growth_pct").value == 12.1

def test_compound_income_names_as_patterns():
    text = WORK_HEAD + "城镇、农村常住居民人均可支配收入分别达到45620元、21340元,分别增长5.2%、7.6%。\n" + PLAN_HEAD + "生产总值增长6%。"
    got = {(f.indicator, f.measure, f.value) for f in facts_of(text, kind="actual")}
    assert {("urban_disposable_income", "level", 45620), ("rural_disposable_income", "level", 21340),
            ("urban_disposable_income", "growth_pct", 5.2), ("rural_disposable_income", "growth_pct", 7.6)} <= got

def test_rank_after_a_comparison_with_the_province():
    text = WORK_HEAD + "全市实现地区生产总值2856.3亿元,同比增长6.1%,增速高于全省0.9个百分点,居全省第3位。\n" + PLAN_HEAD + "生产总值增长6%。"
    r = one(text, kind="ranking")
    assert (r.indicator, r.measure, r.rank, r.rank_scope) == ("gdp", "growth_pct", 3, "全省")

def test_a_name_inside_another_noun_is_not_the_indicator():
    text = WORK_HEAD + "单位地区生产总值能耗下降3.1%。\n" + PLAN_HEAD + "生产总值增长6%;单位地区生产总值能耗完成省下达目标任务。"
    assert not [f for f in facts_of(text) if f.indicator == "gdp" and f.measure != "growth_pct"]
    assert not facts_of(text, kind="actual", indicator="gdp")
