"""What the marts yield on the whole bundled corpus (issue 12): region codes on the facts,
attainment across years, target escalation, the panel."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture(scope="module")
def con(corpus_warehouse):
    c = duckdb.connect(str(corpus_warehouse), read_only=True)
    yield c
    c.close()


FACT_MARTS = ("fct_targets", "fct_actuals", "fct_rankings")


def test_region_codes_fill_the_facts(con):
    union = " union all ".join(f"select region, region_code from marts.{m}" for m in FACT_MARTS)
    n, coded = con.execute(f"select count(*), count(region_code) from ({union})").fetchone()
    assert n > 400 and coded / n >= 0.99, (coded, n)
    # a code is the region's own, or (a township) the reporting region's
    wrong = con.execute(f"""
        select f.region, f.region_code, g.region from ({union}) f
        join seeds.regions g on g.adcode = f.region_code
        join marts.dim_region d on d.region = f.region
        where g.region <> f.region and d.in_gazetteer
    """).fetchall()
    assert wrong == []


def test_attainment_pairs_a_target_with_next_years_full_year_actual(con):
    rows = con.execute("""
        select target_value, comparator, actual_value, is_full_year, actual_estimate, is_met,
               target_document_id, actual_document_id, actual_document_kind, actual_document_year
        from marts.fct_target_attainment
        where region = '湖北省' and year = 2021 and indicator = 'gdp' and measure = 'growth_pct'
    """).fetchall()
    # p_hubei_2021: 地区生产总值增长10%以上; p_hubei_2022: 地区生产总值增长12.9%
    assert rows == [(10.0, "min", 12.9, True, False, True, "p_hubei_2021", "p_hubei_2022",
                     "work_report", 2022)]


def test_escalation_real_pair(con):
    # 001_d7344a832e05616a: 咸宁市 地区生产总值增长58.3%(目标10.5%); p_hubei_2021: 湖北 增长10%以上
    rows = con.execute("""
        select target_value, parent_region, parent_target_value, diff_vs_parent,
               province_target_value, diff_vs_province, parent_evidence
        from marts.fct_target_escalation
        where region = '咸宁市' and year = 2021 and indicator = 'gdp'
    """).fetchall()
    assert [r[:6] for r in rows] == [(10.5, "湖北省", 10.0, 0.5, 10.0, 0.5)]
    # the evidence is the province's words (the extractor's span may or may not take in 地区)
    evidence = rows[0][6]
    assert evidence.endswith("生产总值增长10%以上") and evidence in "主要预期目标是,地区生产总值增长10%以上"
    # 乐昌市 (a county-level city of 韶关市) against 广东省: 地区生产总值增长5%以上
    (n,) = con.execute("""
        select count(*) from marts.fct_target_escalation
        where region = '乐昌市' and year = 2023 and province_target_value is not null
    """).fetchone()
    assert n >= 3


def test_panel_grain_and_codes(con):
    n, keys = con.execute("""
        select count(*), count(distinct (region, region_code, year, indicator, measure))
        from marts.fct_panel
    """).fetchone()
    assert n == keys > 400
