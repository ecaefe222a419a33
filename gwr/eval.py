"""Score extracted facts against hand-labelled gold (tests/gold/LABELING.md).

A fact matches a gold row when document, region, kind, year, period, indicator and measure are
the same and the values are equal in standard units (within 0.01, or 0.1%); a ranking matches on
its rank. Each gold row matches at most one fact.

The facts come from a warehouse's marts, or straight from parsing files (`facts_from_parse`, the
same rule of what reaches the marts, no warehouse needed). Scores are given overall, per fact kind,
and per slice of documents (document kind and script), so that a regression in one kind of page
cannot hide in the total.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("target", "actual", "ranking")

_MART_SQL = """
select document_id, region, 'target' as kind, year, 1 as ps, 12 as pe, indicator, measure,
       value, null::integer as rank, evidence
from marts.fct_targets where value is not null
union all
select document_id, region, 'actual', year, period_start_month, period_end_month, indicator, measure,
       value, null, evidence
from marts.fct_actuals
union all
select document_id, region, 'ranking', year, period_start_month, period_end_month, indicator, measure,
       null, rank, evidence
from marts.fct_rankings
"""


@dataclass
class Fact:
    doc: str
    region: str
    kind: str
    year: int
    period: str
    indicator: str
    measure: str
    value: float | None
    rank: int | None
    evidence: str = ""

    @property
    def key(self) -> tuple:
        return (self.doc, self.region, self.kind, self.year, self.period, self.indicator, self.measure)

    def describe(self) -> str:
        what = f"rank {self.rank}" if self.kind == "ranking" else f"value {self.value:g}" if self.value is not None else ""
        return (f"{self.doc} {self.region} {self.kind} {self.year} {self.period} {self.indicator} "
                f"{self.measure} {what} | {self.evidence}")


@dataclass
class Score:
    tp: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


SLICES = ("document kind", "script")


@dataclass
class EvalReport:
    scores: dict[str, Score]
    missed: list[Fact] = field(default_factory=list)
    spurious: list[Fact] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    unknown_indicators: list[tuple[str, int]] = field(default_factory=list)
    slices: dict[str, dict[str, dict[str, Score]]] = field(default_factory=dict)  # slice → value → kind → Score

    @property
    def f1_overall(self) -> float:
        return self.scores["overall"].f1

    def to_dict(self) -> dict:
        return {
            "scores": {k: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "tp": s.tp,
                           "predicted": s.predicted, "gold": s.gold} for k, s in self.scores.items()},
            "missed": [f.describe() for f in self.missed],
            "spurious": [f.describe() for f in self.spurious],
            "unknown_indicators": [{"name": n, "count": c} for n, c in self.unknown_indicators],
            "slices": {name: {value: {k: _score_dict(sc) for k, sc in by_kind.items()}
                              for value, by_kind in values.items()}
                       for name, values in self.slices.items()},
        }

    def render_text(self) -> str:
        lines = [f"Evaluated {len(self.documents)} documents against gold.", "",
                 f"{'kind':<10}{'precision':>10}{'recall':>10}{'F1':>8}{'tp':>6}{'pred':>6}{'gold':>6}"]
        for k in (*KINDS, "overall"):
            s = self.scores[k]
            lines.append(f"{k:<10}{s.precision:>10.3f}{s.recall:>10.3f}{s.f1:>8.3f}{s.tp:>6}{s.predicted:>6}{s.gold:>6}")
        for name, values in self.slices.items():
            lines += ["", f"by {name}:", f"{name:<18}{'docs':>5}{'P':>7}{'R':>7}{'F1':>7}"
                      f"{'target':>8}{'actual':>8}{'ranking':>8}{'gold':>6}"]
            for value, by_kind in sorted(values.items()):
                o = by_kind["overall"]
                per = "".join(f"{by_kind[k].f1:>8.3f}" if by_kind[k].gold or by_kind[k].predicted else f"{'-':>8}"
                              for k in KINDS)
                lines.append(f"{value:<18}{by_kind['docs'].gold:>5}{o.precision:>7.3f}{o.recall:>7.3f}{o.f1:>7.3f}"
                             f"{per}{o.gold:>6}")
        lines += ["", f"Missed ({len(self.missed)}): in gold, not in the marts"]
        lines += [f"  - {f.describe()}" for f in self.missed]
        lines += ["", f"Spurious ({len(self.spurious)}): in the marts, not in gold"]
        lines += [f"  + {f.describe()}" for f in self.spurious]
        if self.unknown_indicators:
            lines += ["", "Most frequent indicator names not in the dictionary (raw.facts, indicator is null):"]
            lines += [f"  {c:>4}  {n}" for n, c in self.unknown_indicators]
        return "\n".join(lines)


def read_gold(paths: list[Path]) -> list[Fact]:
    rows: list[Fact] = []
    for p in paths:
        p = Path(p)
        files = sorted(p.glob("*.csv")) if p.is_dir() else [p]
        for f in files:
            with f.open(encoding="utf-8", newline="") as fh:
                for r in csv.DictReader(fh):
                    rows.append(Fact(
                        r["doc"], r["region"], r["kind"], int(r["year"]), r["period"], r["indicator"],
                        r["measure"], float(r["value"]) if r.get("value") else None,
                        int(r["rank"]) if r.get("rank") else None, r.get("evidence", ""),
                    ))
    return rows


def read_marts(db_path: Path) -> tuple[list[Fact], list[tuple[str, int]]]:
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        facts = [
            Fact(d, reg, k, int(y), f"{ps}-{pe}", ind, meas, v, rk, ev)
            for d, reg, k, y, ps, pe, ind, meas, v, rk, ev in con.execute(_MART_SQL).fetchall()
        ]
        unknown = con.execute(
            "select indicator_raw, count(*) from raw.facts where indicator is null "
            "group by 1 order by 2 desc, 1 limit 20"
        ).fetchall()
    finally:
        con.close()
    return facts, [(n, int(c)) for n, c in unknown]


def _score_dict(sc: Score) -> dict:
    return {"precision": sc.precision, "recall": sc.recall, "f1": sc.f1, "tp": sc.tp,
            "predicted": sc.predicted, "gold": sc.gold}


def read_labels(path: Path) -> dict[str, dict[str, str]]:
    """Per-document labels for the slices from a sources.csv (columns id, doc_kind, script, as in
    sample_corpus_wild/sources.csv): what a page is, as whoever collected it said."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return {r["id"]: {"document kind": r.get("doc_kind") or "", "script": r.get("script") or ""}
                for r in csv.DictReader(fh)}


