"""`gwr export` on the whole bundled corpus: every format read back with pandas (Stata through
pandas' own reader, with its variable labels), real values checked against the reports, and the
filters. 咸宁市's 2022 notice (000_500ad30c4c1f596f): "1.地区生产总值增长8%左右。1-9月,完成地区生产总值
1321.29亿元,比上年同期增长4.4%,全省排名第13位。"
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from _readside import fingerprint, gwr, unchanged

from gwr.export.labels import column_docs, short_label

FORMATS = ("csv", "parquet", "dta", "xlsx")
TABLES = ("panel", "documents", "indicators", "variables")


@pytest.fixture(scope="module")
def wh(corpus_warehouse):
    return fingerprint(corpus_warehouse)


@pytest.fixture(scope="module")
def exported(wh, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    args = ["export", "--db", str(wh["db"]), "--out", str(out)]
    for f in FORMATS:
        args += ["--format", f]
    r = gwr(*args)
    assert r.exit_code == 0, r.output
    return out


def _read(out, fmt: str) -> dict[str, pd.DataFrame]:
    if fmt == "csv":
        return {t: pd.read_csv(out / f"gwr_{t}.csv", encoding="utf-8-sig", dtype={"region_code": str})
                for t in TABLES}
    if fmt == "parquet":
        return {t: pd.read_parquet(out / f"gwr_{t}.parquet") for t in TABLES}
    if fmt == "dta":  # Stata's missing string is ""
        return {t: pd.read_stata(out / f"gwr_{t}.dta").replace({"": None}) for t in TABLES}
    return pd.read_excel(out / "gwr_panel.xlsx", sheet_name=None, dtype={"region_code": str})


def _row(panel: pd.DataFrame, **key) -> pd.Series:
    m = panel
    for k, v in key.items():
        m = m[m[k] == v]
    assert len(m) == 1, (key, len(m))
    return m.iloc[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_reads_back_with_real_values(exported, fmt):
    tables = _read(exported, fmt)
    assert set(tables) == set(TABLES)
    panel = tables["panel"]
    r = _row(panel, region="咸宁市", year=2022, indicator="gdp", measure="growth_pct")
    assert (r.target_value, r.target_comparator) == (8, "approx")
    assert (r.py_actual, int(r.py_start_month), int(r.py_end_month)) == (4.4, 1, 9)
    assert (str(r.region_code), r.province, r.prefecture) == ("421200", "湖北省", "咸宁市")
    assert r.target_evidence == "地区生产总值增长8%左右"
    assert r.py_evidence == "地区生产总值1321.29亿元,比上年同期增长4.4%"
    assert int(r["rank"]) == 13 and r.rank_scope == "全省"
    # across years: 湖北省's 2021 target beside the full-year figure of its 2022 report
    h = _row(panel, region="湖北省", year=2021, indicator="gdp", measure="growth_pct")
    assert (h.target_value, h.target_comparator, h.fy_actual) == (10, "min", 12.9)
    assert (h.target_document_id, h.fy_document_id) == ("p_hubei_2021", "p_hubei_2022")
    assert not bool(h.fy_estimate)
    docs = tables["documents"]
    assert set(panel["target_document_id"].dropna()) <= set(docs["document_id"])
    assert "gdp" in set(tables["indicators"]["indicator"])
    book = tables["variables"]
    assert list(book[book["table"] == "panel"]["variable"]) == list(panel.columns)


def test_csv_is_utf8_with_bom(exported):
    raw = (exported / "gwr_panel.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "咸宁市".encode("utf-8") in raw


def test_stata_files_carry_variable_labels(exported):
    docs = column_docs()["fct_panel"]
    with pd.io.stata.StataReader(exported / "gwr_panel.dta") as reader:
        labels = reader.variable_labels()
        assert "fct_panel" in reader.data_label
    assert labels["target_value"] == short_label(docs["target_value"]) == "The target (the low end of a range)"
    assert labels["region_code"].startswith("Six-digit code")
    assert all(labels[c] and len(labels[c]) <= 80 for c in labels)


def test_every_number_points_at_its_text(exported, wh):
    panel = pd.read_parquet(exported / "gwr_panel.parquet")
    con = duckdb.connect(str(wh["db"]), read_only=True)
    try:
        texts = dict(con.execute("select document_id, text from raw.documents").fetchall())
    finally:
        con.close()
    checked = 0
    for side in ("target", "fy", "py", "rank"):
        rows = panel[panel[f"{side}_fact_id"].notna()]
        for doc, a, b, ev in zip(rows[f"{side}_document_id"], rows[f"{side}_char_start"],
                                 rows[f"{side}_char_end"], rows[f"{side}_evidence"]):
            assert texts[doc][int(a):int(b)] == ev
            checked += 1
    assert checked > 400


def test_filters(wh, tmp_path):
    r = gwr("export", "--db", str(wh["db"]), "--out", str(tmp_path), "--province", "湖北",
            "--year", "2021-2022", "--indicator", "gdp", "--format", "parquet")
    assert r.exit_code == 0, r.output
    panel = pd.read_parquet(tmp_path / "gwr_panel.parquet")
    assert len(panel) and set(panel["province"]) == {"湖北省"}
    assert set(panel["year"]) <= {2021, 2022} and set(panel["indicator"]) == {"gdp"}
    assert {"咸宁市", "湖北省"} <= set(panel["region"])
    bad = gwr("export", "--db", str(wh["db"]), "--out", str(tmp_path), "--indicator", "gpd")
    assert bad.exit_code == 2 and "unknown indicator gpd" in bad.output
    bad = gwr("export", "--db", str(wh["db"]), "--out", str(tmp_path), "--year", "2023-2021")
    assert bad.exit_code == 2
    unchanged(wh)
