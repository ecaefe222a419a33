"""`gwr export`: the research panel (marts.fct_panel) and the tables that explain it, written out
for Stata, R, pandas and Excel.

    from gwr.export.run import Filters, export
    export(db_path, out_dir, formats=("csv",), filters=Filters(...)) -> ExportResult

tables.py reads the marts (with the filters), labels.py takes the variable labels from the dbt
project's column docs, writers.py writes the formats. Tables: panel (one row per region, year,
indicator and measure), documents (the reports behind its numbers), indicators (the codes), and
variables (a codebook: every column's label and description).

The package itself imports nothing: every `gwr` command loads the CLI, and pandas (which the
export needs) takes most of a second to import. The formats are in formats.py, the export in
run.py.
"""
