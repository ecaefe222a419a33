"""ingestion.sources.fetch against a local web server: conditional GET, size limit, transient errors."""

from __future__ import annotations

import pytest
from _documents import GDP_SENTENCE, _html_page
from _http import _Site

from ingestion.readers import read_text


def test_http_conditional_get_size_limit_and_transient_errors(tmp_path):
    from ingestion.sources.fetch import HttpOptions, TransientFetchError, fetch_all

    page = _html_page([GDP_SENTENCE]).encode("utf-8")
    with _Site({"/r.html": page, "/big.html": b"x" * 5000}, flaky={"/flaky.html": 1}) as site:
        site.pages["/flaky.html"] = page
        opts = HttpOptions(timeout=5, max_bytes=4000)
        urls = [f"{site.base}/r.html", f"{site.base}/big.html", f"{site.base}/flaky.html",
                f"{site.base}/missing.html"]
        done: dict = {}
        with pytest.raises(TransientFetchError, match="flaky"):
            fetch_all(urls, {}, tmp_path, opts, done, last_attempt=False)
        res = {r.url.rsplit("/", 1)[1]: r for r in fetch_all(urls, {}, tmp_path, opts, done, last_attempt=False)}
        assert res["r.html"].status == "fetched" and res["flaky.html"].status == "fetched"
        assert "size limit" in res["big.html"].error and res["big.html"].path is None
        assert "404" in res["missing.html"].error
        assert read_text(res["r.html"].path).strip() == GDP_SENTENCE
        # second night: validators sent, 304, same cached file (so not parsed again)
        prev = {r.url: dict(r.cache_row, run_id="r1") for r in res.values() if r.cache_row}
        n = len(site.log)
        again = fetch_all(urls[:1], prev, tmp_path, opts, {}, last_attempt=True)[0]
        assert site.log[n:] == [("/r.html", 304)]
        assert again.status == "not_modified" and again.path == res["r.html"].path
        # the page changes: a new body file, the old one untouched
        site.pages["/r.html"] = page.replace(b"4.4%", b"5.5%")
        changed = fetch_all(urls[:1], prev, tmp_path, opts, {}, last_attempt=True)[0]
        assert changed.status == "fetched" and changed.path != res["r.html"].path
        assert res["r.html"].path.read_bytes() == page
    # server gone: the last cached body is used, and the reason says so
    stale = fetch_all(urls[:1], prev, tmp_path, HttpOptions(timeout=2), {}, last_attempt=True)[0]
    assert stale.status == "stale" and stale.path == res["r.html"].path
    assert "could not connect" in stale.error and "r1" in stale.error
