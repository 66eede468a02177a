"""A hostile loopback server: every trick ends in a specific error, quickly, with nothing hung."""

from __future__ import annotations

import gzip
import http.server
import threading
import time

import pytest

from summarize.errors import FetchError, UnsupportedInputError
from summarize.reading.fetch import FetchSettings, fetch

BOMB = gzip.compress(b"\0" * (20 * 1024 * 1024))
ARTICLE = "<html><head><title>T</title></head><body><article><p>Texto del artículo.</p></article></body></html>"


class Hostile(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    busy_hits: dict[str, int] = {}

    def log_message(self, *args):
        pass

    def _headers(self, status, ctype="text/html; charset=utf-8", length=None, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for key, value in extra:
            self.send_header(key, value)
        self.end_headers()

    def do_GET(self):
        route = getattr(self, "route_" + self.path.strip("/").replace("-", "_"), None)
        if route is None:
            self._headers(404, length=0)
            return
        try:
            route()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def route_drip(self):
        self._headers(200, length=10_000)
        for _ in range(100):
            self.wfile.write(b"a")
            self.wfile.flush()
            time.sleep(0.1)

    def route_endless(self):
        self._headers(200, ctype="text/plain", length=None, extra=[("Connection", "close")])
        chunk = b"x" * 65536
        for _ in range(10_000):
            self.wfile.write(chunk)

    def route_short(self):
        self._headers(200, length=5000)
        self.wfile.write(b"<p>too short</p>")
        self.wfile.flush()
        self.close_connection = True

    def route_loop(self):
        self._headers(302, length=0, extra=[("Location", "/loop")])

    def route_bomb(self):
        self._headers(200, length=len(BOMB), extra=[("Content-Encoding", "gzip")])
        self.wfile.write(BOMB)

    def route_busy(self):
        hits = Hostile.busy_hits.get(self.client_address[0], 0)
        Hostile.busy_hits[self.client_address[0]] = hits + 1
        if hits == 0:
            self._headers(429, length=0, extra=[("Retry-After", "1")])
            return
        body = ARTICLE.encode()
        self._headers(200, length=len(body))
        self.wfile.write(body)

    def route_error(self):
        self._headers(500, length=0)

    def route_image(self):
        self._headers(200, ctype="image/png", length=4)
        self.wfile.write(b"\x89PNG")


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


SETTINGS = FetchSettings(allow_private=True, timeout=2.0, total_timeout=3.0, max_bytes=1_000_000, retries=1,
                         backoff=0.0)


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        ("/drip", FetchError, "took longer than 3 s"),
        ("/endless", FetchError, "body exceeds the 1000000-byte cap"),
        ("/short", FetchError, "network error"),
        ("/loop", FetchError, "more than 5 redirects"),
        ("/bomb", FetchError, "a decompression bomb"),
        ("/error", FetchError, "HTTP 500 after 2 attempts"),
        ("/image", UnsupportedInputError, "content type 'image/png' is not an article"),
    ],
)
def test_hostile_responses_fail_fast_and_clearly(server, path, error, message):
    start = time.monotonic()
    with pytest.raises(error, match=message):
        fetch(server + path, SETTINGS)
    assert time.monotonic() - start < 15


def test_429_retry_after_is_honoured(server):
    start = time.monotonic()
    fetched = fetch(server + "/busy", SETTINGS)
    assert time.monotonic() - start >= 1.0
    assert b"Texto del art" in fetched.content
