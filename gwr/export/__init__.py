"""`gwr export`: the research panel (marts.fct_panel) and the tables that explain it, written out
for Stata, R, pandas and Excel.

    export(db_path, out_dir, formats=("csv",), filters=Filters(...)) -> ExportResult

tables.py reads the marts (with the filters), labels.py takes the variable labels from the dbt
project's column docs, writers.py writes the formats. Tables: panel (one row per region, year,
indicator and measure), documents (the reports behind its numbers), indicators (the codes), and
variables (a codebook: every column's label and description).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gwr.export.labels import codebook
from gwr.export.tables import Export, ExportTable, Filters, read_tables
from gwr.export.writers import FORMATS, write

__all__ = ["FORMATS", "ExportResult", "Filters", "export", "with_codebook"]


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
