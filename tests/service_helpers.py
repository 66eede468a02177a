"""Start the real ``summarize serve`` on a loopback port, and a slow article server to point it at."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 90.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A ``summarize serve`` process and an httpx client for it."""

    def __init__(self, process: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.process = process
        self.url = url
        self.log = log
        self.client = httpx.Client(base_url=url, timeout=60.0)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash or a power cut."""
        self.client.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> int:
        self.client.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return int(self.process.returncode)


@contextmanager
def serving(tmp_path: Path, *args: str, preset: str = "offline", env: dict[str, str] | None = None,
            jobs_dir: Path | None = None, start_timeout: float = START_TIMEOUT_S,
            module: str = "summarize") -> Iterator[Server]:
    """Run ``summarize serve -p PRESET ARGS`` until the block ends; waits for /v1/health.

    ``module`` is what ``python -m`` runs (benchmarks: ``summarize.testing.forced``, the same CLI
    with forced output lengths).
    """
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    command = [sys.executable, "-m", module, "serve", "-p", preset, "--port", str(port),
               "--jobs-dir", str(jobs_dir or tmp_path / "jobs"), "--threads", "1", *args]
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", **(env or {})}
    if "SUMMARIZE_API_KEY" not in (env or {}):
        environment.pop("SUMMARIZE_API_KEY", None)
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=environment, cwd=tmp_path)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_healthy(server, start_timeout)
        yield server
    finally:
        server.stop()


def _wait_healthy(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"the server exited {server.process.returncode}:\n{server.log.read_text()}")
        try:
            if httpx.get(server.url + "/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server did not start in {timeout:g} s:\n{server.log.read_text()}")


@contextmanager
def article_server(articles: dict[str, str], *, delay: float = 0.0) -> Iterator[str]:
    """A loopback HTTP server answering ``/NAME`` with ``articles[NAME]`` as text, after ``delay`` seconds."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(delay)
            body = articles.get(self.path.lstrip("/"))
            if body is None:
                self.send_error(404)
                return
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the service was killed mid-read: that is the test

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
