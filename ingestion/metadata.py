"""Infer a document's region, kind, years and publication date from its own text."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass

from ingestion import dictionaries
from ingestion.text import normalize


@dataclass
class DocMeta:
    region: str | None
    kind: str | None
    year: int | None
    target_year: int | None
    published_date: dt.date | None
    title: str | None
    default_period: tuple[int, int]
    ref_year: int | None = None  # the year it was given or published (今年, 去年 count from it)


_HEAD_CHARS = 1500
_DATE_RES = [
    re.compile(r"(?:发布日期|发布时间|发文日期|成文日期|日期)\s*[::]?\s*((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"),
    re.compile(r"——\s*((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"[((]\s*((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日"),
]
_WORK_TITLE = re.compile(r"(?:((?:19|20)\d{2})年)?([\u4e00-\u9fff]{0,12}?)(?:人民)?政府工作报告")
_NOTICE_WORDS = re.compile(r"通报|完成情况|进展情况|督查|督办")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})年")
_REVIEW_RE = re.compile(r"((?:19|20)\d{2})年(?:和本届政府)?(?:工作)?回顾|回顾((?:19|20)\d{2})年")
_PERIOD_TITLE = [
    (re.compile(r"(?:第)?一季度"), (1, 3)),
    (re.compile(r"上半年|(?:第)?二季度"), (1, 6)),
    (re.compile(r"前三季度|(?:第)?三季度"), (1, 9)),
    (re.compile(r"1\s*[-—至]\s*(1[0-2]|[1-9])\s*月"), None),
]
_REGION_SUFFIX = re.compile(r"^[\u4e00-\u9fff]{2,12}?(?:省|市|区|县|州|盟|旗)$")


def _first_date(head: str) -> dt.date | None:
    for rx in _DATE_RES:
        m = rx.search(head)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


@functools.lru_cache(maxsize=1)
def _names_re() -> re.Pattern:
    """All gazetteer names of three characters or more, longest first, as one pattern."""
    names = sorted((n for n in dictionaries.load().region_names if len(n) >= 3), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)) or r"(?!x)x")


def infer_region(text: str) -> str | None:
    """The reporting region: named in a title or issuer, else the gazetteer name said most often."""
    norm = normalize(text)
    head = norm[:_HEAD_CHARS]
    names = dictionaries.load().region_names
    m = _WORK_TITLE.search(head)
    if m and m.group(2):
        cand = m.group(2)
        for i in range(len(cand)):
            if cand[i:] in names or (not names and _REGION_SUFFIX.match(cand[i:])):
                return cand[i:]
    for rx in (r"(?:发布机构|发文单位|信息来源|来源)\s*[::]\s*([\u4e00-\u9fff]{2,12}?(?:省|市|区|县))",
               r"在([\u4e00-\u9fff]{2,12}?(?:市|区|县))第[\u4e00-\u9fff]{1,4}届人民代表大会",
               r"^([\u4e00-\u9fff]{2,12}?(?:市|区|县))人民政府"):
        m = re.search(rx, head, re.M)
        if m and (m.group(1) in names or not names):
            return m.group(1)
    counts: Counter[str] = Counter(m.group(0) for m in _names_re().finditer(norm))
    if not counts:
        return None
    # A notice addressed to townships and streets (乡镇, 街道) comes from a county-level government:
    # it names its parent city often (黄石市…局), but it is the county's report.
    if re.search(r"乡镇|街道", norm[:200]):
        levels = {r["region"]: r["level"] for r in dictionaries.load().regions}
        county = [(n, c) for n, c in counts.most_common() if levels.get(n) == "county"]
        if county:
            return county[0][0]
    return counts.most_common(1)[0][0]


def infer_kind(text: str) -> str | None:
    head = normalize(text)[:400]
    if _NOTICE_WORDS.search(head):
        return "progress_notice"
    if "政府工作报告" in head or "各位代表" in normalize(text)[:3000]:
        return "work_report"
    if re.search(r"现将有关情况通报如下|通报如下", normalize(text)[:3000]):
        return "progress_notice"
    return None


def infer_meta(text: str) -> DocMeta:
    """All metadata at once. A work report given in the autumn sets next year's targets."""
    norm = normalize(text)
    head = norm[:_HEAD_CHARS]
    kind = infer_kind(text)
    published = _first_date(head)
    title = None
    year = target_year = None
    for line in head.splitlines():
        s = line.strip(" •\t")
        if 6 <= len(s) <= 60 and ("报告" in s or "通报" in s) and not s.startswith(("名", "索")):
            title = s
            break
    if kind == "work_report":
        m = _WORK_TITLE.search(head)
        if m and m.group(1):
            target_year = int(m.group(1))
        rv = _REVIEW_RE.search(norm[:20000])
        if rv:
            year = int(rv.group(1) or rv.group(2))
        if target_year is None and year is not None:
            target_year = year + 1
        if target_year is None and published is not None:
            target_year = published.year + 1 if published.month >= 9 else published.year
        if target_year is None and year is None:
            # last resort: the year the text names most often near its start is the review year
            years = Counter(int(y) for y in _YEAR_RE.findall(norm[:5000]))
            if years:
                year = years.most_common(1)[0][0]
                target_year = year + 1
        if year is None and target_year is not None:
            year = target_year - 1
    else:
        src = title or head
        m = _YEAR_RE.search(src) or _YEAR_RE.search(norm[:3000])
        if m:
            year = int(m.group(1))
        target_year = year
    default_period = (1, 12)
    if kind == "progress_notice" and title:
        for rx, months in _PERIOD_TITLE:
            pm = rx.search(title)
            if pm:
                default_period = months or (1, int(pm.group(1)))
                break
    return DocMeta(infer_region(text), kind, year, target_year, published, title, default_period,
                   published.year if published else None)
