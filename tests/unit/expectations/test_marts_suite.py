"""expectations.marts_suite: the marts gate generated from a dbt manifest (a hand-made one here;
the real manifest and GX are in tests/integration/expectations/test_runner.py). The derived flag
columns are evaluated by DuckDB with dbt's semantics: NULL passes, `where` limits the rows."""

from __future__ import annotations

import json

import duckdb
import pytest

from expectations.marts_suite import marts_suite


def _test(name, model, kwargs, severity="ERROR", where=None, column=None):
    return {
        "unique_id": f"test.gwr.{name}_{model}_{column}", "resource_type": "test", "name": f"{name}_{model}",
        "attached_node": f"model.gwr.{model}", "column_name": column,
        "test_metadata": {"name": name, "kwargs": dict(kwargs, column_name=column) if column else kwargs},
        "config": {"severity": severity, "where": where},
    }


def _model(name, schema="marts"):
    return {"resource_type": "model", "name": name, "alias": name, "schema": schema}


@pytest.fixture
def manifest(tmp_path):
    nodes = {
        "model.gwr.fct_x": _model("fct_x"), "model.gwr.dim_region": _model("dim_region"),
        "model.gwr.stg_x": _model("stg_x", schema="staging"),
        "1": _test("unique", "fct_x", {}, column="fact_id"),
        "2": _test("not_null", "fct_x", {}, column="fact_id"),
        "3": _test("accepted_values", "fct_x", {"values": ["growth_pct", "level"]}, column="measure"),
        "4": _test("relationships", "fct_x", {"to": "ref('dim_region')", "field": "region"}, column="region"),
        "5": _test("expression_is_true", "fct_x", {"expression": "rank >= 1"}, column="rank"),
        "6": _test("not_null", "fct_x", {}, severity="warn", where="measure = 'level'", column="unit"),
        "7": _test("not_empty", "fct_x", {}),
        "8": _test("not_null", "stg_x", {}, column="x"),  # staging: not part of the marts gate
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"nodes": nodes}))
    return path


def test_each_dbt_test_becomes_one_check(manifest):
    suite = marts_suite(manifest)
    got = {(c.expectation, c.column_name, c.blocking) for c in suite.checks}
    assert got == {
        ("ExpectColumnValuesToBeUnique", "fact_id", True),
        ("ExpectColumnValuesToNotBeNull", "fact_id", True),
        ("ExpectColumnValuesToBeInSet", "measure", True),
        ("ExpectColumnValuesToBeInSet", "region", True),
        ("ExpectColumnValuesToBeInSet", "rank", True),
        ("ExpectColumnValuesToBeInSet", "unit", False),
        ("ExpectTableRowCountToBeBetween", None, True),
    }
    assert [t.name for t in suite.tables] == ["marts.fct_x"]
    assert suite.table("marts.fct_x").index_columns == ("fact_id",)


def test_flag_columns_have_the_dbt_semantics(manifest):
    suite = marts_suite(manifest)
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.dim_region AS SELECT '咸宁市' AS region")
    con.execute("""CREATE TABLE marts.fct_x AS SELECT * FROM (VALUES
        ('a', 'level', '咸宁市', 1, '亿元'),
        ('b', 'growth_pct', NULL, NULL, NULL),
        ('c', 'level', '火星市', 0, NULL)) t(fact_id, measure, region, rank, unit)""")
    sql = suite.table("marts.fct_x").sql({})
    df = con.execute(sql + " ORDER BY fact_id").df()
    flags = {c.column_name: c.kwargs["column"] for c in suite.checks if c.column_name in ("region", "rank", "unit")}
    assert list(df[flags["region"]]) == [True, True, False]  # NULL passes, an unknown region fails
    assert list(df[flags["rank"]]) == [True, True, False]  # rank >= 1; NULL counts as true
    assert list(df[flags["unit"]]) == [True, True, False]  # unit not null where measure = 'level'


def test_an_unknown_dbt_test_is_refused(manifest):
    data = json.loads(manifest.read_text())
    data["nodes"]["9"] = _test("dbt_utils_recency", "fct_x", {"datepart": "day"})
    manifest.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="no Great Expectations translation for the dbt test 'dbt_utils_recency'"):
        marts_suite(manifest)


def test_a_missing_manifest_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="run dbt build first"):
        marts_suite(tmp_path / "manifest.json")
