"""End-to-end test of the dbt project (dbt_project/): raw tables in, marts out.

A throwaway DuckDB file is given the raw tables of contracts.tables, filled with a few real
facts copied from two sample reports (offsets found with str.find on the real text), then
`dbt build` (seeds, models, data tests and unit tests) runs on it through dbt's programmatic
runner, and the marts are checked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import pytest
from _warehouse import create_raw_tables

from contracts.tables import columns, facts

duckdb = pytest.importorskip("duckdb")
dbt_main = pytest.importorskip("dbt.cli.main")

REPO = Path(__file__).resolve().parents[3]
PROJECT = REPO / "dbt_project"
CORPUS = REPO / "sample_corpus"

XIANNING = "000_500ad30c4c1f596f"  # 咸宁市: 2022 Q3 progress notice on the work report's targets
DAYE = "004_6e630300c27251eb"  # 大冶市: 2022 notice naming townships and farms (东风农场)

FACT_COLUMNS = columns(facts)

# (document, kind, region, months, indicator, indicator_raw, measure, value, unit, comparator,
#  estimate, rank, rank_scope, evidence): evidence is copied verbatim from the report.
FACTS = [
    (XIANNING, "target", "咸宁市", (1, 12), "gdp", "地区生产总值", "growth_pct", 8.0, "%",
     "approx", False, None, None, "地区生产总值增长8%左右"),
    (XIANNING, "actual", "咸宁市", (1, 9), "gdp", "地区生产总值", "level", 1321.29, "亿元",
     None, False, None, None, "完成地区生产总值1321.29亿元"),
    (XIANNING, "actual", "咸宁市", (1, 9), "gdp", "地区生产总值", "growth_pct", 4.4, "%",
     None, False, None, None, "地区生产总值1321.29亿元,比上年同期增长4.4%"),
    (XIANNING, "ranking", "咸宁市", (1, 9), "gdp", "地区生产总值", "growth_pct", None, None,
     None, False, 13, "全省", "完成地区生产总值1321.29亿元,比上年同期增长4.4%,全省排名第13位"),
    (XIANNING, "target", "咸宁市", (1, 12), "retail_sales", "社会消费品零售总额", "growth_pct",
     11.0, "%", "exact", False, None, None, "社会消费品零售总额增长11%"),
    (XIANNING, "ranking", "咸宁市", (1, 9), "retail_sales", "社会消费品零售总额", "growth_pct",
     None, None, None, False, 2, "全省",
     "社会消费品零售总额553.02亿元,比上年同期增长5.6%,全省排名第2位"),
    (XIANNING, "actual", "咸宁市", (1, 9), "retail_sales", "社会消费品零售总额", "growth_pct",
     5.6, "%", None, False, None, None, "社会消费品零售总额553.02亿元,比上年同期增长5.6%"),
    (XIANNING, "target", "咸宁市", (1, 12), "cpi", "居民消费价格指数", "growth_pct", 3.5, "%",
     "max", False, None, None, "居民消费价格指数(100)涨幅控制在3.5%以内"),
    (XIANNING, "actual", "咸宁市", (1, 9), "cpi", "居民消费价格指数", "level", 101.7, "index",
     None, False, None, None, "居民消费价格指数101.7"),
    (XIANNING, "actual", "咸宁市", (1, 9), "cpi", "居民消费价格指数", "growth_pct", 1.7, "%",
     None, False, None, None, "居民消费价格指数101.7,比上年同期增长1.7%"),
    (XIANNING, "target", "咸宁市", (1, 12), "import_export", "进出口总额", "growth_pct", 12.0,
     "%", "exact", False, None, None, "进出口总额增长12%"),
    (XIANNING, "actual", "咸安区", (1, 9), "gdp", "地区生产总值", "level", 320.86, "亿元",
     None, False, None, None, "咸安区完成地区生产总值320.86亿元"),
    # not in the indicator dictionary: kept in raw, left out of the marts
    (XIANNING, "target", "咸宁市", (1, 12), None, "5G基站", "level", 500.0, None,
     "exact", False, None, None, "新建5G基站500座"),
    # a township-level unit the gazetteer does not hold
    (DAYE, "actual", "东风农场", (1, 12), "industrial_output", "规模以上工业总产值",
     "completion_pct", 163.8, "%", None, False, None, None, "东风农场163.8%"),
]

# the codes the parser gives (ingestion/parse/codes.py): a township carries its reporting region's
CODES = {"咸宁市": "421200", "咸安区": "421202", "大冶市": "420281", "东风农场": "420281"}

DOCUMENTS = {
    XIANNING: dict(region="咸宁市", kind="progress_notice", year=2022, target_year=2022,
                   published_date=dt.date(2023, 1, 16),
                   title="关于2022年《政府工作报告》确定主要目标任务 三季度进展情况的通报"),
    DAYE: dict(region="大冶市", kind="progress_notice", year=2022, target_year=2022,
               published_date=None, title=None),
}


def _sentences(text: str) -> list[tuple[int, int, str]]:
    """Sentences as (start, end, text): runs up to and including 。, or up to a line break."""
    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"[^。\n]+。?", text)]


def _fact_id(*parts) -> str:
    return hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def _load_raw(db_path: Path) -> None:
    texts = {doc: (CORPUS / f"{doc}.txt").read_text(encoding="utf-8") for doc in DOCUMENTS}
    create_raw_tables(db_path)
    con = duckdb.connect(str(db_path))
    try:
        for doc, meta in DOCUMENTS.items():
            text = texts[doc]
            con.execute(
                "insert into raw.documents (document_id, source_path, source_part, parts_in_source, "
                "content_hash, region, region_code, kind, year, target_year, published_date, title, "
                "char_count, text, extractor_version, run_id, loaded_at) values (?, ?, 1, 1, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, 'test', 'test-run', current_timestamp)",
                [doc, f"sample_corpus/{doc}.txt", hashlib.sha256(text.encode("utf-8")).hexdigest(),
                 meta["region"], CODES[meta["region"]], meta["kind"], meta["year"], meta["target_year"],
                 meta["published_date"], meta["title"], len(text), text],
            )
            con.executemany(
                "insert into raw.sentences values (?, ?, ?, ?)",
                [[doc, no, start, end] for no, (start, end, _) in enumerate(_sentences(text))],
            )
        for (doc, kind, region, (m0, m1), indicator, indicator_raw, measure, value, unit,
             comparator, estimate, rank, scope, evidence) in FACTS:
            text = texts[doc]
            start = text.find(evidence)
            assert start >= 0, f"evidence not in {doc}: {evidence}"
            end = start + len(evidence)
            sentence_no = next(no for no, (s0, s1, _) in enumerate(_sentences(text))
                               if s0 <= start < s1)
            row = dict(
                fact_id=_fact_id(doc, start, end, kind, indicator_raw, indicator, measure, region,
                                 scope, value, m0, m1),
                document_id=doc, sentence_no=sentence_no, region=region, kind=kind, year=2022,
                period_start_month=m0, period_end_month=m1, indicator=indicator,
                indicator_raw=indicator_raw, measure=measure, value=value, value_high=None,
                unit=unit, value_raw=None, comparator=comparator, estimate=estimate, rank=rank,
                rank_scope=scope, rank_direction="top" if rank else None, target_text=None,
                region_code=CODES[region],
                evidence=evidence, char_start=start, char_end=end, extractor_version="test",
                run_id="test-run",
            )
            con.execute(
                f"insert into raw.facts ({', '.join(FACT_COLUMNS)}) "
                f"values ({', '.join('?' for _ in FACT_COLUMNS)})",
                [row[c] for c in FACT_COLUMNS],
            )
    finally:
        con.close()  # one writer at a time: dbt opens the file next


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("dbt")
    db_path = tmp / "gwr_test.duckdb"
    _load_raw(db_path)

    old_env = {k: os.environ.get(k) for k in ("GWR_DBT_DB_PATH", "DBT_SEND_ANONYMOUS_USAGE_STATS")}
    os.environ["GWR_DBT_DB_PATH"] = str(db_path)
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    try:
        result = dbt_main.dbtRunner().invoke([
            "build",
            "--project-dir", str(PROJECT),
            "--profiles-dir", str(PROJECT),
            "--target-path", str(tmp / "target"),
            "--log-path", str(tmp / "logs"),
            "--no-partial-parse",
            "--quiet",
        ])
    finally:
        _release_dbt_duckdb()
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    failures = [
        f"{r.node.unique_id}: {r.status} {r.message}"
        for r in (result.result or [])
        if str(r.status) in ("error", "fail")
    ]
    assert result.success, f"dbt build failed: {result.exception or failures}"
    return db_path


def _release_dbt_duckdb() -> None:
    """dbt-duckdb keeps its DuckDB instance open in-process after a programmatic run; a second
    connection to the same file with another configuration (read_only) is refused until it is
    closed. Close it explicitly (the adapter itself only does this at exit)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = getattr(DuckDBConnectionManager, "_ENV", None)
    if env is not None:
        env.close()
    DuckDBConnectionManager.close_all_connections()


