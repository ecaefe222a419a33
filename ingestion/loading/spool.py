"""A spool of parsed documents on disk, so memory stays flat however large the corpus is.

The parse stage appends documents; every `chunk` documents go to a pickle file in the spool
folder. The load stage iterates them back in order, one chunk in memory at a time.
"""

from __future__ import annotations

import pickle
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from ingestion.records import ParsedDocument


class DocumentSpool:
    def __init__(self, folder: Path | None, chunk: int = 200):
        self.folder = Path(folder) if folder else None
        self.chunk = chunk
        self._buffer: list[ParsedDocument] = []
        self._files: list[Path] = []
        self.documents = 0
        self.fact_count = 0
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)

    def append(self, doc: ParsedDocument) -> None:
        self._buffer.append(doc)
        self.documents += 1
        self.fact_count += len(doc.facts)
        if self.folder and len(self._buffer) >= self.chunk:
            self._spill()

    def extend(self, docs: Iterable[ParsedDocument]) -> None:
        for d in docs:
            self.append(d)

    def _spill(self) -> None:
        path = self.folder / f"chunk-{len(self._files):06d}.pickle"
        with path.open("wb") as fh:
            pickle.dump(self._buffer, fh, protocol=pickle.HIGHEST_PROTOCOL)
        self._files.append(path)
        self._buffer = []

    def __len__(self) -> int:
        return self.documents

    def __bool__(self) -> bool:
        return self.documents > 0

    def __iter__(self) -> Iterator[ParsedDocument]:
        for path in self._files:
            with path.open("rb") as fh:
                yield from pickle.load(fh)
        yield from self._buffer

    def close(self) -> None:
        """Remove the spool's files (the documents are in the raw layer by then)."""
        if self.folder and self.folder.exists():
            shutil.rmtree(self.folder, ignore_errors=True)
        self._files = []
