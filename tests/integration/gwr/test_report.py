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

# a reference a page loads or links to; data-offline-href (a link kept as text) is none
REFERENCE = re.compile(r"""(?<![-\w])(?:src|href)=["']([^"']*)["']|url\(\s*["']?([^"')]+)""")


def _references(page: Path) -> list[str]:
    return [a or b for a, b in REFERENCE.findall(page.read_text(encoding="utf-8", errors="replace"))]


def _assert_local(report: Path, page: Path) -> int:
    """Every reference of `page` is a file inside `report` (and an #anchor there exists)."""
    n = 0
    for ref in _references(page):
        if ref.startswith(("data:", "#", "javascript:")) or ref == "":
            continue
        assert not re.match(r"^([a-z]+:)?//", ref, re.I), f"{page}: external reference {ref}"
        path, _, anchor = ref.partition("#")
        target = (page.parent / path.split("?")[0]).resolve()
        assert target.is_relative_to(report.resolve()), f"{page}: {ref} leaves the report folder"
        assert target.exists(), f"{page}: broken reference {ref}"
        if anchor:
            assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), f"{page}: no #{anchor} in {path}"
        n += 1
    return n


def test_report_files(wh, report):
    for name in ("index.html", "attainment.html", "quality.html", "data_docs/index.html"):
        assert (report / name).is_file(), name
    assert not (report / "data_docs" / ".gx").exists()
    docs = sorted((report / "documents").glob("*.html"))
    assert len(docs) == 2
    # no server, no network: every reference of every page, the GX Data Docs' included, is a file
    # inside the report folder
    for page in [report / "index.html", report / "attainment.html", report / "quality.html", *docs]:
        _assert_local(report, page)
    data_docs = [p for p in (report / "data_docs").rglob("*") if p.suffix in (".html", ".css")]
    assert len(data_docs) > 5
    assert sum(_assert_local(report, p) for p in data_docs) > 100
    unchanged(wh)


def test_every_number_links_to_its_place_in_its_document(wh, report):
    text = (report / "attainment.html").read_text()
    con = duckdb.connect(str(wh["db"]), read_only=True)
    rows = con.execute("SELECT target_document_id, target_fact_id, actual_document_id, actual_fact_id "
                       "FROM marts.fct_target_attainment").fetchall()
    con.close()
    from gwr.report.docpages import fact_href

    for t_doc, t_fact, a_doc, a_fact in rows:
        assert f'href="{fact_href(t_doc, t_fact)}"' in text
        if a_fact:
            assert f'href="{fact_href(a_doc, a_fact)}"' in text


def test_attainment_page_spans_the_years(wh, report):
    # the small warehouse holds 咸宁市's 2021 and 2022 notices
    text = (report / "attainment.html").read_text()
    assert '<option value="2021">' in text and '<option value="2022">' in text
    assert 'data-region="咸宁市" data-indicator="gdp" data-year="2021"' in text
    assert 'data-region="咸宁市" data-indicator="gdp" data-year="2022"' in text

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
def test_document_page_highlights_and_links_land_on_the_span(wh, report):
    """A link of the attainment page, opened: its fact's pieces of text are marked and in view,
    and they read exactly the fact's evidence; every fact of the page is highlighted."""
    ARTIFACTS.mkdir(exist_ok=True)
    con = duckdb.connect(str(wh["db"]), read_only=True)
    doc, fact, evidence = con.execute(
        "SELECT actual_document_id, actual_fact_id, actual_evidence FROM marts.fct_target_attainment "
        "WHERE region = '咸宁市' AND year = 2022 AND indicator = 'gdp' AND measure = 'growth_pct'").fetchone()
    n_facts = con.execute("SELECT count(*) FROM raw.facts WHERE document_id = ?", [doc]).fetchone()[0]
    con.close()
    from gwr.report.docpages import fact_href

    href = fact_href(doc, fact)
    assert f'href="{href}"' in (report / "attainment.html").read_text()
    page, _, anchor = href.partition("#")
    url = (report / page).as_uri() + "#" + anchor
    dom, console = chromium(url, "--dump-dom", "--window-size=1400,1000")
    assert console == [], console
    assert f'data-current="{fact}"' in dom and 'data-in-view="true"' in dom and 'data-js="ready"' in dom
    marked = re.findall(r'<span class="hl [^"]*\bcurrent\b[^"]*" data-facts="[^"]*" title="[^"]*">([^<]*)</span>', dom)
    assert "".join(marked) == evidence == "地区生产总值1321.29亿元,比上年同期增长4.4%"
    assert len(set(re.findall(r'<span class="anchor" id="f-([0-9a-f]+)">', dom))) == n_facts
    assert 'class="hl hl-unknown' in dom and 'class="hl hl-target' in dom and 'class="hl hl-ranking' in dom
    shot = ARTIFACTS / "report-document.png"
    shot.unlink(missing_ok=True)
    _, console = chromium(url, f"--screenshot={shot}", "--window-size=1400,1000", "--hide-scrollbars")
    assert console == [] and shot.is_file() and shot.stat().st_size > 10_000