def _query(db_path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _gazetteer_has(region: str) -> bool:
    regions = PROJECT / "seeds" / "regions.csv"
    return regions.exists() and f",{region}," in regions.read_text(encoding="utf-8")


def test_attainment_gdp_growth_not_met(warehouse):
    rows = _query(warehouse, """
        select target_value, comparator, actual_value, actual_period_start_month,
               actual_period_end_month, actual_estimate, gap, is_met, is_full_year,
               target_evidence, actual_evidence
        from marts.fct_target_attainment
        where region = '咸宁市' and year = 2022 and indicator = 'gdp' and measure = 'growth_pct'
    """)
    assert rows == [(8.0, "approx", 4.4, 1, 9, False, -3.6, False, False,
                     "地区生产总值增长8%左右", "地区生产总值1321.29亿元,比上年同期增长4.4%")]


def test_attainment_max_comparator_and_missing_actual(warehouse):
    rows = dict(_query(warehouse, """
        select indicator, is_met from marts.fct_target_attainment
        where region = '咸宁市' and year = 2022
    """))
    assert rows == {"gdp": False, "retail_sales": False, "cpi": True, "import_export": None}


def test_targets_keep_only_known_indicators(warehouse):
    rows = _query(warehouse, "select indicator from marts.fct_targets order by indicator")
    assert [r[0] for r in rows] == ["cpi", "gdp", "import_export", "retail_sales"]
    (n_facts, n_targets, n_unknown), = _query(warehouse, f"""
        select n_facts, n_targets, n_facts_unknown_indicator
        from marts.dim_document where document_id = '{XIANNING}'
    """)
    assert (n_facts, n_targets, n_unknown) == (13, 4, 1)


def test_evidence_offsets_index_the_document_text(warehouse):
    text = (CORPUS / f"{XIANNING}.txt").read_text(encoding="utf-8")
    rows = _query(warehouse, f"""
        select evidence, char_start, char_end from marts.fct_actuals
        where document_id = '{XIANNING}'
    """)
    assert rows
    for evidence, start, end in rows:
        assert text[start:end] == evidence


def test_rankings_resolve_scope(warehouse):
    rows = _query(warehouse, """
        select indicator, rank, rank_scope, rank_scope_region from marts.fct_rankings
        order by rank
    """)
    expected_region = "湖北省" if _gazetteer_has("咸宁市") else None
    assert rows == [("retail_sales", 2, "全省", expected_region),
                    ("gdp", 13, "全省", expected_region)]


def test_dim_region_adds_sub_unit(warehouse):
    rows = _query(warehouse, """
        select level, parent_region, province, in_gazetteer from marts.dim_region
        where region = '东风农场'
    """)
    province = "湖北省" if _gazetteer_has("大冶市") else None
    assert rows == [("sub_unit", "大冶市", province, False)]


def test_facts_carry_region_code_province_and_prefecture(warehouse):
    rows = _query(warehouse, """
        select region, region_code, region_level, province, prefecture from marts.fct_actuals
        where region in ('咸安区', '东风农场') order by region_code
    """)
    assert rows == [("东风农场", "420281", "sub_unit", "湖北省", "黄石市"),
                    ("咸安区", "421202", "county", "湖北省", "咸宁市")]


def test_panel_row_of_a_target_and_its_part_year_actual(warehouse):
    rows = _query(warehouse, """
        select region_code, province, prefecture, target_value, target_comparator, fy_actual,
               py_actual, py_start_month, py_end_month, rank, rank_scope, target_evidence, py_evidence
        from marts.fct_panel
        where region = '咸宁市' and year = 2022 and indicator = 'gdp' and measure = 'growth_pct'
    """)
    assert rows == [("421200", "湖北省", "咸宁市", 8.0, "approx", None, 4.4, 1, 9, 13, "全省",
                     "地区生产总值增长8%左右", "地区生产总值1321.29亿元,比上年同期增长4.4%")]
