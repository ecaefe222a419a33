"""gwr.eval: the whole bundled corpus, end to end (one refresh, then the hand-labelled gold), and
`gwr eval` on the shared small warehouse.

This is the accuracy gate of issue 3: `gwr eval` on the gold of the whole corpus must stay above
a floor set just under the figures reached (see the closing notes). It also checks the size of the
warehouse the README's first command builds.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from _documents import SMALL_CORPUS

from gwr.eval import evaluate

# Reached on 2026-11-23: overall F1 0.995; target 0.997, actual 0.994, ranking 0.989.
FLOOR_OVERALL = 0.99
FLOOR_PER_KIND = 0.98


def test_gold_covers_every_corpus_document(corpus_warehouse: Path, repo_root: Path):
    # the city and county reports' gold, and the provincial excerpts' (scored apart: their floor
    # is in tests/unit/gwr/test_eval_floors.py)
    report = evaluate(corpus_warehouse, [repo_root / "tests" / "gold", repo_root / "tests" / "gold" / "provincial"])
    con = duckdb.connect(str(corpus_warehouse), read_only=True)
    try:
        docs = {r[0] for r in con.execute("select document_id from marts.dim_document").fetchall()}
    finally:
        con.close()
    assert set(report.documents) == docs


def test_extraction_accuracy_floor(corpus_warehouse: Path, repo_root: Path):
    report = evaluate(corpus_warehouse, [repo_root / "tests" / "gold"])
    text = report.render_text()
    assert report.f1_overall >= FLOOR_OVERALL, text
    for kind in ("target", "actual", "ranking"):
        assert report.scores[kind].f1 >= FLOOR_PER_KIND, (kind, text)


def test_marts_are_filled(corpus_warehouse: Path):
    con = duckdb.connect(str(corpus_warehouse), read_only=True)
    try:
        n, docs = con.execute("select count(*), count(distinct document_id) from marts.fct_targets").fetchone()
        assert n >= 150 and docs >= 18
        for mart in ("fct_actuals", "fct_rankings", "fct_target_attainment", "dim_region", "dim_indicator", "dim_document"):
            assert con.execute(f"select count(*) from marts.{mart}").fetchone()[0] > 0, mart
        # every fact can be checked: its evidence is the document text at its offsets
        bad = con.execute("""
            select count(*) from (
                select document_id, evidence, char_start, char_end from marts.fct_targets
                union all select document_id, evidence, char_start, char_end from marts.fct_actuals
                union all select document_id, evidence, char_start, char_end from marts.fct_rankings
            ) f join raw.documents d using (document_id)
            where substr(d.text, f.char_start + 1, f.char_end - f.char_start) <> f.evidence
        """).fetchone()[0]
        assert bad == 0
    finally:
        con.close()


def test_unknown_indicator_names_are_listed(corpus_warehouse: Path, repo_root: Path):
    report = evaluate(corpus_warehouse, [repo_root / "tests" / "gold"])
    names = dict(report.unknown_indicators)
    assert names and all(count >= 1 for count in names.values())
    assert "利用外资" in names or "实际利用外资" in names


def test_gwr_eval_scores_the_warehouse(small_warehouse, repo_root):
        from click.testing import CliRunner

        from gwr.cli import cli

        _, db = small_warehouse
        gold = [str(repo_root / "tests" / "gold" / Path(n).with_suffix(".csv").name) for n in SMALL_CORPUS]
        args = ["eval", "--db", str(db)] + [a for g in gold for a in ("--gold", g)]
        res = CliRunner().invoke(cli, args)
        assert res.exit_code == 0, res.output
        assert "overall" in res.output
        res = CliRunner().invoke(cli, [*args, "--json"])
        assert res.exit_code == 0, res.output
        import json

        assert isinstance(json.loads(res.output), dict)
