"""The raw suite: Great Expectations on the raw layer (raw.documents, raw.sentences, raw.facts), the
one owner of the raw layer's checks (the marts are checked by the dbt project's tests).

The checks are pushed into DuckDB so that what reaches pandas and GX stays small however large
the corpus (BENCHMARKS.md): each table's SELECT computes the derived columns, reads only the
columns the checks need and a one-character stand-in of each text; raw.sentences (millions of
rows) arrives summarised per document (`sentences_sql`: how many of its sentences break each
rule). `evidence_matches_text` (the text at a fact's offsets, with Python str indices, the indices
the contract uses) is compared in Python while the tables stream (`evidence_flags`). Frames built
another way get the same columns from `prepare_raw`: `evidence_matches_text`,
`char_count_matches_text`, `content_hash_matches_text`, `fact_count`, the sentence summary.

Dictionaries come from the dbt seeds (`units.csv` column `unit`, `indicators.csv` column
`indicator`), so the suite and the marts share one source of truth.

Quarantined documents (raw.documents.quarantine_reason set by ingestion/parse/triage.py) stay in
raw for inspection and never reach the marts, so their odd values (an implausible year, a rank 0)
are no reason to stop a run: the checks of values apply to published rows only (`published`,
PUBLISHED_ONLY), while the checks of structure (ids, offsets, evidence) apply to every row. What
stops a run is systemic: more than GWR_QUARANTINE_MAX_SHARE of the run's documents and unreadable
files quarantined (`quarantine_share`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path
from typing import Callable

import pandas as pd

from contracts.settings import SEEDS_DIR, quarantine_max_share
from expectations.checks import Check, Frames, SuiteSpec, TableSpec
from contracts import codes

FACT_KINDS = ("target", "actual", "ranking")
MEASURES = ("growth_pct", "level", "rate_pct", "completion_pct", "qualitative")
COMPARATORS = ("approx", "min", "max", "range", "exact")
DOCUMENT_KINDS = codes.DOCUMENT_KINDS
RANK_DIRECTIONS = ("top", "bottom")
MIN_YEAR = 1990
PUBLISHED = ("published", "==", True)
"""The row condition of a check of values: rows of documents that are not quarantined."""
QUARANTINE = "ops.quarantined_documents"


# --------------------------------------------------------------------------------------------
# Dictionaries (dbt seeds)
# --------------------------------------------------------------------------------------------


def _seed_column(filename: str, column: str, seeds_dir: Path | None = None) -> tuple[str, ...]:
    path = (seeds_dir or SEEDS_DIR) / filename
    if not path.exists():
        raise FileNotFoundError(
            f"quality suites need the dbt seed {path} (column {column!r}); it is missing"
        )
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if column not in (reader.fieldnames or []):
            raise ValueError(f"seed {path} has no column {column!r} (has {reader.fieldnames})")
        values = {(row.get(column) or "").strip() for row in reader}
    values.discard("")
    return tuple(sorted(values))


def standard_units(seeds_dir: Path | None = None) -> tuple[str, ...]:
    """The standard units: distinct values of `unit` in seeds/units.csv."""
    return _seed_column("units.csv", "unit", seeds_dir)


def indicator_codes(seeds_dir: Path | None = None) -> tuple[str, ...]:
    """Indicator codes: column `indicator` of seeds/indicators.csv."""
    return _seed_column("indicators.csv", "indicator", seeds_dir)


def region_codes(seeds_dir: Path | None = None) -> tuple[str, ...]:
    """The gazetteer's codes: column `adcode` of seeds/regions.csv."""
    return _seed_column("regions.csv", "adcode", seeds_dir)


def max_year() -> int:
    return dt.date.today().year + 1


# --------------------------------------------------------------------------------------------
# Derived columns (pure pandas, run after the DuckDB connection is closed)
# --------------------------------------------------------------------------------------------


def _slice_matches(texts: pd.Series, starts: pd.Series, ends: pd.Series, expected: pd.Series) -> list:
    """Per row: expected == text[start:end] (Python str indices); False when anything is missing."""
    out = []
    for text, s, e, exp in zip(texts, starts, ends, expected):
        if not isinstance(text, str) or not isinstance(exp, str) or pd.isna(s) or pd.isna(e):
            out.append(False)
            continue
        s, e = int(s), int(e)
        out.append(0 <= s < e <= len(text) and text[s:e] == exp)
    return out


