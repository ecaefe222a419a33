"""Turn `--source` arguments into the list of report sources.

A source is a folder (its report files, recursively), a file, a glob pattern, an http(s) URL, or a
manifest in YAML (a `.yaml`/`.yml` file) listing any of those with per-entry overrides:

    # reports.yaml
    documents:
      - path: reports/2022-q3.txt     # relative to the manifest's folder; a folder or glob too
        region: 咸宁市                 # overrides the region inferred from the text
        year: 2022                     # the year the document reports results for
        kind: progress_notice          # work_report | plan | progress_notice | stats_release
      - url: https://example.gov.cn/zwgk/2023.html
        region: 彬州市
        target_year: 2023              # optional; default year+1 for work reports, else year

(A bare list of entries is accepted too; an entry may also be just a path or URL string.)
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingestion.readers import REPORT_SUFFIXES
from contracts.codes import DOCUMENT_KINDS

MANIFEST_SUFFIXES = (".yaml", ".yml")
OVERRIDE_KEYS = ("region", "year", "kind", "target_year")
KINDS = DOCUMENT_KINDS


class NoInputError(RuntimeError):
    """Nothing to ingest: no report file found, or none could be parsed."""


class ManifestError(ValueError):
    """A manifest that cannot be used; the message names the manifest and the entry."""


@dataclass(frozen=True)
class Source:
    """One report to ingest: a local file, or a URL (fetched to a local file by the flow)."""

    key: str
    """What the source is known by across runs: the absolute path, or the URL."""
    path: Path | None = None
    """The local file (for a URL: the cached body, set once fetched)."""
    url: str | None = None
    overrides: tuple[tuple[str, Any], ...] = ()
    """(name, value) pairs from a manifest: region, year, kind, target_year."""
    manifest: str | None = None

    @property
    def is_url(self) -> bool:
        return self.url is not None

    @property
    def override_dict(self) -> dict[str, Any]:
        return dict(self.overrides)

    def with_path(self, path: Path) -> "Source":
        return Source(self.key, Path(path), self.url, self.overrides, self.manifest)


def is_url(s: str) -> bool:
    return s.lower().startswith(("http://", "https://"))


def _check_overrides(entry: dict, where: str) -> tuple[tuple[str, Any], ...]:
    out: list[tuple[str, Any]] = []
    for k in OVERRIDE_KEYS:
        v = entry.get(k)
        if v is None:
            continue
        if k in ("year", "target_year"):
            try:
                v = int(v)
            except (TypeError, ValueError):
                raise ManifestError(f"{where}: {k} must be a year such as 2022, not {v!r}") from None
            if not 1949 <= v <= 2100:
                raise ManifestError(f"{where}: {k} {v} is not a plausible year")
        elif k == "kind" and v not in KINDS:
            raise ManifestError(f"{where}: kind must be one of {', '.join(KINDS)}, not {v!r}")
        else:
            v = str(v).strip()
        out.append((k, v))
    unknown = set(entry) - set(OVERRIDE_KEYS) - {"path", "url", "file"}
    if unknown:
        raise ManifestError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    return tuple(out)


def read_manifest(path: Path) -> list[tuple[str, tuple[tuple[str, Any], ...]]]:
    """(path-or-url, overrides) for every entry of a YAML manifest; paths made absolute against
    the manifest's folder."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise ManifestError(f"manifest {path}: not valid YAML ({e})") from None
    if isinstance(data, dict):
        data = data.get("documents", data.get("sources"))
    if not isinstance(data, list):
        raise ManifestError(f"manifest {path}: expected a list under 'documents:'")
    out: list[tuple[str, tuple[tuple[str, Any], ...]]] = []
    for i, entry in enumerate(data, start=1):
        where = f"manifest {path}, entry {i}"
        if isinstance(entry, str):
            entry = {"url": entry} if is_url(entry) else {"path": entry}
        if not isinstance(entry, dict):
            raise ManifestError(f"{where}: expected a mapping with 'path' or 'url'")
        target = entry.get("url") or entry.get("path") or entry.get("file")
        if not target:
            raise ManifestError(f"{where}: needs 'path' or 'url'")
        target = str(target)
        overrides = _check_overrides(entry, where)
        if not is_url(target):
            p = Path(target).expanduser()
            target = str(p if p.is_absolute() else path.parent / p)
        out.append((target, overrides))
    return out


def _expand_local(src_s: str, suffixes: Sequence[str]) -> list[Path]:
    if any(ch in src_s for ch in "*?["):
        matches = [Path(p) for p in sorted(glob.glob(src_s, recursive=True))]
    else:
        matches = [Path(src_s)]
    if not matches or not any(p.exists() for p in matches):
        raise FileNotFoundError(f"source not found: {src_s}")
    files: list[Path] = []
    for p in matches:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in suffixes and not f.name.startswith("."):
                    files.append(f.resolve())
        elif p.is_file():
            files.append(p.resolve())
    return files


def expand_sources(
    sources: Sequence[str | Path], suffixes: Sequence[str] = REPORT_SUFFIXES
) -> list[Source]:
    """Every report source named by `sources`, without duplicates, sorted by key. A file named
    twice keeps the first mention that carries manifest overrides (else the first mention), so
    `--source reports/ --source fixes.yaml` applies the manifest's `region:` whatever the order.

    A source that matches nothing raises FileNotFoundError naming it; a bad manifest raises
    ManifestError."""
    found: dict[str, Source] = {}

    def add(s: Source) -> None:
        if s.key not in found or (s.overrides and not found[s.key].overrides):
            found[s.key] = s

    def visit(src_s: str, overrides: tuple = (), manifest: str | None = None, depth: int = 0) -> None:
        if is_url(src_s):
            add(Source(key=src_s, url=src_s, overrides=overrides, manifest=manifest))
            return
        p = Path(src_s)
        if p.suffix.lower() in MANIFEST_SUFFIXES and p.is_file():
            if depth > 3:
                raise ManifestError(f"manifest {p}: manifests nested too deep")
            for target, ov in read_manifest(p):
                visit(target, ov, str(p.resolve()), depth + 1)
            return
        for f in _expand_local(src_s, suffixes):
            add(Source(key=str(f), path=f, overrides=overrides, manifest=manifest))

    for src in sources:
        visit(str(src))
    return sorted(found.values(), key=lambda s: s.key)


def discover_sources(sources: Sequence[str | Path], suffixes: Sequence[str] = REPORT_SUFFIXES) -> list[Path]:
    """Every local report file named by the sources (manifests expanded; URLs left out), sorted."""
    return sorted(s.path for s in expand_sources(sources, suffixes) if s.path is not None)
