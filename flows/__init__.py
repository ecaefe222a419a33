"""Orchestration for GWR Warehouse: the Prefect flow `refresh`, write-audit-publish, dbt and the `gwr` CLI.

Importing this package is cheap: Prefect, dbt and Great Expectations are imported only by the modules
that need them (`flows.refresh`, `flows.dbt`), never by `flows.cli` at import time.
"""
