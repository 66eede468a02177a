"""Fetching URLs through an httpx MockTransport and a loopback server."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import httpx
import pytest

from summarize.document import Source
from summarize.errors import FetchError, UnsupportedInputError
from summarize.reading.extract import load_document
from summarize.reading.fetch import FetchSettings, fetch

PAGE = (Path(__file__).parent / "data" / "pages" / "en_wire.html").read_bytes()
FAST = FetchSettings(backoff=0.0, retries=2)


def _transport(handler):
    return httpx.MockTransport(handler)


def test_html_page_is_fetched_and_extracted():
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["user-agent"].startswith("summarize/")
        return httpx.Response(200, content=PAGE, headers={"content-type": "text/html; charset=utf-8"})

    doc = load_document(Source.parse("https://news.example/a"), transport=_transport(handler))
    assert doc.title == "Rubio says El Salvador will take US deportees of any nationality"
    assert doc.url == "https://news.example/a"


def test_http_error_is_clear():
    transport = _transport(lambda r: httpx.Response(404))
    with pytest.raises(FetchError, match=r"https://x.example/: HTTP 404 Not Found") as info:
        fetch("https://x.example/", FAST, transport=transport)
    assert info.value.status_code == 404


def test_429_with_retry_after_then_success():
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(429, headers={"retry-after": "0"})
        return httpx.Response(200, text="Hola. Adiós.", headers={"content-type": "text/plain"})

    fetched = fetch("https://x.example/", FAST, transport=_transport(handler))
    assert fetched.content == "Hola. Adiós.".encode() and len(calls) == 2


def test_persistent_500_gives_up_after_retries():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(503)

    with pytest.raises(FetchError, match="HTTP 503 after 3 attempts"):
        fetch("https://x.example/", FAST, transport=_transport(handler))
    assert len(calls) == 3


def test_wrong_content_type_is_refused():
    transport = _transport(lambda r: httpx.Response(200, content=b"\x89PNG", headers={"content-type": "image/png"}))
    with pytest.raises(UnsupportedInputError, match="content type 'image/png' is not an article"):
        fetch("https://x.example/i.png", FAST, transport=transport)


def test_size_cap_is_enforced_while_streaming():
    transport = _transport(lambda r: httpx.Response(200, content=b"a" * 5000, headers={"content-type": "text/plain"}))
    with pytest.raises(FetchError, match="exceeds the 1000-byte cap"):
        fetch("https://x.example/", FetchSettings(max_bytes=1000), transport=transport)


def test_redirect_loop_is_stopped():
    transport = _transport(lambda r: httpx.Response(302, headers={"location": "/again"}))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch("https://x.example/", FAST, transport=transport)


def test_other_schemes_are_refused():
    with pytest.raises(UnsupportedInputError, match="only http and https"):
        fetch("file:///etc/passwd")


def test_private_addresses_need_allow_private():
    with pytest.raises(FetchError, match="non-public address 127.0.0.1") as info:
        fetch("http://127.0.0.1:9/")
    assert "--allow-private" in (info.value.hint or "")


@pytest.fixture()
def loopback_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = PAGE if self.path == "/article" else b"not here"
            self.send_response(200 if self.path == "/article" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_loopback_server_with_allow_private(loopback_server):
    fetched = fetch(f"{loopback_server}/article", FetchSettings(allow_private=True))
    assert fetched.media_type == "text/html" and fetched.charset == "utf-8"
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(f"{loopback_server}/missing", FetchSettings(allow_private=True))
