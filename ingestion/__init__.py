"""Ingestion: read report files, split them into documents and sentences, extract facts.

Everything here is pure Python with no Prefect, dbt or GX import, so `gwr parse` starts fast.
"""

EXTRACTOR_VERSION = "0.1.0"
