"""Extraction accuracy floors, set just under what is reached (see the closing notes): the bundled
corpus, the real scraped pages of the visible wild set and the grown development set, scored by
`gwr eval --parse` (parsing straight from the files; the warehouse route is tested end to end in
tests/integration/gwr/test_eval.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gwr.eval import KINDS, evaluate_parse, read_gold, score

REPO = Path(__file__).resolve().parents[3]
WILD = REPO / "sample_corpus_wild"
DEV = REPO / "tests" / "data" / "wild_dev"
HOLDOUT = REPO / "tests" / "data" / "wild_holdout"

# Reached on 2026-12-01: bundled 0.998 (target 0.997, actual 0.998, ranking 1.000);
# visible wild 0.995 (1.000 / 0.994 / 1.000); development set 0.938 (0.988 / 0.936 / 0.868);
# the former held-out pages (h, k, m, n, p, q, r, s, t: 220 pages) 0.918 (0.942 / 0.923 / 0.822).
# The provincial excerpts added for issue 12 (sample_corpus/p_*.txt, gold in tests/gold/provincial/,
# so the bundled floor above still reads tests/gold/*.csv only), reached on 2026-12-01: 0.727
# (target 0.917, actual 0.560, the one ranking missed): p_hunan_2023 gets the year 2023 from its
# file name though its text reviews 2022, and two estimates and two five-year goals of
# p_zhejiang_2023 are read as 2023 targets (see the closing notes of issue 12).
FLOORS = {
    "bundled": ({"overall": 0.99, "target": 0.98, "actual": 0.98, "ranking": 0.98},
                [str(REPO / "sample_corpus")], [REPO / "tests" / "gold"], None),
    "provincial": ({"overall": 0.70, "target": 0.90, "actual": 0.50},
                   [str(REPO / "sample_corpus")], [REPO / "tests" / "gold" / "provincial"],
                   REPO / "sample_corpus" / "sources.csv"),
    "wild": ({"overall": 0.97, "target": 0.95, "actual": 0.95, "ranking": 0.95},
             [str(WILD / "manifest_regions.yaml")], [REPO / "tests" / "gold" / "wild"], WILD / "sources.csv"),
    "wild_dev": ({"overall": 0.92, "target": 0.95, "actual": 0.92, "ranking": 0.84},
                 [str(DEV / "pages" / "manifest_regions.yaml")], [DEV / "gold"], DEV / "pages" / "sources.csv"),
    "wild_holdout": ({"overall": 0.91, "target": 0.92, "actual": 0.91, "ranking": 0.80},
                     [str(HOLDOUT / "pages" / "manifest_regions.yaml")], [HOLDOUT / "gold"],
                     HOLDOUT / "pages" / "sources.csv"),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_extraction_floor(name):
    floors, sources, gold, labels = FLOORS[name]
    report = evaluate_parse(sources, gold, labels)
    text = report.render_text()
    for kind, floor in floors.items():
        assert report.scores[kind].f1 >= floor, (name, kind, text)


def test_slices_cover_the_wild_pages():
    report = evaluate_parse([str(WILD / "manifest_regions.yaml")], [REPO / "tests" / "gold" / "wild"],
                            WILD / "sources.csv")
    assert set(report.slices["document kind"]) == {"news", "plan", "progress_notice", "work_report"}
    assert set(report.slices["script"]) == {"garbled", "simplified", "traditional"}
    for values in report.slices.values():
        for by_kind in values.values():
            assert by_kind["overall"].f1 >= 0.9


def test_the_two_labellings_of_the_development_set_agree():
    """Labellings A and B were made independently; their agreement (F1 of B against A with the
    evaluator's own matching) is recorded in tests/data/wild_dev/ADJUDICATION.md."""
    a = read_gold([DEV / "labelling" / "a"])
    b = read_gold([DEV / "labelling" / "b"])
    agreement = score(b, a)
    assert len(a) == 448 and len(b) == 454
    assert round(agreement.scores["overall"].f1, 3) == 0.993
    assert all(agreement.scores[k].gold for k in KINDS)


def test_gold_evidence_is_in_its_page():
    for gold_dir, pages in ((DEV / "gold", DEV / "pages"), (REPO / "tests" / "gold" / "wild", WILD),
                            (HOLDOUT / "gold", HOLDOUT / "pages"),
                            (REPO / "tests" / "gold" / "provincial", REPO / "sample_corpus")):
        for fact in read_gold([gold_dir]):
            assert fact.evidence in (pages / f"{fact.doc}.txt").read_text(encoding="utf-8"), (fact.doc, fact.evidence)
