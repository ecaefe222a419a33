"""ingestion.EXTRACTOR_VERSION: a fingerprint of the extractor's code, rules and dictionaries."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_extractor_version_follows_the_rules(tmp_path, monkeypatch):
    """Editing a pattern or an alias must change the version, so a refresh re-parses everything."""
    import shutil

    import ingestion

    pkg = tmp_path / "ingestion"
    shutil.copytree(ROOT / "ingestion", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "dbt_project" / "seeds", tmp_path / "dbt_project" / "seeds")
    monkeypatch.setattr(ingestion, "_HERE", pkg)
    monkeypatch.setattr(ingestion, "_SEEDS", tmp_path / "dbt_project" / "seeds")
    before = ingestion._fingerprint()
    assert before == ingestion.EXTRACTOR_VERSION.split("+")[1]
    rules = pkg / "rules" / "vocabulary.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# a new rule\n", encoding="utf-8")
    after_rules = ingestion._fingerprint()
    aliases = tmp_path / "dbt_project" / "seeds" / "indicator_aliases.csv"
    aliases.write_text(aliases.read_text(encoding="utf-8") + "地区总产值,gdp\n", encoding="utf-8")
    assert len({before, after_rules, ingestion._fingerprint()}) == 3
