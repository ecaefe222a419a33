"""The example outputs in README.md, made by running the commands they show.

    .venv/bin/python docs/readme_examples.py           # rerun every example, rewrite README.md
    .venv/bin/python docs/readme_examples.py --check   # rerun, exit 1 and show what is stale

Each example is a block of README.md between two markers:

    <!-- example: status -->
    ```
    $ gwr status
    warehouse /home/you/gwr-warehouse/warehouse/gwr.duckdb  (7.9 MB, ...)
    ```
    <!-- /example -->

The commands run as a newcomer runs them after the README's first steps: from the clone's folder,
with the venv's `gwr` on PATH, no $GWR_* or $PREFECT_API_URL set (so `gwr refresh` starts a
temporary Prefect server), the default warehouse ./warehouse/gwr.duckdb, a 100-column terminal.
They run in a scratch folder that links sample_corpus/, sample_corpus_wild/ and tests/ of this
clone and holds the FILES a reader would write (a manifest), and its path is shown as DISPLAY_ROOT. A "Failed to send telemetry" on stderr (the temporary Prefect server of an
offline machine, unless gwr turns telemetry off) fails the run. `--check` compares with run ids, times, dates, durations and sizes masked
(they differ on every run) and spaces collapsed (column widths follow them);
tests/integration/test_readme.py runs it, so the README cannot drift from what the commands print.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
DISPLAY_ROOT = "/home/you/gwr-warehouse"
"""Where the README's reader cloned the repository (shown instead of the scratch folder)."""
BIN = Path(sys.executable).parent
BLOCK = re.compile(r"(<!-- example: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /example -->)", re.S)
VOLATILE = [
    (re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{8}"), "<run id>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?( UTC)?"), "<time>"),
    (re.compile(r"\d+(\.\d+)? s\b"), "<n> s"),
    (re.compile(r"\d+(\.\d+)? [KMG]?B\b"), "<size>"),
    (re.compile(r"(seconds by stage:).*"), r"\1 <times>"),
    (re.compile(r"\bpid \d+"), "pid <n>"),
]


@dataclass(frozen=True)
class Run:
    """One command of an example: `args` run, `shown` after '$ ' (default: args joined)."""

    args: tuple[str, ...]
    shown: str | None = None
    head: int | None = None
    """Keep the first `head` lines of the output (then a line '…')."""
    stderr: bool = False
    """Show stderr too (for refusals); otherwise Prefect's log lines on stderr are left out."""


def gwr(*args: str, shown: str | None = None, head: int | None = None, stderr: bool = False) -> Run:
    return Run(("gwr", *args), shown, head, stderr)


def sql_block(query: str) -> tuple[str, Run, str]:
    """A query shown as SQL, with what DuckDB's Python client prints for it."""
    code = f"import duckdb; print(duckdb.connect('warehouse/gwr.duckdb', read_only=True).sql({query!r}))"
    return query, Run(("python", "-c", code), shown=""), "sql"


def python_block(code: str) -> tuple[str, Run, str]:
    """Python shown as it is, with what it prints."""
    return code, Run(("python", "-c", code), shown=""), "python"


ATTAINMENT = """\
select indicator, measure, target_value as target, comparator, actual_value as actual,
       actual_period_end_month as thru_month, round(gap, 2) as gap, is_met
from marts.fct_target_attainment
where region = '咸宁市' and year = 2022
order by indicator, measure;"""
RANK_ONE = """\
select region, indicator, measure, rank, rank_scope, rank_scope_region
from marts.fct_rankings where rank = 1 order by region, indicator, measure;"""
EVIDENCE = """\
select f.document_id, f.value, f.unit, f.char_start, f.char_end, f.evidence,
       substr(d.text, f.char_start + 1, f.char_end - f.char_start) = f.evidence as checks_out
from marts.fct_actuals f join raw.documents d using (document_id)
where f.region = '珠海市' and f.indicator = 'fixed_asset_investment';"""
UNKNOWN_NAMES = """\
select indicator_raw, count(*) as facts from raw.facts where indicator is null
group by 1 order by 2 desc, 1 limit 5;"""
SQL_TABLE = ("select region, year, indicator, target_value as target, actual_value as actual, is_met, "
             "actual_evidence from marts.fct_target_attainment where region = '咸宁市' and year = 2022 "
             "and indicator in ('gdp', 'retail_sales', 'cpi') order by indicator")
SQL_CSV = ("select region, indicator, rank, rank_scope from marts.fct_rankings where rank = 1 "
           "order by 1, 2 limit 3")
SQL_MD = ("select coalesce(comparator, '(qualitative)') as comparator, count(*) as targets "
          "from marts.fct_targets group by 1 order by 2 desc limit 3")
REGION_CODES = """\
select count(*) as facts, count(region_code) as coded,
       round(100 * count(region_code) / count(*), 1) as pct_coded,
       count(*) filter (where region_code is null) as without_code
from (select region_code from marts.fct_targets union all
      select region_code from marts.fct_actuals union all
      select region_code from marts.fct_rankings);"""
PANEL_PANDAS = """\
import pandas as pd
panel = pd.read_parquet("panel/gwr_panel.parquet")
gdp = panel.query("indicator == 'gdp' and measure == 'growth_pct'").set_index(["region_code", "year"])
print(gdp.loc[["420000", "421200"], ["region", "target_value", "target_comparator", "fy_actual", "py_actual", "py_end_month"]])"""
CITE = """\
import pandas as pd
panel = pd.read_parquet("panel/gwr_panel.parquet")
docs = pd.read_parquet("panel/gwr_documents.parquet").set_index("document_id")
r = panel.query("region == '咸宁市' and year == 2022 and indicator == 'gdp' and measure == 'growth_pct'").iloc[0]
for side in ("target", "py"):
    d = docs.loc[r[f"{side}_document_id"]]
    print(f"{side}: {r.region} ({r.region_code}) {r.year}, “{r[f'{side}_evidence']}”, {d.title}, "
          f"published {d.published_date}, characters {r[f'{side}_char_start']}–{r[f'{side}_char_end']}, "
          f"fact {r[f'{side}_fact_id']}")"""

WILD_DB = "wild/gwr.duckdb"
"""The warehouse of the scraped pages: a folder of its own (its Data Docs and dbt files beside it)."""
FILES = {
    "jiaxian.yaml": (
        "# w01 names both 郏县 (Henan) and 佳县 (Shaanxi): say which one it speaks for\n"
        "documents:\n"
        "  - path: sample_corpus_wild/w01_jiaxian_2025.txt\n"
        "    region: 郏县\n"
    ),
}
"""Files the README's reader writes by hand, made in the scratch folder before the examples run."""

EXAMPLES: dict[str, list[str | Run | tuple[str, Run, str]]] = {
    # the order is the order they run in: refresh builds the warehouse the others read
    "refresh": [gwr("refresh")],
    "help": [gwr("--help")],
    "parse": [gwr("parse", "sample_corpus/001_d7344a832e05616a.txt", head=8)],
    "eval": [gwr("eval", "--gold", "tests/gold", head=7)],
    "eval-heldout": [gwr("eval", "--parse", "tests/data/wild_holdout/pages/manifest_regions.yaml",
                         "--gold", "tests/data/wild_holdout/gold", "--labels",
                         "tests/data/wild_holdout/pages/sources.csv", head=21)],
    "query-attainment": [sql_block(ATTAINMENT)],
    "query-rank-one": [sql_block(RANK_ONE)],
    "query-evidence": [sql_block(EVIDENCE)],
    "query-unknown-names": [sql_block(UNKNOWN_NAMES)],
    "sql": [
        gwr("sql", SQL_TABLE, shown=(
            'gwr sql "select region, year, indicator, target_value as target, actual_value as actual, is_met,\n'
            "           actual_evidence from marts.fct_target_attainment\n"
            "           where region = '咸宁市' and year = 2022 and indicator in ('gdp', 'retail_sales', 'cpi') "
            'order by indicator"')),
        gwr("sql", "--format", "csv", SQL_CSV),
        gwr("sql", "--format", "markdown", SQL_MD, shown=(
            "gwr sql --format markdown \"select coalesce(comparator, '(qualitative)') as comparator, "
            "count(*) as targets\n                             from marts.fct_targets group by 1 "
            'order by 2 desc limit 3"')),
    ],
    "sql-refused": [
        gwr("sql", "copy marts.fct_targets to '/tmp/out.csv'", stderr=True),
        gwr("sql", "select * from read_text('/etc/passwd')", stderr=True),
    ],
    "status": [gwr("status")],
    "server": [gwr("server", "start"), gwr("refresh", head=2), gwr("server", "stop")],
    "report": [gwr("report", "--out", "reports")],
    "docs": [gwr("docs")],
    "export": [gwr("export", "--format", "csv", "--format", "parquet", "--format", "dta", "--format", "xlsx",
                   "--out", "panel")],
    "panel-pandas": [python_block(PANEL_PANDAS)],
    "cite": [python_block(CITE)],
    "query-region-codes": [sql_block(REGION_CODES)],
    # the scraped pages, in a warehouse of their own: one page quarantined, then fixed by a manifest
    "wild-refresh": [gwr("refresh", "--source", "sample_corpus_wild", "--db", WILD_DB)],
    "wild-fix": [
        Run(("cat", "jiaxian.yaml")),
        gwr("refresh", "--source", "sample_corpus_wild", "--source", "jiaxian.yaml", "--db", WILD_DB),
    ],
}


def _env(workdir: Path) -> dict[str, str]:
    """A newcomer's shell: no $GWR_*, $PREFECT_* nor telemetry settings (gwr sets its own)."""
    from contracts.settings import TELEMETRY_OFF

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GWR_", "PREFECT_")) and k not in ("VIRTUAL_ENV", *TELEMETRY_OFF)}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", COLUMNS="100", LINES="50",
        PREFECT_HOME=str(workdir / ".prefect"), PYTHONIOENCODING="utf-8",
    )
    return env


