"""Ingestion: read report files, split them into documents and sentences, extract facts.

Everything here is pure Python with no Prefect, dbt or GX import, so `gwr parse` starts fast.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from contracts.settings import SEEDS_DIR

# Bump by hand for a change of meaning; the fingerprint below catches every other change.
EXTRACTOR_RELEASE = "0.3.0"

_HERE = Path(__file__).resolve().parent
_SEEDS = SEEDS_DIR


# The modules outside extract/ and parse/ whose code decides what a document yields.
_EXTRACTION_MODULES = ("pipeline.py", "split.py", "records.py", "dictionaries.py", "rulefiles.py")


def _package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def _fingerprint() -> str:
    """A hash of everything that decides what is extracted: this package's code, its rules files
    and the dictionaries (dbt seeds). Editing a pattern or an alias changes the extractor version,
    so the next refresh re-parses every document instead of keeping facts of the old rules."""
    h = hashlib.sha256()
    files = [_HERE / n for n in _EXTRACTION_MODULES] + sorted((_HERE / "extract").glob("*.py"))
    files += sorted((_HERE / "parse").glob("*.py")) + sorted((_HERE / "readers").glob("*.py"))
    files += sorted((_HERE / "rules").glob("*"))
    files += [_SEEDS / n for n in ("indicators.csv", "indicator_aliases.csv", "units.csv", "regions.csv", "region_pinyin.csv")]
    h.update(_package_version("opencc").encode())  # its character table is part of the view
    for f in files:
        if f.is_file():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:10]


EXTRACTOR_VERSION = f"{EXTRACTOR_RELEASE}+{_fingerprint()}"
