"""Fetching URLs through an httpx MockTransport, a loopback server, and a seam that keeps tests on loopback."""

from __future__ import annotations

import functools
import http.server
import ipaddress
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import typing
from pathlib import Path

import h11
import httpcore
import httpx
import pytest

from summarize.document import Source
from summarize.errors import FetchError, UnsupportedInputError
from summarize.reading import fetch as fetch_module
from summarize.reading.addresses import non_public
from summarize.reading.extract import load_document
from summarize.reading.fetch import FetchSettings, fetch
from summarize.reading.pinned import Deadline, PinnedBackend

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


class LoopbackHandler(http.server.BaseHTTPRequestHandler):
    """Serves /article, redirects /to/NAME to NAME's /article on the same port, 404 otherwise."""

    hosts: typing.ClassVar[list[str]] = []  # the Host header of every request

    def do_GET(self):
        LoopbackHandler.hosts.append(self.headers.get("Host", ""))
        if self.path.startswith("/to/"):
            self.send_response(302)
            self.send_header("Location", f"http://{self.path[4:]}:{self.server.server_address[1]}/article")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = PAGE if self.path == "/article" else b"not here"
        self.send_response(200 if self.path == "/article" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def loopback_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LoopbackHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_loopback_server_with_allow_private(loopback_server):
    fetched = fetch(f"{loopback_server}/article", FetchSettings(allow_private=True))
    assert fetched.media_type == "text/html" and fetched.charset == "utf-8"
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(f"{loopback_server}/missing", FetchSettings(allow_private=True))


# --- the network seam: no test below can reach anything but loopback, whatever fetch does ---

PUBLIC = "93.184.216.34"  # a global address; the seam refuses the connection before any packet leaves


class NetSeam:
    """A resolver answering from ``answers`` and sockets that reach loopback only.

    ``answers`` maps a name to the addresses of successive lookups (the last one repeats), and
    ``lookups`` lists the names looked up; any other host must be an address literal, resolved
    without DNS. Every connection attempt, at the socket,
    ``create_connection`` and httpcore backend layers, lands in ``attempts``; those to anything but
    loopback are refused there.
    """

    def __init__(self) -> None:
        self.answers: dict[str, list[str]] = {}
        self.lookups: list[str] = []
        self.attempts: list[tuple[str, int]] = []
        self.delay = 0.0

    def resolve(self, real, host, port, family=0, type=0, proto=0, flags=0):
        if host in self.answers:
            self.lookups.append(host)
            time.sleep(self.delay)
            queue = self.answers[host]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
            if ":" in address:
                return [(socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port, 0, 0))]
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]
        # never a DNS query from a test: anything unlisted must be a numeric address
        return real(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

    def gate(self, host, port) -> None:
        self.attempts.append((host, port))
        try:
            loopback = ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:  # a name reaching a connect means fetch skipped its own resolution
            loopback = False
        if not loopback:
            raise ConnectionRefusedError(f"test seam: no connection to {host}")


@pytest.fixture()
def seam(monkeypatch):
    net = NetSeam()
    real_resolve, real_connect, real_connect_ex = socket.getaddrinfo, socket.socket.connect, socket.socket.connect_ex
    real_create, real_backend = socket.create_connection, httpcore.SyncBackend.connect_tcp

    def connect(sock, address):
        net.gate(address[0], address[1])
        return real_connect(sock, address)

    def connect_ex(sock, address):
        net.gate(address[0], address[1])
        return real_connect_ex(sock, address)

    def create_connection(address, *args, **kwargs):
        net.gate(address[0], address[1])
        return real_create(address, *args, **kwargs)

    def backend_connect(self, host, port, *args, **kwargs):
        try:
            net.gate(host, port)
        except OSError as exc:  # as httpcore's own backend reports a refused connection
            raise httpcore.ConnectError(str(exc)) from exc
        return real_backend(self, host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", functools.partial(net.resolve, real_resolve))
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", backend_connect)
    return net


NON_PUBLIC = [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "192.0.0.8",
    "192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.7", "224.0.0.1", "239.255.255.250", "0.0.0.0",
    "240.0.0.1", "255.255.255.255", "::", "::1", "fe80::1", "fc00::1", "fec0::1", "ff02::1", "2001:db8::1",
    "3fff::1", "64:ff9b:1::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "::10.0.0.1",
    "2002:7f00:1::1", "2002:a9fe:a9fe::", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
]


@pytest.mark.parametrize("address", NON_PUBLIC)
def test_non_global_addresses_are_refused_before_connecting(seam, address):
    seam.answers["hostile.test"] = [address]
    with pytest.raises(FetchError, match=re.escape(f"hostile.test resolves to the non-public address {address}")) as info:
        fetch("http://hostile.test/", FAST)
    assert "--allow-private" in (info.value.hint or "")
    assert seam.attempts == []


@pytest.mark.parametrize(
    ("address", "wrapped"),
    [("::ffff:127.0.0.1", "127.0.0.1"), ("2002:7f00:1::1", "127.0.0.1"), ("64:ff9b::a9fe:a9fe", "169.254.169.254")],
)
def test_the_refusal_names_the_wrapped_ipv4_address(seam, address, wrapped):
    seam.answers["hostile.test"] = [address]
    with pytest.raises(FetchError, match=re.escape(f"non-public address {address} (it wraps {wrapped})")):
        fetch("http://hostile.test/", FAST)


@pytest.mark.parametrize("address", ["8.8.8.8", "2001:4860:4860::8888", "64:ff9b::808:808", "2002:808:808::1"])
def test_global_addresses_and_what_wraps_them_are_public(address):
    assert non_public(ipaddress.ip_address(address)) is None


def test_one_non_public_answer_among_public_ones_taints_the_name(seam, monkeypatch):
    seam.answers["mixed.test"] = [PUBLIC]
    monkeypatch.setattr(
        socket, "getaddrinfo",
        lambda host, port, *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in (PUBLIC, "10.0.0.5")],
    )
    with pytest.raises(FetchError, match="non-public address 10.0.0.5"):
        fetch("http://mixed.test/", FAST)
    assert seam.attempts == []


@pytest.mark.parametrize("url", ["http://2130706433/", "http://0x7f.1/", "http://0x7f000001/", "http://127.1/"])
def test_integer_and_hex_hosts_resolve_to_loopback_and_are_refused(seam, url):
    with pytest.raises(FetchError, match="non-public address 127.0.0.1"):
        fetch(url, FAST)
    assert seam.attempts == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://0177.0.0.1/", "not a valid URL: Invalid IPv4 address"),
        ("http://[::1/", "not a valid URL"),
        ("http://xn--/", "not a valid URL"),
        ("http://news.test:99999/", "port 99999 is out of range"),
    ],
)
def test_invalid_urls_are_clear_errors(seam, url, message):
    with pytest.raises(FetchError, match=re.escape(message)) as info:
        fetch(url, FAST)
    assert str(info.value).startswith(url)
    assert seam.attempts == []


