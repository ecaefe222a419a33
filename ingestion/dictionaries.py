"""The dictionaries the extractor reads: indicators, aliases, units, regions and the rules file.

The dictionaries are the dbt seeds (one source of truth for the warehouse and the extractor);
the rules are ingestion/rules/patterns.yaml. Both are plain files a domain expert can extend.
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
    rules: dict
    region_names: set[str] = field(default_factory=set)
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
    aliases = {r["alias"]: r["indicator"] for r in _read_csv(SEEDS_DIR / "indicator_aliases.csv")}
    units = {
        r["unit_raw"]: Unit(r["unit_raw"], r["unit"], float(r["factor"]), r["kind"])
        for r in _read_csv(SEEDS_DIR / "units.csv")
    }
    regions_path = SEEDS_DIR / "regions.csv"
    regions = _read_csv(regions_path) if regions_path.exists() else []
    rules = yaml.safe_load((RULES_DIR / "patterns.yaml").read_text(encoding="utf-8"))
    compounds = yaml.safe_load(COMPOUNDS_FILE.read_text(encoding="utf-8"))
    named = [c for c in compounds if "name" in c]
    groups = {c["name"]: tuple(c["indicators"]) for c in named}
    group_single = {c["name"]: c["single"] for c in named if c.get("single")}
    d = Dictionaries(indicators, aliases, groups, group_single, units, regions, rules)
    d.compound_patterns = [c for c in compounds if "pattern" in c]
    d.region_names = {r["region"] for r in regions}
    return d


def standard_units() -> set[str]:
    return {u.standard for u in load().units.values()}
