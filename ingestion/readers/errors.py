"""Why a file cannot become a document: `UnreadableFile`, and the checks every decoded text passes."""

from __future__ import annotations

import re
from pathlib import Path

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


class UnreadableFile(Exception):
    """A file that cannot become a document; the message says which and why, in plain words."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
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
