"""Nightly refresh: incremental, safe under failure, kind to bad input.

Unit tests (readers, manifests, the incremental plan, HTTP fetching against a local server, the
serve deployment) need no Prefect. The flow tests share one Prefect test harness and small corpus
subsets:

- (a) a refresh with nothing changed parses 0 documents and every mart keeps its rows;
- (b) a changed document's facts are replaced; a removed document's leave the marts;
- (c) kill -9 of a real `gwr refresh` during dbt build leaves the published marts as they were, and
  the next refresh succeeds;
- (d) hostile files mixed with good ones (GB18030, UTF-16, HTML, docx, PDF, an http URL): every
  good document is published, every bad file has its row in ops.ingest_errors;
- (e) two refreshes started together corrupt nothing.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from _warehouse import query, snapshot

from ingestion.readers import UnreadableFile, decode_bytes, html_main_text, read_bytes, read_text

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "sample_corpus"
NOTICE = CORPUS / "000_500ad30c4c1f596f.txt"  # 咸宁市 2022 三季度进展通报
DAYE = CORPUS / "004_6e630300c27251eb.txt"  # 大冶市 2022
GWR = Path(sys.executable).with_name("gwr")
GDP_SENTENCE = "1.地区生产总值增长8%左右。1-9月,完成地区生产总值1321.29亿元,比上年同期增长4.4%,全省排名第13位。"


def _text(p: Path) -> str:
    return p.read_text(encoding="utf-8")


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


# ============================================================================ readers (no Prefect)

S2T = str.maketrans("业个产亿会区总点环规计费资长预额", "業個產億會區總點環規計費資長預額")


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_decode_corpus_text_in_each_encoding(enc):
    text = _text(NOTICE)
    assert decode_bytes(text.encode(enc)) == text


def test_big5_is_told_apart_from_gb18030():
    # Big5 bytes also "decode" as GB18030 (into rare characters): the plausibility score decides.
    excerpt = _text(NOTICE)[_text(NOTICE).index("1.地区"):][:300]
    traditional = excerpt.translate(S2T)
    data = traditional.encode("big5")
    assert data.decode("gb18030") != traditional  # the trap
    assert decode_bytes(data) == traditional
    assert decode_bytes(traditional[:30].encode("big5")) == traditional[:30]
    assert decode_bytes(excerpt.encode("gb18030")) == excerpt


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t \r\n", "whitespace"),
    ("nul.txt", "地区生产总值".encode() + b"\x00\x01" + "增长".encode() + b"\x00", "NUL"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)) * 4, "PNG"),
    ("cut.txt", "地区生产总值增长8%左右".encode("utf-8")[:-1], "truncated"),
    ("cut-gb.txt", "地区生产总值增长百分之八左右".encode("gb18030")[:-1], "truncated"),
    ("garbled.txt", bytes([0x80, 0xFF, 0xFE, 0x81, 0x30]) * 50, "encoding"),
    ("nav.html", b"<html><head><script>var x=1</script><style>p{}</style></head><body>"
                 b"<nav><a href='/'>home</a></nav><footer>copyright</footer></body></html>", "HTML"),
    ("broken.docx", b"PK\x03\x04" + b"\x00" * 20, "docx"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj <<", "PDF"),
])
def test_bad_input_is_refused_in_plain_words(tmp_path, name, data, reason):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(UnreadableFile) as info:
        read_text(p)
    assert reason.lower() in info.value.reason.lower(), info.value.reason
    assert name in str(info.value)


def test_size_limit_from_argument_and_environment(tmp_path, monkeypatch):
    p = tmp_path / "big.txt"
    p.write_text(_text(NOTICE), encoding="utf-8")
    with pytest.raises(UnreadableFile, match="over the size limit of 1000 bytes"):
        read_text(p, max_bytes=1000)
    monkeypatch.setenv("GWR_MAX_BYTES", "2K")
    with pytest.raises(UnreadableFile, match="over the size limit of 2048 bytes"):
        read_text(p)
    monkeypatch.setenv("GWR_MAX_BYTES", "20M")
    assert read_text(p) == _text(NOTICE)


def _html_page(paragraphs: list[str], title: str = "通报") -> str:
    import html

    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
        "<style>.x{color:red}</style><script>var t='地区生产总值增长99%';</script></head><body>"
        "<div class='top-nav'><ul><li><a href='/'>首页</a></li><li><a href='/zw'>政务公开</a></li></ul></div>"
        "<nav><a href='/'>网站导航</a> <a href='/map'>地图</a></nav>"
        "<header><div class='logo'>人民政府门户网站</div></header>"
        f"<div id='zoom' class='article'>\n{body}</div>"
        "<div class='share'>分享到:微信 微博</div>"
        "<footer><p>版权所有:人民政府办公室 电话:0715-1234567</p></footer>"
        "<script>console.log('done')</script></body></html>"
    )


def test_html_keeps_main_text_only():
    paras = [p for p in _text(NOTICE).split("\n") if p.strip()]
    main = html_main_text(_html_page(paras))
    assert GDP_SENTENCE in main
    for boiler in ("99%", "网站导航", "首页", "版权所有", "分享到:微信", "console", "color:red", "门户网站"):
        assert boiler not in main, boiler
    assert main.split("\n") == [" ".join(p.split()) for p in paras]


def test_html_in_gb18030_with_line_breaks_in_the_source():
    page = _html_page(["1.地区生产总值增长8%左右。1-9月,完成地区生产总值\n1321.29亿元,比上\n年同期增长4.4%。"])
    text = read_bytes(page.encode("gb18030"), "page.html")
    assert "比上年同期增长4.4%" in text


def _make_docx(path: Path, text: str) -> None:
    import docx

    d = docx.Document()
    for line in text.split("\n"):
        d.add_paragraph(line)
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "表格", "地区生产总值"
    d.save(str(path))


def _make_pdf(path: Path, text: str, chars_per_line: int = 38) -> None:
    """A PDF with a CJK text layer, wrapped like a real page (reportlab's CID font STSong-Light
    needs no font file)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 10)
    y = 800
    for line in text.split("\n"):
        for i in range(0, max(len(line), 1), chars_per_line):
            c.drawString(40, y, line[i:i + chars_per_line])
            y -= 14
            if y < 40:
                c.showPage()
                c.setFont("STSong-Light", 10)
                y = 800
    c.save()


