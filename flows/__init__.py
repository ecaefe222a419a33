"""Orchestration for GWR Warehouse: the Prefect flow `refresh` (refresh.py) and its tasks
(tasks.py), write-audit-publish (publish.py), the ops writer (ops.py), dbt (dbt.py), the skip
decision (fingerprint.py) and the nightly deployment (serve.py).

Importing this package is cheap: Prefect, dbt and Great Expectations are imported only by the modules
that need them. Nothing here imports the read side (gwr/).
"""