def _with_document_text(df: pd.DataFrame, docs: pd.DataFrame | None) -> pd.DataFrame:
    """Add `_doc_text`, `doc_char_count` and `document_exists` by document_id (left join)."""
    df = df.copy()
    if docs is None or "document_id" not in df.columns or "document_id" not in docs.columns:
        df["_doc_text"] = None
        df["doc_char_count"] = float("nan")
        df["document_exists"] = False
        return df
    text_col = "text" if "text" in docs.columns else "document_text"
    d = docs.drop_duplicates("document_id").set_index("document_id")
    texts = d[text_col] if text_col in d.columns else pd.Series(dtype=object)
    df["_doc_text"] = df["document_id"].map(texts).astype(object)
    df["document_exists"] = df["document_id"].isin(d.index)
    if "char_count" in d.columns:
        df["doc_char_count"] = pd.to_numeric(df["document_id"].map(d["char_count"]), errors="coerce")
    else:
        df["doc_char_count"] = df["_doc_text"].map(lambda t: len(t) if isinstance(t, str) else float("nan"))
    return df


def _offset_columns(df: pd.DataFrame, docs: pd.DataFrame | None, value_col: str, flag: str) -> pd.DataFrame:
    if flag in df.columns:  # computed in DuckDB by the table's SQL
        return df
    df = _with_document_text(df, docs)
    needed = {"char_start", "char_end", value_col}
    if needed <= set(df.columns):
        df[flag] = _slice_matches(df["_doc_text"], df["char_start"], df["char_end"], df[value_col])
    else:
        df[flag] = False
    return df.drop(columns=["_doc_text"])


def _published_sql(existing: dict[str, list[str]], alias: str = "t") -> str:
    """A document is published unless triage quarantined it (older raw layers have no column)."""
    has = "quarantine_reason" in existing.get("raw.documents", [])
    return f"{alias}.quarantine_reason IS NULL" if has else "true"


def _live_docs_sql(existing: dict[str, list[str]]) -> str:
    live = "WHERE removed_at IS NULL" if "removed_at" in existing.get("raw.documents", []) else ""
    return (f"(SELECT document_id, text, char_count, {_published_sql(existing, 'raw.documents')} AS published "
            f"FROM raw.documents {live})")


def documents_sql(existing: dict[str, list[str]]) -> str:
    cols = existing.get("raw.documents", [])
    live = "WHERE t.removed_at IS NULL" if "removed_at" in cols else ""
    return (
        "SELECT t.* EXCLUDE (text), left(t.text, 1) AS text, "
        "coalesce(length(t.text) = t.char_count, false) AS char_count_matches_text, "
        "coalesce(sha256(t.text) = t.content_hash, false) AS content_hash_matches_text, "
        f"coalesce(n.fact_count, 0) AS fact_count, {_published_sql(existing)} AS published "
        "FROM raw.documents t LEFT JOIN (SELECT document_id, count(*) AS fact_count FROM raw.facts "
        f"GROUP BY 1) n USING (document_id) {live}"
    )


SENTENCE_SUMMARY = {
    # column of the per-document summary: (SQL aggregate, the check it stands for)
    "null_sentence_nos": ("count(*) FILTER (WHERE s.sentence_no IS NULL)", "sentence_no"),
    "duplicate_sentence_nos": ("count(s.sentence_no) - count(DISTINCT s.sentence_no)", "document_id,sentence_no"),
    "null_offsets": ("count(*) FILTER (WHERE s.char_start IS NULL OR s.char_end IS NULL)", "char_start,char_end"),
    "negative_starts": ("count(*) FILTER (WHERE s.char_start < 0)", "char_start"),
    "empty_or_reversed": ("count(*) FILTER (WHERE s.char_end <= s.char_start)", "char_end,char_start"),
    "past_document_end": ("count(*) FILTER (WHERE s.char_end > d.char_count)", "doc_char_count,char_end"),
    "overlapping": ("count(*) FILTER (WHERE s.char_start < s.previous_end)", "char_start,previous char_end"),
}


