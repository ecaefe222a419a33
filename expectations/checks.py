"""The building blocks of a quality suite, as data: a `Check` per expectation, a `TableSpec` per
table read, a `SuiteSpec` tying them together. Great Expectations is imported only by
`Check.to_gx()` (it takes seconds to import).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

@dataclass(frozen=True)
class Check:
    """One expectation on one table.

    `expectation` is the GX class name in `great_expectations.expectations`; `kwargs` its
    arguments. `where` is an optional row condition `(column, op, value)` with op one of
    `==`, `!=`, `>=`, `<=`, `>`, `<`, `in`, `not_null`, `null` (converted to a GX Condition),
    or a tuple of such conditions, all of which must hold.
    """

    table: str
    expectation: str
    kwargs: dict[str, Any]
    blocking: bool = True
    note: str = ""
    where: tuple | None = None
    label: str | None = None
    """What the check is reported on (ops.dq_results.column_name) when that is not the column it
    reads: a derived flag column is reported under the column or expression it stands for."""

    @property
    def expectation_type(self) -> str:
        """snake_case name as GX reports it: ExpectColumnValuesToBeUnique -> expect_column_values_to_be_unique."""
        out = []
        for i, ch in enumerate(self.expectation):
            if ch.isupper() and i:
                out.append("_")
            out.append(ch.lower())
        return "".join(out)

    @property
    def column_name(self) -> str | None:
        if self.label is not None:
            return self.label
        kw = self.kwargs
        if "column" in kw:
            return kw["column"]
        if "column_A" in kw:
            return f"{kw['column_A']},{kw['column_B']}"
        if "column_list" in kw:
            return ",".join(kw["column_list"])
        return None

    @property
    def check_id(self) -> str:
        key = "|".join(
            [self.table, self.expectation, repr(sorted(self.kwargs.items())), repr(self.where)]
        )
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]

    def to_gx(self):
        """The GX Core 1.x Expectation object (imports GX)."""
        import great_expectations.expectations as gxe
        from great_expectations.expectations.metadata_types import FailureSeverity

        cls = getattr(gxe, self.expectation)
        kwargs = dict(self.kwargs)
        if self.where is not None:
            kwargs["row_condition"] = _condition(self.where)
        meta = {"check_id": self.check_id, "table": self.table, "blocking": self.blocking}
        return cls(
            **kwargs,
            meta=meta,
            notes=self.note or None,
            severity=FailureSeverity.CRITICAL if self.blocking else FailureSeverity.WARNING,
        )


def _condition(where: tuple):
    if where and isinstance(where[0], tuple):  # several conditions: all must hold
        first, *others = (_condition(w) for w in where)
        for c in others:
            first = first & c
        return first
    from great_expectations.expectations.row_conditions import Column

    col, op, *rest = where
    c = Column(col)
    if op == "not_null":
        return c.is_not_null()
    if op == "null":
        return c.is_null()
    (value,) = rest
    if op == "in":
        return c.is_in(list(value))
    return {
        "==": c.__eq__,
        "!=": c.__ne__,
        ">=": c.__ge__,
        "<=": c.__le__,
        ">": c.__gt__,
        "<": c.__lt__,
    }[op](value)


@dataclass(frozen=True)
class TableSpec:
    name: str  # schema.table
    index_columns: tuple[str, ...] = ()  # row keys reported for failing rows
    finite_columns: tuple[str, ...] = ()  # DOUBLE columns: `<col>__is_finite` computed in SQL
    validate: bool = True  # False: read only as an input of `prepare`
    # Optional SELECT that reads the table with its derived columns computed in DuckDB: the texts
    # are compared there, and only a one-character stand-in of each text reaches pandas, so memory
    # stays small however large the corpus (BENCHMARKS.md). Called with the table's columns.
    sql: Callable[[dict[str, list[str]]], str] | None = None
    run_scoped: bool = False  # the SQL takes the run id as its one parameter (`?`)
    optional: bool = False  # a missing table is skipped, not a failure (a warehouse older than it)

    @property
    def schema(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def table(self) -> str:
        return self.name.split(".", 1)[1]


Frames = dict[str, pd.DataFrame]


@dataclass
class SuiteSpec:
    name: str
    tables: list[TableSpec]
    checks: list[Check]
    prepare: Callable[[Frames], Frames] = lambda frames: frames
    dictionaries: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def table(self, name: str) -> TableSpec:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def checks_for(self, table: str) -> list[Check]:
        return [c for c in self.checks if c.table == table]
