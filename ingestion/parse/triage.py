"""Is a parsed document fit to publish? If not, why, in plain words, and what would fix it.

A nightly over thousands of scraped pages always meets some that cannot be placed (no region,
no year), that hold no prose (a page of figures only, a table dump) or whose figures break a
plausibility bound. Such a document is quarantined on its own: it stays in the raw layer for
inspection, leaves the marts, and comes back by itself once its cause is fixed (a manifest entry
added, the extractor improved: both make the next refresh parse it again).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ingestion.parse import places
from ingestion.parse.charcount import count_cjk
from ingestion.parse.metadata import DocMeta
from ingestion.records import FactRecord

# Below this share of Chinese characters (of the non-blank text) a document holds no prose: real
# reports and pages run from 55 % (statistics releases full of figures) to 90 %; a page of figures
# only ("1.2%;3.4亿元;第5位;…") has about 25 %, a table dump less.
MIN_PROSE_SHARE = 0.40
MIN_PROSE_CHARS = 20
FIRST_YEAR = 1978  # the first reform-era work reports
# Plausible bounds of a fact's value by unit (a level of 亿元 above two million is no region's).
VALUE_BOUNDS = {
    "亿元": (0.0, 2_000_000.0),
    "万人": (0.0, 20_000.0),
    "元": (0.0, 1_000_000.0),
    "万吨": (0.0, 100_000.0),
    "index": (50.0, 200.0),
}
PCT_BOUNDS = {"growth_pct": (-100.0, 1000.0), "rate_pct": (0.0, 100.0), "completion_pct": (0.0, 1000.0)}

_BLANK_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Quarantine:
    """Why a document is not published, and what would fix it."""

    reason: str
    fix: str

    def __str__(self) -> str:
        return f"{self.reason}; {self.fix}"


def prose_share(text: str) -> tuple[float, int]:
    """(share of Chinese characters among the non-blank ones, their number)."""
    cjk = count_cjk(text)
    non_blank = len(_BLANK_RE.sub("", text))
    return (cjk / non_blank if non_blank else 0.0), cjk


def no_prose(view_text: str) -> Quarantine | None:
    """A page of figures only or a table dump: not worth extracting (checked first, linear)."""
    share, cjk = prose_share(view_text)
    if cjk < MIN_PROSE_CHARS:
        return Quarantine(
            f"no readable prose: only {cjk} Chinese characters, a report has {MIN_PROSE_CHARS} or more "
            "(an empty or cut-off page)",
            "check the file holds the report's text (not a stub, a redirect or a failed download)")
    if share < MIN_PROSE_SHARE:
        return Quarantine(
            f"no readable prose: {share:.0%} of its text is Chinese characters ({cjk}), "
            f"a report has {MIN_PROSE_SHARE:.0%} or more (a page of figures only, or a table dump)",
            "check the file is the report itself (not a data table or a broken page); leave it out of the sources")
    return None


def triage(meta: DocMeta, facts: list[FactRecord], today: dt.date | None = None) -> Quarantine | None:
    """The first reason this document cannot be published (its place, time, kind or figures), or
    None when it can."""
    if meta.region is None:
        if meta.ambiguous_regions:
            names = "、".join(meta.ambiguous_regions[:6])
            return Quarantine(f"region unclear: it could be {names}",
                              "add `region:` for this file in a manifest")
        return Quarantine("no region found: the text names no government it speaks for, nor does the file name",
                          "add `region:` for this file in a manifest")
    if not places.candidates(meta.region):
        return Quarantine(f"region {meta.region!r} is not a region of the gazetteer (dbt_project/seeds/regions.csv)",
                          "write the region's full official name in the manifest (e.g. 咸宁市, 嘉鱼县)")
    if meta.kind is None:
        return Quarantine("kind unknown: neither a work report, a plan, a progress notice nor a statistics release",
                          "add `kind:` for this file in a manifest")
    if meta.year is None:
        return Quarantine("no year found: no title, date, review year or file name says which year it reports on",
                          "add `year:` for this file in a manifest")
    last = (today or dt.date.today()).year + 1
    for label, year in (("year", meta.year), ("target year", meta.target_year)):
        if year is not None and not FIRST_YEAR <= year <= last:
            return Quarantine(f"implausible {label} {year}", "fix `year:` for this file in a manifest")
    for f in facts:
        bad = _out_of_bounds(f)
        if bad:
            return Quarantine(f"implausible figure: {bad} ({f.evidence[:40]})",
                              "check the text; if the figure is right, widen the bound in ingestion/parse/triage.py")
    return None


def _out_of_bounds(f: FactRecord) -> str | None:
    if f.value is None or f.indicator is None:
        return None
    if f.measure in PCT_BOUNDS:
        lo, hi = PCT_BOUNDS[f.measure]
    elif f.unit in VALUE_BOUNDS:
        lo, hi = VALUE_BOUNDS[f.unit]
    else:
        return None
    if not lo <= f.value <= hi:
        return f"{f.indicator} {f.measure} {f.value:g} {f.unit or ''} is outside {lo:g}..{hi:g}"
    return None
