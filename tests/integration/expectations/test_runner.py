"""The quality gate on real data: a raw layer built from a real report must pass, and a corrupted
one must be stopped with a message that names the failing expectation and table.

The raw tables are built by the extractor when it exists (ingestion.pipeline / ingestion.loading.load),
otherwise from the real report text plus the hand-labelled gold facts of that report
(tests/gold/000_*.csv) with offsets found by str.find, following docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from _warehouse import create_raw_tables

from expectations import QualityGateError
from expectations.runner import SuiteOutcome, run_suite
from contracts.settings import WarehousePaths
from expectations.marts_suite import marts_suite
from expectations.raw_suite import indicator_codes, raw_suite, standard_units

REPO = Path(__file__).resolve().parents[3]
DOC_FILE = REPO / "sample_corpus" / "000_500ad30c4c1f596f.txt"
GOLD_FILE = REPO / "tests" / "gold" / "000_500ad30c4c1f596f.csv"
RUN_ID = "test-run"


# --------------------------------------------------------------------------------------------
# Building a raw layer
# --------------------------------------------------------------------------------------------

def _sentences(doc_id: str, text: str) -> list[dict]:
    out = []
    for no, m in enumerate(re.finditer(r"[^。！？!?\n]+[。！？!?]?", text)):
        if not m.group().strip():
            continue
        out.append({"document_id": doc_id, "sentence_no": len(out), "char_start": m.start(),
                    "char_end": m.end()})
    return out


def _num(s: str) -> float | None:
    return float(s) if s not in ("", None) else None


def _manual_raw(db: Path) -> None:
    text = DOC_FILE.read_text(encoding="utf-8")
    doc_id = DOC_FILE.stem
    sents = _sentences(doc_id, text)
    facts = []
    cursor: dict[str, int] = {}
    with GOLD_FILE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            ev = row["evidence"]
            start = text.find(ev, cursor.get(ev, 0))
            if start < 0:
                start = text.find(ev)
            assert start >= 0, f"gold evidence not in the document: {ev}"
            cursor[ev] = start + 1
            end = start + len(ev)
            sent = next(s["sentence_no"] for s in sents if s["char_start"] <= start < s["char_end"])
            p0, p1 = (int(x) for x in row["period"].split("-"))
            key = "|".join([doc_id, str(start), str(end), row["kind"], row["indicator"],
                            row["measure"], row["value"], row["rank_scope"]])
            facts.append({
                "fact_id": hashlib.sha1(key.encode()).hexdigest()[:16],
                "document_id": doc_id, "sentence_no": sent, "region": row["region"],
                "kind": row["kind"], "year": int(row["year"]), "period_start_month": p0,
                "period_end_month": p1, "indicator": row["indicator"] or None,
                "indicator_raw": row["indicator"], "measure": row["measure"],
                "value": _num(row["value"]), "value_high": _num(row["value_high"]),
                "unit": row["unit"] or None, "value_raw": None,
                "comparator": row["comparator"] or None, "estimate": row["estimate"] == "1",
                "rank": int(row["rank"]) if row["rank"] else None,
                "rank_scope": row["rank_scope"] or None,
                "rank_direction": "top" if row["rank"] else None, "target_text": None,
                "evidence": ev, "char_start": start, "char_end": end,
                "extractor_version": "test", "run_id": RUN_ID,
            })
    assert len(facts) >= 20
    documents = [{
        "document_id": doc_id, "source_path": str(DOC_FILE), "source_part": 1,
        "parts_in_source": 1, "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "region": "咸宁市", "kind": "progress_notice", "year": 2022, "target_year": 2022,
        "published_date": dt.date(2023, 1, 16), "title": None, "char_count": len(text),
        "text": text, "extractor_version": "test", "run_id": RUN_ID,
        "loaded_at": dt.datetime(2024, 1, 1),
    }]
    _write_rows(db, {"documents": documents, "sentences": sents, "facts": facts})


def _write_rows(db: Path, tables: dict[str, list[dict]]) -> None:
    create_raw_tables(db)
    con = duckdb.connect(str(db))
    try:
        for table, rows in tables.items():
            df = pd.DataFrame(rows)
            con.register("src", df)
            cols = ", ".join(df.columns)
            con.execute(f"INSERT INTO raw.{table} ({cols}) SELECT {cols} FROM src")
            con.unregister("src")
    finally:
        con.close()


def _build_raw(db: Path) -> str:
    """Build the raw layer with the extractor when it exists; say how it was built."""
    try:
        from ingestion.pipeline import parse_path
    except ImportError:
        _manual_raw(db)
        return "gold"
    parsed = parse_path(DOC_FILE)
    try:
        from ingestion.loading.load import write_raw
    except ImportError:
        write_raw = None
    if write_raw is not None:
        write_raw(f"duckdb:///{db}", parsed, run_id=RUN_ID)
        return "extractor+load"
    docs, sents, facts = [], [], []
    for p in parsed:
        p.document.run_id = RUN_ID
        p.document.loaded_at = dt.datetime(2024, 1, 1)
        docs.append(p.document.as_row())
        sents += [vars(s) for s in p.sentences]
        for f in p.facts:
            f.run_id = RUN_ID
            facts.append(f.as_row())
    _write_rows(db, {"documents": docs, "sentences": sents, "facts": facts})
    return "extractor"


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("base") / "build.duckdb"
    _build_raw(db)
    n = _sql(db, "SELECT count(*) FROM raw.facts WHERE evidence IS NOT NULL")[0][0]
    assert n >= 10, "too few facts to test the quality gate with"
    return db


@pytest.fixture
def db(base_db, tmp_path) -> Path:
    target = tmp_path / "build.duckdb"
    shutil.copy(base_db, target)
    return target


def _sql(db: Path, *statements: str):
    con = duckdb.connect(str(db))
    try:
        out = None
        for s in statements:
            out = con.execute(s).fetchall()
        return out
    finally:
        con.close()


def _failures(outcome: SuiteOutcome) -> str:
    return "\n".join(r.describe() + f" sample={r.unexpected_sample}" for r in outcome.blocking_failures)


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------


def test_suites_use_the_seed_dictionaries(small_warehouse):
    units, codes = standard_units(), indicator_codes()
    assert {"%", "亿元", "万人", "元", "万吨", "index"} <= set(units)
    assert "万元" not in units  # a raw unit, converted before loading
    assert {"gdp", "cpi", "grain_output"} <= set(codes)
    suite = raw_suite()
    by_col = {(c.table, c.expectation_type, c.column_name): c for c in suite.checks}
    assert by_col[("raw.facts", "expect_column_values_to_be_unique", "fact_id")].blocking
    assert by_col[("raw.facts", "expect_column_values_to_be_in_set", "unit")].kwargs["value_set"] == list(units)
    assert not by_col[("raw.facts", "expect_column_values_to_be_between", "value")].blocking
    assert not by_col[("raw.documents", "expect_column_values_to_be_between", "fact_count")].blocking
    _, wh = small_warehouse
    assert {c.table for c in marts_suite(WarehousePaths(wh).dbt_manifest).checks} >= {
        "marts.fct_targets", "marts.fct_target_attainment"}


def test_raw_suite_passes_on_a_real_report_and_records_results(db, tmp_path):
    docs = tmp_path / "docs"
    outcome = run_suite(db, "raw", RUN_ID, docs_dir=docs)
    assert outcome.blocking_failures == [], _failures(outcome)
    outcome.raise_for_blocking()  # no exception
    assert outcome.passed > 40 and outcome.failed == len(outcome.warnings)
    rows = _sql(db, "SELECT count(*), count(DISTINCT table_name), bool_and(success OR NOT blocking), "
                    "min(suite), min(run_id) FROM ops.dq_results")[0]
    assert rows == (len(outcome.results), 3, True, "raw", RUN_ID)
    evidence = _sql(db, "SELECT success, blocking, unexpected_count FROM ops.dq_results "
                        "WHERE table_name = 'raw.facts' AND column_name = 'evidence_matches_text'")
    assert evidence == [(True, True, 0)]
    assert outcome.data_docs_index == (docs / "index.html").resolve()
    assert outcome.data_docs_index.exists()
    html = outcome.data_docs_index.read_text(encoding="utf-8")
    assert "raw__raw.facts" in html
    # the run is idempotent per (run_id, suite): a rerun replaces its rows
    run_suite(db, "raw", RUN_ID, docs_dir=docs)
    assert _sql(db, "SELECT count(*) FROM ops.dq_results")[0][0] == len(outcome.results)


def test_corrupted_evidence_and_duplicate_fact_id_block_publication(db, tmp_path):
    fact_id, evidence = _sql(db, "SELECT fact_id, evidence FROM raw.facts ORDER BY char_start LIMIT 1")[0]
    _sql(
        db,
        # shift the offsets of one fact by one character: its evidence no longer matches
        f"UPDATE raw.facts SET char_start = char_start + 1, char_end = char_end + 1 WHERE fact_id = '{fact_id}'",
        # and load another fact twice (on a copy of the table without the loader's primary key)
        "CREATE TABLE raw.facts_copy AS SELECT * FROM raw.facts",
        "DROP TABLE raw.facts",
        "ALTER TABLE raw.facts_copy RENAME TO facts",
        "INSERT INTO raw.facts SELECT * FROM raw.facts WHERE fact_id = "
        "(SELECT max(fact_id) FROM raw.facts)",
    )
    outcome = run_suite(db, "raw", RUN_ID, docs_dir=tmp_path / "docs")
    with pytest.raises(QualityGateError) as err:
        outcome.raise_for_blocking()
    msg = str(err.value)
    assert msg.startswith("raw check failed: ")
    assert "expect_column_values_to_be_in_set on raw.facts.evidence_matches_text (1 unexpected)" in msg
    assert "expect_column_values_to_be_unique on raw.facts.fact_id (2 unexpected)" in msg
    assert {r.table_name for r in err.value.failures} == {"raw.facts"}
    sample = _sql(db, "SELECT unexpected_sample FROM ops.dq_results "
                      "WHERE column_name = 'evidence_matches_text' AND NOT success")[0][0]
    assert fact_id in sample
    assert outcome.data_docs_index is not None and outcome.data_docs_index.exists()
    assert evidence  # the untouched evidence text is real


def test_bad_values_fail_and_warnings_do_not_block(db, tmp_path):
    _sql(
        db,
        "UPDATE raw.facts SET value = 'inf'::DOUBLE WHERE fact_id = (SELECT min(fact_id) FROM raw.facts "
        "WHERE measure = 'level')",
        "UPDATE raw.facts SET unit = '万元' WHERE fact_id = (SELECT max(fact_id) FROM raw.facts "
        "WHERE measure = 'level')",
    )
    outcome = run_suite(db, "raw", "bad-values", docs_dir=tmp_path / "docs")
    failed = {(r.table_name, r.column_name) for r in outcome.blocking_failures}
    assert failed == {("raw.facts", "value__is_finite"), ("raw.facts", "unit")}, _failures(outcome)
    unit = next(r for r in outcome.blocking_failures if r.column_name == "unit")
    assert "万元" in unit.unexpected_sample

    # a 5000% growth rate is only a warning
    fresh = tmp_path / "warn.duckdb"
    shutil.copy(db, fresh)
    _sql(fresh,
         "UPDATE raw.facts SET value = 'nan'::DOUBLE WHERE unit = '万元'",  # NaN is not finite
         "UPDATE raw.facts SET value = 1, unit = '%' WHERE unit = '万元' OR NOT isfinite(value)",
         "UPDATE raw.facts SET value = 5000 WHERE fact_id = (SELECT min(fact_id) FROM raw.facts "
         "WHERE measure = 'growth_pct' AND kind = 'actual')")
    warned = run_suite(fresh, "raw", "warn", docs_dir=tmp_path / "docs")
    warned.raise_for_blocking()
    assert [(r.column_name, r.unexpected_count) for r in warned.warnings] == [("value", 1)]


def test_nan_value_is_caught(db, tmp_path):
    _sql(db, "UPDATE raw.facts SET value = 'nan'::DOUBLE WHERE fact_id = (SELECT min(fact_id) FROM raw.facts)")
    outcome = run_suite(db, "raw", RUN_ID, docs_dir=tmp_path / "docs")
    assert [(r.column_name, r.unexpected_count) for r in outcome.blocking_failures] == [("value__is_finite", 1)]


def test_missing_table_is_a_blocking_failure(db, tmp_path):
    _sql(db, "DROP TABLE raw.sentences")
    outcome = run_suite(db, "raw", RUN_ID, docs_dir=tmp_path / "docs")
    with pytest.raises(QualityGateError, match=r"expect_table_to_exist on raw\.sentences"):
        outcome.raise_for_blocking()


def test_marts_gate_is_generated_from_the_dbt_tests(small_warehouse, tmp_path):
    """The marts gate runs the dbt project's tests on the marts (from the build's manifest): it
    passes on the marts dbt built, and names the table and column of a broken rule. The evidence
    offsets are checked once, by the raw suite (test_raw_suite_passes... above), not again here."""
    _, wh = small_warehouse
    manifest = WarehousePaths(wh).dbt_manifest
    db = tmp_path / "gwr.duckdb"
    shutil.copy(wh, db)
    _sql(db, "DELETE FROM ops.dq_results")
    suite = marts_suite(manifest)
    assert not any("evidence" in (c.column_name or "") and "document" in c.note for c in suite.checks)
    assert any(c.column_name == "evidence_matches_text" for c in raw_suite().checks)
    outcome = run_suite(db, "marts", RUN_ID, docs_dir=tmp_path / "docs", manifest=manifest)
    assert outcome.blocking_failures == [], _failures(outcome)
    assert outcome.passed == len(suite.checks) - len(outcome.warnings)
    _sql(db, "UPDATE marts.fct_rankings SET rank = 0, evidence = evidence || '。' "
             "WHERE fact_id = (SELECT min(fact_id) FROM marts.fct_rankings)",
             "UPDATE marts.fct_targets SET measure = 'speed' "
             "WHERE fact_id = (SELECT min(fact_id) FROM marts.fct_targets)")
    bad = run_suite(db, "marts", RUN_ID, docs_dir=tmp_path / "docs", manifest=manifest)
    with pytest.raises(QualityGateError) as err:
        bad.raise_for_blocking()
    assert "on marts.fct_rankings.rank (1 unexpected)" in str(err.value)
    assert "expect_column_values_to_be_in_set on marts.fct_targets.measure (1 unexpected)" in str(err.value)
    suites = _sql(db, "SELECT suite, count(*) FROM ops.dq_results GROUP BY suite ORDER BY suite")
    assert [s for s, _ in suites] == ["marts"]


def test_marts_gate_refuses_a_dbt_test_it_cannot_translate(small_warehouse, tmp_path):
    import json

    _, wh = small_warehouse
    manifest = json.loads(WarehousePaths(wh).dbt_manifest.read_text())
    test = next(n for n in manifest["nodes"].values()
                if n["resource_type"] == "test" and (n.get("test_metadata") or {}).get("name") == "unique"
                and n.get("attached_node") == "model.gwr.fct_targets")
    test["test_metadata"]["name"] = "some_package_test"
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="no Great Expectations translation.*some_package_test"):
        marts_suite(path)


def test_a_quarantined_documents_odd_values_do_not_block_but_a_mostly_quarantined_run_does(db, tmp_path, monkeypatch):
    """Values are checked on published rows only: the same implausible year (1985) blocks on a
    published document and is ignored on a quarantined one, whose rows stay in raw. What blocks is
    systemic: more than GWR_QUARANTINE_MAX_SHARE of the run's documents quarantined."""
    from flows import ops

    monkeypatch.delenv("GWR_QUARANTINE_MAX_SHARE", raising=False)
    _sql(db, "UPDATE raw.documents SET year = 1985, target_year = 1985", "UPDATE raw.facts SET year = 1985")
    published = run_suite(db, "raw", "published", docs_dir=tmp_path / "docs")
    assert {(r.table_name, r.column_name) for r in published.blocking_failures} == {
        ("raw.documents", "year"), ("raw.documents", "target_year"), ("raw.facts", "year")}, _failures(published)

    _sql(db, "UPDATE raw.documents SET quarantine_reason = 'implausible year 1985', "
             "quarantine_fix = 'fix `year:` for this file in a manifest'")
    held = run_suite(db, "raw", "held", docs_dir=tmp_path / "docs")
    assert held.blocking_failures == [], _failures(held)  # no quarantine list yet: share not checked

    con = duckdb.connect(str(db))
    try:
        assert ops.record_quarantine(con, "held", []) == 1  # the one document of the run: 100 %
    finally:
        con.close()
    systemic = run_suite(db, "raw", "held", docs_dir=tmp_path / "docs")
    with pytest.raises(QualityGateError, match=r"expect_column_mean_to_be_between on "
                                               r"ops\.quarantined_documents\.share quarantined \(at most 0\.5\) \(observed 1"):
        systemic.raise_for_blocking()
    monkeypatch.setenv("GWR_QUARANTINE_MAX_SHARE", "1")
    assert run_suite(db, "raw", "held", docs_dir=tmp_path / "docs").blocking_failures == []


