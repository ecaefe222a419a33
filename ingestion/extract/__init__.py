"""Extract targets, actuals and rankings from a document, each with its evidence and offsets.

The stages, each a module with one job (the rules themselves are data: ingestion/rules/*.yaml and
the dbt seeds, compiled and checked by `rules`):

    view (ingestion/parse/view.py)   what is read: simplified, ASCII digits, no pinyin or junk
    tokens       jieba with our names, only for the few words that need it (a place or an
                 unknown indicator's name just before a figure)
    mentions     indicator names (aliases, compound names, names completed by an earlier word)
    numbers      figures with units, ranges
    frames       periods and years named in the text
    context      the part of the document (review, plan, outlook) and the paragraph's state
    decide       target or actual, which year, which months: decided in one place
    figures      a figure tied to its indicator: measure, value, comparator, estimate, region
    rankings     ranks and league tables
    qualitative  targets without a number
"""

from __future__ import annotations

import bisect
import re
import time

from ingestion import EXTRACTOR_VERSION
from ingestion.extract import decide
from ingestion.extract.context import DocState, read_sentence, ref_year
from ingestion.extract.frames import year_marks
from ingestion.extract.drafts import Draft, to_record
from ingestion.extract.extra_figures import cpi_levels, flat_figures
from ingestion.extract.figures import figures
from ingestion.extract.mentions import carried_heads, indicator_mentions, qualifier
from ingestion.extract.numbers import find_numbers
from ingestion.extract.qualitative import qualitative_targets
from ingestion.extract.rankings import league_tables, rankings
from ingestion.extract.rules import Rules, rules
from ingestion.extract.clauses import strip_gap
from ingestion.extract.mentions import Mention
from ingestion.parse.metadata import DocMeta
from ingestion.parse.view import TextView
from ingestion.records import FactRecord
from ingestion.split import Span

__all__ = ["OverBudget", "extract_facts", "rules", "warm"]

HEADING_SENTENCE = 24  # a sentence this short naming one indicator heads its paragraph
TOPIC_SENTENCE = 60  # one this short without figures sets the topic of what follows
# How many sentences are read between two looks at the clock.
BUDGET_CHECK_EVERY = 64


class OverBudget(RuntimeError):
    """Extraction ran past its deadline (a per-document time budget)."""


def warm() -> None:
    """Load everything extraction needs once (rules, jieba with our words, the character table),
    so that a worker process or a benchmark does not pay for it on its first document."""
    from ingestion.extract.tokens import pos_tokenizer, tokenizer
    from ingestion.parse.view import fold_table

    rules()
    tokenizer()
    pos_tokenizer()
    fold_table()


