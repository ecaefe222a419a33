"""BENCHMARKS.md from the benchmark's results (benchmarks/results/latest.json), so that its figures
are never typed by hand: after `python -m benchmarks.run`, run

    python -m benchmarks.report            # rewrite BENCHMARKS.md
    python -m benchmarks.report --check    # exit 1 when BENCHMARKS.md is not what the results give

The prose is the template benchmarks/templates/BENCHMARKS.md.j2; this module computes what the
template shows: the per-stage fits (benchmarks/fit.py), the projection to 100,000 reports, which
stage limits it, and each goal met or not.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from benchmarks.fit import fit_runs

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
OUT = ROOT / "BENCHMARKS.md"
TEMPLATES = Path(__file__).resolve().parent / "templates"
PROJECT_TO = 100_000
GOAL_REPORTS, GOAL_SECONDS, GOAL_RSS_MB = 10_000, 300, 1536
GOAL_SMALL_COLD_S, GOAL_SMALL_NOCHANGE_S = 25, 5
STAGE_NAMES = {"copy": "copy", "discover": "discover", "fetch": "fetch", "read_extract": "read & extract",
               "load": "load", "raw_checks": "raw checks", "dbt": "dbt", "mart_checks": "mart checks",
               "publish": "publish"}


def _goal(ok: bool | None) -> str:
    return "not measured" if ok is None else ("yes" if ok else "**no**")


def context(results: dict) -> dict:
    """Everything the template shows, computed from the results."""
    runs = results.get("c") or []
    fits = fit_runs(runs) if runs else {"seconds": {}, "rss_mb": {}}
    stages = [s for s in fits["seconds"] if s != "total"]
    projection = {s: round(fits["seconds"][s].at(PROJECT_TO)) for s in fits["seconds"]}
    largest = max(runs, key=lambda r: r["reports"]) if runs else {}
    seen = {**(largest.get("stage_rss_mb") or {}), "total": largest.get("peak_rss_mb", 0),
            "db_file": largest.get("db_mb", 0)}
    # a peak never shrinks with more reports: the line, but not below the largest peak measured
    rss_projection = {s: round(max(fits["rss_mb"][s].at(PROJECT_TO), seen.get(s, 0))) for s in fits["rss_mb"]}
    per_doc_ms = {s: round(fits["seconds"][s].per_doc * 1000, 2) for s in fits["seconds"]}
    slowest = max(stages, key=lambda s: fits["seconds"][s].per_doc, default=None)
    hungriest = max(stages, key=lambda s: fits["rss_mb"][s].at(PROJECT_TO), default=None)
    goal_run = next((r for r in runs if r["reports"] == GOAL_REPORTS), None)
    small = results.get("b") or {}
    local = small.get("local_server")
    return {
        "r": results, "runs": runs, "stages": stages, "names": STAGE_NAMES, "fits": fits,
        "per_doc_ms": per_doc_ms, "projection": projection, "rss_projection": rss_projection,
        "project_to": PROJECT_TO, "slowest": slowest, "hungriest": hungriest, "goal_run": goal_run,
        "goals": {
            "time": _goal(goal_run["cold_wall_s"] <= GOAL_SECONDS if goal_run else None),
            "rss": _goal(goal_run["peak_rss_mb"] <= GOAL_RSS_MB if goal_run else None),
            "small_cold": _goal(local["cold_wall_s"] <= GOAL_SMALL_COLD_S if local else None),
            "small_nochange": _goal(local["nochange_wall_s"] <= GOAL_SMALL_NOCHANGE_S if local else None),
        },
        "limits": {"reports": GOAL_REPORTS, "seconds": GOAL_SECONDS, "rss_mb": GOAL_RSS_MB,
                   "small_cold_s": GOAL_SMALL_COLD_S, "small_nochange_s": GOAL_SMALL_NOCHANGE_S},
    }


def render(results: dict) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["n"] = lambda v: f"{v:,}" if isinstance(v, int) else v
    env.filters["s"] = lambda v: f"{v:.1f}" if isinstance(v, (int, float)) else "–"
    return env.get_template("BENCHMARKS.md.j2").render(**context(results))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="only compare; exit 1 when stale")
    args = ap.parse_args()
    text = render(json.loads(args.results.read_text(encoding="utf-8")))
    if args.check:
        if args.out.read_text(encoding="utf-8") != text:
            print(f"{args.out} is stale: run python -m benchmarks.report", file=sys.stderr)
            sys.exit(1)
        return
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
