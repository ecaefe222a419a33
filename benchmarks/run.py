"""GWR Warehouse benchmark: every figure of BENCHMARKS.md, measured in one run on one machine.

    python -m benchmarks.run                 # all parts, 10,000 synthetic reports
    python -m benchmarks.run --synthetic 1000 --skip-synthetic-refresh   # quicker

Parts:
  (a) parse throughput over the bundled corpus against jieba.lcut over the same text (ratio);
  (b) a cold refresh and a refresh with nothing changed, wall time by stage;
  (c) a cold refresh of a synthetic corpus (benchmarks/synth.py): wall time and peak RSS;
  (d) latency of typical `gwr sql` queries on the marts it built;
  (e) a 400 KB single-line number soup against a 400 KB real report: parse throughput of each
      (chars/s) and their ratio (goal: the soup quarantined, or parsed at >= 1/3 of the report's).
Results: benchmarks/results/latest.json and a table on stdout.

    python -m benchmarks.run --parts e       # only part (e), a few seconds
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"

QUERIES = {
    "attainment of one region": "select * from marts.fct_target_attainment where region = '咸宁市' order by indicator",
    "gdp growth targets by year": "select year, count(*), avg(value) from marts.fct_targets "
                                  "where indicator = 'gdp' and measure = 'growth_pct' group by 1 order by 1",
    "rankings resolved to provinces": "select rank_scope_region, count(*) from marts.fct_rankings group by 1 order by 2 desc",
    "facts per document (top 20)": "select document_id, n_facts from marts.dim_document order by n_facts desc limit 20",
    "evidence check of all actuals": "select count(*) from marts.fct_actuals f join raw.documents d using (document_id) "
                                     "where substr(d.text, f.char_start + 1, f.char_end - f.char_start) <> f.evidence",
}


def part_a_parse_vs_jieba(repeats: int = 3) -> dict:
    """Extraction cost against segmenting all the text with jieba (goal: ratio <= 1.0)."""
    import logging

    import jieba

    from ingestion.extract import warm
    from ingestion.pipeline import parse_text
    from ingestion.readers import read_text

    jieba.setLogLevel(logging.WARNING)
    texts = [(p.stem, read_text(p)) for p in sorted((ROOT / "sample_corpus").glob("*.txt"))]
    jieba.initialize()
    warm()
    parse_text(texts[0][1], texts[0][0])  # warm caches: both sides measured warm
    jieba_s, parse_s = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        for _, text in texts:
            jieba.lcut(text)
        jieba_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        for stem, text in texts:
            parse_text(text, stem)
        parse_s.append(time.perf_counter() - t)
    chars = sum(len(t) for _, t in texts)
    j, p = statistics.median(jieba_s), statistics.median(parse_s)
    return {"chars": chars, "jieba_lcut_s": round(j, 3), "parse_s": round(p, 3), "ratio": round(p / j, 3),
            "parse_chars_per_s": round(chars / p)}


SOUP_UNIT = "1.2%;3.4亿元;第5位;"
SOUP_BYTES = 400_000
REAL_REPORT = "003_6b340ccef4bd5f14.txt"
"""The longest bundled report (~700 KB of UTF-8), cut at a line end to 400 KB."""


def soup_and_report(size: int = SOUP_BYTES) -> tuple[str, str]:
    """(a single line of number soup, a real report), each `size` bytes of UTF-8 or just under."""
    from ingestion.readers import read_text

    soup = SOUP_UNIT * (size // len(SOUP_UNIT.encode("utf-8")))
    data = read_text(ROOT / "sample_corpus" / REAL_REPORT).encode("utf-8")[:size]
    return soup, data[: data.rfind(b"\n")].decode("utf-8")


def part_e_soup_vs_report(repeats: int = 3) -> dict:
    """What a page of figures only costs beside a real report of the same size. The soup goes
    through the pipeline as a nightly meets it (its prose check quarantines it before extraction)
    and once more with that check off, extraction forced, to show extraction is linear on it too."""
    from ingestion.extract import warm
    from ingestion.parse import triage
    from ingestion.pipeline import parse_text

    warm()
    soup, real = soup_and_report()

    def median_s(text: str, stem: str) -> tuple[float, list]:
        times, docs = [], []
        for _ in range(repeats):
            t = time.perf_counter()
            docs = parse_text(text, stem)
            times.append(time.perf_counter() - t)
        return statistics.median(times), docs

    parse_text(real[:20_000], "warm")
    real_s, real_docs = median_s(real, "report")
    soup_s, soup_docs = median_s(soup, "soup")
    kept = triage.MIN_PROSE_SHARE
    triage.MIN_PROSE_SHARE = 0.0  # extraction forced through the whole soup
    try:
        forced_s, forced_docs = median_s(soup, "soup")
    finally:
        triage.MIN_PROSE_SHARE = kept
    real_cps, soup_cps, forced_cps = len(real) / real_s, len(soup) / soup_s, len(soup) / forced_s
    return {
        "report_bytes": len(real.encode("utf-8")), "report_chars": len(real), "report_s": round(real_s, 3),
        "report_chars_per_s": round(real_cps), "report_facts": sum(len(d.facts) for d in real_docs),
        "soup_bytes": len(soup.encode("utf-8")), "soup_chars": len(soup), "soup_s": round(soup_s, 3),
        "soup_chars_per_s": round(soup_cps),
        "soup_quarantined": "; ".join(d.document.quarantine_reason or "" for d in soup_docs) or None,
        "soup_over_report": round(soup_cps / real_cps, 3),
        "soup_forced_s": round(forced_s, 3), "soup_forced_chars_per_s": round(forced_cps),
        "soup_forced_facts": sum(len(d.facts) for d in forced_docs),
        "soup_forced_over_report": round(forced_cps / real_cps, 3),
    }


def _tree_rss(root: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc), in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            pages = int((d / "statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
        rss[int(d.name)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def _refresh(sources: list[str], db: Path, env: dict | None = None) -> tuple[dict, float, int]:
    """One `gwr refresh` in a subprocess: (summary, wall seconds, peak RSS of the process tree,
    sampled every 0.2 s: the pool's workers count too)."""
    cmd = [sys.executable, "-m", "gwr.cli", "refresh", "--json", "--db", str(db)]
    for s in sources:
        cmd += ["--source", s]
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, cwd=ROOT, env={**os.environ, **(env or {})})
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.2)
        out.seek(0)
        err.seek(0)
        proc.stdout_text, proc.stderr_text = out.read(), err.read()
    wall = time.perf_counter() - t
    rss = peak
    proc.stdout, proc.stderr = proc.stdout_text, proc.stderr_text
    if proc.returncode != 0:
        raise RuntimeError(f"refresh failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    out = proc.stdout[proc.stdout.index("{"):]
    return json.loads(out), wall, rss


def part_b_refresh(tmp: Path) -> dict:
    db = tmp / "b" / "gwr.duckdb"
    cold, cold_wall, _ = _refresh([str(ROOT / "sample_corpus")], db)
    warm, warm_wall, _ = _refresh([str(ROOT / "sample_corpus")], db)
    return {
        "cold_wall_s": round(cold_wall, 1), "cold_flow_s": round(cold.get("seconds") or 0, 1),
        "cold_stages_s": cold.get("stage_seconds"),
        "nochange_wall_s": round(warm_wall, 1), "nochange_flow_s": round(warm.get("seconds") or 0, 1),
        "nochange_stages_s": warm.get("stage_seconds"),
        "nochange_documents_parsed": warm.get("documents"),
        "nochange_over_cold": round((warm.get("seconds") or warm_wall) / (cold.get("seconds") or cold_wall), 3),
    }


def part_c_synthetic(tmp: Path, n: int) -> dict:
    from benchmarks.synth import generate

    src = tmp / "synth"
    t = time.perf_counter()
    generate(src, n)
    gen_s = time.perf_counter() - t
    db = tmp / "c" / "gwr.duckdb"
    summary, wall, rss = _refresh([str(src)], db)
    return {"reports": n, "generate_s": round(gen_s, 1), "cold_wall_s": round(wall, 1),
            "flow_s": round(summary.get("seconds") or 0, 1),
            "stages_s": summary.get("stage_seconds"), "peak_rss_mb": round(rss / 2**20),
            "documents": summary.get("documents"), "facts": summary.get("facts"),
            "mart_rows": summary.get("mart_rows"), "db_mb": round(db.stat().st_size / 2**20)}


def part_d_sql(db: Path, repeats: int = 5) -> dict:
    """Wall time of `gwr sql` queries: the in-process query time and the whole command."""
    import duckdb

    out = {}
    for name, q in QUERIES.items():
        times = []
        for _ in range(repeats):
            con = duckdb.connect(str(db), read_only=True)
            t = time.perf_counter()
            con.execute(q).fetchall()
            times.append(time.perf_counter() - t)
            con.close()
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "gwr.cli", "sql", "--db", str(db), "--format", "csv", q],
                              capture_output=True, text=True, cwd=ROOT)
        cmd_s = time.perf_counter() - t if proc.returncode == 0 else None
        out[name] = {"query_ms_median": round(statistics.median(times) * 1000, 1),
                     "command_s": round(cmd_s, 2) if cmd_s is not None else None}
    return out