def test_rebinding_dns_cannot_move_the_connection(seam):
    # the first lookup (the checked one) answers a public address, any later one loopback
    seam.answers["rebind.test"] = [PUBLIC, "127.0.0.1"]
    with pytest.raises(FetchError, match="network error"):
        fetch("http://rebind.test/", FetchSettings(retries=0, backoff=0.0))
    assert seam.lookups == ["rebind.test"]
    assert seam.attempts and {host for host, _ in seam.attempts} == {PUBLIC}


def test_a_retry_resolves_again_and_refuses_the_rebound_address(seam):
    seam.answers["rebind.test"] = [PUBLIC, "127.0.0.1"]
    with pytest.raises(FetchError, match="non-public address 127.0.0.1"):
        fetch("http://rebind.test/", FetchSettings(retries=1, backoff=0.0))
    assert {host for host, _ in seam.attempts} == {PUBLIC}


def test_the_pinned_backend_never_connects_a_host_it_was_not_given(seam):
    backend = PinnedBackend(Deadline(5.0))
    with pytest.raises(httpcore.ConnectError, match="not resolved and checked"):
        backend.connect_tcp("unpinned.test", 80)
    assert seam.attempts == []


def test_a_stuck_resolver_does_not_outlast_the_deadline(seam):
    seam.answers["slow.test"] = [PUBLIC]
    seam.delay = 5.0
    start = time.monotonic()
    with pytest.raises(FetchError, match="took longer than 1 s"):
        fetch("http://slow.test/", FetchSettings(total_timeout=1.0))
    assert time.monotonic() - start < 3.0
    assert seam.attempts == []


