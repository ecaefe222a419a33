"""What a document is, whose it is and when it is from: inferred from its own text first, then
from its file name or url, and overridden by a manifest where a user says better.

- kind: a work report, a plan report, a progress notice or a statistics release; a news story is
  classified by what it reports (ingestion/rules/metadata.yaml: `kinds`).
- years: `target_year` (the year its goals are for), `year` (the year its results are of) and
  `ref_year` (the year it was given: 今年 and 去年 count from it). A work report given in the
  autumn sets next year's goals.
- region: ingestion/parse/region.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

from ingestion.dictionaries import RULES_DIR
from ingestion.parse.cn_numerals import cn_to_int
from ingestion.parse.region import LevelWords, infer_region
from ingestion.rulefiles import integer, load_rules_file, mapping_of, months, records, regex, regexes, words

from contracts.codes import DOCUMENT_KINDS as KINDS  # noqa: E402


@dataclass(frozen=True)
class DocMeta:
    region: str | None
    kind: str | None
    year: int | None  # the year its results are of
    target_year: int | None  # the year its goals are for
    published_date: dt.date | None
    title: str | None
    default_period: tuple[int, int]
    ref_year: int | None = None  # the year it was given or published (今年, 去年 count from it)
    region_source: str = ""  # title | issuer | mentions | source name | manifest
    year_source: str = ""  # text | date | source name | manifest
    ambiguous_regions: tuple[str, ...] = ()


_KIND_CHOICES = set(KINDS)

SCHEMA = {
    "head_chars": integer,
    "kinds": records({"kind": lambda v: None if v in _KIND_CHOICES else f"must be one of {KINDS}", "pattern": regex,
                      "within": integer}),
    "results_period": regex,
    "date_patterns": regexes,
    "autumn_month": integer,
    "meeting_date": regex,
    "work_report_title": regex,
    "review_year": regex,
    "target_year": regex,
    "any_year": regex,
    "source_year": regex,
    "title_words": words,
    "head_periods": records({"pattern": regex, "months": months}),
    "compared_period_before": regex,
    "issuer_patterns": regexes,
    "self_level_words": mapping_of(words, {"county", "prefecture", "province"}),
    "self_level_not_before": regex,
    "self_level_not_after": regex,
    "county_addressees": regex,
    "ordinary_word_names": words,
}


@dataclass(frozen=True)
class MetaRules:
    head_chars: int
    kinds: tuple[tuple[str, re.Pattern, int], ...]
    results_period: re.Pattern
    dates: tuple[re.Pattern, ...]
    autumn_month: int
    meeting_date: re.Pattern
    work_title: re.Pattern
    review_year: re.Pattern
    target_year: re.Pattern
    any_year: re.Pattern
    source_year: re.Pattern
    title_words: tuple[str, ...]
    head_periods: tuple[tuple[re.Pattern, Any], ...]
    compared_period_before: re.Pattern
    issuers: list[re.Pattern]
    levels: LevelWords
    county_addressees: re.Pattern


@functools.lru_cache(maxsize=1)
def meta_rules() -> MetaRules:
    m = load_rules_file(RULES_DIR / "metadata.yaml", SCHEMA)
    return MetaRules(
        m["head_chars"], tuple((k["kind"], re.compile(k["pattern"]), k["within"]) for k in m["kinds"]),
        re.compile(m["results_period"]), tuple(re.compile(p) for p in m["date_patterns"]), m["autumn_month"],
        re.compile(m["meeting_date"]), re.compile(m["work_report_title"]), re.compile(m["review_year"]), re.compile(m["target_year"]),
        re.compile(m["any_year"]), re.compile(m["source_year"]), tuple(m["title_words"]),
        tuple((re.compile(p["pattern"]), p["months"]) for p in m["head_periods"]),
        re.compile(m["compared_period_before"]),
        [re.compile(p, re.M) for p in m["issuer_patterns"]],
        LevelWords(m["self_level_words"], re.compile(m["self_level_not_before"]), re.compile(m["self_level_not_after"]),
                   frozenset(m["ordinary_word_names"])),
        re.compile(m["county_addressees"]),
    )


def _first_date(head: str, M: MetaRules) -> dt.date | None:
    for rx in M.dates:
        for m in rx.finditer(head):
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


def infer_kind(head: str, text: str, M: MetaRules) -> str | None:
    for kind, rx, within in M.kinds:
        if rx.search(text[:within]):
            return kind
    if M.results_period.search(text[:3000]):
        return "stats_release"
    return None


def _title(head: str, M: MetaRules) -> str | None:
    for line in head.splitlines():
        s = line.strip(" •\t|")
        if 6 <= len(s) <= 60 and any(w in s for w in M.title_words) and not s.startswith(("名", "索")):
            return s
    return None


def source_year(source: str, M: MetaRules) -> int | None:
    """A year in a file name or url path (…_2025.txt, /202505/t2025…): the last one named."""
    years = [int(m.group(1)) for m in M.source_year.finditer(Path(source).name if "://" not in source else source)]
    return years[-1] if years else None


def _years_named(text: str, M: MetaRules) -> list[int]:
    return [int(y) for y in M.any_year.findall(text)]


def _report_years(text: str, head: str, published: dt.date | None, src_year: int | None,
                  M: MetaRules) -> tuple[int | None, int | None, str]:
    """(year, target_year, how) of a work report or plan."""
    target = how = None
    m = M.work_title.search(head)
    if m and m.group(1):
        target, how = int(m.group(1)), "text"
        meeting = M.meeting_date.search(head)
        if meeting and int(meeting.group(1)) == target and int(meeting.group(2)) >= M.autumn_month:
            # "2020年…政府工作报告", given on 2020年12月23日: the title names the year it was given
            # in; it reviews that year and sets the next one's goals
            return target, target + 1, "text"
    if target is None:
        # the latest year named with goals (a plan report: "2024年计划执行情况与2025年计划草案")
        named = [int(tm.group(1)) for tm in M.target_year.finditer(text[:5000])]
        if named:
            target, how = max(named), "text"
    if target is None and published is not None:
        target, how = published.year + (1 if published.month >= M.autumn_month else 0), "date"
    review = None
    rv = M.review_year.search(text[:20000])
    if rv:
        review = int(next(g for g in rv.groups() if g))
    if target is None and review is not None:
        target, how = review + 1, "text"
    if target is not None and review is not None and review >= target:
        # "2019年陇县人民政府工作报告" whose text opens "2019年工作回顾": the title names the year the
        # report reviews (a site's label), the goals are the next year's
        return review, review + 1, how
    if target is None and src_year is not None:
        target, how = src_year, "source name"
    if target is None:
        named = _years_named(text[:5000], M)
        if named:
            target, how = max(named), "text"
    if target is None:
        return None, None, ""
    return (review if review is not None and review < target else target - 1), target, how


def _results_year(text: str, title: str | None, published: dt.date | None, src_year: int | None,
                  period: tuple[int, int], M: MetaRules) -> tuple[int | None, str]:
    """The year a notice, release or news story reports on: its title's, else its date's, else
    its file name's, else the latest its head names (a story recalls earlier years first).
    Named months not yet over at its date are last year's (1-11月 published in February)."""
    m = M.any_year.search(title or "")
    if m:
        return int(m.group(1)), "text"
    named = _years_named(text[: M.head_chars], M) or _years_named(text[:5000], M)
    if published is not None:
        # a bulletin published by April may report last year: then the latest year it names
        if published.month <= 4:
            recent = [y for y in named if published.year - 1 <= y <= published.year]
            if recent:
                return max(recent), "text"
        before_end = period != (1, 12) and period[1] > published.month
        return published.year - (1 if before_end else 0), "date"
    if src_year is not None:
        return src_year, "source name"
    if named:
        return max(named), "text"
    return None, ""


