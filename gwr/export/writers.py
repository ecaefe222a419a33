"""Writing the export's tables in the formats researchers open: CSV (UTF-8 with BOM, so that Excel
shows Chinese text), Parquet, Stata .dta (version 118, Unicode, with variable labels) and one
Excel workbook with a sheet per table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gwr.export.formats import FORMATS
from gwr.export.labels import labels
from gwr.export.tables import ExportTable

STEM = "gwr_"
"""File names: gwr_<table>.<format>; the workbook is gwr_panel.xlsx."""
STATA_STR_MAX = 2045
"""Longest string (bytes) a fixed-width Stata str column holds; longer ones go to strL."""


def _csv(tables: list[ExportTable], out: Path) -> list[Path]:
    paths = []
    for t in tables:
        p = out / f"{STEM}{t.name}.csv"
        t.frame.to_csv(p, index=False, encoding="utf-8-sig")
        paths.append(p)
    return paths


def _parquet(tables: list[ExportTable], out: Path) -> list[Path]:
    paths = []
    for t in tables:
        p = out / f"{STEM}{t.name}.parquet"
        t.frame.to_parquet(p, index=False)
        paths.append(p)
    return paths


def stata_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """The frame as Stata takes it: flags as 0/1 bytes, dates as dates, strings with "" for
    missing (Stata's missing string); with the date formats and the strL columns."""
    df = frame.copy()
    dates: dict[str, str] = {}
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_bool_dtype(s):
            df[c] = s.astype("Int8")
        elif s.dtype == object and s.map(lambda v: hasattr(v, "isoformat") and not isinstance(v, str)).any():
            df[c] = pd.to_datetime(s)
            dates[c] = "td"
        elif s.dtype == object or pd.api.types.is_string_dtype(s):
            df[c] = s.astype(object).where(s.notna(), "").astype(str)
    strl = [c for c in df.columns if c not in dates and pd.api.types.is_string_dtype(df[c])
            and max(map(lambda v: len(v.encode("utf-8")), df[c]), default=0) > STATA_STR_MAX]
    return df, dates, strl


def _dta(tables: list[ExportTable], out: Path) -> list[Path]:
    paths = []
    for t in tables:
        p = out / f"{STEM}{t.name}.dta"
        df, dates, strl = stata_frame(t.frame)
        df.to_stata(
            p, write_index=False, version=118, convert_dates=dates, convert_strl=strl,
            variable_labels=labels(t.model, list(df.columns)),
            data_label=f"GWR Warehouse: {t.name} ({t.model})",
        )
        paths.append(p)
    return paths


def _xlsx(tables: list[ExportTable], out: Path) -> list[Path]:
    p = out / f"{STEM}panel.xlsx"
    with pd.ExcelWriter(p, engine="openpyxl") as xw:
        for t in tables:
            t.frame.to_excel(xw, sheet_name=t.name, index=False)
            xw.sheets[t.name].freeze_panes = "A2"
    return [p]


WRITERS = {"csv": _csv, "parquet": _parquet, "dta": _dta, "xlsx": _xlsx}


def write(tables: list[ExportTable], fmt: str, out: Path) -> list[Path]:
    """Write every table in `fmt` into the folder `out` (created); the paths written."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    return WRITERS[fmt](tables, out)
