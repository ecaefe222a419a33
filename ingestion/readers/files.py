"""Read a report file into text: plain text, HTML, Word .docx or PDF with a text layer.

    read_text(path, max_bytes)   the document text, line ends `\\n`; raises UnreadableFile
    read_bytes(data, name)       the same for bytes already in memory (HTTP bodies)

The format is chosen by sniffing the first bytes (`%PDF-`, a ZIP holding `word/document.xml`, an
HTML start tag) and then by the file suffix, so a `.txt` that is really HTML is read as HTML and
a PDF without `.pdf` is still a PDF.

Text encodings are told apart in encodings.py, HTML main text in html.py, .docx and PDF in
office.py.

Everything unusable becomes an `UnreadableFile` whose `reason` says why in plain words: empty,
only whitespace, binary, NUL bytes, truncated or undecodable text, a damaged .docx or PDF, a PDF
without a text layer, an HTML page with no text left once scripts, styles, navigation and footers
are dropped, or a file over the size limit.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from contracts.settings import max_bytes_from_env
from ingestion.readers.encodings import MAGIC, decode_bytes
from ingestion.readers.errors import TOO_BIG_FIX, UnreadableFile, check_text
from ingestion.readers.html import html_main_text, looks_like_html
from ingestion.readers.office import docx_text, pdf_text

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
DOCX_SUFFIXES = (".docx",)
PDF_SUFFIXES = (".pdf",)
REPORT_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + DOCX_SUFFIXES + PDF_SUFFIXES


def sniff_format(data: bytes, name: str = "") -> str:
    """'pdf', 'docx', 'html' or 'text' from the first bytes, then the suffix of `name`."""
    suffix = Path(name).suffix.lower()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in DOCX_SUFFIXES:
        return "docx"
    return "text"


def read_bytes(data: bytes, name: Path | str = "<bytes>") -> str:
    """The document text of file content `data` (named `name` in messages and for its suffix)."""
    if not data.strip():
        raise UnreadableFile(name, "the file is empty or holds only whitespace")
    fmt = sniff_format(data, str(name))
    if fmt == "pdf":
        return check_text(pdf_text(data, name), name, "the PDF text")
    if fmt == "docx":
        if data.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as z:
                    if "word/document.xml" not in z.namelist():
                        raise UnreadableFile(name, "a ZIP archive that is not a Word .docx document")
            except zipfile.BadZipFile:
                raise UnreadableFile(name, "the Word .docx is damaged or truncated (not a readable "
                                           "ZIP archive)") from None
        else:
            raise UnreadableFile(name, "named .docx but it is not a Word .docx document (no ZIP header)")
        text = docx_text(data, name)
        if not text.strip():
            raise UnreadableFile(name, "the Word document holds no text")
        return check_text(text, name, "the Word document")
    for magic, what in MAGIC:
        if data.startswith(magic):
            raise UnreadableFile(name, f"the file is {what}, not text")
    text = decode_bytes(data, name)
    if fmt == "html" or looks_like_html(text):
        check_text(text, name, "the HTML")
        main = html_main_text(text)
        if not main.strip():
            raise UnreadableFile(name, "no text is left once the HTML page's scripts, styles, "
                                       "navigation and footers are dropped")
        return check_text(main, name, "the HTML main text")
    return check_text(text, name)


def read_text(path: Path, max_bytes: int | None = None) -> str:
    """The file's text with line ends made `\\n`; raises UnreadableFile for unusable input.

    max_bytes: the size limit (default $GWR_MAX_BYTES, else 20 MB)."""
    path = Path(path)
    limit = max_bytes_from_env() if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFile(path, f"cannot be opened ({exc.strerror})") from exc
    if size > limit:
        raise UnreadableFile(path, f"the file is {size} bytes, over the size limit of {limit} bytes",
                             TOO_BIG_FIX)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(path, f"cannot be read ({exc.strerror})") from exc
    return read_bytes(data, path)
