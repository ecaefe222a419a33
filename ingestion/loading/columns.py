"""Parsed documents as Arrow column batches: the rows of raw.documents, raw.sentences and raw.facts,
column by column, with the columns and types of contracts.tables.

A parse worker fills a `ColumnBatch` and writes it as Parquet files (`write_parquet`); DuckDB reads
those straight into the raw tables (ingestion/loading/load.py), so no row dict, no pickled
document and no per-row Python object crosses from the workers to the loader (BENCHMARKS.md).
The loader adds what only it knows: `run_id` and `loaded_at` (LOAD_COLUMNS).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from contracts.tables import RAW_TABLES
from ingestion.records import ParsedDocument

LOAD_COLUMNS = ("run_id", "loaded_at")
"""Columns the loader sets for the whole load (not written by the parser)."""

_ARROW = {
    sa.BigInteger: pa.int64(), sa.Integer: pa.int32(), sa.Double: pa.float64(), sa.Float: pa.float64(),
    sa.Boolean: pa.bool_(), sa.Date: pa.date32(), sa.DateTime: pa.timestamp("us"),
    sa.Text: pa.large_string(), sa.String: pa.string(),
}


def arrow_type(column: sa.Column) -> pa.DataType:
    for sa_type, arrow in _ARROW.items():  # subclasses first (BigInteger, Text) by dict order
        if isinstance(column.type, sa_type):
            return arrow
    raise TypeError(f"no Arrow type for {column.table.name}.{column.name} ({column.type})")


def parsed_columns(table: sa.Table) -> tuple[sa.Column, ...]:
    """The columns of a raw table the parser fills (all but LOAD_COLUMNS)."""
    return tuple(c for c in table.columns if c.name not in LOAD_COLUMNS)


SCHEMAS: dict[str, pa.Schema] = {
    t.name: pa.schema([pa.field(c.name, arrow_type(c), nullable=bool(c.nullable)) for c in parsed_columns(t)])
    for t in RAW_TABLES
}
"""Arrow schema of each raw table's parsed columns, keyed by table name."""


class ColumnBatch:
    """Rows of the three raw tables, gathered column-wise from parsed documents."""

    def __init__(self) -> None:
        self._cols = {name: {f.name: [] for f in schema} for name, schema in SCHEMAS.items()}
        self.documents = 0
        self.sentences = 0
        self.facts = 0

    def add(self, parsed: ParsedDocument, source_hash: str | None = None) -> None:
        doc = parsed.document.as_row()
        if source_hash is not None:
            doc["source_hash"] = source_hash
        for name, values in self._cols["documents"].items():
            values.append(doc.get(name))
        sent = self._cols["sentences"]
        for s in parsed.sentences:
            for name, values in sent.items():
                values.append(getattr(s, name))
        fact = self._cols["facts"]
        for f in parsed.facts:
            row = f.__dict__
            for name, values in fact.items():
                values.append(row.get(name))
        self.documents += 1
        self.sentences += len(parsed.sentences)
        self.facts += len(parsed.facts)

    def tables(self) -> dict[str, pa.Table]:
        """The gathered rows as Arrow tables (keyed by raw table name)."""
        return {name: pa.Table.from_pydict(cols, schema=SCHEMAS[name]) for name, cols in self._cols.items()}

    def write_parquet(self, folder: Path, stem: str) -> dict[str, Path]:
        """Write one Parquet file per raw table, `<folder>/<stem>.<table>.parquet`; their paths."""
        folder.mkdir(parents=True, exist_ok=True)
        out = {}
        for name, table in self.tables().items():
            path = folder / f"{stem}.{name}.parquet"
            pq.write_table(table, path, compression="zstd")
            out[name] = path
        return out


def batch_of(parsed: list[ParsedDocument]) -> ColumnBatch:
    batch = ColumnBatch()
    for p in parsed:
        batch.add(p)
    return batch