def test_docx_and_pdf_are_read_and_parsed(tmp_path):
    from ingestion.pipeline import parse_path

    text = _text(NOTICE)
    _make_docx(tmp_path / "notice.docx", text)
    _make_pdf(tmp_path / "notice.pdf", text)
    dtext = read_text(tmp_path / "notice.docx")
    assert GDP_SENTENCE in dtext and "表格 地区生产总值" in dtext
    ptext = read_text(tmp_path / "notice.pdf")
    assert GDP_SENTENCE in ptext  # wrapped lines joined again
    for name in ("notice.docx", "notice.pdf"):
        doc = parse_path(tmp_path / name)[0]
        assert (doc.document.region, doc.document.year) == ("咸宁市", 2022)
        gdp = {(f.kind, f.measure, f.value) for f in doc.facts if f.indicator == "gdp"}
        assert ("target", "growth_pct", 8.0) in gdp and ("actual", "growth_pct", 4.4) in gdp, name


def test_pdf_without_text_layer_is_refused(tmp_path):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "scan.pdf"))
    c.rect(100, 100, 300, 300, fill=1)
    c.save()
    with pytest.raises(UnreadableFile, match="no text layer"):
        read_text(tmp_path / "scan.pdf")


# ================================================================================ manifest, plan


def test_manifest_overrides_region_year_and_kind(tmp_path):
    from ingestion.sources.discover import expand_sources
    from ingestion.pipeline import parse_path

    shutil.copy(NOTICE, tmp_path / "n.txt")
    (tmp_path / "m.yaml").write_text(
        "documents:\n"
        "  - path: n.txt\n    region: 赤壁市\n    year: 2021\n    kind: progress_notice\n"
        "  - url: http://127.0.0.1:9/report.html\n    region: 彬州市\n",
        encoding="utf-8",
    )
    srcs = expand_sources([str(tmp_path / "m.yaml")])
    assert sorted(s.is_url for s in srcs) == [False, True]
    local = next(s for s in srcs if not s.is_url)
    assert local.path == (tmp_path / "n.txt").resolve()
    assert local.override_dict == {"region": "赤壁市", "year": 2021, "kind": "progress_notice"}
    before = parse_path(local.path)[0]
    doc = parse_path(local.path, local.override_dict)[0]
    assert (doc.document.region, doc.document.year, doc.document.target_year) == ("赤壁市", 2021, 2021)
    # facts that defaulted to the document's region and year follow the override
    defaulted = [f for f in before.facts if f.region == "咸宁市" and f.year == 2022]
    assert defaulted
    assert sum(1 for f in doc.facts if f.region == "赤壁市" and f.year == 2021) == len(defaulted)
    assert not any(f.region == "咸宁市" for f in doc.facts)

    (tmp_path / "bad.yaml").write_text("documents:\n  - path: n.txt\n    kind: memo\n", encoding="utf-8")
    from ingestion.sources.discover import ManifestError

    with pytest.raises(ManifestError, match="kind must be one of"):
        expand_sources([str(tmp_path / "bad.yaml")])


