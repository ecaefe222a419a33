"""How the benchmark measures one command: wall time and the resident memory of its whole process
tree (the flow, the parse pool's workers, a temporary Prefect server, dbt, Dask workers), sampled
from /proc every 0.2 s, and the peak per stage of the refresh (its summary says when each stage
started and how long it took)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.2


def tree_rss(root: int) -> int:
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


@dataclass
class Measured:
    """One command: its JSON output, wall seconds, and (epoch s, bytes) RSS samples."""

    summary: dict
    wall_s: float
    samples: list[tuple[float, int]] = field(default_factory=list)

    @property
    def peak_rss_mb(self) -> int:
        return round(max((b for _, b in self.samples), default=0) / 2**20)

    def stage_rss_mb(self) -> dict[str, int]:
        """Peak RSS of the process tree while each stage ran (stages from the refresh summary)."""
        out: dict[str, int] = {}
        started, seconds = self.summary.get("stage_started") or {}, self.summary.get("stage_seconds") or {}
        for stage, t0 in started.items():
            t1 = t0 + float(seconds.get(stage, 0.0))
            inside = [b for t, b in self.samples if t0 - SAMPLE_SECONDS <= t <= t1 + SAMPLE_SECONDS]
            out[stage] = round(max(inside, default=0) / 2**20)
        return out


def _env(extra: dict | None) -> dict[str, str]:
    """This process's environment with `extra` on top (a None value removes the variable)."""
    env = dict(os.environ)
    for k, v in (extra or {}).items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def run_measured(args: list[str], env: dict | None = None) -> Measured:
    """`python -m gwr.cli ARGS` in a subprocess; its stdout must end with a JSON document."""
    cmd = [sys.executable, "-m", "gwr.cli", *args]
    t = time.perf_counter()
    samples: list[tuple[float, int]] = []
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, cwd=ROOT,
                                env=_env(env))
        while proc.poll() is None:
            samples.append((time.time(), tree_rss(proc.pid)))
            time.sleep(SAMPLE_SECONDS)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed ({proc.returncode}):\n{stdout[-3000:]}\n{stderr[-3000:]}")
    return Measured(json.loads(stdout[stdout.index("{"):]), wall, samples)


def refresh(sources: list[str], db: Path, *extra: str, env: dict | None = None) -> Measured:
    """One `gwr refresh --json` of `sources` into `db`."""
    args = ["refresh", "--json", "--db", str(db), *extra]
    for s in sources:
        args += ["--source", s]
    return run_measured(args, env)


def gwr(args: list[str], env: dict | None = None) -> None:
    """A `gwr` command whose output is not measured (e.g. `gwr server start`)."""
    proc = subprocess.run([sys.executable, "-m", "gwr.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env=_env(env))
    if proc.returncode != 0:
        raise RuntimeError(f"gwr {' '.join(args)} failed: {proc.stdout[-2000:]}{proc.stderr[-2000:]}")
