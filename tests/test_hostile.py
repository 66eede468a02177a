"""A hostile loopback server: every trick ends in a specific error, quickly, with nothing hung."""

from __future__ import annotations

import gzip
import http.server
import threading
import time
import typing

import pytest

from summarize.errors import FetchError, UnsupportedInputError
from summarize.reading.fetch import FetchSettings, fetch

BOMB = gzip.compress(b"\0" * (20 * 1024 * 1024))
ARTICLE = "<html><head><title>T</title></head><body><article><p>Texto del artículo.</p></article></body></html>"


class Hostile(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    busy_hits: typing.ClassVar[dict[str, int]] = {}

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

    # --- past the time limit before the body: headers a byte a second, or no answer at all ---

    def route_drip_headers(self):
        self.close_connection = True  # the client hangs up mid-response; reading another request would fail
        self.connection.settimeout(30)
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Slow: " + b"z" * 60:
            self.wfile.write(bytes([byte]))
            time.sleep(1.0)

    def route_silent(self):
        self.close_connection = True
        self.connection.settimeout(30)
        while self.connection.recv(1024):  # until the client hangs up
            pass

    # --- malformed responses, written raw ---

    def _raw(self, data: bytes):
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True

    def route_bad_status(self):
        self._raw(b"HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n")

    def route_not_http(self):
        self._raw(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")

    def route_bad_header(self):
        self._raw(b"HTTP/1.1 200 OK\r\nContent-Type text/html\r\nContent-Length: 0\r\n\r\n")

    def route_nul_header(self):
        self._raw(b"HTTP/1.1 200 OK\r\nX-Odd: a\x00b\r\nContent-Length: 0\r\n\r\n")

    def route_bad_length(self):
        self._raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 12abc\r\n\r\n<p>x</p>")

    def route_two_lengths(self):
        self._raw(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello!!")

    def route_fake_gzip(self):
        body = b"<p>this is not gzip</p>"
        self._headers(200, length=len(body), extra=[("Content-Encoding", "gzip")])
        self.wfile.write(body)

    def route_latin1_redirect(self):
        self._raw(b"HTTP/1.1 302 Found\r\nLocation: /caf\xe9\xff\r\nContent-Length: 0\r\n\r\n")

    def route_bad_redirect(self):
        self._headers(302, length=0, extra=[("Location", "http://[::1")])

    def route_idna_redirect(self):
        self._headers(302, length=0, extra=[("Location", "http://xn--/")])

    def route_ftp_redirect(self):
        self._headers(302, length=0, extra=[("Location", "ftp://127.0.0.1/a")])

    def route_nan_retry(self):
        self._headers(429, length=0, extra=[("Retry-After", "nan")])


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
        ("/bad-status", FetchError, "network error: illegal status line"),
        ("/not-http", FetchError, "network error: illegal status line"),
        ("/bad-header", FetchError, "network error: illegal header line"),
        ("/nul-header", FetchError, "network error: illegal header line"),
        ("/bad-length", FetchError, "network error: bad Content-Length"),
        ("/two-lengths", FetchError, "network error: conflicting Content-Length"),
        ("/fake-gzip", FetchError, "the body could not be decoded"),
        ("/latin1-redirect", FetchError, "HTTP 404"),
        ("/bad-redirect", FetchError, "redirect to an invalid URL"),
        ("/idna-redirect", FetchError, "a header that cannot be decoded"),
        ("/ftp-redirect", UnsupportedInputError, "only http and https URLs can be fetched"),
        ("/nan-retry", FetchError, "HTTP 429 after 2 attempts"),
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


@pytest.mark.parametrize("path", ["/drip-headers", "/silent"])
def test_one_deadline_covers_the_headers_too(server, path):
    # each read of a drip returns within the 5 s per-read timeout; only the total limit can stop it
    settings = FetchSettings(allow_private=True, timeout=5.0, total_timeout=1.5, retries=2, backoff=0.0)
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"download took longer than 1.5 s"):
        fetch(server + path, settings)
    assert time.monotonic() - start < 1.5 + 2.0


def test_https_to_a_plain_http_server_is_a_tls_error(server):
    url = server.replace("http://", "https://") + "/image"
    with pytest.raises(FetchError, match=r"TLS error: .*WRONG_VERSION_NUMBER|TLS error: .*record") as info:
        fetch(url, SETTINGS)
    assert str(info.value).startswith(url)
