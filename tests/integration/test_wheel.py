"""`pip install .` (not editable): a wheel built from this checkout, installed into a fresh venv,
gives a `gwr` that builds the warehouse from the bundled corpus.

The wheel is built with pip (build isolation: setuptools and wheel come from the package index,
as for any user). The fresh venv gets the wheel alone; the third-party packages it depends on are
borrowed from this test's environment through a .pth line (installing them again would only
re-download the lock's 200 packages, which .ci/run already proves). That line does not process
the .pth files there, so this checkout's editable install stays invisible: the test checks that
every package and every bundled path comes from the fresh venv.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from _warehouse import query

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("contracts", "flows", "gwr", "ingestion", "expectations")
BUNDLED = (
    "dbt_project/dbt_project.yml", "dbt_project/profiles.yml", "dbt_project/seeds/regions.csv",
    "dbt_project/models/marts/_models.yml", "dbt_project/tests/generic/not_empty.sql",
    "ingestion/rules/vocabulary.yaml", "ingestion/rules/compounds.yaml",
    "sample_corpus/000_500ad30c4c1f596f.txt", "sample_corpus_wild/w01_jiaxian_2025.txt",
    "sample_corpus_wild/sources.csv", "sample_corpus_wild/manifest_regions.yaml",
    "dbt_project/models/intermediate/int_documents_published.sql", "gwr/report/templates/base.html.j2",
    "gwr/report/static/report.css", "gwr/report/static/attainment.js",
)


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert res.returncode == 0, f"{' '.join(map(str, cmd))}\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return res


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(REPO)], timeout=900)
    (whl,) = dist.glob("gwr_warehouse-*.whl")
    return whl


def test_the_wheel_ships_the_bundled_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in BUNDLED if f not in names]
    assert missing == [], missing
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/")) or "/target/" in n]


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fresh-venv")
    _run([sys.executable, "-m", "venv", str(root)], timeout=300)
    py = root / "bin" / "python"
    _run([str(py), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)], timeout=300)
    fresh_site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (fresh_site / "zz_borrowed_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return root


def test_gwr_from_the_wheel_publishes_the_bundled_corpus(venv, tmp_path, prefect_harness):
    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GWR_DB", "GWR_SOURCE")}
    env.update(PREFECT_API_URL=str(PREFECT_API_URL.value()), PYTHONUNBUFFERED="1")
    work = tmp_path / "elsewhere"  # not the checkout: nothing may be found relative to the cwd
    work.mkdir()
    code = (
        "import json, contracts.settings as s, " + ", ".join(PACKAGES) + "\n"
        "print(json.dumps({'files': [m.__file__ for m in (" + ", ".join(PACKAGES) + ")],"
        " 'paths': [str(p) for p in (s.DBT_PROJECT_DIR, s.SEEDS_DIR, s.RULES_DIR, s.SAMPLE_CORPUS_DIR,"
        " s.REPORT_TEMPLATES_DIR, s.REPORT_STATIC_DIR, s.SAMPLE_CORPUS_WILD_DIR)]}))"
    )
    where = json.loads(_run([str(venv / "bin" / "python"), "-c", code], cwd=work, env=env).stdout)
    for p in where["files"] + where["paths"]:
        assert Path(p).resolve().is_relative_to(venv.resolve()), f"{p} is not from the installed wheel"
        assert not Path(p).resolve().is_relative_to(REPO), p

    db = tmp_path / "w" / "gwr.duckdb"
    res = _run([str(venv / "bin" / "gwr"), "refresh", "--db", str(db)], cwd=work, env=env, timeout=900)
    assert f"published {db}" in res.stdout, res.stdout
    # the same documents and facts as this checkout's extractor gives, by the same extractor version
    # (a fingerprint of the code, the rules and the seeds: all found inside the wheel)
    from ingestion import EXTRACTOR_VERSION
    from ingestion.pipeline import parse_path

    parsed = [d for f in sorted((REPO / "sample_corpus").glob("*.txt")) for d in parse_path(f)]
    assert query(db, "SELECT count(*) FROM marts.dim_document") == [(len(parsed),)]
    assert query(db, "SELECT count(*) FROM raw.facts") == [(sum(len(d.facts) for d in parsed),)]
    assert query(db, "SELECT DISTINCT extractor_version FROM raw.documents") == [(EXTRACTOR_VERSION,)]
    assert query(db, "SELECT state FROM ops.runs") == [("succeeded",)]
    # dbt wrote its target/ and logs/ beside the warehouse, nothing into site-packages
    assert (db.parent / ".dbt" / "target" / "manifest.json").is_file()
    project = Path(where["paths"][0])
    assert not (project / "target").exists() and not (project / "logs").exists()
    report = tmp_path / "report"
    _run([str(venv / "bin" / "gwr"), "report", "--db", str(db), "--out", str(report)], cwd=work, env=env)
    assert "Rows per mart" in (report / "index.html").read_text(encoding="utf-8")
