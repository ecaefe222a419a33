"""contracts.settings: every setting read in one place, every bundled path found beside the packages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contracts import settings


def test_bundled_paths_exist():
    for path, member in [
        (settings.DBT_PROJECT_DIR, "dbt_project.yml"), (settings.DBT_PROJECT_DIR, "profiles.yml"),
        (settings.SEEDS_DIR, "indicators.csv"), (settings.RULES_DIR, "vocabulary.yaml"),
        (settings.SAMPLE_CORPUS_DIR, "000_500ad30c4c1f596f.txt"),
        (settings.SAMPLE_CORPUS_WILD_DIR, "w01_jiaxian_2025.txt"),
        (settings.SAMPLE_CORPUS_WILD_DIR, "sources.csv"), (settings.SAMPLE_CORPUS_WILD_DIR, "manifest_regions.yaml"),
        (settings.REPORT_TEMPLATES_DIR, "base.html.j2"), (settings.REPORT_STATIC_DIR, "report.css"),
        (settings.EXPECTATIONS_DIR, "raw_suite.py"),
    ]:
        assert (path / member).is_file(), path / member


def test_defaults_do_not_depend_on_the_cwd(tmp_path, monkeypatch):
    for var in ("GWR_DB", "GWR_SOURCE", "GWR_MAX_BYTES", "GWR_DBT_TARGET", "GWR_DBT_PROJECT_DIR",
                "GWR_HTTP_RETRIES", "GWR_HTTP_RETRY_DELAY", "GWR_HTTP_TIMEOUT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    s = settings.load_settings()
    assert s.db_path == tmp_path / "warehouse" / "gwr.duckdb"
    assert s.sources == (str(settings.SAMPLE_CORPUS_DIR),)
    assert s.dbt_project_dir == s.dbt_profiles_dir == settings.DBT_PROJECT_DIR
    assert (s.dbt_target, s.max_bytes, s.http_retries) == ("dev", 20 * 1024 * 1024, 3)
    assert s.http_retry_delays() == [2.0, 4.0, 8.0]
    # the files beside the warehouse
    assert s.lock_path == tmp_path / "warehouse" / ".refresh.lock"
    assert s.dbt_artifacts_dir == tmp_path / "warehouse" / ".dbt"
    assert s.dbt_manifest == tmp_path / "warehouse" / ".dbt" / "target" / "manifest.json"
    assert s.data_docs_dir == tmp_path / "warehouse" / "data_docs"


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("GWR_DB", str(tmp_path / "x" / "w.duckdb"))
    monkeypatch.setenv("GWR_SOURCE", os.pathsep.join(["a", "b"]))
    monkeypatch.setenv("GWR_MAX_BYTES", "512k")
    monkeypatch.setenv("GWR_WORKERS", "3")
    monkeypatch.setenv("GWR_HTTP_RETRIES", "1")
    s = settings.load_settings()
    assert (s.db_path, s.sources, s.max_bytes, s.http_retries) == (tmp_path / "x" / "w.duckdb", ("a", "b"), 524288, 1)
    assert settings.workers() == 3
    # arguments win over the environment
    s = settings.load_settings(db=tmp_path / "y.duckdb", sources=["c"], max_bytes="1M")
    assert (s.db_path, s.sources, s.max_bytes) == (tmp_path / "y.duckdb", ("c",), 1024 * 1024)


@pytest.mark.parametrize("text,size", [("20M", 20 * 1024**2), ("512k", 524288), ("1000", 1000), ("2 GB", 2 * 1024**3)])
def test_parse_size(text, size):
    assert settings.parse_size(text) == size


def test_a_bad_size_is_refused_naming_it(monkeypatch):
    with pytest.raises(ValueError, match="not a size: '20 apples'"):
        settings.parse_size("20 apples")
    monkeypatch.setenv("GWR_MAX_BYTES", "lots")
    with pytest.raises(ValueError, match="'lots'"):
        settings.load_settings()


def test_no_module_reads_a_gwr_variable_but_settings():
    """Each setting is read in one place: no other module reads os.environ for a GWR_* variable."""
    import re

    readers = []
    for pkg in ("contracts", "flows", "gwr", "ingestion", "expectations"):
        for p in (settings.ROOT / pkg).rglob("*.py"):
            if p == Path(settings.__file__):
                continue
            if re.search(r"environ(\.get)?\s*[\[(]\s*[\"']GWR_", p.read_text(encoding="utf-8")):
                readers.append(str(p.relative_to(settings.ROOT)))
    assert readers == []


def test_quarantine_max_share_default_environment_and_bad_values(monkeypatch):
    monkeypatch.delenv("GWR_QUARANTINE_MAX_SHARE", raising=False)
    assert settings.quarantine_max_share() == 0.5
    assert settings.load_settings().quarantine_max_share == 0.5
    monkeypatch.setenv("GWR_QUARANTINE_MAX_SHARE", "0.2")
    assert settings.quarantine_max_share() == 0.2
    assert settings.load_settings().quarantine_max_share == 0.2
    for bad in ("half", "1.5", "-0.1"):
        monkeypatch.setenv("GWR_QUARANTINE_MAX_SHARE", bad)
        with pytest.raises(ValueError, match=f"GWR_QUARANTINE_MAX_SHARE.*{bad!r}"):
            settings.load_settings()


def test_parse_budget_from_the_environment(monkeypatch):
    monkeypatch.delenv("GWR_PARSE_BUDGET", raising=False)
    assert settings.parse_budget() == 60.0
    monkeypatch.setenv("GWR_PARSE_BUDGET", "2.5")
    assert settings.parse_budget() == 2.5
