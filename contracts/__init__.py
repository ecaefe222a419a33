"""One home per contract of GWR Warehouse.

    contracts.settings   every GWR_* setting and every bundled path (dbt project, seeds, rules,
                         sample corpus, report templates), read in one place
    contracts.tables     the raw and ops tables, defined once as SQLAlchemy metadata
    contracts.warehouse  the few questions both sides ask of a warehouse file (does a table
                         exist, how many rows per table of a schema)

Nothing here imports Prefect, dbt or Great Expectations.
"""
