"""The commands for people who use the warehouse: `gwr sql`, `gwr status`, `gwr report`, `gwr docs`.

One warehouse is built for the whole module by the real refresh flow on two sample reports (as in
tests/test_flow.py). Every command only reads it: the sha256 of the file and a snapshot of the
marts are taken when it is built and compared after every attempt to write or escape (and once
more at the end of the module).

The report pages are rendered in headless Chromium (Debian's `chromium`; .ci/run installs it when
missing and running as root; without it those tests are skipped): the DOM after the scripts ran
must hold the SVG charts and the table script's mark, the console must stay silent, and a
screenshot of each page is kept in test-artifacts/.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import duckdb
import pytest
from _warehouse import snapshot
from click.testing import CliRunner

from flows.cli import cli
from flows.sql import connect_sandboxed, display_width

SAMPLE_FILES = ("000_500ad30c4c1f596f.txt", "001_d7344a832e05616a.txt")
REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"


def _sha256(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@pytest.fixture(scope="module")
def wh(tmp_path_factory, corpus_dir: Path, prefect_harness) -> dict:
    """A warehouse built by the refresh flow from two sample reports, with its fingerprint."""
    from flows.refresh import refresh

    src = tmp_path_factory.mktemp("users-corpus")
    for name in SAMPLE_FILES:
        shutil.copy(corpus_dir / name, src / name)
    db = tmp_path_factory.mktemp("users-wh") / "gwr.duckdb"
    refresh(sources=[str(src)], db=str(db))
    return {"db": db, "sha": _sha256(db), "marts": snapshot(db, ("marts", "ops"))}


def _unchanged(wh: dict) -> None:
    assert _sha256(wh["db"]) == wh["sha"], "the warehouse file changed"
    assert snapshot(wh["db"], ("marts", "ops")) == wh["marts"], "marts/ops content changed"


def gwr(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


# --------------------------------------------------------------------------------------------- sql


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
    _unchanged(wh)


def test_sandbox_holds_without_the_statement_filter(wh, tmp_path):
    """DuckDB itself refuses, even for statements the filter of flows.sql would have stopped."""
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
    _unchanged(wh)


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
    _unchanged(wh)


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
    _unchanged(wh)


def test_sql_missing_warehouse(tmp_path):
    r = gwr("sql", "--db", str(tmp_path / "none.duckdb"), "select 1")
    assert r.exit_code == 1 and "no warehouse" in r.output
    assert not (tmp_path / "none.duckdb").exists()


def test_cli_imports_no_heavy_libraries():
    code = (
        "import sys, flows.cli, flows.sql, flows.status\n"
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


# ------------------------------------------------------------------------------------------ status


def test_status(wh):
    r = gwr("status", "--db", str(wh["db"]))
    assert r.exit_code == 0, r.output
    out = r.output
    con = duckdb.connect(str(wh["db"]), read_only=True)
    run_id = con.execute("SELECT run_id FROM ops.runs ORDER BY started DESC LIMIT 1").fetchone()[0]
    n_targets = con.execute("SELECT count(*) FROM marts.fct_targets").fetchone()[0]
    con.close()
    assert run_id in out and "succeeded" in out
    assert re.search(rf"marts\.fct_targets\s+{n_targets}\b", out)
    assert "data-quality checks of run" in out and "0 failed" in out
    assert "quarantined files (latest run): none" in out
    assert len(out.splitlines()) <= 40  # one screen
    j = json.loads(gwr("status", "--db", str(wh["db"]), "--json").output)
    assert j["marts"]["marts.fct_targets"] == n_targets and j["latest_run"] == run_id
    _unchanged(wh)


# ------------------------------------------------------------------------------------------ report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000",
]
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (.ci/run installs it as root)")


def chromium(url: str, *extra: str) -> tuple[str, list[str]]:
    """(stdout, console lines) of headless Chromium on `url`, in a fresh profile."""
    with tempfile.TemporaryDirectory(prefix="gwr-chromium-") as profile:
        p = subprocess.run(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url],
            capture_output=True, text=True, timeout=120, cwd=profile,
        )
    console = [l for l in p.stderr.splitlines() if ":CONSOLE" in l or "Uncaught" in l]
    return p.stdout, console


@pytest.fixture(scope="module")
def report(wh, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    r = gwr("report", "--db", str(wh["db"]), "--out", str(out))
    assert r.exit_code == 0, r.output
    return out


def test_report_files(wh, report):
    for name in ("index.html", "attainment.html", "quality.html", "data_docs/index.html"):
        assert (report / name).is_file(), name
    assert not (report / "data_docs" / ".gx").exists()
    for name in ("index.html", "attainment.html", "quality.html"):
        text = (report / name).read_text()
        # no server, no network: no http(s) assets, every local link resolves
        assert not re.search(r'(src|href)="(https?:)?//', text), name
        for link in re.findall(r'href="([^"#][^"]*)"', text):
            assert (report / link).exists(), f"{name}: broken link {link}"
    _unchanged(wh)


def test_report_attainment_evidence(wh, report):
    text = (report / "attainment.html").read_text()
    con = duckdb.connect(str(wh["db"]), read_only=True)
    rows = con.execute(
        "SELECT target_evidence, actual_evidence FROM marts.fct_target_attainment").fetchall()
    con.close()
    import html as _html
    for target_ev, actual_ev in rows:
        assert _html.escape(target_ev, quote=True) in text
        if actual_ev:
            assert _html.escape(actual_ev, quote=True) in text
    # every number cell carries its evidence as a tooltip and as an expandable detail
    assert text.count('<details class="ev">') >= len(rows)


@needs_chromium
def test_report_pages_render_in_headless_chromium(report):
    ARTIFACTS.mkdir(exist_ok=True)
    for name, must in [
        ("attainment.html", ['class="bullet"', 'data-js="ready"', "targets shown"]),
        ("quality.html", ['class="docbar"', 'id="runs"']),
        ("index.html", ["Rows per mart"]),
    ]:
        url = (report / name).as_uri()
        dom, console = chromium(url, "--dump-dom")
        assert console == [], f"{name}: console output: {console}"
        for m in must:
            assert m in dom, f"{name}: {m!r} not in the DOM after scripts ran"
        if name == "attainment.html":
            # charts drew: SVGs with actual bars and target ticks
            assert dom.count("<svg") >= 3
            assert dom.count('class="target-tick"') >= 5 and 'class="actual-bar"' in dom
            # the table script ran: the counter says how many rows are shown
            assert re.search(r"(\d+) of \1 targets shown", dom)
        shot = ARTIFACTS / f"report-{name.replace('.html', '')}.png"
        shot.unlink(missing_ok=True)
        _, console = chromium(url, f"--screenshot={shot}", "--window-size=1400,1600", "--hide-scrollbars")
        assert console == [], f"{name}: console output: {console}"
        assert shot.is_file() and shot.stat().st_size > 10_000, shot


@needs_chromium
def test_console_errors_are_detected(tmp_path):
    """The console check above can fail: a page with a script error is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><body><svg></svg><script>noSuchFunction();</script></body></html>")
    dom, console = chromium(bad.as_uri(), "--dump-dom")
    assert "<svg" in dom
    assert any("Uncaught ReferenceError" in l for l in console), console


