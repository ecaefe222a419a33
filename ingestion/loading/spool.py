"""The parsed documents of a run, on disk as Parquet batches between the parse and the load stage.

The parse workers write the batches themselves (ingestion/batch.py: one Parquet file per raw table
and batch); the spool only keeps their paths and counts, so the flow's process holds no parsed
document however large the corpus. The loader reads the files straight into the raw tables.
Documents parsed in this process (`extend`, used by tests and small callers) are written as a
batch of their own.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ingestion.loading.columns import SCHEMAS, batch_of
from ingestion.records import ParsedDocument


@dataclass(frozen=True)
class SpoolBatch:
    """One batch written by a parse worker: its Parquet file per raw table, and its row counts."""

    files: dict[str, Path]
    documents: int
    sentences: int
    facts: int


class ParquetSpool:
    def __init__(self, folder: Path | None = None):
        self._owned = folder is None  # a temporary folder of our own, removed by close()
        self.folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="gwr-spool-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.batches: list[SpoolBatch] = []

    def add(self, batch: SpoolBatch) -> None:
        if batch.documents:
            self.batches.append(batch)

    def extend(self, docs: Iterable[ParsedDocument]) -> None:
        """Spool documents parsed in this process (written as one batch)."""
        cols = batch_of(list(docs))
        if cols.documents:
            files = cols.write_parquet(self.folder, f"local-{len(self.batches):06d}")
            self.add(SpoolBatch(files, cols.documents, cols.sentences, cols.facts))

    def files(self, table: str) -> list[Path]:
        """The Parquet files of raw table `table`, in batch order."""
        if table not in SCHEMAS:
            raise KeyError(table)
        return [b.files[table] for b in self.batches]

    @property
    def documents(self) -> int:
        return sum(b.documents for b in self.batches)

    @property
    def fact_count(self) -> int:
        return sum(b.facts for b in self.batches)

    @property
    def sentence_count(self) -> int:
        return sum(b.sentences for b in self.batches)

    def __len__(self) -> int:
        return self.documents

    def __bool__(self) -> bool:
        return self.documents > 0

    def close(self) -> None:
        """Remove the spool's files (the documents are in the raw layer by then)."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self.batches = []


def as_spool(parsed: ParquetSpool | Iterable[ParsedDocument]) -> ParquetSpool:
    """A spool as it is; parsed documents spooled into a temporary one."""
    if isinstance(parsed, ParquetSpool):
        return parsed
    spool = ParquetSpool()
    spool.extend(parsed)
    return spool
