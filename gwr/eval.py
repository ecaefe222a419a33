"""Score the warehouse's marts against hand-labelled gold (tests/gold/LABELING.md).

A fact matches a gold row when document, region, kind, year, period, indicator and measure are
the same and the values are equal in standard units (within 0.01, or 0.1%); a ranking matches on
its rank. Each gold row matches at most one fact.
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


@dataclass
class EvalReport:
    scores: dict[str, Score]
    missed: list[Fact] = field(default_factory=list)
    spurious: list[Fact] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    unknown_indicators: list[tuple[str, int]] = field(default_factory=list)

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
        }

    def render_text(self) -> str:
        lines = [f"Evaluated {len(self.documents)} documents against gold.", "",
                 f"{'kind':<10}{'precision':>10}{'recall':>10}{'F1':>8}{'tp':>6}{'pred':>6}{'gold':>6}"]
        for k in (*KINDS, "overall"):
            s = self.scores[k]
            lines.append(f"{k:<10}{s.precision:>10.3f}{s.recall:>10.3f}{s.f1:>8.3f}{s.tp:>6}{s.predicted:>6}{s.gold:>6}")
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


def evaluate(db_path: Path, gold_paths: list[Path]) -> EvalReport:
    """Score the marts of the warehouse at `db_path` against the gold files or folders."""
    gold = read_gold(gold_paths)
    if not gold:
        raise ValueError(f"no gold rows found in {', '.join(map(str, gold_paths))}")
    predicted, unknown = read_marts(Path(db_path))
    report = score(predicted, gold)
    report.unknown_indicators = unknown
    return report
