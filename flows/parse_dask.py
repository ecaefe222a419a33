"""The parse stage on a Dask cluster (`gwr refresh --task-runner dask [--dask-address …]`).

The same batches as on the process pool (ingestion.parse_stage.plan_parse), each a Prefect task
run by prefect-dask's DaskTaskRunner in a subflow: on a temporary LocalCluster of one worker
process per core, or on an existing cluster at `--dask-address` (tcp://host:8786). Each task
writes its batch's rows as Parquet into the run's spool folder and returns counts only, so the
workers must see that folder (the warehouse's folder): on one machine they do; a cluster of
several machines needs the warehouse on a shared file system. The process pool stays the
default: on one machine it costs less (BENCHMARKS.md compares the two).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from contracts import settings as config
from ingestion.batch import BatchResult, ParseJob
from ingestion.parse_stage import ParseBatch, plan_parse


@task(name="parse_batch", cache_policy=NO_CACHE, persist_result=False, retries=0)
def parse_batch_task(jobs: list[ParseJob], folder: Path, number: int) -> BatchResult:
    """Parse one batch of files on a Dask worker (ingestion.batch.parse_batch)."""
    from ingestion.batch import parse_batch

    return parse_batch(jobs, folder, number)


@flow(name="parse-batches", persist_result=False, validate_parameters=False, log_prints=True)
def parse_batches(batches: list[list[ParseJob]], folder: Path) -> list[BatchResult]:
    """Submit every batch to the flow's task runner (Dask), results in batch order."""
    futures = [parse_batch_task.submit(jobs, folder, i) for i, jobs in enumerate(batches)]
    return [f.result() for f in futures]


def dask_runner(address: str | None = None, workers: int | None = None) -> Any:
    """prefect-dask's task runner: on the cluster at `address`, else on a temporary LocalCluster
    with one single-threaded worker process per core (parsing holds the GIL)."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={"n_workers": workers or config.workers(), "threads_per_worker": 1,
                        "processes": True, "dashboard_address": None},
    )


def parse_on_dask(
    sources: list[Any], build_db: Path | None, *, full: bool = False, max_bytes: int | None = None,
    keep: list[str] | None = None, address: str | None = None, workers: int | None = None, log: Any = None,
) -> ParseBatch:
    """Plan the parse stage, run its batches on Dask, collect them into the ParseBatch."""
    stage = plan_parse(sources, build_db, full=full, max_bytes=max_bytes, keep=keep, workers=workers, log=log)
    results: list[BatchResult] = []
    if stage.batches:
        runner = dask_runner(address, workers)
        results = parse_batches.with_options(task_runner=runner)(stage.batches, stage.folder)
    return stage.collect(results, log=log)