def test_an_unchanged_suite_is_used_as_stored_and_a_changed_one_saved_anew(db, tmp_path):
    """GX's suites, validation definitions and checkpoints are saved once: saving them again each
    run cost seconds. A stored suite whose fingerprint differs (its checks changed) is replaced."""
    import json

    docs = tmp_path / "docs"
    first = run_suite(db, "raw", RUN_ID, docs_dir=docs)
    stored = docs / ".gx" / "gx" / "expectations" / "raw__raw" / "facts.json"  # GX makes a folder of each dot
    saved = json.loads(stored.read_text(encoding="utf-8"))
    assert saved["meta"]["gwr_fingerprint"]
    mtime = stored.stat().st_mtime_ns
    second = run_suite(db, "raw", "second-run", docs_dir=docs)
    assert stored.stat().st_mtime_ns == mtime  # not written again
    assert [(r.table_name, r.expectation, r.column_name, r.success) for r in second.results] == \
        [(r.table_name, r.expectation, r.column_name, r.success) for r in first.results]
    saved["meta"]["gwr_fingerprint"] = "made by other checks"
    saved["expectations"] = saved["expectations"][:1]
    stored.write_text(json.dumps(saved), encoding="utf-8")
    third = run_suite(db, "raw", "third-run", docs_dir=docs)
    again = json.loads(stored.read_text(encoding="utf-8"))
    assert again["meta"]["gwr_fingerprint"] != "made by other checks"
    assert len(again["expectations"]) == len([r for r in first.results if r.table_name == "raw.facts"])
    assert len(third.results) == len(first.results)
