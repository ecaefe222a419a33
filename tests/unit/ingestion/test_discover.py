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
    # facts that defaulted to the document's region and year follow the override
    defaulted = [f for f in before.facts if f.region == "咸宁市" and f.year == 2022]
    assert defaulted
    assert sum(1 for f in doc.facts if f.region == "赤壁市" and f.year == 2021) == len(defaulted)
    assert not any(f.region == "咸宁市" for f in doc.facts)

    (tmp_path / "bad.yaml").write_text("documents:\n  - path: n.txt\n    kind: memo\n", encoding="utf-8")
    from ingestion.sources.discover import ManifestError

    with pytest.raises(ManifestError, match="kind must be one of"):
        expand_sources([str(tmp_path / "bad.yaml")])
