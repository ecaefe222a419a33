"""ingestion.text: normalisation one for one, Chinese numerals."""

from __future__ import annotations

import pytest

from ingestion.text import cn_to_int, normalize


def test_normalize_is_one_for_one_and_folds_full_width():
    s = "地区生产总值增长８．５％左右，"
    assert normalize(s) == "地区生产总值增长8.5%左右,"
    assert len(normalize(s)) == len(s)

@pytest.mark.parametrize("s,n", [("十三", 13), ("第十三", 13), ("五", 5), ("二十一", 21), ("13", 13), ("首", None)])
def test_chinese_numerals(s, n):
    assert cn_to_int(s) == n
