"""The refresh flow night after night: incremental, safe under failure, kind to bad input.

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
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _documents import CORPUS, DAYE, NOTICE, _html_page, _make_docx, _text
from _http import _Site
from _warehouse import query, snapshot

GWR = Path(sys.executable).with_name("gwr")


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


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
        # every mart has rows, but the escalation mart: 大冶市's parent (黄石市) and province gave
        # no report here, so it has no target to set beside its own
        assert all(rows for mart, rows in nightly["before"].items() if mart != "marts.fct_target_escalation")
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
    # the folder is hostile on purpose (11 bad files, 5 good documents): above the default share
    # that makes a run systemic (tests/integration/flows/test_refresh_quarantine.py tests that one)
    monkeypatch.setenv("GWR_QUARANTINE_MAX_SHARE", "0.8")
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
