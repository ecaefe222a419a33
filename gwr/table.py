"""The one table printer of the command line (`gwr sql`, `gwr status`, `gwr parse`, the refresh
summary), and the text-width helpers it rests on.

Columns are aligned by display width: East Asian wide and fullwidth characters take two terminal
columns, combining marks none, so Chinese text lines up.

    format_table(header, rows)                       plain columns separated by two spaces
    format_table(header, rows, rule=True)            … with a rule of dashes under the header
    format_table(header, rows, style="box",          a box like DuckDB's, with a second header
                 subheader=types, right={1})         line (the column types)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence


def char_width(c: str) -> int:
    """Columns one character takes: 2 for East Asian wide and fullwidth, 0 for combining marks."""
    if unicodedata.combining(c):
        return 0
    return 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1


def display_width(s: str) -> int:
    """Columns `s` takes in a terminal: East Asian wide and fullwidth characters count 2, combining 0."""
    return sum(char_width(c) for c in s)


def truncate(s: str, width: int) -> str:
    """`s` cut to `width` display columns, ending in … when cut."""
    if display_width(s) <= width:
        return s
    out, w = [], 0
    for c in s:
        cw = char_width(c)
        if w + cw > width - 1:
            break
        out.append(c)
        w += cw
    return "".join(out) + "…"


def pad(s: str, width: int) -> str:
    """`s` filled with spaces to `width` columns."""
    return _pad(s, width)


def wrap(s: str, width: int) -> list[str]:
    """`s` in pieces of at most `width` columns (Chinese text has no spaces to break at)."""
    lines: list[str] = []
    cur: list[str] = []
    used = 0
    for c in s:
        w = char_width(c)
        if used + w > width and cur:
            lines.append("".join(cur))
            cur, used = [], 0
        cur.append(c)
        used += w
    if cur or not lines:
        lines.append("".join(cur))
    return lines


def _pad(s: str, width: int, align: str = "left") -> str:
    gap = width - display_width(s)
    if align == "center":
        left = gap // 2
        return " " * left + s + " " * (gap - left)
    return " " * gap + s if align == "right" else s + " " * gap


def format_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Collection[int] = (),
    style: str = "plain",
    rule: bool = False,
    indent: str = "",
    subheader: Sequence[str] | None = None,
    widths: Sequence[int] | None = None,
    sep: str = "  ",
) -> list[str]:
    """The table's lines. `rows` hold strings; the columns numbered in `right` are right-aligned.

    style "plain": cells separated by `sep`, trailing blanks cut, an optional `rule` of dashes
    under the header. style "box": box-drawing borders, header (and `subheader`) centred.
    `widths`: fixed column widths (cells longer than theirs are cut with "…"); by default each
    column is as wide as its widest cell.
    """
    heads = [list(header)] + ([list(subheader)] if subheader is not None else [])
    if widths is None:
        widths = [max(display_width(r[i]) for r in [*heads, *rows]) for i in range(len(header))]
    else:
        widths = list(widths)
        heads = [[truncate(c, w) for c, w in zip(h, widths)] for h in heads]
        rows = [[truncate(c, w) for c, w in zip(r, widths)] for r in rows]

    def align(i: int) -> str:
        return "right" if i in right else "left"

    if style == "box":
        def border(left: str, mid: str, end: str) -> str:
            return left + mid.join("─" * (w + 2) for w in widths) + end

        def line(cells: Sequence[str], centred: bool = False) -> str:
            return "│" + "│".join(
                f" {_pad(c, w, 'center' if centred else align(i))} "
                for i, (c, w) in enumerate(zip(cells, widths))
            ) + "│"

        return [border("┌", "┬", "┐"), *(line(h, centred=True) for h in heads),
                border("├", "┼", "┤"), *(line(r) for r in rows), border("└", "┴", "┘")]

    def plain(cells: Sequence[str]) -> str:
        return (indent + sep.join(_pad(c, w, align(i)) for i, (c, w) in enumerate(zip(cells, widths)))).rstrip()

    lines = [plain(h) for h in heads]
    if rule:
        lines.append(plain(["-" * w for w in widths]))
    return lines + [plain(r) for r in rows]
