"""Variable labels for the exported tables, from the one place the columns are documented: the
dbt project's model descriptions (dbt_project/models/*/_models.yml)."""

from __future__ import annotations

import functools
import re

import yaml

from contracts.settings import DBT_PROJECT_DIR

STATA_LABEL_MAX = 80
"""Stata's limit on a variable label (characters)."""


@functools.cache
def column_docs() -> dict[str, dict[str, str]]:
    """{model: {column: description}} of every documented model."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted((DBT_PROJECT_DIR / "models").glob("*/_models.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            cols = {c["name"]: " ".join(str(c.get("description") or "").split())
                    for c in model.get("columns", [])}
            out[model["name"]] = cols
    return out


def short_label(description: str, limit: int = STATA_LABEL_MAX) -> str:
    """The first sentence of a description, cut to `limit` characters at a word where it can be."""
    first = re.split(r"(?<=[.;])\s", description.replace("`", ""), maxsplit=1)[0].rstrip(".;")
    if len(first) <= limit:
        return first
    cut = first[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:(") + "…"


def labels(model: str, columns: list[str]) -> dict[str, str]:
    """{column: label} for the columns of `model` (a column the docs lack is labelled by its name)."""
    docs = column_docs().get(model, {})
    return {c: short_label(docs.get(c) or c) for c in columns}


def codebook(tables: list[tuple[str, str, list[str]]]) -> list[dict[str, str]]:
    """One row per exported column: table, variable, label, description (the full text)."""
    rows = []
    for name, model, columns in tables:
        docs = column_docs().get(model, {})
        for c in columns:
            rows.append({"table": name, "variable": c, "label": short_label(docs.get(c) or c),
                         "description": docs.get(c) or ""})
    return rows
