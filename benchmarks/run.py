"""GWR Warehouse benchmark: every figure of BENCHMARKS.md, measured in one run on one machine.

    python -m benchmarks.run                       # every part: about 25 minutes on 2 cores
    python -m benchmarks.run --sizes 300,1000 --dask-size 300    # a quicker look
    python -m benchmarks.report                    # BENCHMARKS.md from the results

Parts (--parts picks some, e.g. --parts ab):
  (a) parse throughput over the bundled corpus against jieba.lcut over the same text (ratio);
  (b) the bundled corpus, cold and with nothing changed, first with a temporary Prefect server per
      command, then with a local one (`gwr server start`): wall time by stage;
  (c) cold refreshes of synthetic corpora (benchmarks/synth.py) of each --sizes: wall time and
      resident memory of the whole process tree, per stage (benchmarks/measure.py);
  (d) latency of typical `gwr sql` queries on the largest warehouse of (c);
  (e) a 400 KB single-line number soup against a 400 KB real report: parse throughput of each
      (chars/s) and their ratio (goal: the soup quarantined, or parsed at >= 1/3 of the report's);
  (f) the process pool against Dask (a LocalCluster on this machine) on one synthetic corpus.
Results: benchmarks/results/latest.json and a table on stdout; benchmarks/report.py writes
BENCHMARKS.md from them (the cost per document, the projection to 100,000).

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

from benchmarks import measure

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


def part_a_parse_vs_jieba(repeats: int = 7) -> dict:
    """Extraction cost against segmenting all the text with jieba (goal, #10: ratio <= 0.5).

    Both sides run in turns, `repeats` times each, and each keeps its fastest time: on a shared
    machine the noise only ever adds time, so the minimum is the cost of the work itself (as
    timeit does); the medians are kept beside it."""
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
    j, p = min(jieba_s), min(parse_s)
    return {"chars": chars, "jieba_lcut_s": round(j, 3), "parse_s": round(p, 3), "ratio": round(p / j, 3),
            "ratio_of_medians": round(statistics.median(parse_s) / statistics.median(jieba_s), 3),
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


def part_b_small(tmp: Path) -> dict:
    """The bundled corpus cold and unchanged: with a temporary Prefect server per command, then
    with a local server kept running (`gwr server start`, its own PREFECT_HOME)."""
    corpus = [str(ROOT / "sample_corpus")]
    out: dict = {}
    home = tmp / "prefect-home"
    env = {"PREFECT_HOME": str(home), "PREFECT_API_URL": None}
    for mode in ("temporary_server", "local_server"):
        db = tmp / "b" / mode / "gwr.duckdb"
        if mode == "local_server":
            measure.gwr(["server", "start", "--port", str(_free_port())], env)
        try:
            cold = measure.refresh(corpus, db, env=env)
            warm = measure.refresh(corpus, db, env=env)
        finally:
            if mode == "local_server":
                measure.gwr(["server", "stop"], env)
        out[mode] = {
            "cold_wall_s": round(cold.wall_s, 1), "cold_flow_s": round(cold.summary.get("seconds") or 0, 1),
            "cold_stages_s": cold.summary.get("stage_seconds"), "cold_peak_rss_mb": cold.peak_rss_mb,
            "nochange_wall_s": round(warm.wall_s, 1), "nochange_flow_s": round(warm.summary.get("seconds") or 0, 1),
            "nochange_stages_s": warm.summary.get("stage_seconds"),
            "nochange_documents_parsed": warm.summary.get("files_parsed"),
        }
    return out


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def synthetic_corpus(tmp: Path, n: int) -> tuple[Path, float]:
    from benchmarks.synth import generate

    src = tmp / f"synth-{n}"
    t = time.perf_counter()
    if not src.exists():
        generate(src, n)
    return src, time.perf_counter() - t


def scale_run(tmp: Path, n: int, *extra: str, label: str = "") -> dict:
    """One cold refresh of n synthetic reports: time and RSS, in total and per stage."""
    src, gen_s = synthetic_corpus(tmp, n)
    db = tmp / f"c-{n}{label}" / "gwr.duckdb"
    m = measure.refresh([str(src)], db, *extra)
    result = {"reports": n, "generate_s": round(gen_s, 1), "cold_wall_s": round(m.wall_s, 1),
              "flow_s": round(m.summary.get("seconds") or 0, 1), "stages_s": m.summary.get("stage_seconds"),
              "stage_rss_mb": m.stage_rss_mb(), "peak_rss_mb": m.peak_rss_mb,
              "documents": m.summary.get("documents"), "facts": m.summary.get("facts"),
              "mart_rows": m.summary.get("mart_rows"), "db_mb": round(db.stat().st_size / 2**20),
              "db_path": str(db)}
    return result


def part_c_scale(tmp: Path, sizes: list[int]) -> list[dict]:
    runs = []
    for n in sizes:
        runs.append(scale_run(tmp, n))
        print(table({"c": runs[-1:]}), flush=True)
    return runs


def part_f_dask(tmp: Path, n: int) -> dict:
    """The same cold refresh with the process pool and with Dask (a temporary LocalCluster)."""
    out = {}
    for runner in ("process", "dask"):
        r = scale_run(tmp, n, "--task-runner", runner, label=f"-{runner}")
        out[runner] = {k: r[k] for k in ("reports", "cold_wall_s", "stages_s", "peak_rss_mb", "facts")}
    return out


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
    for mode, b in (results.get("b") or {}).items():
        lines.append(f"| (b) | {mode}: cold / no change | {b['cold_wall_s']} s (flow {b['cold_flow_s']} s) / "
                     f"{b['nochange_wall_s']} s (flow {b['nochange_flow_s']} s) |")
    for c in results.get("c") or []:
        lines.append(f"| (c) | cold refresh, {c['reports']} synthetic reports | **{c['cold_wall_s']} s**, peak RSS **{c['peak_rss_mb']} MB** |")
        stages = c.get("stages_s") or {}
        lines.append("| (c) | stages: s (MB) | " + ", ".join(
            f"{k} {v:.1f} ({(c.get('stage_rss_mb') or {}).get(k, '?')})" for k, v in stages.items()) + " |")
    for name, v in (results.get("d") or {}).items():
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
    for runner, f in (results.get("f") or {}).items():
        lines.append(f"| (f) | {runner}, {f['reports']} reports | {f['cold_wall_s']} s, read & extract "
                     f"{(f.get('stages_s') or {}).get('read_extract', 0):.1f} s, peak RSS {f['peak_rss_mb']} MB |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,5000,10000", help="synthetic corpus sizes of (c), comma-separated")
    ap.add_argument("--dask-size", type=int, default=1000, help="synthetic reports of (f)")
    ap.add_argument("--parts", default="abcdef", help="which parts to run (letters); (d) needs (c)")
    ap.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "platform": platform.platform(),
                                 "load_avg_at_start": [round(x, 2) for x in os.getloadavg()]},
                     "when": time.strftime("%Y-%m-%d %H:%M:%S"), "sizes": sizes}
    tmp = Path(tempfile.mkdtemp(prefix="gwr-bench-"))
    try:
        if "a" in args.parts:
            results["a"] = part_a_parse_vs_jieba()
            print(table(results), flush=True)
        if "e" in args.parts:
            results["e"] = part_e_soup_vs_report()
            print(table({"e": results["e"]}), flush=True)
        if "b" in args.parts:
            results["b"] = part_b_small(tmp)
            print(table({"b": results["b"]}), flush=True)
        if "c" in args.parts:
            results["c"] = part_c_scale(tmp, sizes)
        if "d" in args.parts and results.get("c"):
            results["d"] = part_d_sql(Path(results["c"][-1]["db_path"]))
        if "f" in args.parts:
            results["f"] = part_f_dask(tmp, args.dask_size)
            print(table({"f": results["f"]}), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results["machine"]["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print()
    print(table(results))
    print(f"\nresults: {args.out}; BENCHMARKS.md: python -m benchmarks.report")


if __name__ == "__main__":
    main()
