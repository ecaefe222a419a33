"""One page per document: its full text with every extracted fact highlighted at its offsets (pure).

    page_name("003_6b340ccef4bd5f14#15")  -> "003_6b340ccef4bd5f14_15-1c9e2a.html"
    segments(text, facts)                  -> the text cut where any fact starts or ends

Facts overlap (固定资产投资1972.6亿元 inside 固定资产投资1972.6亿元、下降8.8%), so the text is cut at every
fact boundary, once, in one sweep over the sorted boundaries: each piece knows the facts that
cover it, and a fact starts where an empty anchor `f-<fact_id>` stands. The template
(templates/document.html.j2) colours a piece by the kind of its innermost fact; facts whose
indicator is not in the dictionary (raw.facts.indicator NULL) are marked apart.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

DOCUMENTS_DIR = "documents"
"""The pages' folder inside the report."""

_UNSAFE = re.compile(r"[^0-9A-Za-z_.-]")


def page_name(document_id: str) -> str:
    """A file name for a document id that needs no escaping in a URL (# and / are not kept);
    a short hash keeps two ids that differ only there apart."""
    safe = _UNSAFE.sub("_", document_id)
    if safe != document_id:
        safe += "-" + hashlib.sha1(document_id.encode("utf-8")).hexdigest()[:6]
    return f"{safe}.html"


def fact_anchor(fact_id: str) -> str:
    return f"f-{fact_id}"


def fact_href(document_id: str, fact_id: str, root: str = "") -> str:
    """Where a fact stands in its document's page, from a page in the folder `root` is relative to."""
    return f"{root}{DOCUMENTS_DIR}/{page_name(document_id)}#{fact_anchor(fact_id)}"


def style_of(fact: dict[str, Any]) -> str:
    """The highlight class: the fact's kind, or `unknown` when its indicator is not in the dictionary."""
    return "unknown" if fact.get("indicator") is None else str(fact["kind"])


@dataclass
class Segment:
    text: str
    starts: list[str] = field(default_factory=list)
    """fact ids that begin here (their anchors stand before the piece)."""
    facts: list[str] = field(default_factory=list)
    """fact ids that cover the piece, innermost (shortest) first."""
    style: str | None = None
    """highlight class of the innermost fact; None for plain text."""


def segments(text: str, facts: list[dict[str, Any]]) -> list[Segment]:
    """The text cut at every fact's char_start and char_end (facts outside the text are left out;
    a zero-length fact only gets its anchor)."""
    n = len(text)
    spans = [(int(f["char_start"]), int(f["char_end"]), f) for f in facts
             if 0 <= int(f["char_start"]) <= int(f["char_end"]) <= n]
    starts_at: dict[int, list[dict]] = {}
    ends_at: dict[int, list[str]] = {}
    for a, b, f in spans:
        starts_at.setdefault(a, []).append(f)
        ends_at.setdefault(b, []).append(f["fact_id"])
    cuts = sorted({0, n, *starts_at, *ends_at})
    active: dict[str, tuple[int, str]] = {}  # fact id -> (length, style)
    out: list[Segment] = []
    pending: list[str] = []
    for i, pos in enumerate(cuts):
        for fid in ends_at.get(pos, ()):
            active.pop(fid, None)
        for f in starts_at.get(pos, ()):
            pending.append(f["fact_id"])
            if f["char_end"] > pos:
                active[f["fact_id"]] = (int(f["char_end"]) - pos, style_of(f))
        end = cuts[i + 1] if i + 1 < len(cuts) else n
        if end <= pos:
            continue
        inner = sorted(active.items(), key=lambda kv: (kv[1][0], kv[0]))
        out.append(Segment(text[pos:end], pending, [fid for fid, _ in inner],
                           inner[0][1][1] if inner else None))
        pending = []
    if pending:  # anchors of zero-length facts at the very end
        out.append(Segment("", pending))
    return out