def test_report_shows_failures_and_quarantine(wh, tmp_path):
    """On a warehouse with a failed check and a quarantined file, the quality page names the rows."""
    db = tmp_path / "gwr.duckdb"
    shutil.copy(wh["db"], db)
    con = duckdb.connect(str(db))
    run_id = con.execute("SELECT run_id FROM ops.runs ORDER BY started DESC LIMIT 1").fetchone()[0]
    con.execute(
        "INSERT INTO ops.dq_results VALUES (?, 'marts', 'marts.fct_actuals', "
        "'expect_column_values_to_be_between', 'value', false, true, '2 of 30 unexpected', 2, "
        "'[{\"fact_id\": \"f-oops-1\", \"value\": 9999}]', now()::timestamp)", [run_id])
    con.execute("INSERT INTO ops.ingest_errors VALUES (?, 'broken_报告.pdf', 'UnicodeDecodeError: bad bytes', now()::timestamp)", [run_id])
    con.close()
    out = tmp_path / "site"
    r = gwr("report", "--db", str(db), "--out", str(out))
    assert r.exit_code == 0, r.output
    q = (out / "quality.html").read_text()
    assert 'id="failed-checks"' in q and "f-oops-1" in q and "9999" in q
    assert "broken_报告.pdf" in q and "UnicodeDecodeError" in q
    s = gwr("status", "--db", str(db)).output
    assert "BLOCKING" in s and "f-oops-1" in s and "broken_报告.pdf" in s
    if CHROMIUM:
        dom, console = chromium((out / "quality.html").as_uri(), "--dump-dom")
        assert console == [] and "f-oops-1" in dom


# -------------------------------------------------------------------------------------------- docs


def test_docs(wh):
    r = gwr("docs", "--db", str(wh["db"]))
    assert r.exit_code == 0, r.output
    site = wh["db"].parent / "dbt_docs"
    for name in ("index.html", "catalog.json", "manifest.json", "static_index.html"):
        assert (site / name).is_file(), name
    assert str(site) in r.output
    catalog = json.loads((site / "catalog.json").read_text())
    assert any(k.endswith("fct_target_attainment") for k in catalog["nodes"])
    manifest = json.loads((site / "manifest.json").read_text())
    assert "model.gwr.fct_targets" in manifest["nodes"]
    # dbt ran on a copy: the published file is unchanged, and nothing in this process holds it open
    _unchanged(wh)
    fds = Path("/proc/self/fd")
    if fds.is_dir():
        held = []
        for fd in fds.iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith(str(wh["db"])):
                held.append(target)
        assert held == [], held


def test_warehouse_unchanged_at_the_end(wh):
    _unchanged(wh)
