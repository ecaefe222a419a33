"""The `gwr` command line: help texts, `gwr parse` (table and json), a warehouse that is not there,
the lock, and what the commands import (the read side never Prefect; flows never the read side)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
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


def _width(line: str) -> int:
    from gwr.table import display_width

    return display_width(line)


@pytest.mark.parametrize("columns", [80, 100, 160, 240])
def test_parse_table_fits_the_terminal_and_keeps_the_evidence(runner, corpus_dir, columns):
    files = sorted(str(p) for p in corpus_dir.glob("*.txt"))
    res = runner.invoke(cli, ["parse", *files], env={"COLUMNS": str(columns)})
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    too_wide = [line for line in lines if _width(line) > columns]
    assert not too_wide, too_wide[:5]
    docs = json.loads(runner.invoke(cli, ["parse", "--format", "json", *files]).output)
    blocks = res.output.split("\n== ")[:]
    assert len(blocks) == len(docs)
    for block, doc in zip(blocks, docs):
        rows = block.splitlines()
        header = next(i for i, line in enumerate(rows) if line.startswith("kind"))
        evidence = [" ".join(f["evidence"].split()) for f in doc["facts"]]
        if rows[header].rstrip().endswith("evidence"):  # wide: the last column, cut with … if long
            cells = [line.rstrip() for line in rows[header + 2:] if line.strip()]
            assert len(cells) == len(evidence)
            for line, ev in zip(cells, evidence):
                assert line.endswith(ev) or (line.endswith("…") and ev.startswith(line[:-1].split("  ")[-1].strip())), (line, ev)
        else:  # narrow: each fact's evidence whole, wrapped on the lines below it
            below = "".join(line[4:] for line in rows if line.startswith("    "))
            missing = [ev for ev in evidence if ev not in below]
            assert not missing, missing[:5]


def test_parse_json_keeps_every_evidence_whole(runner, corpus_dir):
    from ingestion.pipeline import parse_path

    path = corpus_dir / "003_6b340ccef4bd5f14.txt"
    res = runner.invoke(cli, ["parse", "--format", "json", str(path)], env={"COLUMNS": "60"})
    assert res.exit_code == 0
    texts = {d.document.document_id: d.document.text for d in parse_path(path)}
    docs = json.loads(res.output)
    assert sum(len(d["facts"]) for d in docs) > 100
    for d in docs:
        text = texts[d["document"]["document_id"]]
        for f in d["facts"]:
            assert f["evidence"] == text[f["char_start"]:f["char_end"]], f


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

def test_sql_prompt_quits_with_0_after_a_refused_statement(tmp_path):
    """At a real terminal (a pty), errors are shown as they happen; `.quit` is not a failure."""
    import duckdb
    import select

    exe = Path(sys.executable).with_name("gwr")
    if not exe.exists():
        pytest.skip("gwr console script not installed next to this python")
    db = tmp_path / "gwr.duckdb"
    duckdb.connect(str(db)).close()
    master, slave = os.openpty()
    proc = subprocess.Popen([str(exe), "sql", "--db", str(db)], stdin=slave, stdout=slave,
                            stderr=slave, close_fds=True, start_new_session=True)
    os.close(slave)
    seen = b""

    def read_until(text: bytes, timeout: float = 60) -> None:
        nonlocal seen
        end = time.monotonic() + timeout
        while text not in seen:
            assert time.monotonic() < end, f"{text!r} not shown:\n{seen.decode(errors='replace')}"
            if select.select([master], [], [], 0.5)[0]:
                try:
                    seen += os.read(master, 4096)
                except OSError:  # the other side closed
                    break

    try:
        read_until(b"gwr> ")
        os.write(master, b"attach '/tmp/gwr-test-x.duckdb' as x;\n")
        read_until(b"refused: ATTACH")
        os.write(master, b".quit\n")
        assert proc.wait(30) == 0, seen.decode(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert not Path("/tmp/gwr-test-x.duckdb").exists()