def test_plan_skips_unchanged_and_reparses_on_new_extractor_version(tmp_path):
    from ingestion.sources.incremental import StoredState, plan_sources, state_rows
    from ingestion.sources.discover import expand_sources

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("甲", encoding="utf-8")
    b.write_text("乙", encoding="utf-8")
    srcs = expand_sources([str(tmp_path)])
    first = plan_sources(srcs, StoredState({}, True, 0, set()), "v1")
    assert len(first.to_parse) == 2 and not first.full
    rows = state_rows(first, {str(a.resolve()): 1, str(b.resolve()): 1}, {}, "r1", "v1", {})
    state = StoredState({r["source"]: r for r in rows}, True, 2, {"v1"})

    again = plan_sources(srcs, state, "v1")
    assert (len(again.to_parse), len(again.unchanged), again.removed) == (0, 2, [])
    os.utime(a, ns=(time.time_ns(), time.time_ns() + 10**9))  # touched, same bytes: unchanged
    assert len(plan_sources(srcs, state, "v1").unchanged) == 2
    b.write_text("丙", encoding="utf-8")
    changed = plan_sources(srcs, state, "v1")
    assert [p.source.path.name for p in changed.to_parse] == ["b.txt"]
    a.unlink()
    gone = plan_sources(expand_sources([str(tmp_path)]), state, "v1")
    assert gone.removed == [str(a.resolve())]
    new_version = plan_sources(srcs[1:], state, "v2")
    assert new_version.full and "extractor version" in new_version.full_reason
    assert len(new_version.to_parse) == 1
    assert plan_sources(srcs[1:], state, "v1", full=True).full


# ========================================================================== HTTP (local server)


class _Site:
    """A tiny local web server with ETags, a flaky page and a request budget; it stops itself."""

    def __init__(self, pages: dict[str, bytes], flaky: dict[str, int] | None = None, budget: int = 60):
        self.pages = dict(pages)
        self.flaky = dict(flaky or {})
        self.log: list[tuple[str, int]] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                if len(site.log) >= budget:
                    self.send_error(503)
                    return
                path = self.path.split("?")[0]
                if site.flaky.get(path, 0) > 0:
                    site.flaky[path] -= 1
                    site.log.append((path, 503))
                    self.send_error(503, "try later")
                    return
                body = site.pages.get(path)
                if body is None:
                    site.log.append((path, 404))
                    self.send_error(404)
                    return
                etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
                if self.headers.get("If-None-Match") == etag:
                    site.log.append((path, 304))
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                site.log.append((path, 200))
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.timer = threading.Timer(300, self.server.shutdown)  # stops itself in any case

    def __enter__(self) -> "_Site":
        self.thread.start()
        self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.cancel()
        self.server.shutdown()
        self.server.server_close()


