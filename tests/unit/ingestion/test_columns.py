"""Parsed documents as Arrow column batches: the raw tables' columns (contracts.tables), written
as Parquet by a parse worker and read back unchanged."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from contracts.tables import RAW_TABLES, columns
from ingestion.loading.columns import LOAD_COLUMNS, SCHEMAS, batch_of
from ingestion.loading.spool import ParquetSpool, as_spool
from ingestion.pipeline import parse_path

REPORT = Path(__file__).resolve().parents[3] / "sample_corpus" / "000_500ad30c4c1f596f.txt"


def test_schemas_are_the_contract_without_the_load_columns():
    for t in RAW_TABLES:
        assert SCHEMAS[t.name].names == [c for c in columns(t) if c not in LOAD_COLUMNS]
    assert "text" not in SCHEMAS["sentences"].names  # offsets only


def test_batch_round_trips_through_parquet(tmp_path):
    parsed = parse_path(REPORT)
    batch = batch_of(parsed)
    assert batch.documents == len(parsed)
    assert batch.facts == sum(len(p.facts) for p in parsed) > 20
    files = batch.write_parquet(tmp_path, "batch-000000")
    docs = pq.read_table(files["documents"]).to_pylist()
    assert [d["document_id"] for d in docs] == [p.document.document_id for p in parsed]
    assert docs[0]["content_hash"] == parsed[0].document.content_hash
    assert docs[0]["text"] == parsed[0].document.text
    facts = pq.read_table(files["facts"]).to_pylist()
    text = parsed[0].document.text
    for f in facts:
        assert text[f["char_start"] : f["char_end"]] == f["evidence"]
    assert [f["fact_id"] for f in facts] == [f.fact_id for p in parsed for f in p.facts]
    sentences = pq.read_table(files["sentences"])
    assert sentences.num_rows == sum(len(p.sentences) for p in parsed)


def test_spool_of_documents_counts_and_cleans_up():
    parsed = parse_path(REPORT)
    spool = as_spool(parsed)
    try:
        assert isinstance(spool, ParquetSpool) and as_spool(spool) is spool
        assert spool.documents == len(parsed) and spool.fact_count == sum(len(p.facts) for p in parsed)
        assert all(p.exists() for t in SCHEMAS for p in spool.files(t))
    finally:
        spool.close()
    assert not spool.folder.exists() and not spool