_SENTENCE_RE = re.compile(r"[^。!?\n]+")
_FIGURE_RE = re.compile(r"\d\s*(?:%|亿元|万元|万人|元)")


def _period_named(text: str, M: MetaRules) -> tuple[int, int] | None:
    """The period named first in the text (1-10月份 before 较1-9月份; a period after 较, 比 or 与 is a
    comparison's, not the text's)."""
    best: tuple[int, tuple[int, int]] | None = None
    for rx, spec in M.head_periods:
        for pm in rx.finditer(text):
            if best is not None and pm.start() >= best[0]:
                break
            if M.compared_period_before.search(text, max(0, pm.start() - 2), pm.start()):
                continue
            if spec == "to_month":
                last = cn_to_int(pm.group(1))
                if not (last and 1 <= last <= 12):
                    continue
                best = (pm.start(), (1, last))
            else:
                best = (pm.start(), tuple(spec))
            break
    return best[1] if best else None


def _default_period(kind: str | None, title: str | None, text: str, M: MetaRules) -> tuple[int, int]:
    """The months a notice or release is about: its title's period, else that of its first
    sentence that names a period or states a figure (a figure with no period: the whole year)."""
    named = _period_named(title or "", M)
    if named:  # 关于2019年上半年…计划执行情况的报告
        return named
    if kind in ("work_report", "plan"):
        return (1, 12)
    for m in _SENTENCE_RE.finditer(text[: M.head_chars]):
        named = _period_named(m.group(0), M)
        if named:
            return named
        # a figure of a named year is the whole year's; a headline figure with neither year nor
        # period (实现地区生产总值744.94亿元) is of the period the release names next
        if _FIGURE_RE.search(m.group(0)) and M.any_year.search(m.group(0)):
            return (1, 12)
    return (1, 12)