def table(results: dict) -> str:
    lines = ["| part | measure | value |", "|---|---|---|"]
    a = results.get("a")
    if a:
        lines.append(f"| (a) | parse / jieba.lcut over the corpus ({a['chars']} chars) | {a['parse_s']} s / {a['jieba_lcut_s']} s = **{a['ratio']}** |")
    b = results.get("b")
    if b:
        lines.append(f"| (b) | cold refresh, bundled corpus | {b['cold_wall_s']} s (flow {b['cold_flow_s']} s) |")
        lines.append(f"| (b) | refresh with nothing changed | {b['nochange_wall_s']} s (flow {b['nochange_flow_s']} s), "
                     f"parsed {b['nochange_documents_parsed']}, ratio **{b['nochange_over_cold']}** |")
        for label, key in (("cold", "cold_stages_s"), ("no change", "nochange_stages_s")):
            if b.get(key):
                stages = ", ".join(f"{k} {v:.1f}" for k, v in b[key].items())
                lines.append(f"| (b) | stages, {label} (s) | {stages} |")
    c = results.get("c")
    if c:
        lines.append(f"| (c) | cold refresh, {c['reports']} synthetic reports | **{c['cold_wall_s']} s**, peak RSS **{c['peak_rss_mb']} MB** |")
        if c.get("stages_s"):
            lines.append("| (c) | stages (s) | " + ", ".join(f"{k} {v:.1f}" for k, v in c["stages_s"].items()) + " |")
    d = results.get("d")
    if d:
        for name, v in d.items():
            lines.append(f"| (d) | `gwr sql`: {name} | query {v['query_ms_median']} ms; whole command {v['command_s']} s |")
    e = results.get("e")
    if e:
        lines.append(f"| (e) | real report, {e['report_bytes']} bytes ({e['report_chars']} chars) | "
                     f"{e['report_s']} s, {e['report_chars_per_s']} chars/s |")
        lines.append(f"| (e) | number soup, one line of {e['soup_bytes']} bytes, as a run meets it | "
                     f"{e['soup_s']} s, {e['soup_chars_per_s']} chars/s, ratio to the report "
                     f"**{e['soup_over_report']}** ({'quarantined' if e['soup_quarantined'] else 'published'}) |")
        lines.append(f"| (e) | number soup, extraction forced (prose check off) | {e['soup_forced_s']} s, "
                     f"{e['soup_forced_chars_per_s']} chars/s, ratio **{e['soup_forced_over_report']}** |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--synthetic", type=int, default=10000, help="reports in the synthetic corpus (c)")
    ap.add_argument("--skip-synthetic-refresh", action="store_true", help="skip part (c)")
    ap.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    ap.add_argument("--parts", default="abcde",
                    help="which parts to run, e.g. 'e' (default: all; (d) needs (b) or (c))")
    args = ap.parse_args()
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "platform": platform.platform()}, "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    tmp = Path(tempfile.mkdtemp(prefix="gwr-bench-"))
    parts = set(args.parts)
    try:
        if "a" in parts:
            results["a"] = part_a_parse_vs_jieba()
            print(table(results), flush=True)
        if "e" in parts:
            results["e"] = part_e_soup_vs_report()
            print(table({"e": results["e"]}), flush=True)
        sql_db = None
        if "b" in parts:
            results["b"] = part_b_refresh(tmp)
            print(table({"b": results["b"]}), flush=True)
            sql_db = tmp / "b" / "gwr.duckdb"
        if "c" in parts and not args.skip_synthetic_refresh:
            results["c"] = part_c_synthetic(tmp, args.synthetic)
            print(table({"c": results["c"]}), flush=True)
            sql_db = tmp / "c" / "gwr.duckdb"
        if "d" in parts and sql_db is not None:
            results["d"] = part_d_sql(sql_db)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print()
    print(table(results))
    print(f"\nresults: {args.out}")


if __name__ == "__main__":
    main()
