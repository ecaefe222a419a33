"""The code lists are written once (contracts/codes.py): the dbt tests accept exactly them."""

from __future__ import annotations

import yaml

from contracts import codes
from contracts.settings import DBT_PROJECT_DIR


def _accepted(path, column: str) -> list[list[str]]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("name") == column:
                for t in node.get("data_tests", []) or []:
                    if isinstance(t, dict) and "accepted_values" in t:
                        found.append(t["accepted_values"]["arguments"]["values"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def test_document_kinds_in_dbt_match_the_contract():
    lists = _accepted(DBT_PROJECT_DIR / "models" / "staging" / "_models.yml", "kind")
    lists += _accepted(DBT_PROJECT_DIR / "models" / "marts" / "_models.yml", "kind")
    doc_lists = [v for v in lists if "work_report" in v]
    assert doc_lists and all(list(v) == list(codes.DOCUMENT_KINDS) for v in doc_lists)


def test_scripts_in_dbt_match_the_contract():
    lists = _accepted(DBT_PROJECT_DIR / "models" / "staging" / "_models.yml", "script")
    assert lists and all(list(v) == list(codes.SCRIPTS) for v in lists)
