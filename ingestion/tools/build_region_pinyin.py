"""Build the `region_pinyin` dbt seed (dbt_project/seeds/region_pinyin.csv): the pinyin of every
region's short name, without tones or spaces (郏县 → jiaxian, 酉阳 → youyang, 内蒙古 → neimenggu).

Why: scraped pages are often saved under a pinyin name (w05_youyang_2025.txt) or served from a
pinyin path (www.jiaxian.gov.cn); the parser uses it as one more hint of the reporting region.

Source: the gazetteer seed regions.csv and the PyPI package ``pypinyin==0.55.0`` (MIT), a
build-time tool only. Rebuild from the repository root:

    pip install pypinyin==0.55.0
    python -m ingestion.tools.build_region_pinyin

Deterministic: sorted by adcode, UTF-8, ``\\n`` line ends.
"""

from __future__ import annotations

import csv
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS = REPO_ROOT / "dbt_project" / "seeds"


def pinyin_of(name: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(name, style=Style.NORMAL)).lower()


def main() -> None:
    with (SEEDS / "regions.csv").open(encoding="utf-8", newline="") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: r["adcode"])
    with (SEEDS / "region_pinyin.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["adcode", "pinyin"])
        for r in rows:
            w.writerow([r["adcode"], pinyin_of(r["short_name"])])


if __name__ == "__main__":
    main()
