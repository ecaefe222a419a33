"""Turn `--source` arguments (folders, files, globs) into the list of report files."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

REPORT_SUFFIXES = (".txt",)


def discover_sources(sources: Sequence[str | Path], suffixes: Sequence[str] = REPORT_SUFFIXES) -> list[Path]:
    """Every report file named by the sources, sorted and without duplicates.

    A folder contributes its files with a report suffix (recursively); a glob its matches; a file
    itself. A source that matches nothing raises FileNotFoundError naming it.
    """
    found: dict[Path, None] = {}
    for src in sources:
        src_s = str(src)
        if any(ch in src_s for ch in "*?["):
            matches = [Path(p) for p in sorted(glob.glob(src_s, recursive=True))]
        else:
            matches = [Path(src_s)]
        if not matches or not any(p.exists() for p in matches):
            raise FileNotFoundError(f"source not found: {src_s}")
        for p in matches:
            if p.is_dir():
                for f in sorted(p.rglob("*")):
                    if f.is_file() and f.suffix.lower() in suffixes and not f.name.startswith("."):
                        found[f.resolve()] = None
            elif p.is_file():
                found[p.resolve()] = None
    return sorted(found)
