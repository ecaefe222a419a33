"""The tables `gwr export` writes, read from the warehouse's marts with the researcher's filters.

    read_tables(db_path, Filters(provinces=("湖北省",), years=(2021, 2022), indicators=("gdp",)))

The panel is marts.fct_panel as it is (the dbt project builds it; nothing is computed here); the
other tables say what its codes mean: the documents behind its numbers and the indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gwr.sql import connect_sandboxed


@dataclass(frozen=True)
class Filters:
    """Which rows of the panel to export; an empty tuple means all."""

    provinces: tuple[str, ...] = ()  # full or short names: 湖北省, 湖北
    years: tuple[int, ...] = ()
    indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportTable:
    """One table of the export: its name (file stem, sheet name), the mart it comes from (whose
    dbt documentation labels its columns) and its rows."""

    name: str
    model: str
    frame: pd.DataFrame


@dataclass
class Export:
    tables: list[ExportTable] = field(default_factory=list)

    def table(self, name: str) -> ExportTable:
        return next(t for t in self.tables if t.name == name)


PANEL_ORDER = "province_code NULLS LAST, region_code NULLS LAST, region, year, indicator, measure"

DOCUMENTS_SQL = """
SELECT document_id, region, kind, year, target_year, published_date, title, source_path,
       char_count, n_facts
FROM marts.dim_document
WHERE document_id IN (SELECT unnest(?::VARCHAR[]))
ORDER BY document_id
"""

INDICATORS_SQL = """
SELECT indicator, name_zh, default_measure, default_unit, is_headline, description, aliases
FROM marts.dim_indicator
WHERE indicator IN (SELECT unnest(?::VARCHAR[]))
ORDER BY indicator
"""

DOCUMENT_COLUMNS = ("target_document_id", "fy_document_id", "py_document_id", "rank_document_id")


def panel_sql(f: Filters) -> tuple[str, list]:
    """The panel query with the filters as parameters."""
    where, params = [], []
    if f.provinces:
        # a short name (湖北) counts for its province (湖北省)
        where.append("(province IN (SELECT unnest(?::VARCHAR[])) OR province IN "
                     "(SELECT region FROM marts.dim_region WHERE level = 'province' "
                     "AND short_name IN (SELECT unnest(?::VARCHAR[]))))")
        params += [list(f.provinces), list(f.provinces)]
    if f.years:
        where.append("year IN (SELECT unnest(?::INTEGER[]))")
        params.append(list(f.years))
    if f.indicators:
        where.append("indicator IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(f.indicators))
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT * FROM marts.fct_panel {clause} ORDER BY {PANEL_ORDER}", params


def _frame(con, sql: str, params: list) -> pd.DataFrame:
    """A query's rows with whole numbers and flags in pandas' nullable types (a NULL stays
    missing instead of turning an integer column into floats), through Arrow."""
    import pyarrow as pa

    nullable = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
                pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return con.sql(sql, params=params).to_arrow_table().to_pandas(types_mapper=nullable.get)


def read_tables(db_path: Path, filters: Filters) -> Export:
    """The panel and the tables that explain it (raises gwr.sql.WarehouseMissing)."""
    con = connect_sandboxed(db_path)
    try:
        sql, params = panel_sql(filters)
        panel = _frame(con, sql, params)
        doc_ids = sorted({d for c in DOCUMENT_COLUMNS for d in panel[c].dropna()})
        documents = _frame(con, DOCUMENTS_SQL, [doc_ids])
        indicators = _frame(con, INDICATORS_SQL, [sorted(set(panel["indicator"]))])
    finally:
        con.close()
    return Export([
        ExportTable("panel", "fct_panel", panel),
        ExportTable("documents", "dim_document", documents),
        ExportTable("indicators", "dim_indicator", indicators),
    ])
