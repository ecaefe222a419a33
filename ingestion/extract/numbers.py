"""Figures: numbers with units (and ranges), and their value in an indicator's standard unit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingestion.extract.rules import Rules


@dataclass
class Num:
    start: int
    end: int
    value: float
    value_high: float | None
    unit_raw: str
    raw: str

    @property
    def is_pct(self) -> bool:
        return self.unit_raw == "%"


def find_numbers(s: str, R: Rules) -> list[Num]:
    """Every number with a unit in the sentence, ranges (6.5-7%) as one figure, in order."""
    nums: list[Num] = []
    taken_until = -1
    ranges = []
    for m in R.range_re.finditer(s):
        unit = m.group("unit")
        if m.group("u1") and m.group("u1") != unit:
            continue
        ranges.append(Num(m.start(), m.end(), float(m.group("lo")), float(m.group("hi")), unit, m.group(0)))
    ri = 0
    for m in R.number_re.finditer(s):
        while ri < len(ranges) and ranges[ri].end <= m.start():
            nums.append(ranges[ri])
            taken_until = ranges[ri].end
            ri += 1
        if ri < len(ranges) and ranges[ri].start <= m.start() < ranges[ri].end:
            continue
        if m.start() < taken_until:
            continue
        v = float(m.group("num"))
        if m.group("neg"):
            v = -v
        nums.append(Num(m.start(), m.end(), v, None, m.group("unit"), m.group(0)))
    nums.extend(ranges[ri:])
    nums.sort(key=lambda n: n.start)
    return _shared_units(s, nums, R)


_BARE_NUMBER = re.compile(r"(?<![\d.第])\d+(?:\.\d+)?(?![\d.%])")


def _shared_units(s: str, nums: list[Num], R: Rules) -> list[Num]:
    """A list that writes its unit once, at the end: "分别达到29698、15892元" — each bare number
    joined to a figure by 、/和 takes that figure's unit (scanned right to left, so a chain of
    them does too)."""
    if not nums:
        return nums
    by_start = {n.start: n for n in nums}
    bare = [m for m in _BARE_NUMBER.finditer(s) if m.start() not in by_start]
    added: list[Num] = []
    for m in reversed(bare):
        rest = s[m.end():]
        joiner = next((j for j in R.list_joiners if rest.startswith(j)), None)
        if joiner is None:
            continue
        follower = by_start.get(m.end() + len(joiner))
        if follower is None or follower.value_high is not None:
            continue
        num = Num(m.start(), m.end(), float(m.group(0)), None, follower.unit_raw, m.group(0) + follower.unit_raw)
        by_start[num.start] = num
        added.append(num)
    if not added:
        return nums
    return sorted(nums + added, key=lambda n: n.start)


def convert(num: Num, code: str | None, R: Rules) -> tuple[float, str] | None:
    """The value in the indicator's standard unit; None when unit and indicator do not fit."""
    d = R.d
    u = d.units.get(num.unit_raw)
    if u is None:
        return None
    if code is not None:
        ind_unit = d.indicators[code]["default_unit"]
        if ind_unit == "元" and u.kind == "money":  # per-person income stays in 元
            return round(num.value * round(u.factor * 1e8, 6), 6), "元"
        ind_kind = {"亿元": "money", "万人": "people", "万吨": "mass", "元": "money", "%": "percent"}.get(ind_unit)
        if u.kind != "percent" and ind_kind not in (u.kind, "percent"):
            return None
        if ind_unit == "亿元" and num.unit_raw in ("元", "元/人"):
            return None  # 生产总值达到14669元: a per-person figure, not the region's total
    return round(num.value * u.factor, 8), u.standard


def list_end(s: str, nums: list[Num], i: int, R: Rules) -> int:
    """End of the run of numbers joined by 、/和 that number i belongs to (for 分别…左右)."""
    end = nums[i].end
    j = i
    while j + 1 < len(nums) and (s[nums[j].end : nums[j + 1].start].strip() in R.list_joiners
                                 or s[nums[j].end : nums[j + 1].start].strip() == ","):
        j += 1
        end = nums[j].end
    return end
