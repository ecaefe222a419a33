"""Everything the report shows, read once from the warehouse through the sandboxed read-only
connection of gwr.sql (a missing table gives an empty list, so a young warehouse still reports)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from contracts.warehouse import quarantine_list, row_counts, table_exists
from gwr.sql import connect_sandboxed, query_rows
from gwr.status import latest_checked_run

UNKNOWN_TOP = 25
"""How many of the most frequent unknown indicator names are listed."""

ATTAINMENT_SQL = """
SELECT coalesce(a.province, '(unknown)') AS province, a.region, a.region_code, a.year, a.indicator,
       coalesce(i.name_zh, a.indicator) AS name_zh, coalesce(i.is_headline, false) AS is_headline,
       a.measure, a.unit, a.target_value, a.target_value_high, a.comparator,
       a.actual_value, a.actual_period_start_month, a.actual_period_end_month,
       a.actual_estimate, a.gap, a.is_met, a.is_full_year,
       a.target_fact_id, a.target_document_id, a.target_document_kind, a.target_document_year,
       a.target_evidence, a.actual_fact_id, a.actual_document_id, a.actual_document_kind,
       a.actual_document_year, a.actual_evidence
FROM marts.fct_target_attainment a
LEFT JOIN marts.dim_indicator i ON i.indicator = a.indicator
ORDER BY province, a.region, a.year, a.indicator, a.measure, a.target_fact_id
"""

UNKNOWN_SQL = (
    "SELECT indicator_raw, count(*) AS facts, count(DISTINCT document_id) AS documents, "
    "min(evidence) AS example, arg_min(fact_id, evidence) AS example_fact_id, "
    "arg_min(document_id, evidence) AS example_document_id FROM raw.facts WHERE indicator IS NULL "
    "GROUP BY indicator_raw ORDER BY facts DESC, indicator_raw LIMIT ?"
)

# Facts of the marts without a region code: a repeated name (鼓楼区) that its report did not
# settle, or no region at all; with the gazetteer's candidates for the name.
UNCODED_SQL = """
WITH facts AS (
    SELECT fact_id, document_id, region, char_start FROM marts.fct_targets WHERE region_code IS NULL
    UNION ALL
    SELECT fact_id, document_id, region, char_start FROM marts.fct_actuals WHERE region_code IS NULL
    UNION ALL
    SELECT fact_id, document_id, region, char_start FROM marts.fct_rankings WHERE region_code IS NULL
),
candidates AS (
    SELECT region, string_agg(coalesce(parent_region, province) || ' ' || region || ' ' || adcode, '; '
                              ORDER BY adcode) AS candidates
    FROM seeds.regions GROUP BY region
)
SELECT facts.region, facts.document_id, count(*) AS facts, arg_min(facts.fact_id, facts.char_start) AS first_fact_id,
       min(candidates.candidates) AS candidates
FROM facts LEFT JOIN candidates ON candidates.region = facts.region
GROUP BY facts.region, facts.document_id
ORDER BY facts.region NULLS FIRST, facts.document_id
"""

CODED_SQL = """
SELECT count(*) AS facts, count(region_code) AS coded FROM (
    SELECT region_code FROM marts.fct_targets UNION ALL SELECT region_code FROM marts.fct_actuals
    UNION ALL SELECT region_code FROM marts.fct_rankings)
"""


def read(db_path: Path) -> dict[str, Any]:
    """The report's data (raises gwr.sql.WarehouseMissing when there is no file)."""
    con = connect_sandboxed(db_path)
    try:
        has = {f"{s}.{t}": table_exists(con, s, t) for s, t in [
            ("ops", "runs"), ("ops", "dq_results"), ("raw", "facts"),
            ("marts", "dim_document"), ("marts", "fct_target_attainment"), ("marts", "dim_region"),
            ("marts", "dim_indicator"), ("marts", "fct_rankings"),
        ]}

        def rows(key: str, sql: str, params: list | None = None) -> list[dict]:
            return query_rows(con, sql, params) if has[key] else []

        d: dict[str, Any] = {"checks_run": None, "checks": []}
        d["runs"] = rows("ops.runs", "SELECT * FROM ops.runs ORDER BY started DESC NULLS LAST")
        if has["ops.dq_results"]:
            run_id = latest_checked_run(con)
            if run_id:
                d["checks_run"] = run_id
                d["checks"] = query_rows(
                    con,
                    "SELECT * FROM ops.dq_results WHERE run_id = ? "
                    "ORDER BY success, blocking DESC, suite DESC, table_name, expectation, column_name",
                    [run_id],
                )
        d["quarantine_run"] = d["runs"][0]["run_id"] if d["runs"] else None
        d["quarantined"] = quarantine_list(con, d["quarantine_run"])
        d["documents"] = rows(
            "marts.dim_document", "SELECT * EXCLUDE (content_hash) FROM marts.dim_document ORDER BY document_id")
        d["unknown"] = rows("raw.facts", UNKNOWN_SQL, [UNKNOWN_TOP])
        d["unknown_total"] = (
            con.execute("SELECT count(*), count(DISTINCT indicator_raw) FROM raw.facts WHERE indicator IS NULL").fetchone()
            if has["raw.facts"] else (0, 0)
        )
        d["indicators"] = rows(
            "marts.dim_indicator",
            "SELECT indicator, name_zh, is_headline, default_unit FROM marts.dim_indicator ORDER BY indicator")
        d["attainment"] = rows("marts.fct_target_attainment", ATTAINMENT_SQL)
        d["uncoded"] = rows("marts.fct_rankings", UNCODED_SQL)
        d["coded"] = rows("marts.fct_rankings", CODED_SQL) or [{"facts": 0, "coded": 0}]
        d["marts"] = row_counts(con, "marts")
    finally:
        con.close()
    return d


DOCUMENT_SQL = """
SELECT d.document_id, d.region, r.region_code, d.kind, d.year, d.target_year, d.published_date,
       d.title, d.source_path, r.text
FROM marts.dim_document d JOIN raw.documents r USING (document_id)
WHERE d.document_id = ?
"""


def iter_documents(db_path: Path) -> Iterator[tuple[dict, str, list[dict]]]:
    """(document, text, its facts in raw.facts by offset) for every published document, one at a
    time, so that memory holds one document however large the warehouse."""
    con = connect_sandboxed(db_path)
    try:
        if not (table_exists(con, "marts", "dim_document") and table_exists(con, "raw", "facts")):
            return
        ids = [r["document_id"] for r in query_rows(con, "SELECT document_id FROM marts.dim_document ORDER BY 1")]
        for doc_id in ids:
            (doc,) = query_rows(con, DOCUMENT_SQL, [doc_id])
            text = doc.pop("text")
            facts = query_rows(con, "SELECT * FROM raw.facts WHERE document_id = ? "
                                    "ORDER BY char_start, char_end DESC, fact_id", [doc_id])
            yield doc, text, facts
    finally:
        con.close()
