"""Chinese numerals as numbers (ranks, and amounts written in words)."""

from __future__ import annotations

import pytest

from ingestion.parse.cn_numerals import cn_to_int, cn_to_number
from ingestion.parse.view import fold


def test_fold_is_one_for_one_and_folds_full_width():
    s = "地区生产总值增长８．５％左右，"
    assert fold(s) == "地区生产总值增长8.5%左右,"
    assert len(fold(s)) == len(s)


@pytest.mark.parametrize("s,n", [("十三", 13), ("第十三", 13), ("五", 5), ("二十一", 21), ("13", 13), ("首", None),
                                 ("一百零五", 105), ("两千零一十八点一", None)])
def test_whole_numerals(s, n):
    assert cn_to_int(s) == n


@pytest.mark.parametrize("s,v", [("两千零一十八点一", 2018.1), ("一万两千三百", 12300), ("百分", None),
                                 ("三十八", 38), ("九", 9)])
def test_numerals_with_decimals_and_groups(s, v):
    assert cn_to_number(s) == v
