"""gwr.report: the static HTML report of the shared warehouse.

The pages are rendered in headless Chromium (Debian's `chromium`; .ci/run installs it when missing
and running as root; without it those tests are skipped): the DOM after the scripts ran must hold
the SVG charts and the table script's mark, the console must stay silent, and a screenshot of each
page is kept in test-artifacts/.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pytest
from _readside import gwr, unchanged

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


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
    unchanged(wh)

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
    """On a warehouse with a failed check, a quarantined file and a quarantined document, the quality
    page and `gwr status` name the rows, the reasons and the fixes."""
    db = tmp_path / "gwr.duckdb"
    shutil.copy(wh["db"], db)
    con = duckdb.connect(str(db))
    run_id = con.execute("SELECT run_id FROM ops.runs ORDER BY started DESC LIMIT 1").fetchone()[0]
    con.execute(
        "INSERT INTO ops.dq_results VALUES (?, 'marts', 'marts.fct_actuals', "
        "'expect_column_values_to_be_between', 'value', false, true, '2 of 30 unexpected', 2, "
        "'[{\"fact_id\": \"f-oops-1\", \"value\": 9999}]', now()::timestamp)", [run_id])
    con.execute("INSERT INTO ops.quarantined_documents VALUES (?, NULL, '/in/broken_报告.pdf', "
                "'UnicodeDecodeError: bad bytes', 'replace it with a readable copy', now()::timestamp)", [run_id])
    con.execute("INSERT INTO ops.quarantined_documents VALUES (?, 'w01_jiaxian_2025', '/in/w01_jiaxian_2025.txt', "
                "'region unclear: it could be 佳县、郏县', 'add `region:` for this file in a manifest', "
                "now()::timestamp)", [run_id])
    con.close()
    out = tmp_path / "site"
    r = gwr("report", "--db", str(db), "--out", str(out))
    assert r.exit_code == 0, r.output
    q = (out / "quality.html").read_text()
    assert 'id="failed-checks"' in q and "f-oops-1" in q and "9999" in q
    assert "broken_报告.pdf" in q and "UnicodeDecodeError" in q and "(unreadable file)" in q
    assert "w01_jiaxian_2025" in q and "佳县、郏县" in q
    assert "add `region:` for this file in a manifest" in q
    s = gwr("status", "--db", str(db)).output
    assert "BLOCKING" in s and "f-oops-1" in s and "broken_报告.pdf" in s
    assert "w01_jiaxian_2025.txt: region unclear: it could be 佳县、郏县" in s and "fix: add `region:`" in s
    if CHROMIUM:
        dom, console = chromium((out / "quality.html").as_uri(), "--dump-dom")
        assert console == [] and "f-oops-1" in dom
