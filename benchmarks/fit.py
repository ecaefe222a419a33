"""Cost per document from the scale runs: a least-squares line (fixed + per-document cost) per
stage, for time and for peak RSS, and the projection to a larger corpus. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    fixed: float
    per_doc: float

    def at(self, n: float) -> float:
        return self.fixed + self.per_doc * n


def fit_line(points: list[tuple[float, float]]) -> Line:
    """Least squares y = fixed + per_doc * n through (n, y) points (one point: through zero)."""
    if not points:
        return Line(0.0, 0.0)
    if len(points) == 1 or len({n for n, _ in points}) == 1:
        n, y = points[0]
        return Line(0.0, y / n if n else 0.0)
    k = len(points)
    mx = sum(n for n, _ in points) / k
    my = sum(y for _, y in points) / k
    sxx = sum((n - mx) ** 2 for n, _ in points)
    slope = sum((n - mx) * (y - my) for n, y in points) / sxx
    return Line(my - slope * mx, slope)


def fit_runs(runs: list[dict]) -> dict[str, dict[str, Line]]:
    """Lines per stage for `seconds` and `rss_mb`, and for the totals (`wall`, `peak_rss`), from
    the scale runs (each: reports, cold_wall_s, stages_s, stage_rss_mb, peak_rss_mb)."""
    stages = sorted({s for r in runs for s in (r.get("stages_s") or {})},
                    key=lambda s: next(i for r in runs for i, k in enumerate(r.get("stages_s") or {}) if k == s))
    seconds = {s: fit_line([(r["reports"], (r.get("stages_s") or {}).get(s, 0.0)) for r in runs]) for s in stages}
    rss = {s: fit_line([(r["reports"], (r.get("stage_rss_mb") or {}).get(s, 0)) for r in runs]) for s in stages}
    seconds["total"] = fit_line([(r["reports"], r["cold_wall_s"]) for r in runs])
    rss["total"] = fit_line([(r["reports"], r["peak_rss_mb"]) for r in runs])
    if all("db_mb" in r for r in runs):
        rss["db_file"] = fit_line([(r["reports"], r["db_mb"]) for r in runs])
    return {"seconds": seconds, "rss_mb": rss}
