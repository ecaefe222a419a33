"""Split a file into reports, and a report into sentences, keeping character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass


# A line that is a report's title: "2023年彬州市政府工作报告", "泸州市人民政府工作报告".
_TITLE_RE = re.compile(
    r"^[ \t]*(?:(?P<year>(?:19|20)\d{2})年)?(?P<region>[\u4e00-\u9fff]{2,12}?(?:省|市|区|县|州|盟|旗))"
    r"(?:人民)?政府工作报告[ \t]*$",
    re.M,
)


def split_reports(text: str) -> list[tuple[int, int]]:
    """Spans of the reports in a file that holds several, one after another.

    A file splits only where at least two title lines name a region; otherwise it is one report.
    The parts cover the whole file: any preamble belongs to the first part, so nothing is lost.
    """
    starts = [m.start() for m in _TITLE_RE.finditer(text)]
    if len(starts) < 2:
        return [(0, len(text))]
    bounds = [0] + starts[1:] + [len(text)]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


@dataclass(frozen=True)
class Span:
    start: int
    end: int


_SENT_END = re.compile(r"[。!?！？]+[”’」』)]?|\n+")
# A sentence longer than this is cut at its last ';' (else ',', else anywhere) before the limit:
# no real sentence is this long, and bounded sentences keep extraction linear in the text even
# for a page that is one endless line of figures.
MAX_SENTENCE = 600


def split_sentences(text: str) -> list[Span]:
    """Sentences end at 。!? (with a closing quote) or a line break; whitespace is trimmed.
    `text` is a document's normalised view (ingestion/parse/view.py)."""
    spans: list[Span] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        end = m.end() if not m.group(0).startswith("\n") else m.start()
        _add(text, pos, end, spans)
        pos = m.end()
    _add(text, pos, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[Span]) -> None:
    piece = text[start:end].lstrip()
    if not piece:
        return
    start = end - len(piece)
    end = start + len(piece.rstrip())
    while end - start > MAX_SENTENCE:
        cut = text.rfind(";", start + MAX_SENTENCE // 4, start + MAX_SENTENCE)
        if cut < 0:
            cut = text.rfind(",", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        cut = cut + 1 if cut > start else start + MAX_SENTENCE
        spans.append(Span(start, cut))
        start = cut
    if end > start:
        spans.append(Span(start, end))
