"""Parse many files, on every core, streaming results in input order.

Parsing is CPU-bound pure Python (regexes and jieba), so a process pool is what uses both cores;
threads would share one GIL. Each worker loads jieba and the dictionaries once, and work is sent
in chunks so the per-file overhead stays flat as the corpus grows.

The refresh parses in *batches* (`parse_batch`): a worker parses a few dozen files and writes their
rows as Parquet files itself (ingestion/loading/columns.py), returning only counts and reasons, so
the flow's process never holds a parsed document. The batches run on a process pool
(`run_batches`, the default) or as Prefect tasks on a Dask cluster (flows/parse_dask.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts import settings
from ingestion.loading.columns import ColumnBatch
from ingestion.loading.spool import SpoolBatch
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
    source_hash: str | None = None  # sha256 of the file's bytes (raw.documents.source_hash)
    budget_seconds: float | None = None  # per document (GWR_PARSE_BUDGET); longer is quarantined


@dataclass(frozen=True)
class FileResult:
    """What became of one file of a batch: documents and facts written, or why it was not usable
    and what would make it usable."""

    key: str
    documents: int = 0
    facts: int = 0
    error: str | None = None
    fix: str = FILE_FIX


@dataclass(frozen=True)
class BatchResult:
    """A parsed batch: its files' results and the Parquet files holding their rows."""

    number: int
    files: list[FileResult]
    spooled: SpoolBatch | None


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


def parse_batch(jobs: list[ParseJob], folder: Path, number: int) -> BatchResult:
    """Parse the files of one batch and write their rows to `<folder>/batch-<number>.*.parquet`."""
    cols = ColumnBatch()
    results = []
    for job in jobs:
        out = parse_one(job)
        key = job.source_path or str(job.path)
        error = out.error or (None if out.documents else "no document found in the file")
        if error:
            results.append(FileResult(key, error=error, fix=out.fix))
            continue
        for d in out.documents:
            cols.add(d, source_hash=job.source_hash)
        results.append(FileResult(key, len(out.documents), sum(len(d.facts) for d in out.documents)))
    spooled = None
    if cols.documents:
        files = cols.write_parquet(Path(folder), f"batch-{number:06d}")
        spooled = SpoolBatch(files, cols.documents, cols.sentences, cols.facts)
    return BatchResult(number, results, spooled)


def _parse_batch_args(args: tuple[list[ParseJob], Path, int]) -> BatchResult:
    return parse_batch(*args)


def batch_jobs(jobs: list[ParseJob], workers: int, most: int = 50) -> list[list[ParseJob]]:
    """Jobs cut into batches: a few per worker at least (so that the pool stays busy to the end),
    at most `most` files each (a worker's memory holds one batch)."""
    if not jobs:
        return []
    size = max(1, min(most, len(jobs) // (max(1, workers) * 4) or 1))
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


def run_batches(
    batches: list[list[ParseJob]], folder: Path, workers: int | None = None, min_parallel: int = 8,
) -> Iterator[BatchResult]:
    """Parse the batches on a process pool (in this process for few files), results in order."""
    workers = settings.workers() if workers is None else workers
    args = [(jobs, Path(folder), i) for i, jobs in enumerate(batches)]
    if workers <= 1 or sum(len(b) for b in batches) < min_parallel:
        for a in args:
            yield _parse_batch_args(a)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(args)), initializer=_warm) as pool:
        yield from pool.map(_parse_batch_args, args)
