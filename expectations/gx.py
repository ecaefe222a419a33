"""Great Expectations Core 1.x: validate pandas frames against a suite, build the Data Docs.

A File Data Context is kept under `<docs_dir>/.gx`, the Data Docs site in `docs_dir`; each table
is one GX suite, validation definition and checkpoint, named `<suite>__<table>`. GX is imported
inside the functions: it takes seconds to import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import pandas as pd

from contracts.tables import utcnow
from expectations.checks import SuiteSpec
from expectations.results import SAMPLE_SIZE, CheckResult, to_check_result

log = logging.getLogger(__name__)

DOCS_SITE = "gwr"
DOCS_KEEP_RESULTS = 50  # validation results kept per table in the Data Docs history


def _gx_context(docs_dir: Path):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    docs_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(docs_dir / ".gx"))
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir.resolve()),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    changed = False
    if context.variables.data_docs_sites != {DOCS_SITE: site}:
        context.variables.data_docs_sites = {DOCS_SITE: site}
        changed = True
    bars = context.variables.progress_bars
    globally = bars.get("globally") if isinstance(bars, dict) else getattr(bars, "globally", None)
    if globally is not False:
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        changed = True
    if changed:
        context.variables.save()
    return context


def _get_or_add(getter, adder, name):
    try:
        return getter(name)
    except (KeyError, LookupError, ValueError) as exc:  # GX raises LookupError subclasses
        log.debug("creating %s: %s", name, exc)
        return adder(name)


def validate(
    frames: dict[str, pd.DataFrame], spec: SuiteSpec, run_id: str, docs_dir: Path
) -> tuple[list[CheckResult], Path | None]:
    tables = [t for t in spec.tables if t.validate and t.name in frames]
    if not tables:
        return [], None
    context = _gx_context(docs_dir)
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

    datasource = context.data_sources.add_or_update_pandas(f"gwr_{spec.name}")
    gx_run = RunIdentifier(run_name=run_id, run_time=dt.datetime.now(dt.timezone.utc))
    results: list[CheckResult] = []
    doc_ids: list = []
    for t in tables:
        df = frames[t.name]
        checks = spec.checks_for(t.name)
        by_id = {c.check_id: c for c in checks}
        asset = _get_or_add(datasource.get_asset, datasource.add_dataframe_asset, t.name)
        batch_def = _get_or_add(
            asset.get_batch_definition, asset.add_batch_definition_whole_dataframe, "whole"
        )
        index_cols = [c for c in t.index_columns if c in df.columns]
        result_format: dict[str, Any] = {
            "result_format": "COMPLETE",
            "partial_unexpected_count": SAMPLE_SIZE,
        }
        if index_cols:
            result_format["unexpected_index_column_names"] = index_cols
        name = f"{spec.name}__{t.name}"
        fingerprint = _fingerprint(checks, result_format)
        stored = _stored(context, name, fingerprint)
        if stored is not None:
            suite, checkpoint = stored
        else:
            # built in one go: ExpectationSuite.add_expectation compares each new expectation with all
            # earlier ones through pydantic .dict() (quadratic; seconds for 50 expectations)
            suite = gx.ExpectationSuite(name=name, expectations=[c.to_gx() for c in checks],
                                        meta={FINGERPRINT_KEY: fingerprint})
            suite = context.suites.add_or_update(suite)
            vd = context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=name, data=batch_def, suite=suite)
            )
            checkpoint = context.checkpoints.add_or_update(
                gx.Checkpoint(
                    name=name,
                    validation_definitions=[vd],
                    actions=[],  # Data Docs are built once for all tables below
                    result_format=result_format,
                )
            )
        checked_at = utcnow()
        try:
            cp_result = checkpoint.run(batch_parameters={"dataframe": df}, run_id=gx_run)
            ((result_id, suite_result),) = cp_result.run_results.items()
        except Exception as exc:  # a crash of the validation itself is a blocking failure
            log.exception("GX validation of %s crashed", t.name)
            results.append(
                CheckResult(
                    run_id=run_id, suite=spec.name, table_name=t.name,
                    expectation="gx_validation", column_name=None, success=False,
                    blocking=True, observed_value=f"error: {type(exc).__name__}: {exc}"[:1000],
                    checked_at=checked_at,
                )
            )
            continue
        doc_ids += [result_id, ExpectationSuiteIdentifier(name=suite.name)]
        seen = set()
        for r in suite_result.results:
            cfg = r.expectation_config
            check = by_id.get((cfg.meta or {}).get("check_id"))
            if check is None:  # cannot happen unless the suite was edited underneath us
                continue
            seen.add(check.check_id)
            results.append(to_check_result(r, check, spec.name, run_id, checked_at))
        for c in checks:
            if c.check_id not in seen:
                results.append(
                    CheckResult(
                        run_id=run_id, suite=spec.name, table_name=t.name,
                        expectation=c.expectation_type, column_name=c.column_name,
                        success=False, blocking=c.blocking, observed_value="no result from GX",
                        checked_at=checked_at,
                    )
                )
    order = {(c.table, c.expectation_type, c.column_name): i for i, c in enumerate(spec.checks)}
    results.sort(key=lambda r: order.get((r.table_name, r.expectation, r.column_name), len(order)))
    index = _build_docs(context, docs_dir, doc_ids)
    return results, index


FINGERPRINT_KEY = "gwr_fingerprint"


def _fingerprint(checks: list, result_format: dict[str, Any]) -> str:
    """What a table's suite, validation definition and checkpoint are made from: when it has not
    changed, the stored ones are used as they are (saving them again costs GX seconds a run)."""
    import great_expectations as gx

    key = json.dumps([gx.__version__, result_format,
                      [(c.check_id, c.blocking, c.note) for c in checks]], sort_keys=True, default=str)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def _stored(context, name: str, fingerprint: str):
    """(suite, checkpoint) as stored by an earlier run with the same fingerprint, else None."""
    try:
        suite = context.suites.get(name)
        if (suite.meta or {}).get(FINGERPRINT_KEY) != fingerprint:
            return None
        checkpoint = context.checkpoints.get(name)
        (vd,) = checkpoint.validation_definitions
        if vd.suite.name != name:
            return None
    except Exception as exc:  # not stored yet, or stored by another GX version: saved anew
        log.debug("GX objects of %s saved anew: %s", name, exc)
        return None
    return suite, checkpoint


def _prune_history(docs_dir: Path, keep: int | None = None) -> None:
    """Keep the newest `keep` stored validation results per GX suite (and their HTML pages): the
    index page is rebuilt from every stored result, so an unbounded history slows every run."""
    keep = DOCS_KEEP_RESULTS if keep is None else keep
    store = docs_dir / ".gx" / "gx" / "uncommitted" / "validations"
    if not store.is_dir():
        return
    by_suite: dict[Path, list[Path]] = {}
    for f in store.rglob("*.json"):
        # <suite path>/<run_name>/<run_time>/<batch_id>.json
        by_suite.setdefault(f.parent.parent.parent, []).append(f)
    for files in by_suite.values():
        files.sort(key=lambda f: f.stat().st_mtime, reverse=True)
        for old in files[keep:]:
            html = (docs_dir / "validations" / old.relative_to(store)).with_suffix(".html")
            for path in (old, html):
                try:
                    path.unlink()
                except FileNotFoundError:
                    pass
                for parent in (path.parent, path.parent.parent):
                    try:
                        parent.rmdir()  # only when empty
                    except OSError:
                        break


def _build_docs(context, docs_dir: Path, resource_ids: list) -> Path | None:
    """Render this run's results and suites (incremental: earlier runs' pages are kept) + index,
    then point every page at the local copies of its CDN assets (they open offline)."""
    from expectations.data_docs_offline import make_offline

    try:
        _prune_history(docs_dir)
        context.build_data_docs(site_names=[DOCS_SITE], resource_identifiers=resource_ids or None)
        make_offline(docs_dir)
    except Exception:  # docs are a convenience; never let them break the gate
        log.exception("building GX Data Docs failed")
        return None
    index = docs_dir.resolve() / "index.html"
    return index if index.exists() else None