def test_http_conditional_get_size_limit_and_transient_errors(tmp_path):
    from ingestion.sources.fetch import HttpOptions, TransientFetchError, fetch_all

    page = _html_page([GDP_SENTENCE]).encode("utf-8")
    with _Site({"/r.html": page, "/big.html": b"x" * 5000}, flaky={"/flaky.html": 1}) as site:
        site.pages["/flaky.html"] = page
        opts = HttpOptions(timeout=5, max_bytes=4000)
        urls = [f"{site.base}/r.html", f"{site.base}/big.html", f"{site.base}/flaky.html",
                f"{site.base}/missing.html"]
        done: dict = {}
        with pytest.raises(TransientFetchError, match="flaky"):
            fetch_all(urls, {}, tmp_path, opts, done, last_attempt=False)
        res = {r.url.rsplit("/", 1)[1]: r for r in fetch_all(urls, {}, tmp_path, opts, done, last_attempt=False)}
        assert res["r.html"].status == "fetched" and res["flaky.html"].status == "fetched"
        assert "size limit" in res["big.html"].error and res["big.html"].path is None
        assert "404" in res["missing.html"].error
        assert read_text(res["r.html"].path).strip() == GDP_SENTENCE
        # second night: validators sent, 304, same cached file (so not parsed again)
        prev = {r.url: dict(r.cache_row, run_id="r1") for r in res.values() if r.cache_row}
        n = len(site.log)
        again = fetch_all(urls[:1], prev, tmp_path, opts, {}, last_attempt=True)[0]
        assert site.log[n:] == [("/r.html", 304)]
        assert again.status == "not_modified" and again.path == res["r.html"].path
        # the page changes: a new body file, the old one untouched
        site.pages["/r.html"] = page.replace(b"4.4%", b"5.5%")
        changed = fetch_all(urls[:1], prev, tmp_path, opts, {}, last_attempt=True)[0]
        assert changed.status == "fetched" and changed.path != res["r.html"].path
        assert res["r.html"].path.read_bytes() == page
    # server gone: the last cached body is used, and the reason says so
    stale = fetch_all(urls[:1], prev, tmp_path, HttpOptions(timeout=2), {}, last_attempt=True)[0]
    assert stale.status == "stale" and stale.path == res["r.html"].path
    assert "could not connect" in stale.error and "r1" in stale.error


# ================================================================================ gwr serve


def test_serve_help_and_schedule():
    from click.testing import CliRunner

    from gwr.cli import cli
    from flows.serve import build_deployment

    res = CliRunner().invoke(cli, ["serve", "--help"])
    assert res.exit_code == 0 and "--cron" in res.output and "Asia/Shanghai" in res.output
    d = build_deployment(sources=[str(CORPUS)], db="/tmp/gwr-serve-test/gwr.duckdb")
    sched = d.schedules[0].schedule
    assert (sched.cron, sched.timezone) == ("0 2 * * *", "Asia/Shanghai")
    assert d.parameters["db"] == "/tmp/gwr-serve-test/gwr.duckdb" and d.parameters["wait"] is True
    assert d.parameters["sources"] == [str(CORPUS)]
    assert d.entrypoint == "flows.refresh.refresh"
    d = build_deployment(cron="30 3 * * 1-5", timezone="Europe/Berlin")
    assert (d.schedules[0].schedule.cron, d.schedules[0].schedule.timezone) == ("30 3 * * 1-5", "Europe/Berlin")
    res = CliRunner().invoke(cli, ["serve", "--timezone", "Mars/Olympus"])
    assert res.exit_code == 2 and "unknown time zone" in res.output


# ============================================================================ the flow, end to end


def _harness_env(tmp: Path) -> dict[str, str]:
    """Environment for a `gwr` subprocess that talks to this session's Prefect test harness."""
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ)
    env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture(scope="module")
