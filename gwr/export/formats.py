"""The formats `gwr export` writes (a module of its own: the CLI lists them without pandas)."""

FORMATS = ("csv", "parquet", "dta", "xlsx")
