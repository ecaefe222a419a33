"""What a figure tied to an indicator says: its measure, value in the standard unit, comparator,
year (a five-year review's from-to years included), months and evidence span."""

from __future__ import annotations


from ingestion.extract import decide
from ingestion.extract.clauses import clause_bounds
from ingestion.extract.context import DocState, Sentence
from ingestion.extract.drafts import Draft, evidence_start
from ingestion.extract.mentions import Mention
from ingestion.extract.numbers import Num, convert, list_end
from ingestion.extract.rules import Rules


def comparator(s: str, num: Num, mention_end: int, list_stop: int, R: Rules) -> str:
    after = s[list_stop : list_stop + 6].lstrip(")")
    for w, k in R.comparator_after:
        if after.startswith(w):
            return k
    if num.value_high is not None:
        return "range"
    before = s[mention_end : num.start]
    for w, k in R.comparator_before:
        if w in before:
            return k
    return "exact"


def _from_to_year(sent: Sentence, state: DocState, num: Num, R: Rules) -> int | None | bool:
    """A level in "由2015年的X增加到2020年的Y": the year of X or Y (False: X without a year)."""
    s = sent.s
    for m in R.from_to_re.finditer(s[max(0, num.start - 60) : num.end + 40]):
        off = max(0, num.start - 60)
        y1 = int(m.group("y1")) if m.group("y1") else None
        y2 = int(m.group("y2")) if m.group("y2") else None
        if y1 and y2:
            state.from_to_years = (y1, y2)
        years = (y1, y2) if (y1 or y2) else state.from_to_years
        if off + m.start("a") == num.start:
            return years[0] if years and years[0] else False
        if off + m.end() == num.start:
            return years[1] if years and years[1] else None
    return None


def measure_of(code: str, num: Num, window: str, place: str | None, R: Rules) -> str:
    """The nearest measure word wins: "为年度预算的78.5%,同比增长12.1%" is a growth."""
    last_completion = max((m.end() for m in R.completion_re.finditer(window)), default=-1)
    last_growth = max((m.end() for m in R.growth_re.finditer(window)), default=-1)
    last_growth = max(last_growth, max((m.end() for m in R.decline_re.finditer(window)), default=-1))
    if place is not None or (num.is_pct and last_completion > last_growth):
        return "completion_pct" if num.is_pct else "level"
    if num.is_pct:
        return "rate_pct" if R.d.indicators[code]["default_measure"] == "rate_pct" else "growth_pct"
    return "level"


def draft(sent: Sentence, state: DocState, i: int, num: Num, mention: Mention, code: str, place: str | None,
           window: str, inline_target: bool, kind: str, R: Rules, region: str | None) -> Draft | None:
    s, nums = sent.s, sent.nums
    # the words since the figure before it (or the name): 下降 of an earlier figure is not this one's
    prev_end = max([n.end for n in nums[:i] if n.end <= num.start] + [mention.end])
    between = s[prev_end : num.start]
    measure = measure_of(code, num, window, place, R)
    value = num.value
    if measure == "growth_pct" and R.decline_re.search(between if inline_target else between[-12:]):
        value = -abs(value)
    conv = convert(num, code, R)
    if conv is None:
        return _dollar_figure(sent, state, num, mention, measure, kind, R)
    std_value, unit = conv
    if measure in ("growth_pct", "rate_pct", "completion_pct"):
        std_value, unit = value, "%"
        named = s[max(0, mention.start - 12) : mention.end]
        if code == "cpi" and "指数" in named and R.cpi_level_bounds[0] <= value <= R.cpi_level_bounds[1]:
            measure, unit = "level", "index"  # 居民消费价格总指数达104.3%: an index level
    elif value < 0:
        std_value = -std_value
    year = decide.fact_year(kind, sent, state, num.start)
    dated = sent.year_before(num.start) is not None
    if kind == "actual" and measure == "level":
        ft = _from_to_year(sent, state, num, R)
        if ft is False:
            return None
        if ft is not None:
            year, dated = ft, True
    stop = list_end(s, nums, i, R)
    comp = comparator(s, num, mention.end, stop, R) if kind == "target" else None
    ev_start = clause_bounds(s, num.start)[0] if place else evidence_start(s, mention.start, num.end)
    ev_end = num.end
    after = s[num.end : num.end + 3]
    for w, _ in R.comparator_after:
        if after.startswith(w):
            ev_end = num.end + len(w)
            break
    if inline_target and s[ev_end : ev_end + 1] == ")":
        ev_end += 1  # 增长58.3%(目标10.5%): the whole parenthesis
    estimate = kind == "actual" and sent.estimate_pos is not None and sent.estimate_pos < num.start
    return Draft(kind, code, mention.raw, measure, ev_start, ev_end, value=std_value, value_high=num.value_high,
                 unit=unit, value_raw=num.raw, comparator=comp, estimate=estimate, region=region, year=year,
                 period=decide.fact_period(kind, sent, state, num.start, R, (mention.start, mention.end)), dated=dated)


def _dollar_figure(sent: Sentence, state: DocState, num: Num, mention: Mention, measure: str, kind: str,
                   R: Rules) -> Draft | None:
    """进出口总额50亿美元: not convertible to 亿元, so kept in the raw layer only, under a name
    that says why (it shows in the list of unknown indicator names)."""
    u = R.d.units[num.unit_raw]
    if u.kind != "money_usd":
        return None
    return Draft(kind, None, f"{mention.raw}({u.standard})", measure, evidence_start(sent.s, mention.start, num.end),
                 num.end, value=num.value * u.factor, unit=u.standard, value_raw=num.raw,
                 comparator="exact" if kind == "target" else None, year=decide.fact_year(kind, sent, state, num.start),
                 period=decide.fact_period(kind, sent, state, num.start, R))
