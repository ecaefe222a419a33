"""Chinese numerals as numbers: 十三 → 13, 两千零一十八点一 → 2018.1, 一万两千三百 → 12300.

Used by the normalised view (amounts written in words become digits there) and by rank parsing
(第十三位 → 13). Pure functions, linear in the numeral's length.
"""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
POINT = {"点", "點"}
NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS) + "".join(POINT)


def cn_to_int(s: str) -> int | None:
    """13, 十三, 二十一, 一百零五, 第十三 → an int; None if it is not a whole numeral."""
    s = s.strip().lstrip("第")
    if not s:
        return None
    if s.isdigit():
        return int(s)
    value = cn_to_number(s)
    if value is None or value != int(value):
        return None
    return int(value)


def cn_to_number(s: str) -> float | None:
    """A Chinese numeral with optional 点-decimals and 万/亿 groups; None if it is malformed."""
    whole, _, frac = next(((s[:i], s[i], s[i + 1:]) for i, ch in enumerate(s) if ch in POINT), (s, "", ""))
    value = _whole(whole)
    if value is None:
        return None
    if frac:
        digits = [DIGITS.get(ch) for ch in frac]
        if any(d is None for d in digits):
            return None
        value += float("0." + "".join(str(d) for d in digits))
    return value


def _whole(s: str) -> int | None:
    if not s:
        return None
    total = section = current = 0
    seen_digit = False
    for ch in s:
        if ch in DIGITS:
            current = DIGITS[ch]
            seen_digit = True
        elif ch in SMALL_UNITS:
            section += (current or 1) * SMALL_UNITS[ch]
            current = 0
        elif ch in BIG_UNITS:
            total = (total + section + current) * BIG_UNITS[ch]
            section = current = 0
        else:
            return None
    if not seen_digit and not any(ch in SMALL_UNITS for ch in s):
        return None
    return total + section + current