def infer_meta(text: str, source: str = "", *, use_source: bool = True) -> DocMeta:
    """All metadata of a document from its normalised view (and its file name or url when
    `use_source`). Fields that cannot be told are None: triage quarantines such a document."""
    M = meta_rules()
    head = text[: M.head_chars]
    kind = infer_kind(head, text, M)
    published = _first_date(head, M)
    title = _title(head, M)
    src_year = source_year(source, M) if use_source and source else None
    period = _default_period(kind, title, text, M)
    part_year = _period_named(title or "", M) not in (None, (1, 12))
    if kind in ("work_report", "plan") and not part_year:
        year, target_year, year_how = _report_years(text, head, published, src_year, M)
        ref = published.year if published else target_year
    else:  # results: a notice, a release, or a report on part of a year (上半年计划执行情况)
        year, year_how = _results_year(text, title, published, src_year, period, M)
        target_year = year
        ref = published.year if published else year
    guess = infer_region(text, head, source, M.issuers, M.levels, M.county_addressees, use_source, title)
    return DocMeta(guess.region, kind, year, target_year, published, title, period,
                   ref, guess.source, year_how, guess.ambiguous)


def apply_overrides(meta: DocMeta, overrides: Mapping[str, Any] | None) -> DocMeta:
    """The document metadata with a manifest's region / year / kind / target_year put in place of
    what was inferred from the text. Given `year` but no `target_year`, the target year follows
    the kind's rule (a work report sets next year's targets; a notice, the same year's)."""
    if not overrides:
        return meta
    region = overrides.get("region") or meta.region
    kind = overrides.get("kind") or meta.kind
    year = _int_or_none(overrides.get("year", meta.year))
    target_year = _int_or_none(overrides.get("target_year"))
    if target_year is None:
        if "year" in overrides or "kind" in overrides:
            target_year = (year + 1 if kind in ("work_report", "plan") else year) if year is not None else None
        else:
            target_year = meta.target_year
    if "year" not in overrides and "target_year" in overrides and kind in ("work_report", "plan"):
        year = target_year - 1
    elif "year" not in overrides and "target_year" in overrides:
        year = target_year
    return replace(
        meta, region=region, kind=kind, year=year, target_year=target_year,
        region_source="manifest" if overrides.get("region") else meta.region_source,
        year_source="manifest" if ("year" in overrides or "target_year" in overrides) else meta.year_source,
        ref_year=_ref_year(meta, kind, year, target_year, "year" in overrides or "target_year" in overrides),
    )


def _int_or_none(v: Any) -> int | None:
    return None if v in (None, "") else int(v)


def _ref_year(meta: DocMeta, kind: str | None, year: int | None, target_year: int | None, years_given: bool) -> int | None:
    """The year the document was given: its date's, else (years given by a manifest, or none
    inferred) the target year of a report or the year of a notice."""
    if meta.published_date is not None:
        return meta.published_date.year
    if years_given or meta.ref_year is None:
        return target_year if kind in ("work_report", "plan") else year
    return meta.ref_year
