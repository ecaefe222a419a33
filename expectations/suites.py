"""The quality suites by stage: `raw` (raw_suite.py, written here: GX owns the raw layer's checks)
and `marts` (marts_suite.py, generated from the dbt manifest: the dbt tests own the marts')."""

from __future__ import annotations

from pathlib import Path

from expectations.checks import SuiteSpec

STAGES = ("raw", "marts")


def get_suite(stage: str, manifest: Path | None = None, seeds_dir: Path | None = None) -> SuiteSpec:
    """The suite of `stage`; the marts suite needs the manifest of the dbt build it checks."""
    if stage == "raw":
        from expectations.raw_suite import raw_suite

        return raw_suite(seeds_dir)
    if stage == "marts":
        from expectations.marts_suite import marts_suite

        if manifest is None:
            raise ValueError("the marts suite is generated from dbt's manifest: pass manifest=PATH")
        return marts_suite(manifest)
    raise ValueError(f"unknown stage {stage!r}; expected one of {', '.join(STAGES)}")
