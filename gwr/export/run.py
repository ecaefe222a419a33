"""`gwr export` itself: read the panel and its companion tables once, write every format asked
for (the package's docstring says what the tables are)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gwr.export.labels import codebook
from gwr.export.tables import Export, ExportTable, Filters, read_tables
from gwr.export.writers import write

__all__ = ["ExportResult", "Filters", "export", "with_codebook"]


@dataclass
class ExportResult:
    out_dir: Path
    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


def with_codebook(ex: Export) -> list[ExportTable]:
    """The export's tables and, last, the codebook of their columns."""
    book = pd.DataFrame(codebook([(t.name, t.model, list(t.frame.columns)) for t in ex.tables]),
                        columns=["table", "variable", "label", "description"])
    return [*ex.tables, ExportTable("variables", "variables", book)]


def export(db_path: Path, out_dir: Path, formats: tuple[str, ...] = ("csv",),
           filters: Filters = Filters()) -> ExportResult:
    """Read the panel once, write it in every format asked for."""
    tables = with_codebook(read_tables(Path(db_path), filters))
    res = ExportResult(Path(out_dir).resolve(), rows={t.name: len(t.frame) for t in tables})
    for fmt in formats:
        res.files += write(tables, fmt, res.out_dir)
    return res
