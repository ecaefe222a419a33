"""ingestion.sources.incremental: which sources are parsed, unchanged or removed."""

from __future__ import annotations

import os
import time


def test_plan_skips_unchanged_and_reparses_on_new_extractor_version(tmp_path):
    from ingestion.sources.incremental import StoredState, plan_sources, state_rows
    from ingestion.sources.discover import expand_sources

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("甲", encoding="utf-8")
    b.write_text("乙", encoding="utf-8")
    srcs = expand_sources([str(tmp_path)])
    first = plan_sources(srcs, StoredState({}, True, 0, set()), "v1")
    assert len(first.to_parse) == 2 and not first.full
    rows = state_rows(first, {str(a.resolve()): 1, str(b.resolve()): 1}, {}, "r1", "v1", {})
    state = StoredState({r["source"]: r for r in rows}, True, 2, {"v1"})

    again = plan_sources(srcs, state, "v1")
    assert (len(again.to_parse), len(again.unchanged), again.removed) == (0, 2, [])
    os.utime(a, ns=(time.time_ns(), time.time_ns() + 10**9))  # touched, same bytes: unchanged
    assert len(plan_sources(srcs, state, "v1").unchanged) == 2
    b.write_text("丙", encoding="utf-8")
    changed = plan_sources(srcs, state, "v1")
    assert [p.source.path.name for p in changed.to_parse] == ["b.txt"]
    a.unlink()
    gone = plan_sources(expand_sources([str(tmp_path)]), state, "v1")
    assert gone.removed == [str(a.resolve())]
    new_version = plan_sources(srcs[1:], state, "v2")
    assert new_version.full and "extractor version" in new_version.full_reason
    assert len(new_version.to_parse) == 1
    assert plan_sources(srcs[1:], state, "v1", full=True).full