def _run(run: Run, workdir: Path, env: dict[str, str]) -> str:
    res = subprocess.run(
        list(run.args), cwd=workdir, env=env, stdin=subprocess.DEVNULL, timeout=900,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT if run.stderr else subprocess.PIPE,
        text=True, encoding="utf-8",
    )
    if res.returncode != 0 and not run.stderr:
        raise RuntimeError(f"{' '.join(run.args)} exited {res.returncode}:\n{res.stdout}\n{res.stderr}")
    if "Failed to send telemetry" in (res.stderr or ""):  # the temporary Prefect server of gwr refresh
        raise RuntimeError(f"{' '.join(run.args)}: Prefect telemetry is on:\n{res.stderr[-3000:]}")
    lines = res.stdout.rstrip("\n").splitlines()
    if run.head is not None and len(lines) > run.head:
        lines = lines[: run.head] + ["…"]
    return "\n".join(line.rstrip() for line in lines)


def _display(text: str, workdir: Path) -> str:
    for root in sorted({str(workdir), str(workdir.resolve()), str(REPO)}, key=len, reverse=True):
        text = text.replace(root, DISPLAY_ROOT)
    return text


def render(name: str, workdir: Path, env: dict[str, str]) -> str:
    """The README text of one example (what goes between its markers)."""
    parts: list[str] = []
    for item in EXAMPLES[name]:
        if isinstance(item, tuple):
            query, run, language = item
            parts.append(f"```{language}\n{query}\n```\n```\n{_run(run, workdir, env)}\n```\n")
            continue
        shown = run_shown(item)
        parts.append(f"$ {shown}\n{_run(item, workdir, env)}\n")
    text = "".join(parts)
    if not text.startswith("```"):
        text = f"```\n{text}```\n"
    return _display(text, workdir)


