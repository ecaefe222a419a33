"""The extraction rules, loaded from data and checked: ingestion/rules/*.yaml and the dbt seeds.

Every key of the extraction's rules files is declared here with the shape of its value
(ingestion/rulefiles.py checks them on load). The compiled `Rules` is what the stages read.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from ingestion import dictionaries
from ingestion.dictionaries import Dictionaries
from ingestion.extract.prefilter import Needed, needed_chars
from ingestion.parse.trie_regex import trie_pattern
from ingestion.rulefiles import (Check, integer, load_rules_file, mapping_of, months, records, regex, regexes, word,
                                 words)


def _indicator_code(v: Any) -> str | None:
    return None if v in dictionaries.load().indicators else f"{v!r} is not an indicator of seeds/indicators.csv"


def _cpi_level(v: Any) -> str | None:
    return records({"pattern": regex, "low": integer, "high": integer})([v])




SCHEMA: dict[str, dict[str, Check]] = {
    "vocabulary.yaml": {
        "growth_words": words, "decline_words": words, "flat_words": words,
        "completion_patterns": regexes, "connectors": words,
        "comparator_after": mapping_of(words, {"approx", "min", "max"}),
        "comparator_before": mapping_of(words, {"approx", "min", "max"}),
        "skip_clause_patterns": regexes, "estimate_words": words, "list_joiners": words,
        "self_region_words": words, "firm_universe": regex, "gap_scope_words": words, "place_suffix": regex, "listed_subunit": regex,
        "number_stop_after": regex, "lead_words": words, "per_unit_prefix": regex,
        "contextual_fillers": regex, "carried_head": regex,
        "contextual_indicators": records(
            {"head": word, "needs_before": regex, "indicator": _indicator_code, "window": integer}),
        "gap_ignorable": regexes, "share_in_gap": regexes, "qualitative_phrases": regexes, "cpi_index_level": _cpi_level,
        "comparison_figure": regex, "change_before": regex, "floor_before": regex, "exact_after": regex, "target_words": regex, "place_list_glue": regex, "media_after": regex, "group_after": regex,
        "comparison_before_place": regex, "size_class_after": regex, "per_unit_in_gap": regex,
        "bare_units": words, "figure_only_aliases": mapping_of(_indicator_code),
    },
    "frames.yaml": {
        "periods": records({"pattern": regex, "months": months}),
        "single_month_words": words, "compared_period_before": regex,
        "compared_period_own_figure": regex,
        "relative_years": mapping_of(integer), "relative_year_not_after": regex, "relative_year_not_before": regex,
        "inline_year": regex, "from_to": regex, "plan_period_ends": mapping_of(integer),
        "year_range": regex, "year_since": regex, "quarter_since": regex, "cumulative_words": words,
        "plan_start_patterns": regexes, "horizon_start_patterns": regexes,
        "review_start_patterns": regexes, "skip_paragraph_patterns": regexes,
        "target_cues": regexes, "actual_cues_in_target": words,
        "notice_target_line": regex, "result_against_target": regex, "inline_target": regex, "target_restated": regex,
    },
    "rankings.yaml": {
        "rank_number": regex, "rank_verbs": words, "verbs_without_scope": words,
        "scopes_without_verb": words, "scope_trim": regex, "scope_not": regex,
        "measure_words": mapping_of(words, {"growth_pct", "level"}),
        "both_words": words, "all_words": words, "respective_words": words, "carried_subject": regex, "level_names": words, "league_table": regex,
        "league_bottom_words": words, "league_scope": regex, "league_subject": regex,
    },
}


# ---------------------------------------------------------------------------------------------
# Compiled rules
# ---------------------------------------------------------------------------------------------


def alternation(words: list[str] | set[str]) -> str:
    """A regex matching any of the words, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class Period:
    rx: re.Pattern
    months: tuple[int, int] | str  # (first, last), "match" or "to_month"
    needed: Needed = ()  # characters a match cannot do without: a sentence lacking them is skipped (prefilter.py)


@dataclass(frozen=True)
class Contextual:
    head: str
    needs_before: re.Pattern
    indicator: str
    window: int
    head_re: re.Pattern


