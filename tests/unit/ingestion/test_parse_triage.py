"""Triage: which parsed documents may be published, and the reason given for the others."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ingestion.parse.metadata import DocMeta
from ingestion.parse.triage import no_prose, triage
from ingestion.parse.view import build_view
from ingestion.pipeline import parse_text

REPO = Path(__file__).resolve().parents[3]
PAGE = REPO / "sample_corpus_wild" / "w21_guigang_2018.txt"


def _meta(**changes) -> DocMeta:
    base = dict(region="贵港市", kind="work_report", year=2017, target_year=2018, published_date=None, title=None,
                default_period=(1, 12))
    base.update(changes)
    return DocMeta(**base)


def test_a_real_page_has_prose():
    assert no_prose(build_view(PAGE.read_text(encoding="utf-8")).text) is None


def test_a_page_of_figures_only_is_held_back_as_such():
    # the figures of the real page without its words: what a table dump looks like
    figures = " ".join(w for w in build_view(PAGE.read_text(encoding="utf-8")).text.split("，")
                       if any(c.isdigit() for c in w))
    soup = "".join(ch for ch in figures if not "\u4e00" <= ch <= "\u9fff" or ch in "亿元万")
    q = no_prose(soup)
    assert q is not None and "no readable prose" in q.reason and "Chinese characters" in q.reason


def test_a_cut_off_page_says_it_is_too_short_not_that_it_is_a_table():
    q = no_prose("GDP增长9.5%。")
    assert q is not None
    assert "only 2 Chinese characters" in q.reason and "table" not in q.reason


def test_triage_names_what_is_missing_and_the_fix():
    assert triage(_meta(), []) is None
    q = triage(_meta(region=None, ambiguous_regions=("兴国县", "兴国镇")), [])
    assert q is not None and "兴国县" in q.reason and "region:" in q.fix
    q = triage(_meta(year=None), [])
    assert q is not None and q.reason.startswith("no year found") and "year:" in q.fix
    q = triage(_meta(region="桃花源市"), [])
    assert q is not None and "not a region of the gazetteer" in q.reason
    q = triage(_meta(year=2090, target_year=2091), [], today=dt.date(2026, 12, 1))
    assert q is not None and "implausible year 2090" in q.reason


def test_an_implausible_figure_holds_its_document_back():
    text = PAGE.read_text(encoding="utf-8").replace("1082.18", "10821800000")
    doc = parse_text(text, "w21", overrides={"region": "贵港市"})[0]
    assert doc.document.quarantine_reason is not None
    assert "implausible figure" in doc.document.quarantine_reason
    good = parse_text(PAGE.read_text(encoding="utf-8"), "w21", overrides={"region": "贵港市"})[0]
    assert good.document.quarantine_reason is None and good.facts
