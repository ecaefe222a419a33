"""Code lists the warehouse's columns take, written once: the Python side imports them, and
tests/unit/contracts/test_codes.py checks the dbt accepted_values against them."""

from __future__ import annotations

DOCUMENT_KINDS = ("work_report", "plan", "progress_notice", "stats_release")
"""raw.documents.kind: a government work report (政府工作报告), a plan report (国民经济和社会发展计划),
a progress notice (督查通报, 完成情况), a statistics release (统计局 analyses and bulletins); a news story
is classified by what it reports."""

SCRIPTS = ("simplified", "traditional", "garbled")
"""raw.documents.script: what a page was written in (garbled: pinyin annotations or junk tokens)."""

REGION_SOURCES = ("title", "issuer", "mentions", "source name", "manifest")
"""raw.documents.region_source: where the document's region was read from."""
