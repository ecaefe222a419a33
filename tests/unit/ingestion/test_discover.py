"""ingestion.sources.discover: manifests with overrides, and the overrides applied by the pipeline."""

from __future__ import annotations

import shutil

import pytest
from _documents import NOTICE


def test_manifest_overrides_region_year_and_kind(tmp_path):
    from ingestion.sources.discover import expand_sources
    from ingestion.pipeline import parse_path

    shutil.copy(NOTICE, tmp_path / "n.txt")
    (tmp_path / "m.yaml").write_text(
        "documents:\n"
        "  - path: n.txt\n    region: 赤壁市\n    year: 2021\n    kind: progress_notice\n"
        "  - url: http://127.0.0.1:9/report.html\n    region: 彬州市\n",
        encoding="utf-8",
    )
    srcs = expand_sources([str(tmp_path / "m.yaml")])
    assert sorted(s.is_url for s in srcs) == [False, True]
    local = next(s for s in srcs if not s.is_url)
    assert local.path == (tmp_path / "n.txt").resolve()
    assert local.override_dict == {"region": "赤壁市", "year": 2021, "kind": "progress_notice"}
    before = parse_path(local.path)[0]
    doc = parse_path(local.path, local.override_dict)[0]
    assert (doc.document.region, doc.document.year, doc.document.target_year) == ("赤壁市", 2021, 2021)
    # facts of the document's region follow the override; their year too, unless the text dates
    # them itself (a paragraph opening "2022年1-9月,…" keeps its 2022: the text is better evidence)
    of_region = [f for f in before.facts if f.region == "咸宁市"]
    assert of_region
    assert sum(1 for f in doc.facts if f.region == "赤壁市") == len(of_region)
    assert not any(f.region == "咸宁市" for f in doc.facts)
    lines = doc.document.text.split("\n")
    line_of = {}
    pos = 0
    for no, line in enumerate(lines):
        line_of.update({i: no for i in range(pos, pos + len(line) + 1)})
        pos += len(line) + 1
    followed = [f for f in doc.facts if f.region == "赤壁市" and f.year == 2021]
    kept = [f for f in doc.facts if f.region == "赤壁市" and f.year == 2022]
    assert len(followed) > len(kept)
    assert all("2022年" in lines[line_of[f.char_start]] for f in kept)

    (tmp_path / "bad.yaml").write_text("documents:\n  - path: n.txt\n    kind: memo\n", encoding="utf-8")
    from ingestion.sources.discover import ManifestError

    with pytest.raises(ManifestError, match="kind must be one of"):
        expand_sources([str(tmp_path / "bad.yaml")])


def test_a_manifest_entry_wins_over_a_folder_naming_the_same_file_in_either_order(tmp_path):
    """`--source folder --source fix.yaml`: the fix applies whatever the order of the sources."""
    from contracts.settings import SAMPLE_CORPUS_WILD_DIR
    from ingestion.sources.discover import expand_sources

    wild = SAMPLE_CORPUS_WILD_DIR
    fix = tmp_path / "fix.yaml"
    fix.write_text(f"documents:\n  - path: {wild / 'w01_jiaxian_2025.txt'}\n    region: 郏县\n", encoding="utf-8")
    for order in ([str(wild), str(fix)], [str(fix), str(wild)]):
        srcs = {s.path.name: s for s in expand_sources(order)}
        assert len(srcs) == 24
        assert srcs["w01_jiaxian_2025.txt"].override_dict == {"region": "郏县"}
        assert srcs["w03_changshou_2023.txt"].overrides == ()
