"""Proxies are not used (fetching connects to the address it checked): a proxy variable gets a clear warning.

Loopback only: the article server and the would-be proxy both listen on 127.0.0.1.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest
from conftest import SHORT_ES

from summarize import Source
from summarize.errors import FetchError
from summarize.reading import Reader
from summarize.reading.fetch import FetchSettings, ignored_proxy

PAGE = f"<html><head><title>Oferta</title></head><body><article><p>{SHORT_ES}</p></article></body></html>".encode()


class _Article(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = 200 if self.path == "/article" else 404
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: object) -> None:
        pass


class _Proxy(http.server.BaseHTTPRequestHandler):
    """A proxy that only counts who came to it (and answers 502)."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self.send_error(502)

    do_CONNECT = do_GET

    def log_message(self, *args: object) -> None:
        pass


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture()
def servers(monkeypatch) -> Iterator[tuple[str, str]]:
    article, article_url = _serve(_Article)
    proxy, proxy_url = _serve(_Proxy)
    _Proxy.seen = []
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "https_proxy", "http_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    yield article_url, proxy_url
    article.shutdown()
    proxy.shutdown()


def test_a_proxy_variable_is_not_used_and_the_document_says_so(servers):
    article_url, _ = servers
    reader = Reader(FetchSettings(allow_private=True))
    document = reader.read(Source(f"{article_url}/article", "url"))
    assert document.title == "Oferta"
    assert _Proxy.seen == []  # the request went straight to the server, not to the proxy
    [warning] = document.warnings
    assert warning.startswith("HTTP_PROXY is set, but summarize fetches URLs directly, never through a proxy")


def test_a_failed_fetch_names_the_unused_proxy_in_its_hint(servers):
    article_url, _ = servers
    with pytest.raises(FetchError) as caught:
        Reader(FetchSettings(allow_private=True, retries=0)).read(Source(f"{article_url}/missing", "url"))
    assert "HTTP_PROXY is set, but summarize fetches URLs directly" in caught.value.hint
    assert _Proxy.seen == []


def test_which_variable_applies(monkeypatch):
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "https_proxy", "http_proxy", "HTTP_PROXY",
                 "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert ignored_proxy("https://example.org/a") is None
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:1")
    assert ignored_proxy("https://example.org/a") == "https_proxy"
    assert ignored_proxy("http://example.org/a") is None
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:1")
    assert ignored_proxy("http://example.org/a") == "ALL_PROXY"
    monkeypatch.setenv("NO_PROXY", "example.org")
    assert ignored_proxy("https://example.org/a") is None  # exempted: nothing to warn about
