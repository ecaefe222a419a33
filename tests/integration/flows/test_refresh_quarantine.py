"""One odd document never stops the nightly, and every document is read (issue 9), with real refreshes.

- the 24 real scraped pages of sample_corpus_wild/ publish without a manifest (at least 20 with the
  region sources.csv gives, the others quarantined with a reason that says what to add), and with
  the bundled manifest_regions.yaml (all 24);
- a quarantined document comes back by itself: after an extractor release (a new extractor
  version: every source parsed again) and after a manifest entry (its overrides change);
- a folder mixing the wild pages, hostile files (empty, binary, NUL bytes, truncated UTF-8, a
  400 KB single-line number soup, an oversize file) and good reports in GB18030, UTF-16 and HTML
  publishes: every good document is in the marts, every other one has a quarantine row with a
  reason (ops.quarantined_documents);
- more than GWR_QUARANTINE_MAX_SHARE of a run quarantined is systemic: the run fails, nothing is
  published, its quarantine list is kept; an empty mart is not (a warning).
"""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest
from _documents import CORPUS, DAYE, NOTICE, _html_page, _text
from _warehouse import query

from contracts.settings import SAMPLE_CORPUS_WILD_DIR

WILD = SAMPLE_CORPUS_WILD_DIR
WILD_REGION = {r["id"]: r["region"] for r in csv.DictReader((WILD / "sources.csv").open(encoding="utf-8"))}
SOUP_UNIT = "1.2%;3.4亿元;第5位;"
MAX_BYTES = 1_000_000
pytestmark = pytest.mark.usefixtures("prefect_harness")


def _published(db: Path) -> dict[str, str | None]:
    return dict(query(db, "SELECT document_id, region FROM marts.dim_document"))


def _quarantine(db: Path, run_id: str) -> dict[str, tuple[str | None, str, str | None]]:
    """file name → (document id, reason, fix) of the run's quarantine list."""
    rows = query(db, "SELECT source, document_id, reason, fix FROM ops.quarantined_documents WHERE run_id = ?",
                 [run_id])
    return {Path(src).name: (doc, reason, fix) for src, doc, reason, fix in rows}


