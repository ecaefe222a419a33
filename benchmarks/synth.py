"""Make a synthetic corpus of N reports from the real ones, for scale benchmarks.

Each synthetic report is a real report of the bundled corpus with its region replaced by another
region of the gazetteer (full and short names), its years shifted, every figure with a unit
perturbed by a few per cent, and the paragraphs of its body shuffled in blocks (titles and the
first lines stay first, so the report still parses as a report). Deterministic for a seed.

    python -m benchmarks.synth --out /tmp/synth --n 10000
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from pathlib import Path

from ingestion.pipeline import parse_text
from ingestion.readers import read_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "sample_corpus"
REGIONS = ROOT / "dbt_project" / "seeds" / "regions.csv"
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)(?=\s*(?:%|亿元|万元|万人|万吨|亿斤|人|元))")
_YEAR = re.compile(r"(20[12]\d)(?=年)")


def templates() -> list[tuple[str, str, str]]:
    """(text, region, short name) of every real report."""
    out = []
    for path in sorted(CORPUS.glob("*.txt")):
        for pd in parse_text(read_text(path), path.stem, str(path)):
            region = pd.document.region or ""
            short = re.sub(r"(市|区|县)$", "", region)
            out.append((pd.document.text, region, short))
    return out


def regions() -> list[tuple[str, str]]:
    with REGIONS.open(encoding="utf-8") as fh:
        return [(r["region"], r["short_name"]) for r in csv.DictReader(fh)
                if r["level"] in ("prefecture", "county") and len(r["short_name"]) >= 2]


def synthesize(text: str, region: str, short: str, new: tuple[str, str], rng: random.Random) -> str:
    if region:
        text = text.replace(region, new[0])
    if len(short) >= 2:
        text = text.replace(short, new[1])
    shift = rng.choice((-2, -1, 0, 1, 2))
    text = _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)

    def jitter(m: re.Match) -> str:
        v = float(m.group(1)) * rng.uniform(0.95, 1.05)
        decimals = len(m.group(1).split(".")[1]) if "." in m.group(1) else 0
        return f"{v:.{decimals}f}"

    text = _FIGURE.sub(jitter, text)
    lines = text.split("\n")
    head, body = lines[:6], lines[6:]
    blocks = [body[i : i + 8] for i in range(0, len(body), 8)]
    if len(blocks) > 2:  # keep the order of the first and last blocks (review … plan)
        middle = blocks[1:-1]
        rng.shuffle(middle)
        blocks = [blocks[0], *middle, blocks[-1]]
    return "\n".join(head + [line for b in blocks for line in b])


def generate(out: Path, n: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    tpl = templates()
    regs = regions()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        text, region, short = tpl[i % len(tpl)]
        p = out / f"synth_{i:05d}.txt"
        p.write_text(synthesize(text, region, short, rng.choice(regs), rng), encoding="utf-8")
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="folder to write the reports into")
    ap.add_argument("--n", type=int, default=10000, help="how many reports (default 10000)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    paths = generate(args.out, args.n, args.seed)
    print(f"wrote {len(paths)} reports to {args.out}")


if __name__ == "__main__":
    main()