def sentences_sql(existing: dict[str, list[str]]) -> str:
    """raw.sentences summarised per document in DuckDB (millions of rows → one per document): how
    many of its rows break each rule. GX then checks the counts are 0 (and names the documents)."""
    aggs = "".join(f", {sql} AS {name}" for name, (sql, _) in SENTENCE_SUMMARY.items())
    return (
        "SELECT s.document_id, d.document_id IS NOT NULL AS document_exists, "
        f"count(*) AS sentence_rows, min(s.sentence_no) AS min_sentence_no{aggs} "
        "FROM (SELECT *, lag(char_end) OVER (PARTITION BY document_id ORDER BY sentence_no) AS previous_end "
        "FROM raw.sentences) s "
        f"LEFT JOIN {_live_docs_sql(existing)} d USING (document_id) GROUP BY s.document_id, d.document_id"
    )


FACT_COLUMNS = (
    "fact_id", "document_id", "kind", "measure", "unit", "indicator", "year", "period_start_month",
    "period_end_month", "comparator", "rank", "rank_direction", "value", "char_start", "char_end",
    "region_code",
)
"""The columns of raw.facts the checks read (besides the flags computed in DuckDB)."""


def facts_sql(table: str, finite: tuple[str, ...] = ()) -> Callable[[dict[str, list[str]]], str]:
    def build(existing: dict[str, list[str]]) -> str:
        have = existing.get(table, [])
        cols = ", ".join(f"t.{c}" for c in FACT_COLUMNS if c in have)
        extra = "".join(
            f", CASE WHEN t.{c} IS NULL THEN NULL ELSE isfinite(CAST(t.{c} AS DOUBLE)) END AS {c}__is_finite"
            for c in finite if c in have
        )
        return (
            f"SELECT t.rowid AS _row, {cols}, left(t.evidence, 1) AS evidence, "
            f"d.document_id IS NOT NULL AS document_exists, d.char_count AS doc_char_count, "
            f"coalesce(d.published, true) AS published{extra} "
            f"FROM {table} t LEFT JOIN {_live_docs_sql(existing)} d USING (document_id)"
        )

    return build


def evidence_flags(con, existing: dict[str, list[str]], frame: pd.DataFrame) -> pd.DataFrame:
    """`evidence_matches_text`: evidence == the document's text[char_start:char_end], compared in
    Python while both tables stream by document_id (a str slice is O(1) in Python; DuckDB's
    substring walks the UTF-8 text from its start, quadratic in a long document)."""
    bad: set[int] = set()
    docs, facts = con.cursor(), con.cursor()
    try:
        docs.execute(f"SELECT document_id, text FROM {_live_docs_sql(existing)} d ORDER BY document_id")
        facts.execute("SELECT rowid, document_id, char_start, char_end, evidence FROM raw.facts "
                      "ORDER BY document_id NULLS LAST")
        doc = docs.fetchone()
        while rows := facts.fetchmany(20000):
            for row, doc_id, start, end, evidence in rows:
                while doc is not None and doc_id is not None and doc[0] < doc_id:
                    doc = docs.fetchone()
                text = doc[1] if doc is not None and doc[0] == doc_id else None
                if not (isinstance(text, str) and isinstance(evidence, str) and start is not None
                        and end is not None and 0 <= start < end <= len(text) and text[start:end] == evidence):
                    bad.add(row)
    finally:
        docs.close()
        facts.close()
    frame = frame.copy()
    frame["evidence_matches_text"] = ~frame["_row"].isin(bad)
    return frame.drop(columns=["_row"])
def quarantine_share_sql(existing: dict[str, list[str]]) -> str:
    """One row per item of the run: every live document (quarantined = 1 when triage held it
    back) and every file of this run's quarantine list that gave no document (quarantined = 1).
    Takes the run id as its parameter."""
    live = "WHERE removed_at IS NULL" if "removed_at" in existing.get("raw.documents", []) else ""
    return (
        f"SELECT document_id, source_path AS source, "
        f"CAST(NOT ({_published_sql(existing)}) AS INTEGER) AS quarantined FROM raw.documents t {live} "
        f"UNION ALL SELECT NULL, source, 1 FROM {QUARANTINE} WHERE run_id = ? AND document_id IS NULL"
    )


