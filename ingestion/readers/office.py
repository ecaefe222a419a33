"""Word .docx (paragraphs and table rows in order) and PDF (the text layer, wrapped lines joined)."""

from __future__ import annotations

import io
from pathlib import Path

from ingestion.readers.errors import NO_TEXT_LAYER_FIX, UnreadableFile

def docx_text(data: bytes, path: Path | str = "<bytes>") -> str:
    """Paragraphs and table rows of a Word .docx, in document order, one per line."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - python-docx raises many kinds on damaged files
        raise UnreadableFile(path, f"the Word .docx is damaged or truncated ({type(e).__name__})") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for c in row.cells:
                    t = c.text.strip()
                    if t and (not cells or cells[-1] != t):  # merged cells repeat their text
                        cells.append(t)
                if cells:
                    lines.append(" ".join(cells))
        else:
            lines.append(block.text)
    return "\n".join(lines)


_PDF_SENT_END = "。!?！？;；:：”」』)）"


def _join_pdf_lines(page: str) -> str:
    """Undo the line wrapping of a PDF page: a line that is as long as the page's long lines and
    does not end a sentence goes on in the next line."""
    lines = page.split("\n")
    if len(lines) < 2:
        return page
    lengths = sorted(len(ln.rstrip()) for ln in lines if ln.strip())
    if not lengths:
        return page
    full = lengths[int(len(lengths) * 0.9) - 1 if len(lengths) >= 10 else -1]
    out = [lines[0]]
    last = lines[0].rstrip()  # the previous physical line (not what it was joined into)
    for ln in lines[1:]:
        if last and len(last) >= full * 0.85 and last[-1] not in _PDF_SENT_END and ln.strip():
            out[-1] = out[-1].rstrip() + ln.lstrip()
        else:
            out.append(ln)
        last = ln.rstrip()
    return "\n".join(out)


def pdf_text(data: bytes, path: Path | str = "<bytes>") -> str:
    """The text layer of a PDF, page by page, with wrapped lines joined."""
    import logging

    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile(path, "the PDF is encrypted with a password")
        pages = [p.extract_text() or "" for p in reader.pages]
    except UnreadableFile:
        raise
    except Exception as e:  # noqa: BLE001 - pypdf raises many kinds on damaged files
        raise UnreadableFile(path, f"the PDF is damaged or truncated ({type(e).__name__}: {e})"[:300]) from None
    text = "\n".join(_join_pdf_lines(p) for p in pages)
    if not text.strip():
        raise UnreadableFile(
            path, f"the PDF has no text layer ({len(pages)} page(s) of images?): it would need OCR",
            NO_TEXT_LAYER_FIX,
        )
    return text
