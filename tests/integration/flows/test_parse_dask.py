"""The parse stage on Dask (prefect-dask on a LocalCluster) gives the same rows as the default
process pool, and a whole refresh with `task_runner="dask"` publishes the same marts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from contracts.warehouse import tables


def _marts(db: Path) -> dict[str, list[tuple]]:
    """Every row of every mart, sorted, without the columns that name the run that loaded it."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for t in tables(con, "marts"):
            cols = [r[0] for r in con.execute(f'DESCRIBE marts."{t}"').fetchall()
                    if r[0] not in ("run_id", "loaded_at")]
            rows = con.execute(f'SELECT {", ".join(cols)} FROM marts."{t}"').fetchall()
            out[t] = sorted(rows, key=repr)
        return out
    finally:
        con.close()

pytest.importorskip("prefect_dask")


def _rows(spool, table: str) -> list[tuple]:
    files = spool.files(table)
    assert files, f"no {table} batches"
    t = pa.concat_tables([pq.read_table(f) for f in files])
    return sorted(tuple(r.values()) for r in t.to_pylist())


def test_dask_batches_equal_the_process_pool(prefect_harness, corpus_dir: Path, tmp_path: Path):
    from flows.parse_dask import parse_on_dask
    from ingestion.parse_stage import parse_sources

    sources = sorted(str(p) for p in corpus_dir.glob("*.txt"))
    pool = parse_sources(sources, tmp_path / "pool" / "gwr.duckdb", workers=2)
    dask = parse_on_dask(sources, tmp_path / "dask" / "gwr.duckdb", workers=2)
    assert pool.documents == dask.documents >= len(sources)
    assert pool.facts == dask.facts > 500
    assert sorted(pool.parsed_sources) == sorted(dask.parsed_sources)
    assert sorted(map(str, (e.file for e in pool.errors))) == sorted(map(str, (e.file for e in dask.errors)))
    assert len(dask.parsed.batches) > 1, "the corpus should be cut into several batches"
    for table in ("documents", "sentences", "facts"):
        assert _rows(pool.parsed, table) == _rows(dask.parsed, table), table

    def state(batch):  # the incremental state, without the clock
        return sorted(({k: v for k, v in r.items() if not k.endswith(("_at", "_seen"))} for r in batch.state_rows),
                      key=lambda r: r["source"])

    assert state(pool) == state(dask)


def test_refresh_on_dask_publishes_the_same_marts(prefect_harness, small_warehouse, small_corpus, tmp_path):
    from flows.refresh import refresh

    _, pool_db = small_warehouse
    db = tmp_path / "gwr.duckdb"
    summary = refresh(sources=[str(small_corpus)], db=str(db), task_runner="dask")
    assert summary.documents > 0 and not any(c.blocking_failures for c in summary.checks)
    assert _marts(db) == _marts(pool_db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM raw.facts").fetchone()[0] == summary.facts
    finally:
        con.close()
