"""README.md as a newcomer meets it: its example outputs are what the commands print today, and the
paths and steps it tells a reader to use exist.

The example outputs are written by docs/readme_examples.py from real runs (a refresh of the sample
corpus with a temporary Prefect server, then gwr parse/eval/sql/status/report/docs and DuckDB
queries, about a minute); `--check` reruns them and compares, masking run ids, times and sizes.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_examples_are_what_the_commands_print():
    res = subprocess.run(
        [sys.executable, str(REPO / "docs" / "readme_examples.py"), "--check"],
        cwd=REPO, capture_output=True, text=True, timeout=1200,
    )
    assert res.returncode == 0, res.stdout[-6000:] + res.stderr[-3000:]
    sys.path.insert(0, str(REPO / "docs"))
    from readme_examples import EXAMPLES

    assert f"README examples current: {len(EXAMPLES)} checked" in res.stdout


def test_masking_hides_only_what_changes_between_runs():
    sys.path.insert(0, str(REPO / "docs"))
    from readme_examples import masked

    a = "refresh 20261201T092118Z-21f24e5e: published /x/gwr.duckdb in 26.9 s\n  marts.fct_targets   176"
    b = "refresh 20261202T010203Z-0123abcd: published /x/gwr.duckdb in 31.0 s\n  marts.fct_targets 176"
    assert masked(a) == masked(b)
    assert masked(a) != masked(a.replace("176", "177"))
    assert masked("(7.9 MB, written 2026-12-01 09:21:44 UTC)") == masked("(8.1 MB, written 2027-01-02 02:00:00 UTC)")


def test_readme_steps_use_paths_a_reader_has():
    assert "source .venv/bin/activate" in README
    serve_lines = [l for l in README.splitlines() if re.match(r"\s*(\.venv/bin/)?gwr serve ", l)]
    assert serve_lines, "the README shows how to run gwr serve"
    for line in serve_lines:
        for path in re.findall(r"--source (\S+)", line):
            assert (REPO / path).exists(), f"README: gwr serve --source {path} does not exist in a clone"
        for db in re.findall(r"--db (\S+)", line):
            assert db.startswith("./warehouse/"), line  # where `gwr refresh` builds it by default
