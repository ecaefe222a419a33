"""Extraction cases as data (tests/unit/extraction_cases/*.yaml): real text, what is known of its
document, and the facts it must (and must not) give."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ingestion.pipeline import parse_text

REPO = Path(__file__).resolve().parents[3]
CASES_DIR = Path(__file__).parent / "extraction_cases"
FIELDS = {"kind", "indicator", "measure", "value", "year", "period", "rank", "rank_scope", "region", "comparator",
          "estimate"}


def _cases() -> list[dict]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            case["_file"] = path.name
            out.append(case)
    return out


CASES = _cases()


def _matches(fact, want: dict) -> bool:
    got = {
        "kind": fact.kind, "indicator": fact.indicator, "measure": fact.measure, "year": fact.year,
        "period": f"{fact.period_start_month}-{fact.period_end_month}", "rank": fact.rank,
        "rank_scope": fact.rank_scope, "region": fact.region, "comparator": fact.comparator,
        "estimate": fact.estimate,
    }
    for key, expected in want.items():
        if key == "value":
            if fact.value is None or abs(fact.value - float(expected)) > max(0.001, 0.0001 * abs(float(expected))):
                return False
        elif got[key] != expected:
            return False
    return True


def test_cases_are_well_formed():
    assert len(CASES) >= 20
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    for case in CASES:
        assert set(case) <= {"id", "source", "document", "text", "facts", "not", "_file"}, case["id"]
        for want in case.get("facts", []) + case.get("not", []):
            assert set(want) <= FIELDS, f"{case['id']}: unknown field(s) {set(want) - FIELDS}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict):
    source = (REPO / case["source"]).read_text(encoding="utf-8")
    text = case.get("text", source)  # without a text, the whole source is read
    for line in filter(None, text.split("\n")):
        assert line in source, f"{case['id']}: {line!r} is not in {case['source']}"
    docs = parse_text(text, case["id"], overrides=case.get("document"))
    facts = [f for d in docs for f in d.facts]
    for want in case.get("facts", []):
        assert any(_matches(f, want) for f in facts), (
            f"{case['id']}: no fact {want} among:\n" + "\n".join(
                f"  {f.kind} {f.indicator} {f.measure} {f.value} {f.year} {f.period_start_month}-{f.period_end_month} "
                f"rank={f.rank} scope={f.rank_scope} region={f.region} cmp={f.comparator} est={f.estimate}"
                for f in facts))
    for unwanted in case.get("not", []):
        assert not any(_matches(f, unwanted) for f in facts), f"{case['id']}: unexpected fact {unwanted}"
