"""The dictionaries the extractor reads: indicators, aliases, units, regions and the rules file.

The dictionaries are the dbt seeds (one source of truth for the warehouse and the extractor);
the extraction rules are ingestion/rules/*.yaml (read by ingestion/extract/rules.py). Both are plain
files a domain expert can extend.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from contracts.settings import RULES_DIR, SEEDS_DIR


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass(frozen=True)
class Unit:
    raw: str
    standard: str
    factor: float
    kind: str


@dataclass
class Dictionaries:
    indicators: dict[str, dict[str, str]]
    aliases: dict[str, str]  # alias -> indicator code
    groups: dict[str, tuple[str, ...]]  # compound name -> indicator codes, in order
    group_single: dict[str, str]  # compound name -> code when it carries one figure
    units: dict[str, Unit]
    regions: list[dict[str, str]]
    region_names: set[str] = field(default_factory=set)
    short_region_names: set[str] = field(default_factory=set)  # 咸宁, 德宏 (two characters or more)
    region_pinyin: list[dict[str, str]] = field(default_factory=list)  # adcode, pinyin of the short name
    broad_aliases: set[str] = field(default_factory=set)  # 工业增加值: gives way to 规上工业增加值
    compound_patterns: list[dict] = field(default_factory=list)

    @property
    def unit_regex(self) -> str:
        raws = sorted((u for u in self.units if u not in ("index", "元/人")), key=len, reverse=True)
        return "|".join(re.escape(u) for u in raws)


# Compound names that list several indicators at once ("城镇和农村居民人均可支配收入分别增长7%和8%").
# Data, not code: a regex over the name and the codes it expands to, in order.
COMPOUNDS_FILE = RULES_DIR / "compounds.yaml"


@functools.lru_cache(maxsize=1)
def load() -> Dictionaries:
    indicators = {r["indicator"]: r for r in _read_csv(SEEDS_DIR / "indicators.csv")}
    alias_rows = _read_csv(SEEDS_DIR / "indicator_aliases.csv")
    aliases = {r["alias"]: r["indicator"] for r in alias_rows}
    broad = {r["alias"] for r in alias_rows if r["scope"] == "broad"}
    units = {
        r["unit_raw"]: Unit(r["unit_raw"], r["unit"], float(r["factor"]), r["kind"])
        for r in _read_csv(SEEDS_DIR / "units.csv")
    }
    regions_path = SEEDS_DIR / "regions.csv"
    regions = _read_csv(regions_path) if regions_path.exists() else []
    compounds = _load_compounds(COMPOUNDS_FILE, set(indicators))
    named = [c for c in compounds if "name" in c]
    groups = {c["name"]: tuple(c["indicators"]) for c in named}
    group_single = {c["name"]: c["single"] for c in named if c.get("single")}
    bad = sorted({code for code in aliases.values() if code not in indicators})
    if bad:
        raise ValueError(f"{SEEDS_DIR / 'indicator_aliases.csv'}: unknown indicator code(s) {bad}")
    d = Dictionaries(indicators, aliases, groups, group_single, units, regions)
    d.broad_aliases = broad
    d.compound_patterns = [c for c in compounds if "pattern" in c]
    d.region_names = {r["region"] for r in regions}
    pinyin_path = SEEDS_DIR / "region_pinyin.csv"
    d.region_pinyin = _read_csv(pinyin_path) if pinyin_path.exists() else []
    d.short_region_names = {r["short_name"] for r in regions if len(r["short_name"]) >= 2} - d.region_names
    return d


def _load_compounds(path: Path, codes: set[str]) -> list[dict]:
    """compounds.yaml: entries with `name` or `pattern`, `indicators` (codes, in order) and an
    optional `single`; anything else is an error naming the entry."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path}: must be a list of entries")
    for i, e in enumerate(entries, start=1):
        keys = set(e) if isinstance(e, dict) else set()
        if not keys or len(keys & {"name", "pattern"}) != 1 or not keys <= {"name", "pattern", "indicators", "single"}:
            raise ValueError(f"{path}: entry {i}: needs exactly one of name/pattern, indicators and optionally single")
        wanted = list(e.get("indicators") or []) + ([e["single"]] if e.get("single") else [])
        if not e.get("indicators") or any(c not in codes for c in wanted):
            raise ValueError(f"{path}: entry {i}: unknown or missing indicator codes {wanted}")
        if "pattern" in e:
            re.compile(e["pattern"])
    return entries


def standard_units() -> set[str]:
    return {u.standard for u in load().units.values()}
