"""Text as a terminal shows it: CJK characters take two columns, combining marks none.

Used by every table the CLI prints (gwr sql, gwr status, gwr parse). No imports beyond stdlib.
"""

from __future__ import annotations

import unicodedata


def char_width(c: str) -> int:
    if unicodedata.combining(c):
        return 0
    return 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1


def display_width(s: str) -> int:
    """Columns `s` takes in a terminal: East Asian wide and fullwidth characters count 2, combining 0."""
    return sum(char_width(c) for c in s)


def truncate(s: str, width: int) -> str:
    """`s` if it fits in `width` columns, else its start and "…"."""
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
    return s + " " * (width - display_width(s))


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