def nightly(tmp_path_factory, prefect_harness):
    """A warehouse built cold from two reports, then refreshed with nothing changed."""
    from flows.refresh import refresh

    corpus = tmp_path_factory.mktemp("nightly-corpus")
    shutil.copy(NOTICE, corpus / NOTICE.name)
    shutil.copy(DAYE, corpus / DAYE.name)
    db = tmp_path_factory.mktemp("nightly-wh") / "gwr.duckdb"
    t0 = time.monotonic()
    cold = refresh(sources=[str(corpus)], db=str(db))
    cold_s = time.monotonic() - t0
    before = snapshot(db)
    t0 = time.monotonic()
    warm = refresh(sources=[str(corpus)], db=str(db))
    warm_s = time.monotonic() - t0
    print(f"\ncold refresh {cold_s:.1f} s, nothing-changed refresh {warm_s:.1f} s "
          f"(ratio {warm_s / cold_s:.2f})")
    return {"corpus": corpus, "db": db, "cold": cold, "warm": warm, "before": before,
            "cold_s": cold_s, "warm_s": warm_s}


@pytest.mark.usefixtures("prefect_harness")
class TestNightly:
    def test_a_nothing_changed_parses_nothing_and_keeps_every_mart(self, nightly):
        cold, warm, db = nightly["cold"], nightly["warm"], nightly["db"]
        assert cold.documents == 2 and cold.full
        assert warm.documents == 0 and warm.files_unchanged == 2 and not warm.full
        assert warm.build_skipped
        assert snapshot(db) == nightly["before"]
        assert all(nightly["before"].values())
        rows = dict(query(db, "SELECT run_id, documents_parsed FROM ops.runs WHERE state = 'succeeded'"))
        assert rows[cold.run_id] == 2 and rows[warm.run_id] == 0
        assert nightly["warm_s"] < 0.5 * nightly["cold_s"]
        assert query(db, "SELECT count(*) FROM ops.source_files WHERE status = 'loaded' "
                          "AND file_hash IS NOT NULL") == [(2,)]

    def test_b_e_two_refreshes_together_replace_changed_and_drop_removed_documents(self, nightly, tmp_path):
        """(e) two `gwr refresh` processes started together (one --wait) on (b) a changed and a
        removed document: nothing is corrupted, the changed facts replace the old ones and the
        removed document leaves the marts (one build for both, to keep the suite short)."""
        corpus, db = nightly["corpus"], nightly["db"]
        p = corpus / NOTICE.name
        p.write_text(_text(p).replace("比上年同期增长4.4%,全省排名第13位", "比上年同期增长5.5%,全省排名第9位"),
                     encoding="utf-8")
        (corpus / DAYE.name).unlink()
        env = _harness_env(tmp_path)
        cmds = {
            "plain": [str(GWR), "refresh", "--source", str(corpus), "--db", str(db)],
            "wait": [str(GWR), "refresh", "--wait", "--source", str(corpus), "--db", str(db)],
        }
        procs = {k: subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, start_new_session=True) for k, c in cmds.items()}
        out = {}
        try:
            for k, pr in procs.items():
                out[k] = pr.communicate(timeout=400)
        finally:
            for pr in procs.values():
                if pr.poll() is None:
                    os.killpg(pr.pid, signal.SIGKILL)
        codes = {k: pr.returncode for k, pr in procs.items()}
        assert codes["wait"] == 0, out["wait"][1][-2000:]
        assert codes["plain"] in (0, 2), out["plain"][1][-2000:]
        if codes["plain"] == 2:
            assert "another refresh is already running" in out["plain"][1]
        # (e) the warehouse is whole: views work, no failed run, no leftovers
        assert query(db, "SELECT count(*) FROM staging.stg_raw__facts")[0][0] > 0
        states = dict(query(db, "SELECT state, count(*) FROM ops.runs GROUP BY 1"))
        assert states.get("failed", 0) == 0 and states.get("running", 0) == 0, states
        assert not (db.parent / (db.name + ".wal")).exists()
        assert not any((db.parent / ".build").iterdir())
        runs = query(db, "SELECT documents_parsed, documents_removed FROM ops.runs "
                          "WHERE started > (SELECT max(started) FROM ops.runs WHERE run_id = ?) "
                          "ORDER BY started", [nightly["warm"].run_id])
        assert sorted(runs) == sorted([(1, 1)] + [(0, 0)] * (len(runs) - 1)) and len(runs) == 1 + (codes["plain"] == 0)
        # (b) the changed document's facts replace its old ones
        gdp = query(db, "SELECT value FROM marts.fct_actuals WHERE region = '咸宁市' AND indicator = 'gdp' "
                         "AND year = 2022 AND period_end_month = 9 AND measure = 'growth_pct'")
        assert gdp == [(5.5,)]
        assert (9, "全省") in query(db, "SELECT rank, rank_scope FROM marts.fct_rankings "
                                         "WHERE region = '咸宁市' AND indicator = 'gdp' AND year = 2022")
        (build_run,) = query(db, "SELECT run_id FROM ops.runs WHERE documents_parsed = 1 "
                                  "ORDER BY started DESC LIMIT 1")[0]
        assert query(db, "SELECT count(*) FROM raw.facts WHERE run_id <> ?", [build_run]) == [(0,)]
        # (b) the removed document is gone from every mart, marked removed in raw and ops
        assert query(db, "SELECT document_id FROM marts.dim_document") == [(NOTICE.stem,)]
        for mart in ("fct_targets", "fct_actuals", "fct_rankings", "fct_target_attainment"):
            assert query(db, f"SELECT count(*) FROM marts.{mart} WHERE region = '大冶市'") == [(0,)]
        assert query(db, "SELECT removed_at IS NOT NULL FROM raw.documents WHERE document_id = ?",
                      [DAYE.stem]) == [(True,)]
        assert query(db, "SELECT status FROM ops.source_files WHERE source LIKE ?",
                      [f"%{DAYE.name}"]) == [("removed",)]

    def test_c_kill_9_during_dbt_build_changes_nothing(self, nightly, tmp_path):
        from flows.refresh import refresh

        corpus, db = nightly["corpus"], nightly["db"]
        before, before_sha = snapshot(db), _sha(db)
        dbt_log = db.parent / ".dbt" / "logs" / "dbt.log"
        if dbt_log.exists():
            dbt_log.unlink()
        proc = subprocess.Popen(
            [str(GWR), "refresh", "--full", "--source", str(corpus), "--db", str(db)],
            env=_harness_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and proc.poll() is None:
                if dbt_log.exists() and "START" in dbt_log.read_text(errors="replace"):
                    break
                time.sleep(0.05)
            assert proc.poll() is None, "the refresh ended before dbt build started"
            time.sleep(0.5)  # into the build
            assert any((db.parent / ".build").glob("*/gwr.duckdb")), "no build file being written"
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)
        assert proc.returncode == -signal.SIGKILL
        assert _sha(db) == before_sha and snapshot(db) == before
        assert any((db.parent / ".build").iterdir())  # the killed run's leftovers
        s = refresh(sources=[str(corpus)], db=str(db))  # nobody cleaned anything up
        assert snapshot(db) == before and s.documents == 0
        assert not any((db.parent / ".build").iterdir())