def _cli_refresh(*args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from gwr.cli import cli

    res = CliRunner().invoke(cli, ["refresh", *args])
    return res.exit_code, res.output


def test_the_wild_pages_publish_without_and_with_the_manifest_and_come_back_after_a_release(
    tmp_path, monkeypatch,
):
    import ingestion
    import ingestion.extract
    import ingestion.pipeline
    from flows.refresh import refresh
    from ingestion.parse import triage

    db = tmp_path / "wh" / "gwr.duckdb"
    monkeypatch.setenv("GWR_WORKERS", "1")  # parse in this process, where the old release is patched in

    # 1. An older release of the extractor that held every page before 2015 as implausible.
    real_version = ingestion.EXTRACTOR_VERSION
    with monkeypatch.context() as old:
        for module in (ingestion, ingestion.pipeline, ingestion.extract):
            old.setattr(module, "EXTRACTOR_VERSION", "0.0.1+older")
        old.setattr(triage, "FIRST_YEAR", 2015)
        first = refresh(sources=[str(WILD)], db=str(db))
    held = {q["document_id"] for q in first.quarantined if q["reason"].startswith("implausible year")}
    assert len(held) >= 3 and not held & set(_published(db)), held
    assert query(db, "SELECT DISTINCT extractor_version FROM raw.documents") == [("0.0.1+older",)]

    # 2. The release that fixes it: a new extractor version parses every page again and the held
    #    pages come back by themselves. Without a manifest, >= 20 of the 24 pages publish with the
    #    region sources.csv gives; each other one is quarantined saying what to add.
    code, out = _cli_refresh("--strict", "--source", str(WILD), "--db", str(db))
    (run_id,), = query(db, "SELECT run_id FROM ops.runs ORDER BY started DESC LIMIT 1")
    assert "full rebuild" in out and "extractor version changed" in out, out
    published = _published(db)
    assert held <= set(published)
    right = {d for d, region in published.items() if region == WILD_REGION[d]}
    assert len(right) >= 20, sorted(set(WILD_REGION) - right)
    quarantined = _quarantine(db, run_id)
    assert set(published) | {doc for doc, _, _ in quarantined.values()} == set(WILD_REGION)
    for name, (doc, reason, fix) in quarantined.items():
        assert doc == Path(name).stem and reason and "manifest" in fix, (name, reason, fix)
        assert f"quarantined {WILD / name}: {reason}" in out and f"fix: {fix}" in out
    assert code == (3 if quarantined else 0), out  # --strict: published, something quarantined
    # a quarantined page stays in raw for inspection, with its facts, and none of them is in a mart
    for doc, _, _ in quarantined.values():
        assert query(db, "SELECT quarantine_reason IS NOT NULL FROM raw.documents WHERE document_id = ?",
                     [doc]) == [(True,)]
        assert query(db, "SELECT count(*) FROM marts.fct_actuals WHERE document_id = ?", [doc]) == [(0,)]
    assert query(db, "SELECT state, errors FROM ops.runs WHERE run_id = ?", [run_id]) == [
        ("succeeded", len(quarantined))]

    # 3. With the bundled manifest (named after the folder: the manifest's region wins either way),
    #    every page publishes with its region, the quarantined ones included.
    code, out = _cli_refresh("--strict", "--source", str(WILD), "--source", str(WILD / "manifest_regions.yaml"),
                             "--db", str(db))
    assert code == 0 and "quarantined: none" in out, out
    assert _published(db) == WILD_REGION
    assert ingestion.EXTRACTOR_VERSION == real_version


def _mixed_folder(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The wild pages, hostile files and good reports in other encodings and formats: (good
    document id → region, hostile file name → what its reason must say)."""
    root.mkdir(parents=True)
    for page in WILD.glob("*.txt"):
        shutil.copy(page, root / page.name)
    notice, daye = _text(NOTICE), _text(DAYE)
    (root / "good_gb18030.txt").write_bytes(notice.encode("gb18030"))
    (root / "good_utf16.txt").write_bytes(daye.encode("utf-16"))
    page = _html_page([p for p in _text(CORPUS / "001_d7344a832e05616a.txt").split("\n") if p.strip()])
    (root / "good_page.html").write_text(page, encoding="utf-8")
    soup = SOUP_UNIT * (400_000 // len(SOUP_UNIT.encode("utf-8")))
    hostile = {
        "empty.txt": (b"", "empty"),
        "binary.txt": (b"\x89PNG\r\n\x1a\n" + os.urandom(4000), "not text"),
        "nul.txt": (notice[:300].encode("utf-8") + b"\x00\x00" + notice[300:600].encode("utf-8"), "NUL bytes"),
        "truncated.txt": ((notice[:400] + "增长").encode("utf-8")[:-1], "truncated"),
        "soup.txt": (soup.encode("utf-8"), "no readable prose"),
        "oversize.txt": ((notice * (MAX_BYTES // len(notice.encode("utf-8")) + 2)).encode("utf-8"),
                         "over the size limit"),
    }
    for name, (data, _) in hostile.items():
        (root / name).write_bytes(data)
    assert 390_000 < len((root / "soup.txt").read_bytes()) <= 400_000 and "\n" not in soup
    good = {"good_gb18030": "咸宁市", "good_utf16": "大冶市", "good_page": "咸宁市"}
    return good, {name: says for name, (_, says) in hostile.items()}


def test_a_folder_mixing_wild_pages_hostile_files_and_good_reports_publishes(tmp_path):
    from flows.refresh import refresh

    good, hostile = _mixed_folder(tmp_path / "in")
    db = tmp_path / "wh" / "gwr.duckdb"
    s = refresh(sources=[str(tmp_path / "in")], db=str(db), max_bytes=MAX_BYTES)

    published = _published(db)
    assert {d: published.get(d) for d in good} == good  # every good report, in its region
    for doc in good:
        assert query(db, "SELECT count(*) > 0 FROM marts.fct_actuals WHERE document_id = ?", [doc]) == [(True,)]
    quarantined = _quarantine(db, s.run_id)
    for name, says in hostile.items():  # every hostile file has its row, with a reason that says why
        assert name in quarantined and says in quarantined[name][1], (name, quarantined.get(name))
    assert quarantined["soup.txt"][0] == "soup"  # read, kept in raw, held back as a document
    assert quarantined["empty.txt"][0] is None and quarantined["oversize.txt"][0] is None  # never a document
    assert "--max-bytes" in quarantined["oversize.txt"][2]
    # every document the run read is published or quarantined with a reason, never both
    documents = {d for (d,) in query(db, "SELECT document_id FROM raw.documents")}
    held = {doc for doc, reason, _ in quarantined.values() if doc and reason}
    assert documents == set(published) | held and not set(published) & held
    assert len(published) >= 20 + len(good)
    # the summary and the run say the same, and the systemic check passed with this share
    assert len(s.quarantined) == len(quarantined) == s.quarantined_documents + s.quarantined_files
    (ok, blocking, observed), = query(db, "SELECT success, blocking, observed_value FROM ops.dq_results "
                                          "WHERE run_id = ? AND table_name = 'ops.quarantined_documents'", [s.run_id])
    assert ok and blocking
    assert float(observed) == pytest.approx(len(quarantined) / (len(documents) + s.quarantined_files))
    assert not [f for c in s.checks for f in c.blocking_failures]


def test_a_run_mostly_quarantined_is_systemic_and_publishes_nothing(tmp_path, monkeypatch):
    from expectations import QualityGateError
    from flows.refresh import refresh

    monkeypatch.delenv("GWR_QUARANTINE_MAX_SHARE", raising=False)
    root = tmp_path / "in"
    root.mkdir()
    shutil.copy(NOTICE, root / NOTICE.name)
    (root / "empty.txt").write_bytes(b"")
    (root / "soup.txt").write_text(SOUP_UNIT * 2000, encoding="utf-8")
    shutil.copy(WILD / "w01_jiaxian_2025.txt", root / "w01_jiaxian_2025.txt")  # region unclear
    db = tmp_path / "wh" / "gwr.duckdb"
    with pytest.raises(QualityGateError, match=r"ops\.quarantined_documents\.share quarantined \(at most 0\.5\) \(observed 0\.75\)"):
        refresh(sources=[str(root)], db=str(db))
    (run_id, state), = query(db, "SELECT run_id, state FROM ops.runs")
    assert state == "failed"
    assert query(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema IN ('marts', 'raw')") == [(0,)]
    assert set(_quarantine(db, run_id)) == {"empty.txt", "soup.txt", "w01_jiaxian_2025.txt"}


    # The junk gone, two statistics releases publish though they state no target and no rank: an
    # empty mart is a warning, never a reason to fail.
    for f in root.iterdir():
        f.unlink()
    for page in ("w03_changshou_2023.txt", "w05_youyang_2025.txt"):
        shutil.copy(WILD / page, root / page)
    s = refresh(sources=[str(root)], db=str(db))
    assert s.mart_rows["fct_targets"] == s.mart_rows["fct_rankings"] == 0 and s.mart_rows["fct_actuals"] > 0
    assert set(_published(db)) == {"w03_changshou_2023", "w05_youyang_2025"} and s.quarantined == []
    empty = query(db, "SELECT table_name, blocking FROM ops.dq_results WHERE run_id = ? AND NOT success "
                      "AND expectation = 'expect_table_row_count_to_be_between'", [s.run_id])
    assert sorted(empty) == [("marts.fct_rankings", False), ("marts.fct_target_attainment", False),
                             ("marts.fct_targets", False)]