def _published_frame(df: pd.DataFrame, docs: pd.DataFrame | None) -> pd.DataFrame:
    """Add `published` to a frame built without SQL (documents: own column; others: by document)."""
    if df is None or "published" in df.columns:
        return df
    df = df.copy()
    if "quarantine_reason" in df.columns:
        df["published"] = df["quarantine_reason"].isna()
    elif docs is not None and "quarantine_reason" in docs.columns and "document_id" in df.columns:
        held = set(docs.loc[docs["quarantine_reason"].notna(), "document_id"])
        df["published"] = ~df["document_id"].isin(held)
    else:
        df["published"] = True
    return df


def _live(docs):
    """raw.documents without the documents marked removed (incremental refresh keeps their row)."""
    if docs is not None and "removed_at" in docs.columns:
        return docs[docs["removed_at"].isna()].reset_index(drop=True)
    return docs


def prepare_raw(frames: Frames) -> Frames:
    frames = dict(frames)
    if frames.get("raw.documents") is not None:
        frames["raw.documents"] = _live(frames["raw.documents"])
    out = dict(frames)
    docs = frames.get("raw.documents")
    facts = frames.get("raw.facts")
    sents = frames.get("raw.sentences")
    if docs is not None:
        docs = docs.copy()
        if "text" in docs.columns and "char_count_matches_text" not in docs.columns:
            docs["char_count_matches_text"] = [
                isinstance(t, str) and not pd.isna(n) and int(n) == len(t)
                for t, n in zip(docs["text"], docs.get("char_count", pd.Series([None] * len(docs))))
            ]
            docs["content_hash_matches_text"] = [
                isinstance(t, str) and h == hashlib.sha256(t.encode("utf-8")).hexdigest()
                for t, h in zip(docs["text"], docs.get("content_hash", pd.Series([None] * len(docs))))
            ]
        if "fact_count" in docs.columns:
            pass
        elif facts is not None and "document_id" in facts.columns and "document_id" in docs.columns:
            counts = facts.groupby("document_id").size()
            docs["fact_count"] = docs["document_id"].map(counts).fillna(0).astype("int64")
        else:
            docs["fact_count"] = 0
        out["raw.documents"] = docs
        out["raw.documents"] = _published_frame(docs, None)
    if facts is not None:
        facts = _published_frame(facts, frames.get("raw.documents"))
        out["raw.facts"] = _offset_columns(facts, frames.get("raw.documents"), "evidence", "evidence_matches_text")
    if sents is not None and "sentence_rows" not in sents.columns:
        out["raw.sentences"] = summarise_sentences(sents, frames.get("raw.documents"))
    return out