def _hostile_folder(root: Path, max_bytes: int) -> tuple[list[str], list[str]]:
    """Good reports in several forms and bad files; returns (good document ids, bad file names)."""
    root.mkdir()
    notice, daye = _text(NOTICE), _text(DAYE)
    (root / "good_gb18030.txt").write_bytes(notice.encode("gb18030"))
    (root / "good_utf16.txt").write_bytes(daye.encode("utf-16"))
    paras = [p for p in _text(CORPUS / "002_f32c294674d3e8c0.txt").split("\n") if p.strip()]
    (root / "good_page.html").write_text(_html_page(paras), encoding="utf-8")
    _make_docx(root / "good_word.docx", _text(CORPUS / "001_d7344a832e05616a.txt"))
    bad = {
        "empty.txt": b"",
        "blank.txt": b" \n\t\n   \n",
        "binary.txt": b"\x89PNG\r\n\x1a\n" + os.urandom(2000),
        "nul.txt": notice[:200].encode("utf-8") + b"\x00\x00\x00" + notice[200:400].encode("utf-8"),
        "truncated.txt": (notice[:300] + "增长").encode("utf-8")[:-1],
        "undecodable.txt": bytes([0x80, 0xFF]) * 400,
        "menu_only.html": b"<html><body><nav><a href='/'>\xe9\xa6\x96\xe9\xa1\xb5</a></nav>"
                          b"<script>var a=1;</script><footer>\xc2\xa9 2023</footer></body></html>",
        "too_big.txt": (notice * (max_bytes // len(notice.encode()) + 2)).encode("utf-8"),
        "broken.docx": b"PK\x03\x04\x14\x00" + os.urandom(300),
    }
    for name, data in bad.items():
        (root / name).write_bytes(data)
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(root / "scan.pdf"))
    c.rect(100, 100, 300, 300, fill=1)
    c.save()
    good = ["good_gb18030", "good_utf16", "good_page", "good_word"]
    return good, sorted([*bad, "scan.pdf"])


@pytest.mark.usefixtures("prefect_harness")
def test_d_hostile_input_is_quarantined_and_good_documents_published(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from gwr.cli import cli
    from flows.refresh import refresh

    max_bytes = 200_000
    good, bad = _hostile_folder(tmp_path / "in", max_bytes)
    monkeypatch.setenv("GWR_HTTP_RETRY_DELAY", "0.2")
    monkeypatch.setenv("GWR_HTTP_RETRIES", "2")
    page = _html_page([p for p in _text(NOTICE).split("\n") if p.strip()]).encode("gb18030")
    page = page.replace(b"charset='utf-8'", b"charset='gb18030'")
    db = tmp_path / "wh" / "gwr.duckdb"
    with _Site({"/zwgk/notice.html": page}, flaky={"/zwgk/notice.html": 1}) as site:
        url = f"{site.base}/zwgk/notice.html"
        manifest = tmp_path / "sources.yaml"
        manifest.write_text(f"documents:\n  - url: {url}\n    region: 赤壁市\n", encoding="utf-8")
        s = refresh(sources=[str(tmp_path / "in"), str(manifest)], db=str(db), max_bytes=max_bytes)
        assert site.log[:2] == [("/zwgk/notice.html", 503), ("/zwgk/notice.html", 200)]  # retried

        published = {r[0] for r in query(db, "SELECT document_id FROM marts.dim_document")}
        url_doc = [d for d in published if d.startswith("notice-")]
        assert set(good) <= published and len(url_doc) == 1, published
        assert query(db, "SELECT region, source_path FROM raw.documents WHERE document_id = ?",
                      url_doc) == [("赤壁市", url)]
        assert query(db, "SELECT count(*) FROM marts.fct_actuals WHERE document_id = ?", url_doc)[0][0] > 0
        errors = {Path(f).name: (run, reason) for run, f, reason in query(
            db, "SELECT run_id, file, reason FROM ops.ingest_errors")}
        assert sorted(errors) == bad, errors
        assert all(run == s.run_id and reason for run, reason in errors.values())
        assert "over the size limit" in errors["too_big.txt"][1]
        assert "no text layer" in errors["scan.pdf"][1]
        from gwr.cli.render import render_summary

        text = render_summary(s)
        assert all(f"quarantined {tmp_path / 'in' / name}" in text for name in bad), text
        assert query(db, "SELECT url, etag IS NOT NULL FROM ops.http_cache") == [(url, True)]

        # the next night: the page answers 304, nothing is parsed; --strict still fails the run
        n = len(site.log)
        res = CliRunner().invoke(cli, ["refresh", "--strict", "--source", str(tmp_path / "in"),
                                       "--source", str(manifest), "--db", str(db),
                                       "--max-bytes", str(max_bytes)])
        assert res.exit_code == 3, res.output
        assert site.log[n:] == [("/zwgk/notice.html", 304)]
        (run_id, parsed), = query(db, "SELECT run_id, documents_parsed FROM ops.runs "
                                       "ORDER BY started DESC LIMIT 1")
        assert parsed == 0
        assert query(db, "SELECT count(*) FROM ops.ingest_errors WHERE run_id = ?", [run_id]) == [(len(bad),)]
