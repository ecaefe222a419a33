"""`gwr docs`: build the dbt docs site (models, columns, tests, lineage) for a warehouse.

dbt needs to open the DuckDB file to read the catalog (and dbt-duckdb opens it read-write). The
published file is never given to dbt: it is copied to a temporary folder (one sequential read, no
DuckDB lock taken on it, so a refresh running at the same time is not disturbed and publishes as
usual), `dbt docs generate --static` runs in-process against the copy (through flows.dbt's helpers,
as the refresh flow does; they import dbt only when called), and the site is copied to
`<db dir>/dbt_docs/`:

    index.html          the dbt docs app; it loads manifest.json and catalog.json, so browsers
                        need it served over http (`python -m http.server -d <db dir>/dbt_docs`)
    static_index.html   the same site with manifest and catalog inlined: opens from disk
    manifest.json, catalog.json

dbt is imported lazily (inside build_docs).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

SITE_FILES = ("index.html", "static_index.html", "manifest.json", "catalog.json")


class DocsError(RuntimeError):
    pass


@dataclass
class DocsResult:
    out_dir: Path
    files: list[Path]
    models: int
    sources: int
    catalog_tables: int


def build_docs(db_path: Path, out_dir: Path | None = None) -> DocsResult:
    """Generate the dbt docs of the warehouse `db_path` into `out_dir` (default `<db dir>/dbt_docs`)."""
    import json

    from contracts.settings import DBT_DB_PATH_VAR, DBT_TARGET_VAR, load_settings
    from flows.dbt import close_dbt_connections, invoke, scoped_env

    db_path = Path(db_path).resolve()
    if not db_path.is_file():
        raise DocsError(f"no warehouse at {db_path}; run `gwr refresh` first (or pass --db)")
    settings = load_settings(db=db_path)
    out_dir = Path(out_dir or settings.dbt_docs_dir).resolve()

    with tempfile.TemporaryDirectory(prefix="gwr-docs-") as tmp:
        tmp_path = Path(tmp)
        copy = tmp_path / db_path.name  # same file name: the catalog's database name stays the same
        shutil.copyfile(db_path, copy)
        target_path = tmp_path / "target"
        log_path = tmp_path / "logs"
        args = [
            "--no-send-anonymous-usage-stats", "--no-use-colors", "--quiet",
            "docs", "generate", "--static",
            "--project-dir", str(settings.dbt_project_dir),
            "--profiles-dir", str(settings.dbt_profiles_dir),
            "--target", settings.dbt_target,
            "--target-path", str(target_path),
            "--log-path", str(log_path),
        ]
        with scoped_env(**{DBT_DB_PATH_VAR: str(copy), DBT_TARGET_VAR: settings.dbt_target,
                           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}):
            try:
                res = invoke(args)
            finally:
                close_dbt_connections()
        if not res.success:
            log_file = log_path / "dbt.log"
            tail = ""
            if log_file.exists():
                tail = "\n".join(log_file.read_text(errors="replace").splitlines()[-15:])
            raise DocsError(f"dbt docs generate failed: {res.exception or 'see below'}\n{tail}")
        missing = [f for f in SITE_FILES if not (target_path / f).exists()]
        if missing:
            raise DocsError(f"dbt docs generate wrote no {', '.join(missing)} in {target_path}")
        out_dir.mkdir(parents=True, exist_ok=True)
        files = []
        for name in SITE_FILES:
            dest = out_dir / name
            tmp_dest = out_dir / f".{name}.tmp"
            shutil.copyfile(target_path / name, tmp_dest)
            tmp_dest.replace(dest)  # a reader of the site never sees a half-written file
            files.append(dest)
        manifest = json.loads((target_path / "manifest.json").read_text())
        catalog = json.loads((target_path / "catalog.json").read_text())
    nodes = manifest.get("nodes", {})
    return DocsResult(
        out_dir=out_dir,
        files=files,
        models=sum(1 for n in nodes.values() if n.get("resource_type") == "model"),
        sources=len(manifest.get("sources", {})),
        catalog_tables=len(catalog.get("nodes", {})) + len(catalog.get("sources", {})),
    )