def read_document_labels(db_path: Path) -> dict[str, dict[str, str]]:
    """The warehouse's own kind and script of each document."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute("select document_id, kind, script from raw.documents where removed_at is null").fetchall()
    finally:
        con.close()
    return {d: {"document kind": k or "unknown", "script": sc or "unknown"} for d, k, sc in rows}


def score_slices(predicted: list[Fact], gold: list[Fact],
                 labels: dict[str, dict[str, str]]) -> dict[str, dict[str, dict[str, Score]]]:
    """The scores within each slice of documents (by document kind, by script)."""
    out: dict[str, dict[str, dict[str, Score]]] = {}
    for name in SLICES:
        values = sorted({labels.get(g.doc, {}).get(name) or "unknown" for g in gold})
        out[name] = {}
        for value in values:
            docs = {g.doc for g in gold if (labels.get(g.doc, {}).get(name) or "unknown") == value}
            sub = score([f for f in predicted if f.doc in docs], [g for g in gold if g.doc in docs]).scores
            sub["docs"] = Score(gold=len(docs))
            out[name][value] = sub
    return out


def facts_from_parse(sources: list[str]) -> tuple[list[Fact], dict[str, dict[str, str]]]:
    """Parse the sources (folders, files, manifests) and keep the facts the marts would: of a
    known indicator, with a year, a target with a value, of a published (not quarantined) document.
    Also the documents' own kind and script."""
    from ingestion.pipeline import parse_path
    from ingestion.sources.discover import expand_sources

    facts: list[Fact] = []
    labels: dict[str, dict[str, str]] = {}
    for src in expand_sources(sources):
        for pd in parse_path(src.path, src.override_dict):
            doc = pd.document
            labels[doc.document_id] = {"document kind": doc.kind or "unknown", "script": doc.script or "unknown"}
            if doc.quarantine_reason:
                continue
            for f in pd.facts:
                if f.kind not in KINDS or f.indicator is None or f.year is None:
                    continue
                if f.kind == "target" and f.value is None:
                    continue
                facts.append(Fact(f.document_id, f.region, f.kind, f.year,
                                  f"{f.period_start_month}-{f.period_end_month}", f.indicator, f.measure,
                                  f.value if f.kind != "ranking" else None, f.rank, f.evidence))
    return facts, labels


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 or abs(a - b) <= 0.001 * abs(b)


def score(predicted: list[Fact], gold: list[Fact]) -> EvalReport:
    """Match facts to gold, restricted to the documents the gold covers."""
    gold_docs = {g.doc for g in gold}
    predicted = [f for f in predicted if f.doc in gold_docs]
    by_key: dict[tuple, list[Fact]] = defaultdict(list)
    for f in predicted:
        by_key[f.key].append(f)
    used: set[int] = set()
    missed: list[Fact] = []
    scores = {k: Score() for k in (*KINDS, "overall")}
    for g in gold:
        match = None
        for f in by_key.get(g.key, []):
            if id(f) in used:
                continue
            if g.kind == "ranking":
                ok = f.rank == g.rank
            else:
                ok = f.value is not None and g.value is not None and _close(f.value, g.value)
            if ok:
                match = f
                break
        if match is not None:
            used.add(id(match))
            scores[g.kind].tp += 1
            scores["overall"].tp += 1
        else:
            missed.append(g)
    for g in gold:
        scores[g.kind].gold += 1
        scores["overall"].gold += 1
    for f in predicted:
        if f.kind in scores:
            scores[f.kind].predicted += 1
        scores["overall"].predicted += 1
    spurious = [f for f in predicted if id(f) not in used]
    return EvalReport(scores, missed, spurious, sorted(gold_docs))


def evaluate(db_path: Path, gold_paths: list[Path], labels_path: Path | None = None) -> EvalReport:
    """Score the marts of the warehouse at `db_path` against the gold files or folders; slices by
    the warehouse's document kinds and scripts, or by a sources.csv's labels."""
    gold = read_gold(gold_paths)
    if not gold:
        raise ValueError(f"no gold rows found in {', '.join(map(str, gold_paths))}")
    predicted, unknown = read_marts(Path(db_path))
    report = score(predicted, gold)
    report.unknown_indicators = unknown
    labels = read_labels(labels_path) if labels_path else read_document_labels(Path(db_path))
    report.slices = score_slices(predicted, gold, labels)
    return report


def evaluate_parse(sources: list[str], gold_paths: list[Path], labels_path: Path | None = None) -> EvalReport:
    """Score the facts of parsing the sources directly (no warehouse) against the gold."""
    gold = read_gold(gold_paths)
    if not gold:
        raise ValueError(f"no gold rows found in {', '.join(map(str, gold_paths))}")
    predicted, labels = facts_from_parse(sources)
    report = score(predicted, gold)
    if labels_path:
        labels = read_labels(labels_path)
    report.slices = score_slices(predicted, gold, labels)
    return report
