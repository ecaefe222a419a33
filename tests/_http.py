"""A tiny local web server for the HTTP source tests (the internet is the one thing mocked)."""

from __future__ import annotations

import hashlib
import http.server
import threading


class _Site:
    """A tiny local web server with ETags, a flaky page and a request budget; it stops itself."""

    def __init__(self, pages: dict[str, bytes], flaky: dict[str, int] | None = None, budget: int = 60):
        self.pages = dict(pages)
        self.flaky = dict(flaky or {})
        self.log: list[tuple[str, int]] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                if len(site.log) >= budget:
                    self.send_error(503)
                    return
                path = self.path.split("?")[0]
                if site.flaky.get(path, 0) > 0:
                    site.flaky[path] -= 1
                    site.log.append((path, 503))
                    self.send_error(503, "try later")
                    return
                body = site.pages.get(path)
                if body is None:
                    site.log.append((path, 404))
                    self.send_error(404)
                    return
                etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
                if self.headers.get("If-None-Match") == etag:
                    site.log.append((path, 304))
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                site.log.append((path, 200))
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.timer = threading.Timer(300, self.server.shutdown)  # stops itself in any case

    def __enter__(self) -> "_Site":
        self.thread.start()
        self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.cancel()
        self.server.shutdown()
        self.server.server_close()
