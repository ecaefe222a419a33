"""The marts gate: the dbt project's tests on the marts, as a Great Expectations suite generated
from dbt's manifest (written by the run's `dbt build`). Nothing is written twice: a test added
to dbt_project/models/marts/_models.yml is in this suite at the next refresh.

The dbt tests own the marts' checks; this gate runs them again through GX so that their results
land in the GX Data Docs and ops.dq_results beside the raw suite's (and `gwr status` and
`gwr report` show them). A dbt test of `severity: warn` is a non-blocking check here too.

Each generic dbt test becomes an expectation:

    not_null                         ExpectColumnValuesToNotBeNull
    unique                           ExpectColumnValuesToBeUnique
    accepted_values                  ExpectColumnValuesToBeInSet
    unique_combination_of_columns    ExpectCompoundColumnsToBeUnique
    not_empty                        ExpectTableRowCountToBeBetween(min_value=1)
    relationships, expression_is_true
                                     a flag column computed in DuckDB with the test's own SQL
                                     (NULL-tolerant as in dbt), expected to be true

A test with a `where` config is checked on those rows only, as in dbt (the row-wise ones become a
flag column). A generic test of another kind raises ValueError (extend the table above).
Singular tests (SQL files) run in dbt build only.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Callable

from contracts.settings import PG_BUILD_SUFFIX
from expectations.checks import Check, SuiteSpec, TableSpec

SCHEMA = "marts"

NATIVE = {
    "not_null": "ExpectColumnValuesToNotBeNull",
    "unique": "ExpectColumnValuesToBeUnique",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _relation(node: dict) -> str:
    return f"{node['schema']}.{_quote(node.get('alias') or node['name'])}"


def _ref_target(nodes: dict[str, dict], to: str, where: str) -> dict:
    m = re.fullmatch(r"\s*ref\(\s*['\"]([\w.]+)['\"]\s*\)\s*", to)
    if not m:
        raise ValueError(f"{where}: relationships to {to!r}: only ref('model') is translated")
    found = [n for n in nodes.values() if n["resource_type"] in ("model", "seed") and n["name"] == m.group(1)]
    if len(found) != 1:
        raise ValueError(f"{where}: relationships to {to!r}: no single model of that name")
    return found[0]


def _flag(expression: str) -> str:
    """The name of the derived column that holds the outcome of a SQL check."""
    return "dbt_check__" + hashlib.sha1(expression.encode("utf-8")).hexdigest()[:10]


def _sql_check(name: str, kw: dict, column: str | None, nodes: dict[str, dict], uid: str) -> str | None:
    """The test as a SQL condition on a row of the model (`t`), true when the row passes; None for
    a test that is not a row condition."""
    col = _quote(column) if column else None
    if name == "not_null":
        return f"t.{col} IS NOT NULL"
    if name == "accepted_values":
        values = ", ".join("'" + str(v).replace("'", "''") + "'" for v in kw["values"])
        return f"(t.{col} IS NULL OR t.{col} IN ({values}))"
    if name == "relationships":
        parent = _ref_target(nodes, kw["to"], uid)
        return f"(t.{col} IS NULL OR t.{col} IN (SELECT {_quote(kw['field'])} FROM {_relation(parent)}))"
    if name == "expression_is_true":
        return f"coalesce(({kw['expression']}), true)"
    return None


def _translate(test: dict, table: str, nodes: dict[str, dict]) -> tuple[Check, tuple[str, str] | None]:
    """The Check of one generic dbt test, and the derived column (name, SQL) it needs, if any."""
    meta, uid = test["test_metadata"], test["unique_id"]
    name, kw = meta["name"], meta.get("kwargs") or {}
    column = kw.get("column_name") or test.get("column_name")
    where = test["config"].get("where")
    blocking = str(test["config"].get("severity", "error")).lower() == "error"
    note = f"dbt test {test['name']}"
    if not where:
        if name in NATIVE:
            return Check(table, NATIVE[name], {"column": column}, blocking, note), None
        if name == "accepted_values":
            return Check(table, "ExpectColumnValuesToBeInSet",
                         {"column": column, "value_set": list(kw["values"])}, blocking, note), None
        if name == "unique_combination_of_columns":
            return Check(table, "ExpectCompoundColumnsToBeUnique",
                         {"column_list": list(kw["combination_of_columns"])}, blocking, note), None
        if name == "not_empty":
            return Check(table, "ExpectTableRowCountToBeBetween", {"min_value": 1}, blocking, note), None
    sql = _sql_check(name, kw, column, nodes, uid)
    if sql is None:
        what = "with a `where` config " if where else ""
        raise ValueError(f"{uid}: no Great Expectations translation for the dbt test {name!r} {what}".strip())
    if where:  # dbt tests only the rows where `where` is true
        sql = f"(NOT coalesce(({where}), false) OR {sql})"
    flag = _flag(f"{table}|{sql}")
    label = column or kw.get("expression")
    check = Check(table, "ExpectColumnValuesToBeInSet", {"column": flag, "value_set": [True]},
                  blocking, f"{note}: {sql}", label=label)
    return check, (flag, sql)


def _select(relation: str, derived: list[tuple[str, str]]) -> Callable[[dict[str, list[str]]], str]:
    def build(existing: dict[str, list[str]]) -> str:
        extra = "".join(f", {sql} AS {_quote(flag)}" for flag, sql in derived)
        return f"SELECT t.*{extra} FROM {relation} t"

    return build


def marts_suite(manifest_path: Path) -> SuiteSpec:
    """The suite of every generic dbt test attached to a model of the `marts` schema."""
    path = Path(manifest_path)
    if not path.is_file():
        raise FileNotFoundError(f"the marts gate needs dbt's manifest {path}; run dbt build first")
    nodes: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["nodes"]
    for n in nodes.values():  # a PostgreSQL build's schemas (marts__build) are checked as published
        n["schema"] = str(n.get("schema") or "").removesuffix(PG_BUILD_SUFFIX)
    marts = {uid: n for uid, n in nodes.items() if n["resource_type"] == "model" and n["schema"] == SCHEMA}
    checks: list[Check] = []
    derived: dict[str, list[tuple[str, str]]] = {}
    keys: dict[str, list[str]] = {}
    for uid in sorted(nodes):
        test = nodes[uid]
        if test["resource_type"] != "test" or test.get("attached_node") not in marts or not test.get("test_metadata"):
            continue
        model = marts[test["attached_node"]]
        table = f"{SCHEMA}.{model.get('alias') or model['name']}"
        check, flag = _translate(test, table, nodes)
        checks.append(check)
        derived.setdefault(table, [])
        if flag and flag not in derived[table]:
            derived[table].append(flag)
        if test["test_metadata"]["name"] == "unique":
            keys.setdefault(table, []).append(check.kwargs["column"])
    tables = [
        TableSpec(table, index_columns=tuple(keys.get(table, ())[:1]),
                  sql=_select(_relation(marts[uid]), derived[table]))
        for uid in sorted(marts)
        for table in [f"{SCHEMA}.{marts[uid].get('alias') or marts[uid]['name']}"]
        if table in derived
    ]
    return SuiteSpec(name="marts", tables=tables, checks=checks)
