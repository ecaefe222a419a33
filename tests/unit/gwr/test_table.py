"""gwr.table: the one table printer lines Chinese text up by display width."""

from __future__ import annotations

from gwr.table import display_width, format_table, truncate


def test_display_width_counts_wide_characters_twice():
    assert display_width("gdp") == 3
    assert display_width("咸宁市") == 6
    assert display_width("８％") == 4  # fullwidth
    assert display_width("e\u0301") == 1  # a combining accent takes no column


def test_truncate_keeps_the_display_width():
    assert truncate("地区生产总值增长", 9) == "地区生产…"
    assert display_width(truncate("地区生产总值增长", 9)) <= 9
    assert truncate("short", 9) == "short"


def test_plain_columns_line_up():
    lines = format_table(["region", "rows"], [["咸宁市", "20"], ["marts.dim_region", "3191"]], right={1}, rule=True)
    assert lines[1].startswith("----")
    ends = {display_width(line) for line in lines}
    assert len(ends) == 1, lines  # the right-aligned last column ends in the same place
    assert lines[2].startswith("咸宁市" + " " * (len("marts.dim_region") - 6) + "  ")


def test_box_lines_have_one_width_and_the_columns_meet():
    lines = format_table(["region", "value"], [["咸宁市", "8.5"], ["珠海", "12"]], right={1}, style="box",
                         subheader=["varchar", "double"])
    assert {display_width(line) for line in lines} == {display_width(lines[0])}
    assert lines[0].startswith("┌") and lines[-1].startswith("└")
    assert lines[1] == "│ region  │ value  │"  # centred in the width of "varchar"
    assert lines[4] == "│ 咸宁市  │    8.5 │"
