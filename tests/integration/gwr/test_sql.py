"""gwr.sql and gwr.repl on the shared warehouse: every format, the sandbox (nothing written, nothing
outside the warehouse reached), the prompt piped and in a terminal (tmux)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import duckdb
import pytest
from _readside import gwr, unchanged
from click.testing import CliRunner

from gwr.cli import cli
from gwr.sql import connect_sandboxed
from gwr.table import display_width

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def test_sql_table_lines_up_chinese_text(wh):
    r = gwr("sql", "--db", str(wh["db"]),
            "select region, indicator, target_value, target_evidence from marts.fct_target_attainment "
            "order by region, indicator limit 8")
    assert r.exit_code == 0, r.output
    lines = [l for l in r.output.splitlines() if l.startswith(("┌", "│", "├", "└"))]
    assert any("咸宁市" in l for l in lines)
    widths = {display_width(l) for l in lines}
    assert len(widths) == 1, f"box lines differ in display width: {widths}\n{r.output}"
    # the column separators sit in the same display column on every row
    def cols(line):
        pos, out = 0, []
        for c in line:
            if c in "│┼┬┴├┤┌┐└┘":
                out.append(pos)
            pos += display_width(c)
        return out
    assert len({tuple(cols(l)) for l in lines}) == 1
    assert r.output.rstrip().endswith("8 rows")

def test_sql_csv_json_markdown_parse(wh):
    q = ("select region, year, indicator, target_value, actual_value, is_met, target_evidence "
         "from marts.fct_target_attainment order by target_fact_id")
    con = duckdb.connect(str(wh["db"]), read_only=True)
    expected = con.execute(q).fetchall()
    con.close()
    assert expected

    r = gwr("sql", "--db", str(wh["db"]), "--format", "csv", q)
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert len(rows) == len(expected)
    assert rows[0]["region"] == expected[0][0] and rows[0]["target_evidence"] == expected[0][6]

    r = gwr("sql", "--db", str(wh["db"]), "--format", "json", q)
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert len(data) == len(expected)
    assert data[0]["target_value"] == expected[0][3] and data[0]["year"] == expected[0][1]
    assert data[0]["is_met"] in (True, False, None)

    r = gwr("sql", "--db", str(wh["db"]), "--format", "markdown", q)
    assert r.exit_code == 0, r.output
    md = r.output.strip().splitlines()
    assert md[0].startswith("| region | year | indicator |")
    assert set(md[1]) <= set("|-:")  # the alignment row
    assert len(md) == 2 + len(expected)
    cells = [c.strip() for c in re.split(r"(?<!\\)\|", md[2])[1:-1]]
    assert len(cells) == 7 and cells[0] == expected[0][0]

REFUSED = [
    # (statement, words expected in the message)
    ("COPY (SELECT * FROM marts.fct_targets) TO '{tmp}/leak.csv'", "COPY"),
    ("COPY marts.fct_targets TO '{tmp}/leak.parquet' (FORMAT parquet)", "COPY"),
    ("SELECT * FROM read_text('/etc/passwd')", "Permission"),
    ("SELECT * FROM read_csv('/etc/passwd')", "Permission"),
    ("SELECT * FROM glob('/etc/*')", "Permission"),
    ("SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')", "Permission"),
    ("ATTACH '{tmp}/other.duckdb' AS other", "ATTACH"),
    ("INSTALL httpfs", "INSTALL"),
    ("LOAD httpfs", "INSTALL"),
    ("SET enable_external_access = true", "SET"),
    ("RESET lock_configuration", "SET"),
    ("CREATE TABLE marts.evil AS SELECT 1", "CREATE"),
    ("INSERT INTO marts.fct_targets SELECT * FROM marts.fct_targets", "INSERT"),
    ("DELETE FROM marts.fct_targets", "DELETE"),
    ("UPDATE marts.fct_targets SET value = 0", "UPDATE"),
    ("DROP TABLE marts.fct_targets", "DROP"),
    ("EXPORT DATABASE '{tmp}/dump'", "EXPORT"),
    ("CHECKPOINT", "CALL"),
    ("SELECT 1; COPY (SELECT 1) TO '{tmp}/second.csv'", "COPY"),
    ("PRAGMA enable_profiling", "PRAGMA"),
]

@pytest.mark.parametrize("stmt,word", REFUSED, ids=[s for s, _ in REFUSED])
def test_sql_refuses_and_data_stays(wh, tmp_path, stmt, word):
    stmt = stmt.format(tmp=tmp_path)
    r = CliRunner().invoke(cli, ["sql", "--db", str(wh["db"]), stmt])
    assert r.exit_code == 1, r.output
    assert "refused" in r.output and word in r.output, r.output
    assert list(tmp_path.iterdir()) == [], "a file was written"
    unchanged(wh)

def test_sandbox_holds_without_the_statement_filter(wh, tmp_path):
    """DuckDB itself refuses, even for statements the filter of gwr.sql would have stopped."""
    con = connect_sandboxed(wh["db"])
    try:
        attempts = {
            f"COPY (SELECT 1) TO '{tmp_path}/x.csv'": "disabled by configuration",
            "SELECT * FROM read_text('/etc/passwd')": "disabled by configuration",
            f"ATTACH '{tmp_path}/y.duckdb' AS y": "disabled by configuration",
            "INSTALL httpfs": "disabled by configuration",
            "LOAD httpfs": "disabled",
            "SET enable_external_access = true": "configuration has been locked",
            "SET autoinstall_known_extensions = true": "configuration has been locked",
            "SET temp_directory = '/tmp/spill'": "configuration has been locked",
            "CREATE TABLE marts.t AS SELECT 1": "read-only",
            "DELETE FROM marts.fct_targets": "read-only",
        }
        for stmt, message in attempts.items():
            with pytest.raises(duckdb.Error, match=re.escape(message)):
                con.execute(stmt)
        assert con.execute("SELECT current_setting('enable_external_access')").fetchone()[0] is False
    finally:
        con.close()
    assert list(tmp_path.iterdir()) == []
    unchanged(wh)

def test_sql_prompt_with_piped_input(wh):
    script = (
        "select count(*) as n from marts.dim_document;\n"
        "select region,\n  kind from marts.dim_document order by 1 limit 1;\n"
        ".format csv\n"
        "select 1 as one;\n"
        "copy (select 1) to '/tmp/should-not-exist.csv';\n"
        ".tables\n"
        ".quit\n"
        "select 'after quit';\n"
    )
    r = gwr("sql", "--db", str(wh["db"]), input=script)
    out = r.output
    assert r.exit_code == 1  # one statement was refused
    assert "│ 咸宁市 " in out or "咸宁市" in out
    assert "one\n1" in out
    assert "refused: COPY" in out
    assert "marts.fct_targets" in out
    assert "after quit" not in out
    assert not Path("/tmp/should-not-exist.csv").exists()
    unchanged(wh)

@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")
def test_sql_interactive_prompt_in_tmux(wh):
    gwr_bin = Path(sys.executable).parent / "gwr"
    if not gwr_bin.exists():
        pytest.skip("gwr console script not installed next to this python")
    session = f"gwrtest-{uuid.uuid4().hex[:8]}"
    sock = f"gwrtest-{uuid.uuid4().hex[:8]}"

    def tmux(*a: str) -> str:
        return subprocess.run(["tmux", "-L", sock, *a], capture_output=True, text=True, check=True).stdout

    def pane() -> str:
        return tmux("capture-pane", "-p", "-t", session, "-S", "-200")

    def type_line(text: str) -> None:
        if text.endswith(";"):  # tmux takes an argument's trailing ';' as its command separator
            text = text[:-1] + "\\;"
        tmux("send-keys", "-t", session, "-l", text)
        tmux("send-keys", "-t", session, "Enter")

    def wait_for(text: str, timeout: float = 20) -> str:
        end = time.time() + timeout
        while time.time() < end:
            p = pane()
            if text in p:
                return p
            time.sleep(0.2)
        raise AssertionError(f"{text!r} not on screen:\n{pane()}")

    tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50",
         f"{gwr_bin} sql --db {wh['db']}; echo \"gwr sql exited with $?\"; sleep 30")
    try:
        wait_for("gwr>")
        type_line("select region, count(*) as docs from marts.dim_document")
        wait_for("...>")
        type_line("group by 1 order by 1;")
        screen = wait_for("1 row")
        assert "咸宁市" in screen
        type_line("attach '/tmp/x.duckdb' as x;")
        screen = wait_for("refused: ATTACH")
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "gwr-sql-prompt.txt").write_text(screen)
        type_line(".quit")  # after a refused statement: leaving the prompt is not a failure
        wait_for("gwr sql exited with 0")
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    unchanged(wh)

def test_warehouse_unchanged_at_the_end(wh):
    unchanged(wh)