@dataclass(frozen=True)
class Rules:
    """Everything the extraction stages read, compiled once per process."""

    d: Dictionaries
    # figures
    number_re: re.Pattern
    range_re: re.Pattern
    growth_re: re.Pattern
    decline_re: re.Pattern
    flat_re: re.Pattern
    completion_re: re.Pattern
    connector_re: re.Pattern
    skip_re: re.Pattern
    estimate_re: re.Pattern
    comparator_after: tuple[tuple[str, str], ...]
    comparator_before: tuple[tuple[str, str], ...]
    list_joiners: frozenset[str]
    gap_ignorable_re: re.Pattern
    share_in_gap_re: re.Pattern
    gap_scope_words: tuple[str, ...]
    comparison_figure_re: re.Pattern
    target_words_re: re.Pattern
    media_after_re: re.Pattern
    group_after_re: re.Pattern
    comparison_before_place_re: re.Pattern
    list_glue_re: re.Pattern
    change_before_re: re.Pattern
    floor_before_re: re.Pattern
    exact_after_re: re.Pattern
    size_class_re: re.Pattern
    per_unit_in_gap_re: re.Pattern
    figure_only_re: re.Pattern
    figure_only: dict[str, str]
    cpi_level_re: re.Pattern
    cpi_level_bounds: tuple[int, int]
    qualitative_re: re.Pattern
    # names
    alias_re: re.Pattern
    compound_res: tuple[tuple[re.Pattern, tuple[str, ...], str | None], ...]
    contextual: tuple[Contextual, ...]
    contextual_heads: frozenset[str]
    firm_universe_re: re.Pattern
    contextual_filler_re: re.Pattern
    carried_head_re: re.Pattern  # groups `name` (a month and a bare head) and `head`: the indicator named before
    place_suffix_re: re.Pattern
    listed_subunit_re: re.Pattern  # one in a list of places
    subunit_name_re: re.Pattern
    self_region: frozenset[str]
    lead_re: re.Pattern
    per_unit_re: re.Pattern
    name_noise_re: re.Pattern  # what is not part of an unknown indicator's name before its figure
    opening_time_re: re.Pattern  # years and periods a sentence may open with
    qualifier_tail_re: re.Pattern  # lead words, connectors and years right before a name
    rank_in_gap_re: re.Pattern
    # frames
    periods: tuple[Period, ...]
    single_month_re: re.Pattern
    relative_years: dict[str, int]
    relative_year_re: re.Pattern
    inline_year_re: re.Pattern
    plan_period_re: re.Pattern
    year_range_re: re.Pattern
    compared_period_re: re.Pattern
    compared_own_figure_re: re.Pattern
    year_since_re: re.Pattern
    quarter_since_re: re.Pattern
    cumulative_words: tuple[str, ...]
    plan_period_ends: dict[str, int]
    from_to_re: re.Pattern
    plan_start: tuple[str, ...]
    horizon_start: tuple[str, ...]
    review_start: tuple[str, ...]
    skip_paragraph_re: re.Pattern
    target_cues: tuple[str, ...]
    actual_in_target_re: re.Pattern
    notice_target_re: re.Pattern
    result_against_target_re: re.Pattern
    inline_target_re: re.Pattern
    target_restated_re: re.Pattern
    # rankings
    rank_re: re.Pattern
    rank_verbs: tuple[str, ...]
    verbs_without_scope: frozenset[str]
    scopes_without_verb: frozenset[str]
    scope_trim_re: re.Pattern
    scope_not_re: re.Pattern
    rank_measure_words: dict[str, tuple[str, ...]]
    rank_both_words: tuple[str, ...]
    rank_all_words: tuple[str, ...]
    respective_rank_re: re.Pattern
    carried_subject_re: re.Pattern
    rank_level_names: tuple[str, ...]
    league_re: re.Pattern
    league_bottom: frozenset[str]
    league_scope_re: re.Pattern
    league_subject_re: re.Pattern
    # a sentence is read only when it can hold a fact (most sentences of a report hold none)
    has_candidate_re: re.Pattern


