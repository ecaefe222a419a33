"""Why a file cannot become a document: `UnreadableFile`, and the checks every decoded text passes."""

from __future__ import annotations

import re
from pathlib import Path

from ingestion.records import FILE_FIX as UNREADABLE_FIX  # what fixes most; a reason may know better

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")

TOO_BIG_FIX = "raise the size limit (--max-bytes or GWR_MAX_BYTES), or split the file"
NO_TEXT_LAYER_FIX = "run OCR on the PDF (a scan has no text layer), or find the report as text or HTML"


class UnreadableFile(Exception):
    """A file that cannot become a document; the message says which and why, in plain words, and
    `fix` what would make it usable."""

    def __init__(self, path: Path | str, reason: str, fix: str = UNREADABLE_FIX):
        self.path = str(path)
        self.reason = reason
        self.fix = fix
        super().__init__(f"{path}: {reason}")


def check_text(text: str, path: Path | str, what: str = "the text") -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if "\x00" in text:
        raise UnreadableFile(path, "the file holds NUL bytes: it is binary, not text")
    controls = len(_CONTROL.findall(text))
    if controls > max(3, len(text) // 200):
        raise UnreadableFile(
            path, f"{what} is full of control characters ({controls} of {len(text)}): it is binary, "
                  "not text",
        )
    if not text.strip():
        raise UnreadableFile(path, f"no text is left after decoding {what}")
    return text