OFFLINE = ["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
           "--host-resolver-rules=MAP * ~NOTFOUND"]


@needs_chromium
def test_data_docs_open_styled_with_networking_disabled(report):
    """The GX Data Docs copy, with every network request refused: the scripts ran (bootstrap-table
    built its table: jQuery and the plugin loaded from the report folder), nothing failed to load;
    the screenshot is kept in test-artifacts/data-docs-offline.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    url = (report / "data_docs" / "index.html").as_uri()
    dom, console = chromium(url, "--dump-dom", *OFFLINE)
    assert console == [], console
    assert 'class="fixed-table-container"' in dom and "raw__raw.facts" in dom
    page = next((report / "data_docs" / "validations").rglob("*.html")).as_uri()
    dom, console = chromium(page, "--dump-dom", *OFFLINE)
    assert console == [], console
    shot = ARTIFACTS / "data-docs-offline.png"
    shot.unlink(missing_ok=True)
    _, console = chromium(url, f"--screenshot={shot}", "--window-size=1400,1000", "--hide-scrollbars", *OFFLINE)
    assert console == [] and shot.is_file() and shot.stat().st_size > 50_000


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


def test_quality_page_lists_every_fact_without_a_code(tmp_path_factory, prefect_harness):
    """A real page on 龙华区 (深圳新闻网), without its dateline and the line that names 深圳, given to
    the refresh with its region, kind and year from a manifest: 龙华区 is in 深圳市 and in 海口市, so its facts keep no code and
    the quality page lists them with both places."""
    from _documents import NOTICE
    from flows.refresh import refresh

    src = tmp_path_factory.mktemp("uncoded-src")
    page = Path(__file__).resolve().parents[2] / "data" / "wild_dev" / "pages" / "d314_longhua_2018.txt"
    lines = page.read_text(encoding="utf-8").splitlines()
    (src / "longhua_cut.txt").write_text("\n".join(lines[1:3] + lines[4:6]), encoding="utf-8")
    shutil.copy(NOTICE, src / NOTICE.name)
    (src / "sources.yaml").write_text(
        f"documents:\n  - path: longhua_cut.txt\n    region: 龙华区\n    kind: work_report\n    year: 2017\n"
        f"  - path: {NOTICE.name}\n", encoding="utf-8")
    db = tmp_path_factory.mktemp("uncoded-wh") / "gwr.duckdb"
    summary = refresh(sources=[str(src / "sources.yaml")], db=str(db))
    assert summary.checks_failed == 0
    out = tmp_path_factory.mktemp("uncoded-report")
    r = gwr("report", "--db", str(db), "--out", str(out))
    assert r.exit_code == 0, r.output
    q = (out / "quality.html").read_text()
    con = duckdb.connect(str(db), read_only=True)
    (n,) = con.execute(" UNION ALL ".join(
        f"SELECT count(*) FROM marts.{m} WHERE region = '龙华区' AND region_code IS NULL"
        for m in ("fct_targets", "fct_actuals", "fct_rankings")).join(["SELECT sum(c) FROM (", ") t(c)"])).fetchone()
    total, coded = con.execute(" UNION ALL ".join(
        f"SELECT count(*), count(region_code) FROM marts.{m}" for m in ("fct_targets", "fct_actuals", "fct_rankings"))
        .join(["SELECT sum(t), sum(c) FROM (", ") x(t, c)"])).fetchone()
    con.close()
    assert n >= 5 and coded == total - n
    assert f"{coded} of {total} facts in the marts carry the six-digit code" in q
    assert f"({100 * coded / total:.1f}%)" in q
    row = re.search(r"<tr><td>龙华区</td><td><a href=\"documents/longhua_cut.html\"><code>longhua_cut</code></a></td>"
                    r"<td class=\"n\">(\d+)</td><td>([^<]*)</td>", q)
    assert row and int(row.group(1)) == n
    assert "深圳市 龙华区 440309" in row.group(2) and "海口市 龙华区 460106" in row.group(2)
