"""The rules files are data a domain expert edits: every key is checked on load."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ingestion.dictionaries import RULES_DIR
from ingestion.extract.rules import SCHEMA, rules
from ingestion.parse.metadata import SCHEMA as META_SCHEMA
from ingestion.rulefiles import RulesError, load_rules_file

ALL = {**SCHEMA, "metadata.yaml": META_SCHEMA}


@pytest.mark.parametrize("name", sorted(ALL))
def test_the_shipped_rules_load(name):
    assert load_rules_file(RULES_DIR / name, ALL[name])


def test_rules_compile():
    assert rules().growth_re.search("同比增长")


def _broken(tmp_path: Path, name: str, change) -> Path:
    data = yaml.safe_load((RULES_DIR / name).read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_an_unknown_key_is_an_error(tmp_path):
    path = _broken(tmp_path, "vocabulary.yaml", lambda d: d.update(growht_words=["增长"]))
    with pytest.raises(RulesError, match=r"vocabulary.yaml: unknown key\(s\) \['growht_words'\]"):
        load_rules_file(path, SCHEMA["vocabulary.yaml"])


def test_a_missing_key_is_an_error(tmp_path):
    path = _broken(tmp_path, "rankings.yaml", lambda d: d.pop("rank_verbs"))
    with pytest.raises(RulesError, match="missing key"):
        load_rules_file(path, SCHEMA["rankings.yaml"])


def test_a_bad_regex_is_an_error(tmp_path):
    path = _broken(tmp_path, "frames.yaml", lambda d: d.update(inline_year="((19|20)"))
    with pytest.raises(RulesError, match="inline_year: does not compile"):
        load_rules_file(path, SCHEMA["frames.yaml"])


def test_an_unknown_indicator_is_an_error(tmp_path):
    def change(d):
        d["contextual_indicators"][0]["indicator"] = "gross_product"

    path = _broken(tmp_path, "vocabulary.yaml", change)
    with pytest.raises(RulesError, match="gross_product"):
        load_rules_file(path, SCHEMA["vocabulary.yaml"])


def test_a_bad_period_is_an_error(tmp_path):
    def change(d):
        d["periods"][0]["months"] = [9, 3]

    path = _broken(tmp_path, "frames.yaml", change)
    with pytest.raises(RulesError, match="periods: entry 1, months"):
        load_rules_file(path, SCHEMA["frames.yaml"])