def test_a_named_host_is_fetched_through_its_pinned_address(seam, loopback_server):
    port = int(loopback_server.rsplit(":", 1)[1])
    seam.answers["news.test"] = ["127.0.0.1"]
    fetched = fetch(f"http://news.test:{port}/article", FetchSettings(allow_private=True))
    assert fetched.url == f"http://news.test:{port}/article" and fetched.content == PAGE
    assert LoopbackHandler.hosts[-1] == f"news.test:{port}"
    assert seam.lookups == ["news.test"] and {host for host, _ in seam.attempts} == {"127.0.0.1"}


def test_each_redirect_hop_is_resolved_checked_and_pinned(seam, loopback_server, monkeypatch):
    # for this test only 127.0.0.1 counts as public, so a redirect to 127.0.0.2 must be refused
    monkeypatch.setattr(fetch_module, "non_public", lambda a: None if str(a) == "127.0.0.1" else a)
    port = int(loopback_server.rsplit(":", 1)[1])
    seam.answers.update({"outer.test": ["127.0.0.1"], "inner.test": ["127.0.0.2"], "ok.test": ["127.0.0.1"]})
    with pytest.raises(FetchError, match="inner.test resolves to the non-public address 127.0.0.2"):
        fetch(f"http://outer.test:{port}/to/inner.test", FAST)
    assert seam.lookups == ["outer.test", "inner.test"]
    assert {host for host, _ in seam.attempts} == {"127.0.0.1"}
    fetched = fetch(f"http://outer.test:{port}/to/ok.test", FAST)
    assert fetched.url == f"http://ok.test:{port}/article" and LoopbackHandler.hosts[-1] == f"ok.test:{port}"


# --- TLS through the pinned address: SNI and the certificate check still use the name ---


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"), "-days", "2",
         "-subj", "/CN=news.test", "-addext", "subjectAltName=DNS:news.test"],
        check=True, capture_output=True,
    )
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture()
def tls_server(tls_files, monkeypatch):
    cert, key = tls_files
    names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LoopbackHandler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # httpx trusts it as the only CA
    yield server.server_address[1], names
    server.shutdown()


def test_https_through_the_pinned_address_keeps_sni_and_host(seam, tls_server):
    port, names = tls_server
    seam.answers["news.test"] = ["127.0.0.1"]
    fetched = fetch(f"https://news.test:{port}/article", FetchSettings(allow_private=True))
    assert fetched.content == PAGE
    assert names == ["news.test"] and LoopbackHandler.hosts[-1] == f"news.test:{port}"


def test_a_certificate_for_another_name_is_a_tls_error(seam, tls_server):
    port, _ = tls_server
    seam.answers["other.test"] = ["127.0.0.1"]
    with pytest.raises(FetchError, match="TLS error: .*other.test") as info:
        fetch(f"https://other.test:{port}/article", FetchSettings(allow_private=True))
    assert "certificate" in (info.value.hint or "")


# --- every error of the HTTP stack is a FetchError naming the URL ---


@pytest.mark.parametrize(
    "error",
    [
        httpx.DecodingError("Error -3 while decompressing data: incorrect header check"),
        httpx.RemoteProtocolError("illegal status line"),
        httpx.LocalProtocolError("Illegal header value"),
        httpx.ReadError("connection reset"),
        httpx.ConnectTimeout(""),
        httpx.TooManyRedirects("too many"),
        httpx.InvalidURL("Invalid port"),
        httpx.StreamClosed(),
        httpcore.RemoteProtocolError("malformed"),
        h11.RemoteProtocolError("illegal header line", 400),
        ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"),
        UnicodeDecodeError("ascii", b"\xff", 0, 1, "ordinal not in range(128)"),
        ValueError("odd header value"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_errors_from_the_http_stack_become_fetch_errors(error):
    def handler(request):
        raise error

    with pytest.raises(FetchError, match=re.escape("https://x.example/a: ")):
        fetch("https://x.example/a", FetchSettings(retries=1, backoff=0.0), transport=_transport(handler))


def test_a_non_ascii_content_length_is_ignored():
    headers = [(b"content-type", b"text/plain"), (b"content-length", "²".encode())]
    transport = _transport(lambda r: httpx.Response(200, headers=headers, content=b"x"))
    assert fetch("https://x.example/", FetchSettings(max_bytes=10), transport=transport).content == b"x"


def test_a_retry_after_of_nan_falls_back_to_backoff():
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(429, headers={"retry-after": "nan"})
        return httpx.Response(200, text="Hola.", headers={"content-type": "text/plain"})

    assert fetch("https://x.example/", FAST, transport=_transport(handler)).content == b"Hola." and len(calls) == 2