@functools.lru_cache(maxsize=1)
def rules() -> Rules:
    d = dictionaries.load()
    rules_dir = dictionaries.RULES_DIR
    v = load_rules_file(rules_dir / "vocabulary.yaml", SCHEMA["vocabulary.yaml"])
    f = load_rules_file(rules_dir / "frames.yaml", SCHEMA["frames.yaml"])
    r = load_rules_file(rules_dir / "rankings.yaml", SCHEMA["rankings.yaml"])
    bare_units = set(v["bare_units"])
    units = "|".join(re.escape(u) for u in sorted(d.units, key=len, reverse=True)
                     if u not in ("index", "元/人") and u not in bare_units)
    bare = alternation(v["bare_units"])
    number_re = re.compile(
        rf"(?<![\d.第])(?P<neg>-)?(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>{units}|(?:{bare})(?![\u4e00-\u9fff]))"
        rf"(?!{v['number_stop_after']})"
    )
    range_re = re.compile(
        rf"(?<![\d.第])(?P<lo>\d+(?:\.\d+)?)\s*(?P<u1>%)?\s*[-—~至到]\s*(?P<hi>\d+(?:\.\d+)?)\s*(?P<unit>%|{units})"
    )
    periods = tuple(
        Period(rx, p["months"] if isinstance(p["months"], str) else tuple(p["months"]), needed_chars(rx))
        for p in f["periods"] for rx in [re.compile(p["pattern"])]
    )
    contextual = tuple(Contextual(c["head"], re.compile(c["needs_before"]), c["indicator"], c["window"],
                                  re.compile(re.escape(c["head"])))
                       for c in v["contextual_indicators"])
    comp_after = sorted(((w, k) for k, ws in v["comparator_after"].items() for w in ws), key=lambda x: -len(x[0]))
    comp_before = sorted(((w, k) for k, ws in v["comparator_before"].items() for w in ws), key=lambda x: -len(x[0]))
    qualitative = "|".join(v["qualitative_phrases"])
    cpi = v["cpi_index_level"]
    return Rules(
        d=d,
        number_re=number_re,
        range_re=range_re,
        growth_re=re.compile(alternation(v["growth_words"])),
        decline_re=re.compile(alternation(v["decline_words"])),
        flat_re=re.compile(alternation(v["flat_words"])),
        completion_re=re.compile("|".join(v["completion_patterns"])),
        connector_re=re.compile(alternation(v["connectors"])),
        skip_re=re.compile("|".join(v["skip_clause_patterns"])),
        estimate_re=re.compile(alternation(v["estimate_words"])),
        comparator_after=tuple(comp_after),
        comparator_before=tuple(comp_before),
        list_joiners=frozenset(v["list_joiners"]),
        gap_ignorable_re=re.compile("|".join(v["gap_ignorable"] + v["share_in_gap"])),
        share_in_gap_re=re.compile("|".join(v["share_in_gap"])),
        gap_scope_words=tuple(v["gap_scope_words"]),
        comparison_figure_re=re.compile(v["comparison_figure"]),
        target_words_re=re.compile(v["target_words"]),
        media_after_re=re.compile(v["media_after"]),
        group_after_re=re.compile(v["group_after"]),
        comparison_before_place_re=re.compile(v["comparison_before_place"]),
        list_glue_re=re.compile(v["place_list_glue"]),
        change_before_re=re.compile(v["change_before"]),
        floor_before_re=re.compile(v["floor_before"]),
        exact_after_re=re.compile(v["exact_after"]),
        size_class_re=re.compile(v["size_class_after"]),
        per_unit_in_gap_re=re.compile(v["per_unit_in_gap"]),
        figure_only_re=re.compile(rf"(?:{alternation(list(v['figure_only_aliases']))})(?=(?:率)?(?:为|达到|保持在)?\d)"),
        figure_only=dict(v["figure_only_aliases"]),
        cpi_level_re=re.compile(cpi["pattern"]),
        cpi_level_bounds=(cpi["low"], cpi["high"]),
        qualitative_re=re.compile(qualitative),
        alias_re=re.compile(trie_pattern(list(d.aliases) + list(d.groups))),
        compound_res=tuple((re.compile(c["pattern"]), tuple(c["indicators"]), c.get("single"))
                           for c in d.compound_patterns),
        contextual=contextual,
        contextual_heads=frozenset(c.head for c in contextual),
        firm_universe_re=re.compile(v["firm_universe"]),
        contextual_filler_re=re.compile(v["contextual_fillers"]),
        carried_head_re=re.compile(v["carried_head"]),
        place_suffix_re=re.compile(v["place_suffix"]),
        listed_subunit_re=re.compile(rf"(?:^|(?<=[、和及与,;:\s]))({v['listed_subunit']})(?=[、和及与]|分别)"),
        subunit_name_re=re.compile(v["listed_subunit"]),
        self_region=frozenset(v["self_region_words"]),
        lead_re=re.compile(alternation(v["lead_words"])),
        per_unit_re=re.compile(v["per_unit_prefix"]),
        opening_time_re=re.compile(
            rf"(?:{f['inline_year']}|{alternation(list(f['relative_years']))}|"
            rf"{'|'.join(p['pattern'].lstrip('^') for p in f['periods'])}|[\s,])+"),
        name_noise_re=re.compile(
            rf"{alternation(v['growth_words'] + v['decline_words'] + v['connectors'] + v['lead_words'] + v['self_region_words'] + v['estimate_words'])}"
            rf"|{f['inline_year']}|{alternation(list(f['relative_years']))}|[^\u4e00-\u9fffA-Za-z]"),
        qualifier_tail_re=re.compile(
            rf"(?:{alternation(v['lead_words'])}|{alternation(v['connectors'])}|{f['inline_year']}|"
            rf"{alternation(list(f['relative_years']))})$"),
        rank_in_gap_re=re.compile(rf"[\u4e00-\u9fff]{{0,9}}(?:{r['rank_number']})"),
        periods=periods,
        single_month_re=re.compile(alternation(f["single_month_words"])),
        relative_years=dict(f["relative_years"]),
        relative_year_re=re.compile(rf"(?<!{f['relative_year_not_after']})(?:{alternation(list(f['relative_years']))})"
                                    rf"(?!{f['relative_year_not_before']})"),
        inline_year_re=re.compile(f["inline_year"]),
        plan_period_re=re.compile(alternation(list(f["plan_period_ends"]))),
        year_range_re=re.compile(f["year_range"]),
        compared_period_re=re.compile(f["compared_period_before"]),
        compared_own_figure_re=re.compile(f["compared_period_own_figure"]),
        year_since_re=re.compile(f["year_since"]),
        quarter_since_re=re.compile(f["quarter_since"]),
        cumulative_words=tuple(f["cumulative_words"]),
        plan_period_ends=dict(f["plan_period_ends"]),
        from_to_re=re.compile(f["from_to"]),
        plan_start=tuple(f["plan_start_patterns"]),
        horizon_start=tuple(f["horizon_start_patterns"]),
        review_start=tuple(f["review_start_patterns"]),
        skip_paragraph_re=re.compile("|".join(f["skip_paragraph_patterns"])),
        target_cues=tuple(f["target_cues"]),
        actual_in_target_re=re.compile(alternation(f["actual_cues_in_target"])),
        notice_target_re=re.compile(f["notice_target_line"]),
        result_against_target_re=re.compile(f["result_against_target"]),
        inline_target_re=re.compile(f["inline_target"]),
        target_restated_re=re.compile(f["target_restated"]),
        rank_re=re.compile(r["rank_number"]),
        rank_verbs=tuple(sorted(r["rank_verbs"], key=len, reverse=True)),
        verbs_without_scope=frozenset(r["verbs_without_scope"]),
        scopes_without_verb=frozenset(r["scopes_without_verb"]),
        scope_trim_re=re.compile(r["scope_trim"]),
        scope_not_re=re.compile(r["scope_not"]),
        rank_measure_words={k: tuple(ws) for k, ws in r["measure_words"].items()},
        rank_both_words=tuple(r["both_words"]),
        rank_all_words=tuple(r["all_words"]),
        respective_rank_re=re.compile(alternation(r["respective_words"])),
        carried_subject_re=re.compile(r["carried_subject"]),
        rank_level_names=tuple(r["level_names"]),
        league_re=re.compile(r["league_table"]),
        league_bottom=frozenset(r["league_bottom_words"]),
        league_scope_re=re.compile(r["league_scope"]),
        league_subject_re=re.compile(r["league_subject"]),
        has_candidate_re=re.compile(rf"\d\s*(?:{units})|(?:{r['rank_number']})|{r['league_table']}|{qualitative}"),
    )
