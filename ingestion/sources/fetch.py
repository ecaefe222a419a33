"""HTTP(S) report sources: conditional GET into a content-addressed local cache.

    <db dir>/.cache/http/<sha256 of body>/<name>-<url hash><suffix>    the body, never rewritten

Each URL's validators (ETag, Last-Modified) and the body they belong to are kept in
ops.http_cache. The next fetch sends If-None-Match / If-Modified-Since; a 304 reuses the cached
body, so an unchanged page is not downloaded again (and, its cached file being unchanged, not
parsed again either). Bodies are stored by their hash and the row naming them is only published
with a successful run, so a failed or killed run can never leave validators that point at another
body.

Timeouts, a size limit (the same --max-bytes as for files: the download stops there) and
transient errors (timeouts, connection errors, HTTP 429 and 5xx) raising TransientFetchError, which
the flow's `fetch_http` task retries with exponential backoff. Permanent errors (4xx) and
errors still there after the last retry quarantine the URL; if an earlier body is cached, that
one is used and the quarantine reason says so.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.tables import utcnow
from ingestion.records import IngestError
from ingestion.sources.discover import Source

FETCH_FIX = "check that the URL opens in a browser; the next refresh tries it again"
USER_AGENT = "gwr-warehouse (+https://example.invalid/gwr; nightly refresh)"
CONTENT_TYPE_SUFFIX = {
    "text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
KNOWN_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml", ".shtml", ".pdf", ".docx")


class FetchError(Exception):
    """A URL that could not be fetched; `reason` is in plain words."""

    def __init__(self, url: str, reason: str, transient: bool):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.transient = transient


class TransientFetchError(RuntimeError):
    """Some URLs failed in a way worth retrying (raised so that Prefect retries the task)."""


@dataclass
class FetchResult:
    url: str
    path: Path | None
    status: str  # fetched | not_modified | failed | stale (failed, earlier body used)
    cache_row: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class HttpOptions:
    timeout: float = 30.0
    max_bytes: int = 20 * 1024 * 1024
    headers: dict[str, str] = field(default_factory=dict)


def body_name(url: str, content_type: str | None) -> str:
    """`<last path segment stem>-<8 hex of the URL's sha1><suffix>`: the document id is the stem,
    so two pages both called index.html stay two documents."""
    parsed = urllib.parse.urlsplit(url)
    last = urllib.parse.unquote(parsed.path.rstrip("/").rsplit("/", 1)[-1]) or parsed.hostname or "page"
    stem, suffix = os.path.splitext(last)
    if suffix.lower() not in KNOWN_SUFFIXES:
        stem = last
        ctype = (content_type or "").split(";")[0].strip().lower()
        suffix = CONTENT_TYPE_SUFFIX.get(ctype, ".html" if "html" in ctype else ".txt")
    stem = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", stem).strip("._") or "page"
    return f"{stem[:80]}-{hashlib.sha1(url.encode()).hexdigest()[:8]}{suffix.lower()}"


def fetch_one(client, url: str, prev: dict | None, cache_dir: Path, opts: HttpOptions) -> FetchResult:
    """One conditional GET. Raises FetchError (with `.transient`) on failure."""
    import httpx

    headers = dict(opts.headers)
    prev_body = Path(prev["body_path"]) if prev and prev.get("body_path") else None
    if prev_body is not None and prev_body.is_file():
        if prev.get("etag"):
            headers["If-None-Match"] = prev["etag"]
        if prev.get("last_modified"):
            headers["If-Modified-Since"] = prev["last_modified"]
    now = utcnow()
    try:
        with client.stream("GET", url, headers=headers, timeout=opts.timeout) as resp:
            if resp.status_code == 304 and prev_body is not None and prev_body.is_file():
                row = dict(prev)
                row.update(checked_at=now)
                for k, h in (("etag", "ETag"), ("last_modified", "Last-Modified")):
                    if resp.headers.get(h):
                        row[k] = resp.headers[h]
                return FetchResult(url, prev_body, "not_modified", row)
            if resp.status_code == 429 or resp.status_code >= 500:
                raise FetchError(url, f"the server answered HTTP {resp.status_code} "
                                      f"{resp.reason_phrase}", transient=True)
            if resp.status_code != 200:
                raise FetchError(url, f"the server answered HTTP {resp.status_code} "
                                      f"{resp.reason_phrase}", transient=False)
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > opts.max_bytes:
                raise FetchError(url, f"the page is {length} bytes, over the size limit of "
                                      f"{opts.max_bytes} bytes", transient=False)
            cache_dir.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            size = 0
            fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".part-")
            try:
                with os.fdopen(fd, "wb") as out:
                    for chunk in resp.iter_bytes(65536):
                        size += len(chunk)
                        if size > opts.max_bytes:
                            raise FetchError(url, f"the page is over the size limit of "
                                                  f"{opts.max_bytes} bytes (download stopped)",
                                             transient=False)
                        digest.update(chunk)
                        out.write(chunk)
                sha = digest.hexdigest()
                ctype = resp.headers.get("Content-Type")
                final = cache_dir / sha / body_name(url, ctype)
                final.parent.mkdir(parents=True, exist_ok=True)
                if final.exists():
                    os.unlink(tmp)  # same body as before: keep the old file (and its mtime)
                else:
                    os.replace(tmp, final)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
            row = {
                "url": url, "etag": resp.headers.get("ETag"),
                "last_modified": resp.headers.get("Last-Modified"), "body_path": str(final),
                "body_sha256": sha, "size": size, "content_type": ctype, "fetched_at": now,
                "checked_at": now,
            }
            return FetchResult(url, final, "fetched", row)
    except FetchError:
        raise
    except httpx.TimeoutException as e:
        raise FetchError(url, f"timed out after {opts.timeout:g} s ({type(e).__name__})", True) from None
    except httpx.TransportError as e:
        raise FetchError(url, f"could not connect ({type(e).__name__}: {e})", True) from None
    except httpx.HTTPError as e:
        raise FetchError(url, f"HTTP error ({type(e).__name__}: {e})", False) from None


def fetch_all(
    urls: list[str],
    previous: dict[str, dict],
    cache_dir: Path,
    opts: HttpOptions,
    done: dict[str, FetchResult],
    last_attempt: bool,
) -> list[FetchResult]:
    """Fetch every URL not yet in `done` (results of earlier attempts of the same run).

    Transient failures raise TransientFetchError unless `last_attempt`; then, like permanent
    ones, they become `failed` results (or `stale` ones using an earlier cached body)."""
    import httpx

    transient: list[FetchError] = []
    with httpx.Client(follow_redirects=True, headers={"User-Agent": USER_AGENT}) as client:
        for url in urls:
            if url in done:
                continue
            try:
                done[url] = fetch_one(client, url, previous.get(url), cache_dir, opts)
            except FetchError as e:
                if e.transient and not last_attempt:
                    transient.append(e)
                    continue
                prev = previous.get(url) or {}
                body = Path(prev["body_path"]) if prev.get("body_path") else None
                if body is not None and body.is_file():
                    done[url] = FetchResult(url, body, "stale", dict(prev),
                                            f"could not be fetched: {e.reason}; the copy fetched "
                                            f"in run {prev.get('run_id')} is used")
                else:
                    done[url] = FetchResult(url, None, "failed", None, f"could not be fetched: {e.reason}")
    if transient:
        raise TransientFetchError(
            f"{len(transient)} URL(s) failed, will retry: "
            + "; ".join(f"{e.url}: {e.reason}" for e in transient)
        )
    return [done[u] for u in urls]


@dataclass
class FetchBatch:
    """What the fetch stage hands to the parse stage: every source with a local file."""

    sources: list[Source]
    """Local files, and URLs with their cached body as path."""
    errors: list[IngestError] = field(default_factory=list)
    cache_rows: list[dict] = field(default_factory=list)
    """ops.http_cache rows to upsert."""
    keep: list[str] = field(default_factory=list)
    """URLs that could not be fetched and have no cached body: their documents are kept as they are."""
    fetched: int = 0
    not_modified: int = 0


class FetchProgress:
    """The URLs fetched by earlier attempts of one run's fetch stage, so that a retry (after a
    TransientFetchError) does not fetch them again. The flow makes one per run."""

    def __init__(self) -> None:
        self.done: dict[str, FetchResult] = {}


def fetch_sources(
    sources: list[Source], previous: dict[str, dict], cache_dir: Path, opts: HttpOptions,
    progress: FetchProgress, last_attempt: bool, run_id: str,
) -> FetchBatch:
    """Fetch the URL sources (conditional GETs against `previous`, the ops.http_cache rows) into
    `cache_dir`; local files pass through. Raises TransientFetchError unless `last_attempt`."""
    urls = [s.url for s in sources if s.is_url]
    batch = FetchBatch(sources=[s for s in sources if not s.is_url])
    if not urls:
        return batch
    results = fetch_all(urls, previous, cache_dir, opts, progress.done, last_attempt)
    by_url = {s.url: s for s in sources if s.is_url}
    for r in results:
        src = by_url[r.url]
        if r.error:
            batch.errors.append(IngestError(r.url, r.error, utcnow(), FETCH_FIX))
        if r.path is None:
            batch.keep.append(r.url)
            continue
        batch.sources.append(src.with_path(r.path))
        if r.cache_row:
            row = dict(r.cache_row)
            row["run_id"] = run_id if r.status == "fetched" else row.get("run_id")
            batch.cache_rows.append(row)
        batch.fetched += r.status == "fetched"
        batch.not_modified += r.status == "not_modified"
    batch.sources.sort(key=lambda s: s.key)
    return batch
