"""Parse many files, on every core, streaming results in input order.

Parsing is CPU-bound pure Python (regexes and jieba), so a process pool is what uses both cores;
threads would share one GIL. Each worker loads jieba and the dictionaries once, and work is sent
in chunks so the per-file overhead stays flat as the corpus grows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts import settings
from ingestion.records import FILE_FIX, ParsedDocument

PARSER_BUG_FIX = ("a parser bug: report it with the file; the file is parsed again by itself once the "
                  "extractor changes")


@dataclass
class ParseOutcome:
    path: Path
    documents: list[ParsedDocument]
    error: str | None = None  # the reason in plain words when the file was not usable
    job: "ParseJob | None" = None  # what was asked, when a ParseJob was given
    fix: str = FILE_FIX  # what would make it usable, when it was not


@dataclass(frozen=True)
class ParseJob:
    """A file with what the parser needs beyond its path (picklable: it crosses processes)."""

    path: Path
    overrides: tuple[tuple[str, Any], ...] = ()
    source_path: str | None = None  # recorded as raw.documents.source_path (a URL for a page)
    max_bytes: int | None = None
    budget_seconds: float | None = None  # per document (GWR_PARSE_BUDGET); longer is quarantined


def parse_one(item: Path | ParseJob) -> ParseOutcome:
    """Never raises: an unusable file becomes an outcome with its reason."""
    from ingestion.pipeline import parse_path
    from ingestion.readers import UnreadableFile

    job = item if isinstance(item, ParseJob) else None
    path = Path(job.path if job else item)
    try:
        if job is None:
            return ParseOutcome(path, parse_path(path))
        docs = parse_path(path, dict(job.overrides), max_bytes=job.max_bytes, source_path=job.source_path,
                          budget_seconds=job.budget_seconds)
        return ParseOutcome(path, docs, job=job)
    except UnreadableFile as exc:
        return ParseOutcome(path, [], exc.reason, job=job, fix=exc.fix)
    except Exception as exc:  # a parser bug must not lose the other files
        return ParseOutcome(path, [], f"the parser failed on it: {type(exc).__name__}: {exc}", job=job,
                            fix=PARSER_BUG_FIX)


def _warm() -> None:
    from ingestion.extract import warm

    warm()


def parse_files(paths: Iterable[Path | ParseJob], workers: int | None = None, min_parallel: int = 8) -> Iterator[ParseOutcome]:
    """Outcomes for the files (paths or ParseJobs), in their order. Few files are parsed
    in-process (a pool costs a jieba load per worker, ~1 s)."""
    paths = list(paths)
    workers = settings.workers() if workers is None else workers
    if workers <= 1 or len(paths) < min_parallel:
        for p in paths:
            yield parse_one(p)
        return
    chunk = max(1, min(64, len(paths) // (workers * 8) or 1))
    with ProcessPoolExecutor(max_workers=workers, initializer=_warm) as pool:
        yield from pool.map(parse_one, paths, chunksize=chunk)