def extract_facts(doc_id: str, view: TextView, sentences: list[Span], meta: DocMeta, *,
                  deadline: float | None = None) -> list[FactRecord]:
    """All facts of one document. `sentences` are spans of `view.text`; the facts' offsets and
    evidence index the original text (`view.original`). Past `deadline` (time.monotonic()) it
    raises OverBudget."""
    R = rules()
    text = view.text
    state = DocState.start(meta, doc_id, R)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    facts: list[FactRecord] = []
    last_named: tuple[int, Mention] | None = None  # (line, indicator) the last sentence named last
    for no, sp in enumerate(sentences):
        if deadline is not None and no % BUDGET_CHECK_EVERY == 0 and time.monotonic() > deadline:
            raise OverBudget(f"{doc_id}: extraction passed its deadline at sentence {no} of {len(sentences)}")
        s = text[sp.start : sp.end]
        line_no = bisect.bisect_right(line_starts, sp.start)
        state.enter_line(line_no)
        state.follow_sections(s, line_no)
        if line_no != state.review_line and R.skip_paragraph_re.match(s):
            state.review_line = line_no
        if state.in_horizon:
            continue
        if not R.has_candidate_re.search(s):
            _remember_heading(s, line_no, state, R)
            decide.remember_sentence(s, year_marks(s, ref_year(meta), R), False, state, R)
            continue
        mentions = indicator_mentions(s, R)
        # 其中,7月当月增加值…: the name of the sentence before
        mentions = carried_heads(s, mentions, last_named[1] if last_named and last_named[0] == line_no else None, R)
        if not mentions and state.heading and state.heading[0] == line_no:
            mentions = _heading_subject(s, state, R)
        if not mentions and last_named is not None and last_named[0] == line_no and R.carried_subject_re.match(s):
            h = last_named[1]  # 。总量居全省第六位: the indicator of the sentence before
            mentions = [Mention(0, 0, h.raw, h.codes, h.single)]
        sent = read_sentence(s, sp.start, no, line_no, mentions, find_numbers(s, R), state, R)
        drafts: list[Draft] = league_tables(sent, state, R)
        drafts += figures(sent, state, R)
        drafts += flat_figures(sent, state, R)
        drafts += cpi_levels(sent, state, R)
        drafts += rankings(sent, state, R)
        drafts += qualitative_targets(sent, state, R)
        if mentions:
            state.topic = mentions[-1]
            last_named = (line_no, mentions[-1])
        if state.review_line == line_no:
            # a paragraph looking back over five years: only figures it dates (截至2016年末, 由2015年的…
            # 到2020年的…) are facts; the others are sums and averages of the period
            drafts = [d for d in drafts if d.dated]
        facts.extend(to_record(d, sent, state) for d in drafts)
        decide.remember_sentence(s, sent.years, bool(sent.nums), state, R)
    return _finish(facts, view, R)


def _remember_heading(s: str, line_no: int, state: DocState, R: Rules) -> None:
    """A short sentence that only names an indicator ("(一)地区生产总值。", "2.固定资产投资:") heads
    its paragraph: the figures after it are about that indicator; a sentence without figures
    that names one ("生产总值增长,哪个地方目标最高?") sets the topic of a story comparing places."""
    if len(s) > TOPIC_SENTENCE or not R.alias_re.search(s):
        return
    mentions = indicator_mentions(s, R)
    if len(mentions) == 1 and not qualifier(s, mentions[0], R):
        if len(s) <= HEADING_SENTENCE:
            state.heading = (line_no, mentions[0])
        state.topic = mentions[0]


def _heading_subject(s: str, state: DocState, R: Rules) -> list[Mention]:
    """The paragraph's heading names the subject, unless the sentence opens with one of its own
    ("限额以上消费品零售总额完成…"); evidence then starts at the sentence."""
    first = R.has_candidate_re.search(s)
    if first and len(strip_gap(s[: first.start()], R)) <= 1:
        h = state.heading[1]
        return [Mention(0, 0, h.raw, h.codes, h.single)]
    return []


def _finish(facts: list[FactRecord], view: TextView, R: Rules) -> list[FactRecord]:
    """One row per fact (a figure repeated later in the document is one fact), with offsets and
    evidence in the original text. A broad figure (工业增加值 of all industry) gives way to the
    headline one (规模以上工业增加值) of the same region, year and months."""
    headline = {(f.region, f.kind, f.year, f.period_start_month, f.period_end_month, f.indicator)
                for f in facts if f.indicator and f.indicator_raw not in R.d.broad_aliases}
    seen: set[tuple] = set()
    out: list[FactRecord] = []
    for f in facts:
        if (f.indicator and f.indicator_raw in R.d.broad_aliases and
                (f.region, f.kind, f.year, f.period_start_month, f.period_end_month, f.indicator) in headline):
            continue
        key = (f.region, f.kind, f.year, f.period_start_month, f.period_end_month, f.indicator or f.indicator_raw,
               f.measure, f.value, f.value_high, f.rank, f.rank_scope, f.rank_direction)
        if key in seen:
            continue
        seen.add(key)
        f.char_start, f.char_end = view.to_original(f.char_start, f.char_end)
        f.evidence = view.original[f.char_start : f.char_end]
        f.extractor_version = EXTRACTOR_VERSION
        f.fact_id = f.compute_id()
        out.append(f)
    return out
