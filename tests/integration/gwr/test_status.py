"""gwr.status: the state of the shared warehouse on one screen, as text and JSON."""

from __future__ import annotations

import json
import re

import duckdb
from _readside import gwr, unchanged


def test_status(wh):
    r = gwr("status", "--db", str(wh["db"]))
    assert r.exit_code == 0, r.output
    out = r.output
    con = duckdb.connect(str(wh["db"]), read_only=True)
    run_id = con.execute("SELECT run_id FROM ops.runs ORDER BY started DESC LIMIT 1").fetchone()[0]
    n_targets = con.execute("SELECT count(*) FROM marts.fct_targets").fetchone()[0]
    con.close()
    assert run_id in out and "succeeded" in out
    assert re.search(rf"marts\.fct_targets\s+{n_targets}\b", out)
    assert "data-quality checks of run" in out and "0 failed" in out
    assert "quarantined (latest run): none" in out
    assert len(out.splitlines()) <= 40  # one screen
    j = json.loads(gwr("status", "--db", str(wh["db"]), "--json").output)
    assert j["marts"]["marts.fct_targets"] == n_targets and j["latest_run"] == run_id
    unchanged(wh)
