"""benchmarks/fit.py (cost per document) and benchmarks/report.py (BENCHMARKS.md from the results)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

# benchmarks/ is a folder of the checkout, not of the installed package
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from benchmarks.fit import fit_line, fit_runs
from benchmarks.report import OUT, RESULTS, context, render


def test_fit_line_recovers_fixed_and_per_document_cost():
    line = fit_line([(1000, 12.0 + 0.03 * 1000), (5000, 12.0 + 0.03 * 5000), (10000, 12.0 + 0.03 * 10000)])
    assert line.fixed == pytest.approx(12.0) and line.per_doc == pytest.approx(0.03)
    assert line.at(100_000) == pytest.approx(3012.0)
    assert fit_line([(500, 10.0)]).per_doc == pytest.approx(0.02)  # one size: through zero


def _run(n: int, read: float, dbt: float, rss: int) -> dict:
    return {"reports": n, "cold_wall_s": read + dbt + 10, "stages_s": {"read_extract": read, "dbt": dbt},
            "stage_rss_mb": {"read_extract": rss, "dbt": 400}, "peak_rss_mb": rss + 100, "db_mb": n // 25}


def test_report_names_the_stage_that_limits_the_projection_and_judges_the_goals():
    results = {"machine": {"cpus": 2, "python": "3.11", "platform": "Linux"}, "when": "now",
               "sizes": [1000, 10000],
               "c": [_run(1000, 20.0, 10.0, 500), _run(10000, 200.0, 40.0, 900)]}
    ctx = context(results)
    assert ctx["slowest"] == "read_extract"
    assert ctx["projection"]["read_extract"] == 2000
    assert ctx["goals"]["time"] == "yes" and ctx["goals"]["rss"] == "yes"  # 250 s, 1000 MB
    results["c"][1]["cold_wall_s"] = 301
    assert context(results)["goals"]["time"] == "**no**"
    assert context({**results, "c": results["c"][:1]})["goals"]["time"] == "not measured"
    fits = fit_runs(results["c"])
    assert fits["seconds"]["dbt"].per_doc == pytest.approx(30.0 / 9000)


def test_benchmarks_md_is_what_the_committed_results_give():
    """BENCHMARKS.md is generated (python -m benchmarks.report), never edited by hand."""
    assert OUT.read_text(encoding="utf-8") == render(json.loads(RESULTS.read_text(encoding="utf-8")))
