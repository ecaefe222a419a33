"""Reading: a report file (plain text in any common Chinese encoding, HTML, .docx, PDF) into text.

    read_text(path, max_bytes)   the document text, line ends `\\n`; raises UnreadableFile
    read_bytes(data, name)       the same for bytes already in memory

files.py dispatches by format; encodings.py, html.py and office.py read one kind each; errors.py
says, in plain words, why a file cannot be used.
"""

from ingestion.readers.encodings import decode_bytes, plausibility
from ingestion.readers.errors import UnreadableFile
from ingestion.readers.files import (
    DOCX_SUFFIXES,
    HTML_SUFFIXES,
    PDF_SUFFIXES,
    REPORT_SUFFIXES,
    TEXT_SUFFIXES,
    read_bytes,
    read_text,
    sniff_format,
)
from ingestion.readers.html import html_main_text
from ingestion.readers.office import docx_text, pdf_text

__all__ = [
    "DOCX_SUFFIXES", "HTML_SUFFIXES", "PDF_SUFFIXES", "REPORT_SUFFIXES", "TEXT_SUFFIXES",
    "UnreadableFile", "decode_bytes", "docx_text", "html_main_text", "pdf_text", "plausibility",
    "read_bytes", "read_text", "sniff_format",
]
