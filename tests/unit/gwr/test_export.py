"""The pure parts of `gwr export`: years given on the command line, the filters as SQL, labels
from the dbt docs, and the frame Stata takes."""

from __future__ import annotations

import datetime as dt
import re

import click
import pandas as pd
import pytest

from gwr.cli.export import parse_years
from gwr.export.labels import column_docs, labels, short_label
from gwr.export.tables import Filters, panel_sql
from gwr.export.writers import stata_frame


def test_years_and_ranges():
    assert parse_years(()) == ()
    assert parse_years(("2022",)) == (2022,)
    assert parse_years(("2021-2023", "2019")) == (2019, 2021, 2022, 2023)
    assert parse_years(("2020,2022",)) == (2020, 2022)
    for bad in ("22", "2023-2021", "last year"):
        with pytest.raises(click.BadParameter):
            parse_years((bad,))


def test_filters_become_parameters_never_sql_text():
    sql, params = panel_sql(Filters(provinces=("湖北", "x'); drop table t; --"), years=(2022,),
                                    indicators=("gdp",)))
    assert "湖北" not in sql and "drop" not in sql
    assert params == [["湖北", "x'); drop table t; --"], ["湖北", "x'); drop table t; --"], [2022], ["gdp"]]
    sql, params = panel_sql(Filters())
    assert "WHERE" not in sql and params == []


def test_every_panel_column_is_documented_and_fits_stata():
    docs = column_docs()["fct_panel"]
    assert len(docs) > 40 and all(docs.values())
    for name, label in labels("fct_panel", list(docs)).items():
        assert re.fullmatch(r"[a-z_][a-z0-9_]{0,31}", name), name
        assert 0 < len(label) <= 80 and "`" not in label, (name, label)


def test_short_label_takes_the_first_sentence_and_cuts_at_a_word():
    assert short_label("The target (the low end of a range); NULL for none.") == "The target (the low end of a range)"
    long = "A label " + "that goes on " * 10
    cut = short_label(long)
    assert len(cut) <= 80 and cut.endswith("…") and not cut[:-1].endswith(" ")


def test_stata_frame():
    df = pd.DataFrame({
        "region": ["咸宁市", None],
        "fy_estimate": pd.array([True, None], dtype="boolean"),
        "year": pd.array([2022, None], dtype="Int32"),
        "published_date": [dt.date(2023, 1, 16), None],
        "evidence": ["增长4.4%", "长" * 700],
    })
    out, dates, strl = stata_frame(df)
    assert list(out["region"]) == ["咸宁市", ""]
    assert str(out["fy_estimate"].dtype) == "Int8" and out["fy_estimate"].iloc[0] == 1
    assert dates == {"published_date": "td"}
    assert strl == ["evidence"]  # 2100 bytes of UTF-8: beyond a str2045