def summarise_sentences(sents: pd.DataFrame, docs: pd.DataFrame | None) -> pd.DataFrame:
    """The per-document summary of sentences_sql, computed in pandas (frames built another way)."""
    df = _with_document_text(sents, docs).drop(columns=["_doc_text"])
    df = df.sort_values(["document_id", "sentence_no"], kind="stable")
    df["previous_end"] = df.groupby("document_id", dropna=False)["char_end"].shift()
    rows = []
    for doc_id, g in df.groupby("document_id", dropna=False, sort=False):
        s0, s1, count = g["char_start"], g["char_end"], g["doc_char_count"]
        rows.append({
            "document_id": None if pd.isna(doc_id) else doc_id,
            "document_exists": bool(g["document_exists"].iloc[0]),
            "sentence_rows": len(g), "min_sentence_no": g["sentence_no"].min(),
            "null_sentence_nos": int(g["sentence_no"].isna().sum()),
            "duplicate_sentence_nos": int(g["sentence_no"].notna().sum() - g["sentence_no"].nunique()),
            "null_offsets": int((s0.isna() | s1.isna()).sum()),
            "negative_starts": int((s0 < 0).sum()), "empty_or_reversed": int((s1 <= s0).sum()),
            "past_document_end": int((s1 > count).sum()),
            "overlapping": int((s0 < g["previous_end"]).sum()),
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Raw suite
# --------------------------------------------------------------------------------------------


def _offset_checks(table: str, text_flag: str, text_note: str) -> list[Check]:
    return [
        Check(table, "ExpectColumnValuesToNotBeNull", {"column": "char_start"}),
        Check(table, "ExpectColumnValuesToNotBeNull", {"column": "char_end"}),
        Check(table, "ExpectColumnValuesToBeBetween", {"column": "char_start", "min_value": 0},
              note="char_start >= 0"),
        Check(table, "ExpectColumnPairValuesAToBeGreaterThanB",
              {"column_A": "char_end", "column_B": "char_start", "or_equal": False},
              note="char_start < char_end"),
        Check(table, "ExpectColumnPairValuesAToBeGreaterThanB",
              {"column_A": "doc_char_count", "column_B": "char_end", "or_equal": True},
              note="char_end <= the document's char_count"),
        Check(table, "ExpectColumnValuesToBeInSet", {"column": "document_exists", "value_set": [True]},
              note="every row belongs to a document in raw.documents"),
        Check(table, "ExpectColumnValuesToBeInSet", {"column": text_flag, "value_set": [True]},
              note=text_note),
    ]


def raw_suite(seeds_dir: Path | None = None) -> SuiteSpec:
    units = standard_units(seeds_dir)
    indicators = indicator_codes(seeds_dir)
    adcodes = list(region_codes(seeds_dir))
    y1 = max_year()
    max_share = quarantine_max_share()
    D, S, F = "raw.documents", "raw.sentences", "raw.facts"
    checks: list[Check] = [
        # raw.documents
        Check(D, "ExpectTableRowCountToBeBetween", {"min_value": 1}, note="at least one document"),
        Check(D, "ExpectColumnValuesToNotBeNull", {"column": "document_id"}),
        Check(D, "ExpectColumnValuesToBeUnique", {"column": "document_id"}),
        Check(D, "ExpectColumnValuesToNotBeNull", {"column": "text"}),
        Check(D, "ExpectColumnValueLengthsToBeBetween", {"column": "text", "min_value": 1},
              note="text not empty"),
        Check(D, "ExpectColumnValuesToBeInSet", {"column": "char_count_matches_text", "value_set": [True]},
              note="char_count == len(text)"),
        Check(D, "ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": list(DOCUMENT_KINDS)}),
        Check(D, "ExpectColumnValuesToBeBetween", {"column": "year", "min_value": MIN_YEAR, "max_value": y1},
              where=PUBLISHED),
        Check(D, "ExpectColumnValuesToBeBetween",
              {"column": "target_year", "min_value": MIN_YEAR, "max_value": y1}, where=PUBLISHED),
        Check(D, "ExpectColumnValuesToBeInSet", {"column": "region_code", "value_set": adcodes},
              note="codes from seeds/regions.csv (NULL allowed: not in the gazetteer, or ambiguous)"),
        Check(D, "ExpectColumnValuesToBeInSet", {"column": "content_hash_matches_text", "value_set": [True]},
              blocking=False, note="content_hash == sha256(text)"),
        Check(D, "ExpectColumnValuesToBeBetween", {"column": "fact_count", "min_value": 1},
              blocking=False, where=PUBLISHED, note="warn: a published document without any fact"),
        # raw.sentences: one row per document (sentences_sql), each rule a count that must be 0
        Check(S, "ExpectColumnValuesToNotBeNull", {"column": "document_id"}),
        Check(S, "ExpectColumnValuesToBeInSet", {"column": "document_exists", "value_set": [True]},
              note="every sentence belongs to a document in raw.documents"),
        Check(S, "ExpectColumnValuesToBeBetween", {"column": "min_sentence_no", "min_value": 0},
              label="sentence_no", note="sentence_no >= 0"),
        *[Check(S, "ExpectColumnValuesToBeBetween", {"column": name, "min_value": 0, "max_value": 0},
                label=label, note=f"sentences per document with {name.replace('_', ' ')}: none")
          for name, (_, label) in SENTENCE_SUMMARY.items()],
        # raw.facts
        Check(F, "ExpectColumnValuesToNotBeNull", {"column": "fact_id"}),
        Check(F, "ExpectColumnValuesToBeUnique", {"column": "fact_id"}),
        Check(F, "ExpectColumnValuesToNotBeNull", {"column": "document_id"}),
        Check(F, "ExpectColumnValuesToNotBeNull", {"column": "kind"}),
        Check(F, "ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": list(FACT_KINDS)}),
        Check(F, "ExpectColumnValuesToNotBeNull", {"column": "measure"}),
        Check(F, "ExpectColumnValuesToBeInSet", {"column": "measure", "value_set": list(MEASURES)}),
        Check(F, "ExpectColumnValuesToBeInSet", {"column": "value__is_finite", "value_set": [True]},
              note="value finite where not null (no inf/NaN)"),
        Check(F, "ExpectColumnValuesToBeInSet", {"column": "value_high__is_finite", "value_set": [True]},
              note="value_high finite where not null (no inf/NaN)"),
        Check(F, "ExpectColumnValuesToBeInSet", {"column": "unit", "value_set": list(units)},
              note="standard units from seeds/units.csv"),
        Check(F, "ExpectColumnValuesToBeInSet", {"column": "indicator", "value_set": list(indicators)},
              note="codes from seeds/indicators.csv (NULL allowed: unknown indicator)"),
        Check(F, "ExpectColumnValuesToBeInSet", {"column": "region_code", "value_set": adcodes},
              note="codes from seeds/regions.csv (NULL allowed: ambiguous name)"),
        Check(F, "ExpectColumnValuesToBeBetween", {"column": "year", "min_value": MIN_YEAR, "max_value": y1},
              where=PUBLISHED),
        Check(F, "ExpectColumnValuesToBeBetween", {"column": "period_start_month", "min_value": 1, "max_value": 12}),
        Check(F, "ExpectColumnValuesToBeBetween", {"column": "period_end_month", "min_value": 1, "max_value": 12}),
        Check(F, "ExpectColumnValuesToBeInSet", {"column": "comparator", "value_set": list(COMPARATORS)}),
        Check(F, "ExpectColumnValuesToBeBetween", {"column": "rank", "min_value": 1}, where=PUBLISHED),
        Check(F, "ExpectColumnValuesToBeInSet", {"column": "rank_direction", "value_set": list(RANK_DIRECTIONS)}),
        Check(F, "ExpectColumnValuesToNotBeNull", {"column": "evidence"}),
        *_offset_checks(F, "evidence_matches_text", "evidence == document text[char_start:char_end]"),
        # warnings
        Check(F, "ExpectColumnValuesToNotBeNull", {"column": "year"}, blocking=False, where=PUBLISHED,
              note="warn: the year of a fact could not be told; it stays in raw and leaves the marts"),
        Check(F, "ExpectColumnValuesToBeBetween", {"column": "value", "min_value": -100, "max_value": 1000},
              blocking=False, where=(PUBLISHED, ("measure", "==", "growth_pct")),
              note="warn: implausible growth rate"),
        # systemic: too much of the run quarantined (a broken reader, the wrong folder)
        Check(QUARANTINE, "ExpectColumnMeanToBeBetween",
              {"column": "quarantined", "min_value": 0, "max_value": max_share},
              label=f"share quarantined (at most {max_share:g})",
              note=f"at most {max_share:.0%} of the run's documents and files quarantined (GWR_QUARANTINE_MAX_SHARE)"),
    ]
    return SuiteSpec(
        name="raw",
        tables=[
            TableSpec(D, index_columns=("document_id",), sql=documents_sql),
            TableSpec(S, index_columns=("document_id",), sql=sentences_sql),
            TableSpec(F, index_columns=("fact_id", "document_id"), finite_columns=("value", "value_high"),
                      sql=facts_sql(F, ("value", "value_high")), derive=evidence_flags),
            # written by the flow before the checks; a raw layer checked on its own has none
            TableSpec(QUARANTINE, sql=quarantine_share_sql, run_scoped=True, optional=True),
        ],
        checks=checks,
        prepare=prepare_raw,
        dictionaries={"unit": units, "indicator": indicators},
    )
