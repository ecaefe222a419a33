"""The dbt seeds: checks on the committed `regions` seed (dbt_project/seeds/regions.csv).

Reads the CSV only; the package it was built from (see ingestion/tools/build_gazetteer.py) is
not needed here.
"""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from contracts.settings import SEEDS_DIR

SEED = SEEDS_DIR / "regions.csv"
COLUMNS = ["adcode", "region", "short_name", "level", "province", "parent_region"]


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with SEED.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def _one(rows: list[dict], region: str, parent: str | None = None) -> dict:
    found = [r for r in rows if r["region"] == region and (parent is None or r["parent_region"] == parent)]
    assert len(found) == 1, f"{region}: {found}"
    return found[0]


def test_adcode_is_a_unique_six_digit_key(rows):
    codes = [r["adcode"] for r in rows]
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert [c for c, n in Counter(codes).items() if n > 1] == []
    assert codes == sorted(codes)


def test_region_parent_pair_is_unique(rows):
    pairs = Counter((r["region"], r["parent_region"]) for r in rows)
    assert [p for p, n in pairs.items() if n > 1] == []


def test_levels_and_nulls(rows):
    assert {r["level"] for r in rows} == {"province", "prefecture", "county"}
    assert all(r["region"] and r["short_name"] and r["province"] for r in rows)
    for r in rows:
        if r["level"] == "province":
            assert r["parent_region"] == "" and r["province"] == r["region"]
        else:
            assert r["parent_region"]


def test_parents_exist_and_agree_with_adcodes(rows):
    by_code = {r["adcode"]: r for r in rows}
    names = {(r["region"], r["province"]) for r in rows}
    for r in rows:
        if r["level"] == "province":
            continue
        assert by_code[r["adcode"][:2] + "0000"]["region"] == r["province"]
        assert (r["parent_region"], r["province"]) in names


def test_all_provinces(rows):
    provinces = [r for r in rows if r["level"] == "province"]
    assert len(provinces) == 34
    assert {"北京市", "湖北省", "陕西省", "广西壮族自治区", "宁夏回族自治区", "香港特别行政区"} <= {
        r["region"] for r in provinces
    }


# (region, level, parent_region, province): every region named in the sample corpus.
CORPUS = [
    ("咸宁市", "prefecture", "湖北省", "湖北省"),
    ("咸安区", "county", "咸宁市", "湖北省"),
    ("随州市", "prefecture", "湖北省", "湖北省"),
    ("曾都区", "county", "随州市", "湖北省"),
    ("黄石市", "prefecture", "湖北省", "湖北省"),
    ("大冶市", "county", "黄石市", "湖北省"),
    ("咸阳市", "prefecture", "陕西省", "陕西省"),
    ("彬州市", "county", "咸阳市", "陕西省"),
    ("铜川市", "prefecture", "陕西省", "陕西省"),
    ("渭南市", "prefecture", "陕西省", "陕西省"),
    ("邯郸市", "prefecture", "河北省", "河北省"),
    ("韶关市", "prefecture", "广东省", "广东省"),
    ("乐昌市", "county", "韶关市", "广东省"),
    ("河源市", "prefecture", "广东省", "广东省"),
    ("茂名市", "prefecture", "广东省", "广东省"),
    ("汕尾市", "prefecture", "广东省", "广东省"),
    ("珠海市", "prefecture", "广东省", "广东省"),
    ("赣州市", "prefecture", "江西省", "江西省"),
    ("龙南市", "county", "赣州市", "江西省"),
    ("泸州市", "prefecture", "四川省", "四川省"),
    ("南宁市", "prefecture", "广西壮族自治区", "广西壮族自治区"),
    ("宁波市", "prefecture", "浙江省", "浙江省"),
    ("焦作市", "prefecture", "河南省", "河南省"),
    ("沁阳市", "county", "焦作市", "河南省"),
    ("郴州市", "prefecture", "湖南省", "湖南省"),
    ("资兴市", "county", "郴州市", "湖南省"),
]


@pytest.mark.parametrize("region,level,parent,province", CORPUS)
def test_corpus_regions(rows, region, level, parent, province):
    r = _one(rows, region)
    assert (r["level"], r["parent_region"], r["province"]) == (level, parent, province)


def test_old_names_are_gone(rows):
    names = {r["region"] for r in rows}
    assert "彬县" not in names and "龙南县" not in names


def test_counties_directly_under_a_province(rows):
    assert _one(rows, "仙桃市")["parent_region"] == "湖北省"
    assert _one(rows, "仙桃市")["level"] == "county"
    assert _one(rows, "朝阳区", "北京市")["province"] == "北京市"
    assert _one(rows, "朝阳区", "长春市")["province"] == "吉林省"


@pytest.mark.parametrize(
    "region,short",
    [
        ("咸阳市", "咸阳"),
        ("彬州市", "彬州"),
        ("湖北省", "湖北"),
        ("宁夏回族自治区", "宁夏"),
        ("新疆维吾尔自治区", "新疆"),
        ("内蒙古自治区", "内蒙古"),
        ("恩施土家族苗族自治州", "恩施"),
        ("伊犁哈萨克自治州", "伊犁"),
        ("香港特别行政区", "香港"),
        ("和县", "和县"),
    ],
)
def test_short_names(rows, region, short):
    assert _one(rows, region)["short_name"] == short
