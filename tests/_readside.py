"""What the read-side tests share: the `gwr` command in-process, and the proof that a warehouse
was only read (its sha256 and a snapshot of its marts and ops, taken when the test module starts)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from _warehouse import snapshot
from click.testing import CliRunner

from gwr.cli import cli


def gwr(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def _sha256(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fingerprint(db: Path) -> dict:
    """The warehouse `db` with what `unchanged` compares later."""
    return {"db": db, "sha": _sha256(db), "marts": snapshot(db, ("marts", "ops"))}


def unchanged(wh: dict) -> None:
    assert _sha256(wh["db"]) == wh["sha"], "the warehouse file changed"
    assert snapshot(wh["db"], ("marts", "ops")) == wh["marts"], "marts/ops content changed"
