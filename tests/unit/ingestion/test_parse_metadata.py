"""Metadata from whatever a page offers: region, kind and years of real documents."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ingestion.parse.metadata import apply_overrides, infer_meta
from ingestion.parse.view import build_view
from ingestion.pipeline import parse_path

REPO = Path(__file__).resolve().parents[3]
WILD = REPO / "sample_corpus_wild"
HOLDOUT = Path(__file__).resolve().parents[3] / "tests" / "data" / "wild_holdout" / "pages"
DEV = REPO / "tests" / "data" / "wild_dev" / "pages"


def _sources(folder: Path) -> dict[str, dict]:
    with (folder / "sources.csv").open(encoding="utf-8") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


def _meta(path: Path, use_source: bool):
    return infer_meta(build_view(path.read_text(encoding="utf-8")).text, path.name, use_source=use_source)


@pytest.mark.parametrize("folder, from_text, with_name", [(WILD, 20, 23), (DEV, 38, 45)])
def test_regions_of_real_pages(folder, from_text, with_name):
    sources = _sources(folder)
    text_alone = sum(_meta(folder / f"{k}.txt", False).region == v["region"] for k, v in sources.items())
    named = sum(_meta(folder / f"{k}.txt", True).region == v["region"] for k, v in sources.items())
    assert text_alone >= from_text
    assert named >= with_name


def test_no_region_is_guessed_wrong_on_the_sample_pages():
    for key, row in _sources(WILD).items():
        region = _meta(WILD / f"{key}.txt", True).region
        assert region in (None, row["region"]), key


def test_an_ambiguous_pinyin_name_is_no_guess():
    # w01_jiaxian: the text names no place; jiaxian is 郏县 (河南) and 佳县 (陕西)
    meta = _meta(WILD / "w01_jiaxian_2025.txt", True)
    assert meta.region is None
    assert {"郏县", "佳县"} <= set(meta.ambiguous_regions)


@pytest.mark.parametrize("name, region, kind, year, target_year", [
    ("w17_longgang_2025", "龙岗区", "work_report", 2024, 2025),  # 一、2024年工作回顾
    ("w21_guigang_2018", "贵港市", "work_report", 2017, 2018),  # ——2018年1月10日在…会议上
    ("w25_zhaoyuan_2020", "肇源县", "work_report", 2020, 2021),  # given 2020-12-29 for 2021
    ("w33_lishui_2020", "丽水市", "plan", 2019, 2020),
    ("w39_neimenggu_2016", "内蒙古自治区", "work_report", 2015, 2016),  # names only its capital
    ("w19_dehong_2025", "德宏傣族景颇族自治州", "work_report", 2024, 2025),  # names two of its counties
    ("w03_changshou_2023", "长寿区", "stats_release", 2023, 2023),
    ("w09_fenghua_2021", "奉化区", "progress_notice", 2021, 2021),
])
def test_metadata_of_real_pages(name, region, kind, year, target_year):
    meta = _meta(WILD / f"{name}.txt", False)
    assert (meta.region, meta.kind, meta.year, meta.target_year) == (region, kind, year, target_year)


def test_a_plan_report_targets_its_second_year():
    meta = _meta(DEV / "d207_liaoning_2025.txt", False)
    assert (meta.kind, meta.target_year) == ("plan", 2025)


def test_a_report_titled_with_the_year_it_was_given_in_december():
    # "2020年谷城县人民政府工作报告", given 2020年12月23日: it reviews 2020 and sets 2021's goals
    meta = _meta(DEV / "d201_gucheng_2020.txt", False)
    assert (meta.kind, meta.year, meta.target_year) == ("work_report", 2020, 2021)


def test_a_plan_reports_execution_year_is_its_review_year():
    # "2015年国民经济和社会发展计划执行情况与2016年国民经济\n和社会发展计划…"
    meta = _meta(HOLDOUT / "m14_dongtou_2016.txt", False)
    assert (meta.kind, meta.year, meta.target_year) == ("plan", 2015, 2016)


def test_the_period_named_first_is_the_pages_not_a_comparisons():
    # "1-10月份,全区规模以上工业增加值同比增长7.4%,较1-9月份下降0.2个百分点"
    meta = _meta(HOLDOUT / "q19_neimenggu_2023.txt", False)
    assert meta.default_period == (1, 10)


def test_goals_of_a_year_after_a_comma_name_the_target_year():
    # "2019年,云南省经济社会发展的主要预期目标建议为…" (and "低于预期目标" of 2018 is a result)
    meta = _meta(HOLDOUT / "q17_yunnan_2019.txt", False)
    assert (meta.year, meta.target_year) == (2018, 2019)


def test_a_title_naming_the_year_its_report_reviews():
    # "2019年陇县人民政府工作报告", given 2020年1月8日, opens "2019年工作回顾"
    meta = _meta(HOLDOUT / "s05_longxian_2020.txt", False)
    assert (meta.kind, meta.year, meta.target_year) == ("work_report", 2019, 2020)


def test_a_bulletin_published_in_april_reports_last_year():
    meta = _meta(DEV / "d116_ningxia_2023.txt", False)
    assert meta.year == 2023 and meta.published_date.year == 2024


def test_bundled_corpus_metadata_is_unchanged():
    docs = {d.document.document_id: d.document for p in sorted((REPO / "sample_corpus").glob("*.txt"))
            for d in parse_path(p)}
    assert len(docs) == 26  # 20 reports in the five city and county files, six provincial excerpts
    provinces = {"p_guangdong_2023": "广东省", "p_hebei_2023": "河北省", "p_hubei_2021": "湖北省",
                 "p_hubei_2022": "湖北省", "p_hunan_2023": "湖南省", "p_zhejiang_2023": "浙江省"}
    assert {k: docs[k].region for k in provinces} == provinces
    assert (docs["000_500ad30c4c1f596f"].region, docs["000_500ad30c4c1f596f"].kind) == ("咸宁市", "progress_notice")
    assert docs["004_6e630300c27251eb"].region == "大冶市"  # a county-level city's notice naming its city
    assert docs["003_6b340ccef4bd5f14#14"].region == "咸阳市"
    assert {d.kind for k, d in docs.items() if k not in provinces} == {"progress_notice", "work_report"}
    assert all(d.target_year == 2023 for k, d in docs.items() if k.startswith("003_"))


def test_manifest_overrides_name_their_source():
    meta = _meta(WILD / "w01_jiaxian_2025.txt", True)
    fixed = apply_overrides(meta, {"region": "郏县"})
    assert fixed.region == "郏县" and fixed.region_source == "manifest"
    assert fixed.year == 2025
