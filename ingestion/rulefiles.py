"""Rules files as data: each key declared with the shape of its value, checked on load.

A file with an unknown or missing key, a value of the wrong type, or a regular expression that
does not compile is rejected with the file and key named (RulesError): a typo in a rules file
fails loudly instead of silently changing what is extracted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import yaml

class RulesError(ValueError):
    """A rules file is malformed: names the file, the key and what is wrong."""


# ---------------------------------------------------------------------------------------------
# Schema: the keys of each rules file and the shape of their values
# ---------------------------------------------------------------------------------------------

Check = Callable[[Any], str | None]  # returns a complaint, or None when the value fits


def words(v: Any) -> str | None:
    if not isinstance(v, list) or not v or not all(isinstance(w, str) and w for w in v):
        return "must be a non-empty list of words"
    return None


def word(v: Any) -> str | None:
    return None if isinstance(v, str) and v else "must be a word"


def regex(v: Any) -> str | None:
    if not isinstance(v, str):
        return "must be a regular expression (a string)"
    try:
        re.compile(v.replace("{target_year}", "2000").replace("{year}", "1999"))
    except re.error as e:
        return f"does not compile: {e}"
    return None


def regexes(v: Any) -> str | None:
    if not isinstance(v, list) or not v:
        return "must be a non-empty list of regular expressions"
    for item in v:
        if (err := regex(item)) is not None:
            return f"{item!r} {err}"
    return None


def mapping_of(check: Check, keys: set[str] | None = None) -> Check:
    def inner(v: Any) -> str | None:
        if not isinstance(v, dict) or not v:
            return "must be a mapping"
        if keys is not None and set(v) - keys:
            return f"unknown key(s) {sorted(set(v) - keys)}; allowed: {sorted(keys)}"
        for k, item in v.items():
            if (err := check(item)) is not None:
                return f"{k}: {err}"
        return None
    return inner


def integer(v: Any) -> str | None:
    return None if isinstance(v, int) and not isinstance(v, bool) else "must be an integer"


def records(fields: dict[str, Check], optional: set[str] = frozenset()) -> Check:
    def inner(v: Any) -> str | None:
        if not isinstance(v, list) or not v:
            return "must be a non-empty list of entries"
        for i, item in enumerate(v):
            if not isinstance(item, dict):
                return f"entry {i + 1} must be a mapping"
            unknown = set(item) - set(fields)
            missing = set(fields) - set(item) - set(optional)
            if unknown or missing:
                return f"entry {i + 1}: unknown {sorted(unknown)}, missing {sorted(missing)}"
            for k, check in fields.items():
                if k in item and (err := check(item[k])) is not None:
                    return f"entry {i + 1}, {k}: {err}"
        return None
    return inner


def months(v: Any) -> str | None:
    if v in ("match", "to_month", "single"):
        return None
    if isinstance(v, list) and len(v) == 2 and all(isinstance(m, int) and 1 <= m <= 12 for m in v) and v[0] <= v[1]:
        return None
    return "must be `match`, `to_month`, `single` or [first, last] months"


def load_rules_file(path: Path, schema: dict[str, Check]) -> dict[str, Any]:
    """Read one rules file and check it against its schema (RulesError names what is wrong)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise RulesError(f"{path}: not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise RulesError(f"{path}: must be a mapping of keys to values")
    unknown = sorted(set(data) - set(schema))
    missing = sorted(set(schema) - set(data))
    if unknown:
        raise RulesError(f"{path}: unknown key(s) {unknown}: not read by the extractor (a typo?)")
    if missing:
        raise RulesError(f"{path}: missing key(s) {missing}")
    for key, check in schema.items():
        if (err := check(data[key])) is not None:
            raise RulesError(f"{path}: {key}: {err}")
    return data


