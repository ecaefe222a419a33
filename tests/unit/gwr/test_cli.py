"""The `gwr` command line: help texts, `gwr parse` (table and json), a warehouse that is not there,
the lock, and what the commands import (the read side never Prefect; flows never the read side)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gwr.cli import cli


def gwr(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


SAMPLE = "000_500ad30c4c1f596f.txt"

@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()

def test_help_lists_the_commands(runner):
    res = runner.invoke(cli, ["--help"])
    assert res.exit_code == 0, res.output
    for cmd in ("refresh", "eval", "parse"):
        assert cmd in res.output

@pytest.mark.parametrize("cmd", ["refresh", "eval", "parse"])
def test_every_command_explains_itself(runner, cmd):
    res = runner.invoke(cli, [cmd, "--help"])
    assert res.exit_code == 0, res.output
    assert "Usage: " in res.output and "--help" in res.output

def test_refresh_help_names_its_options(runner):
    res = runner.invoke(cli, ["refresh", "--help"])
    assert res.exit_code == 0
    for opt in ("--source", "--db", "--wait", "GWR_DB", "Data Docs"):
        assert opt in res.output

def test_parse_table(runner, corpus_dir):
    res = runner.invoke(cli, ["parse", str(corpus_dir / SAMPLE)])
    assert res.exit_code == 0, res.output
    assert "000_500ad30c4c1f596f" in res.output
    assert "咸宁市" in res.output
    assert "gdp" in res.output and "地区生产总值" in res.output

def test_parse_json(runner, corpus_dir):
    res = runner.invoke(cli, ["parse", "--format", "json", str(corpus_dir / SAMPLE)])
    assert res.exit_code == 0, res.output
    docs = json.loads(res.output)
    assert len(docs) == 1
    assert docs[0]["document"]["region"] == "咸宁市"
    facts = docs[0]["facts"]
    assert any(
        f["kind"] == "target" and f["indicator"] == "gdp" and f["value"] == 8
        and f["comparator"] == "approx"
        for f in facts
    )
    assert any(f["kind"] == "ranking" and f["indicator"] == "gdp" and f["rank"] == 13 for f in facts)
    for f in facts:
        assert f["evidence"]

def test_parse_missing_file_is_a_usage_error(runner, tmp_path):
    res = runner.invoke(cli, ["parse", str(tmp_path / "nope.txt")])
    assert res.exit_code == 2
    assert "does not exist" in res.output

def test_parse_imports_no_prefect_dbt_or_gx(repo_root, corpus_dir):
    code = (
        "import sys\n"
        "from gwr.cli import main\n"
        f"sys.argv = ['gwr', 'parse', {str(corpus_dir / SAMPLE)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'prefect', 'dbt', 'great_expectations'})\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
        "assert not heavy, heavy\n"
    )
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=repo_root, env=env, capture_output=True, text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    assert "HEAVY []" in res.stderr

def test_console_script_is_installed():
    exe = shutil.which("gwr") or str(Path(sys.executable).with_name("gwr"))
    if not Path(exe).exists():
        pytest.skip("gwr console script not installed in this environment (pip install -e .)")
    res = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "refresh" in res.stdout

def test_refresh_exits_at_once_when_another_refresh_runs(runner, tmp_path):
    from flows.publish import refresh_lock

    db = tmp_path / "gwr.duckdb"
    with refresh_lock(tmp_path / ".refresh.lock", owner="the other run"):
        res = runner.invoke(cli, ["refresh", "--db", str(db)])
    assert res.exit_code == 2, res.output
    assert "another refresh is already running" in res.output
    assert "--wait" in res.output
    assert not db.exists()

def test_read_side_imports_no_prefect():
    """gwr/ is the read side: importing its modules (and the CLI) loads no Prefect."""
    code = (
        "import sys\n"
        "import gwr.cli, gwr.sql, gwr.repl, gwr.status, gwr.report, gwr.report.pages, gwr.docs, gwr.eval\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'prefect', 'dbt', 'great_expectations'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

def test_flows_import_nothing_from_the_read_side(repo_root):
    """flows/ is orchestration only: no module of it imports gwr."""
    offenders = [
        p.name for p in (repo_root / "flows").glob("*.py")
        if re.search(r"^\s*(from|import)\s+gwr\b", p.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


def test_sql_missing_warehouse(tmp_path):
    r = gwr("sql", "--db", str(tmp_path / "none.duckdb"), "select 1")
    assert r.exit_code == 1 and "no warehouse" in r.output
    assert not (tmp_path / "none.duckdb").exists()


def test_cli_imports_no_heavy_libraries():
    code = (
        "import sys, gwr.cli, gwr.sql, gwr.status\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'prefect', 'dbt', 'great_expectations'})\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("command", ["sql", "status", "report", "docs"])
def test_help(command):
    r = gwr(command, "--help")
    assert r.exit_code == 0
    assert "--db" in r.output and len(r.output.splitlines()) > 6
