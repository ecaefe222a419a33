"""gwr.docs: the dbt docs site of the shared warehouse, built on a copy of it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from _readside import gwr, unchanged


def test_docs(wh):
    r = gwr("docs", "--db", str(wh["db"]))
    assert r.exit_code == 0, r.output
    site = wh["db"].parent / "dbt_docs"
    for name in ("index.html", "catalog.json", "manifest.json", "static_index.html"):
        assert (site / name).is_file(), name
    assert str(site) in r.output
    catalog = json.loads((site / "catalog.json").read_text())
    assert any(k.endswith("fct_target_attainment") for k in catalog["nodes"])
    manifest = json.loads((site / "manifest.json").read_text())
    assert "model.gwr.fct_targets" in manifest["nodes"]
    # dbt ran on a copy: the published file is unchanged, and nothing in this process holds it open
    unchanged(wh)
    fds = Path("/proc/self/fd")
    if fds.is_dir():
        held = []
        for fd in fds.iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith(str(wh["db"])):
                held.append(target)
        assert held == [], held