def run_shown(run: Run) -> str:
    if run.shown is not None:
        return run.shown
    return " ".join(a if re.fullmatch(r"[\w./:=-]+", a) else f'"{a}"' for a in run.args)


def generate_all() -> dict[str, str]:
    """Run every example in a scratch clone folder (see the module doc)."""
    with tempfile.TemporaryDirectory(prefix="gwr-readme-") as tmp:
        workdir = Path(tmp)
        for name in ("sample_corpus", "sample_corpus_wild", "tests"):
            (workdir / name).symlink_to(REPO / name)
        for name, text in FILES.items():
            (workdir / name).write_text(text, encoding="utf-8")
        env = _env(workdir)
        return {name: render(name, workdir, env) for name in EXAMPLES}


def masked(text: str) -> str:
    for pattern, repl in VOLATILE:
        text = pattern.sub(repl, text)
    return "\n".join(re.sub(r"[ \t]+", " ", line).rstrip() for line in text.splitlines())


def blocks(readme: str) -> dict[str, str]:
    return {m["name"]: m["body"] for m in BLOCK.finditer(readme)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare instead of rewriting README.md")
    args = ap.parse_args(argv)
    readme = README.read_text(encoding="utf-8")
    present = blocks(readme)
    missing = sorted(set(EXAMPLES) - set(present))
    unknown = sorted(set(present) - set(EXAMPLES))
    if missing or unknown:
        print(f"README.md markers: missing {missing}, unknown {unknown}", file=sys.stderr)
        return 1
    fresh = generate_all()
    if args.check:
        stale = [n for n in EXAMPLES if masked(present[n]) != masked(fresh[n])]
        for n in stale:
            diff = difflib.unified_diff(present[n].splitlines(), fresh[n].splitlines(),
                                        f"README.md ({n})", f"now ({n})", lineterm="")
            print("\n".join(diff))
        if stale:
            print(f"stale README examples: {', '.join(stale)}; run "
                  "`.venv/bin/python docs/readme_examples.py` to regenerate them", file=sys.stderr)
            return 1
        print(f"README examples current: {len(fresh)} checked")
        return 0
    new = BLOCK.sub(lambda m: m.group(1) + fresh[m["name"]] + m.group(4), readme)
    README.write_text(new, encoding="utf-8")
    print(f"README.md: {len(fresh)} examples written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
