"""Text helpers: offset-preserving normalisation and Chinese numerals.

Normalisation maps one character to exactly one character, so an offset into the normalised text
is an offset into the original: evidence is always cut from the original text.
"""

from __future__ import annotations

import re

_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_EXTRA = {
    "\u3000": " ",  # ideographic space
    "，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "％": "%", "．": ".",
    "－": "-", "～": "~", "﹪": "%", "—": "—", "–": "—", "―": "—", "‐": "-", "﹣": "-",
}


_MAP = {**_FULLWIDTH, **_EXTRA}
_NEEDS = re.compile("[" + "".join(re.escape(k) for k in _MAP) + "]")


def normalize(text: str) -> str:
    """Fold full-width digits, letters and punctuation to ASCII, one character for one.

    (A regex over the few characters to fold is several times faster than str.translate, which
    looks every character up in a dict.)"""
    return _NEEDS.sub(lambda m: _MAP[m.group(0)], text)


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(s: str) -> int | None:
    """Parse 13, 十三, 二十一, 一百零五 or 第十三 to an int; None if it is not a numeral."""
    s = s.strip().lstrip("第")
    if not s:
        return None
    if s.isdigit():
        return int(s)
    total, current = 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current


_NUM_RE = re.compile(r"-?\d+(?:\.\d+)?")


def parse_number(s: str) -> float | None:
    m = _NUM_RE.fullmatch(s.replace(",", ""))
    return float(m.group(0)) if m else None
