"""Region codes: the six-digit administrative code of a document's region and of each fact's.

Chosen once, here, while the document's context is at hand, with the rule that chose the names
(places.choose): a name the gazetteer holds once is that place; a repeated name (鼓楼区 ×4,
龙华区 in 深圳市 and 海口市) is the place the context points to, the places the text names for a
document, the document's own place and its ancestors for a fact. What the context does not
settle keeps no code (None), never a guess. A fact about a place below the gazetteer (a
township, a zone, a farm: 东风农场) carries the code of the reporting region it belongs to; the
marts tell the two apart by the name (a sub-unit's name is not its code's name).
"""

from __future__ import annotations

from ingestion.parse import places
from ingestion.parse.region import REGION_SAMPLE, names_in
from ingestion.records import FactRecord


def _same_name(name: str) -> tuple[places.Place, ...]:
    return places.gazetteer().by_name.get(name, ())


def document_code(region: str | None, text: str) -> str | None:
    """The code of the document's region, told apart by the places its opening names."""
    cands = _same_name(region) if region else ()
    if len(cands) <= 1:
        return cands[0].adcode if cands else None
    place = places.choose(cands, names_in(text[:REGION_SAMPLE]))
    return place.adcode if place else None


def context_of(code: str | None, region: str | None) -> list[str]:
    """The names a document's place stands among: itself, its ancestors and its province (by
    code when it has one, else every place of its name)."""
    g = places.gazetteer()
    if code and code in g.by_code:
        owners = [g.by_code[code]]
    else:
        owners = list(_same_name(region)) if region else []
    out = [region] if region else []
    for p in owners:
        out.append(p.province)
        out.extend(a.name for a in g.ancestors(p))
    return out


def fact_code(region: str | None, doc_region: str | None, doc_code: str | None,
              context: list[str]) -> str | None:
    """The code of a fact's region in its document (context: context_of the document)."""
    if region is None:
        return None
    if region == doc_region:
        return doc_code
    cands = _same_name(region)
    if not cands:  # below the gazetteer: a township, a zone of the reporting region
        return doc_code
    place = places.choose(cands, context)
    return place.adcode if place else None


def attach_codes(doc_region: str | None, text: str, facts: list[FactRecord]) -> str | None:
    """Set each fact's region_code; return the document's."""
    doc_code = document_code(doc_region, text)
    context = context_of(doc_code, doc_region)
    for f in facts:
        f.region_code = fact_code(f.region, doc_region, doc_code, context)
    return doc_code
