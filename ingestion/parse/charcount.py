"""Counting characters by code point, in one vectorised pass.

The prose check (triage.py) and the script guess (view.py) count the Chinese characters of every
document; a regex did it by building a copy of the text without them, which cost as much as a
tenth of a document's parse. numpy compares the code points of the whole text at once (30× faster
on the bundled corpus, still linear)."""

from __future__ import annotations

import numpy as np

CJK_FIRST, CJK_LAST = 0x4E00, 0x9FFF  # CJK Unified Ideographs: the characters of Chinese prose


def code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def count_cjk(text: str) -> int:
    """Characters of the CJK Unified Ideographs block (U+4E00–U+9FFF) in `text`."""
    if not text:
        return 0
    cp = code_points(text)
    return int(np.count_nonzero((cp >= CJK_FIRST) & (cp <= CJK_LAST)))
