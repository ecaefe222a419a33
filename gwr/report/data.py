"""Everything the report shows, read once from the warehouse through the sandboxed read-only
connection of gwr.sql (a missing table gives an empty list, so a young warehouse still reports)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contracts.warehouse import quarantine_list, row_counts, table_exists
from gwr.sql import connect_sandboxed, query_rows
from gwr.status import latest_checked_run

UNKNOWN_TOP = 25
"""How many of the most frequent unknown indicator names are listed."""

ATTAINMENT_SQL = """
SELECT coalesce(r.province, '(unknown)') AS province, a.region, a.year, a.indicator,
       coalesce(i.name_zh, a.indicator) AS name_zh, coalesce(i.is_headline, false) AS is_headline,
       a.measure, a.unit, a.target_value, a.target_value_high, a.comparator,
       a.actual_value, a.actual_period_start_month, a.actual_period_end_month,
       a.actual_estimate, a.gap, a.is_met, a.is_full_year,
       a.target_fact_id, a.target_document_id, a.target_evidence,
       a.actual_fact_id, a.actual_document_id, a.actual_evidence
FROM marts.fct_target_attainment a
LEFT JOIN marts.dim_region r ON r.region = a.region
LEFT JOIN marts.dim_indicator i ON i.indicator = a.indicator
ORDER BY province, a.region, a.year, a.indicator, a.measure, a.target_fact_id
"""

UNKNOWN_SQL = (
    "SELECT indicator_raw, count(*) AS facts, count(DISTINCT document_id) AS documents, "
    "min(evidence) AS example FROM raw.facts WHERE indicator IS NULL "
    "GROUP BY indicator_raw ORDER BY facts DESC, indicator_raw LIMIT ?"
)


def read(db_path: Path) -> dict[str, Any]:
    """The report's data (raises gwr.sql.WarehouseMissing when there is no file)."""
    con = connect_sandboxed(db_path)
    try:
        has = {f"{s}.{t}": table_exists(con, s, t) for s, t in [
            ("ops", "runs"), ("ops", "dq_results"), ("raw", "facts"),
            ("marts", "dim_document"), ("marts", "fct_target_attainment"), ("marts", "dim_region"),
            ("marts", "dim_indicator"),
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
        d["marts"] = row_counts(con, "marts")
    finally:
        con.close()
    return d
