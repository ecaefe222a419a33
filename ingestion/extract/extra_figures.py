"""Figures outside the main path: numbers whose name the dictionary lacks (kept under the name as
written), a consumer price index written as a level, and 持平 (growth of 0)."""

from __future__ import annotations


from ingestion.extract import decide
from ingestion.extract.clauses import clause_bounds, strip_gap
from ingestion.extract.context import DocState, Sentence
from ingestion.extract.drafts import Draft, subject_of
from ingestion.extract.numbers import Num
from ingestion.extract.rules import Rules


UNKNOWN_NAME = 12  # characters kept of the name of an indicator the dictionary lacks


def unknown_figure(sent: Sentence, state: DocState, num: Num, R: Rules) -> list[Draft]:
    """A number whose indicator is not in the dictionary: kept under the name as written."""
    s = sent.s
    a, _ = clause_bounds(s, num.start)
    # the name is what is left of the clause before the figure once measure words, connectors,
    # periods and the region's own words are taken out (at most 12 characters; no segmentation:
    # the name only feeds the list of names the dictionary lacks)
    raw_name = R.name_noise_re.sub("", s[a : num.start])[-UNKNOWN_NAME:]
    if len(raw_name) < 2 or R.skip_re.search(s[a : num.end]):
        return []
    u = R.d.units[num.unit_raw]
    between = s[a : num.start]
    changed = R.growth_re.search(between) or R.decline_re.search(between)
    measure = ("growth_pct" if changed else "rate_pct") if num.is_pct else "level"
    value = num.value * u.factor
    if measure == "growth_pct" and R.decline_re.search(between):
        value = -abs(value)
    kind = "target" if decide.is_target(sent, state, num.start, R) else "actual"
    return [Draft(kind, None, raw_name, measure, a, num.end, value=value, value_high=num.value_high, unit=u.standard,
                  value_raw=num.raw, comparator="exact" if kind == "target" else None,
                  year=decide.fact_year(kind, sent, state, num.start),
                  period=decide.fact_period(kind, sent, state, num.start, R))]


def cpi_levels(sent: Sentence, state: DocState, R: Rules) -> list[Draft]:
    """A consumer price index as a level: 居民消费价格指数101.7."""
    out = []
    low, high = R.cpi_level_bounds
    for m in sent.mentions:
        if "cpi" not in m.codes:
            continue
        cm = R.cpi_level_re.match(sent.s[m.end :])
        if cm and low <= float(cm.group(1)) <= high:
            kind = "target" if decide.is_target(sent, state, m.end, R) else "actual"
            out.append(Draft(kind, "cpi", m.raw, "level", m.start, m.end + cm.end(), value=float(cm.group(1)),
                             unit="index", value_raw=cm.group(1), comparator="exact" if kind == "target" else None,
                             year=decide.fact_year(kind, sent, state, m.end),
                             period=decide.fact_period(kind, sent, state, m.end, R)))
    return out


def flat_figures(sent: Sentence, state: DocState, R: Rules) -> list[Draft]:
    """持平 after an indicator: growth of 0."""
    out = []
    for fm in R.flat_re.finditer(sent.s):
        mention = subject_of(fm.start(), sent.mentions)
        if mention is None or len(mention.codes) != 1 or len(strip_gap(sent.s[mention.end : fm.start()], R)) > 1:
            continue
        if any(mention.end <= n.start < fm.start() for n in sent.nums):
            continue
        kind = "target" if decide.is_target(sent, state, fm.start(), R) else "actual"
        out.append(Draft(kind, mention.codes[0], mention.raw, "growth_pct", mention.start, fm.end(), value=0.0,
                         unit="%", value_raw=fm.group(0), comparator="exact" if kind == "target" else None,
                         year=decide.fact_year(kind, sent, state, fm.start()),
                         period=decide.fact_period(kind, sent, state, fm.start(), R)))
    return out
