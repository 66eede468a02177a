"""``summarize serve``: the real server on a loopback port, called over HTTP.

Every test starts ``summarize serve`` as a process (uvicorn, the offline preset: Apertium and the
extractive summarizer; the tiny random-weight models where a neural path is needed) and talks to
it with httpx, as a client in the newsroom would.
"""

from __future__ import annotations

import concurrent.futures
import json
import re
import shutil
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import SHORT_EN, SHORT_ES
from service_helpers import Server, article_server, serving

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

ARTICLES = {
    f"nota-{n}": (f"Nota {n}. El gobierno de El Salvador presentó el jueves un informe sobre la cárcel CECOT. "
                  "El informe describe la capacidad del penal y el número de presos trasladados. "
                  "La oposición pidió más datos sobre el costo del acuerdo con Estados Unidos. "
                  "El ministro respondió que los datos se publicarán el próximo mes.")
    for n in range(1, 31)
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One offline server for the read-only checks, with a long window so batching shows."""
    tmp = tmp_path_factory.mktemp("serve")
    with serving(tmp, "--window-ms", "300") as running:
        yield running


def _error(response: httpx.Response, status: int, kind: str) -> dict[str, str | None]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"type", "message", "hint"}, body
    assert body["error"]["type"] == kind, body
    return body["error"]


def test_health_presets_page_and_openapi(server: Server) -> None:
    health = server.client.get("/v1/health").json()
    assert health["status"] == "ok" and health["preset"] == "offline" and health["auth"] is False
    presets = server.client.get("/v1/presets").json()["presets"]
    assert presets == [{"name": "offline", "default": True, "loaded": True, "translate": {"engine": "apertium"},
                        "summarize": {"engine": "extractive", "strategy": "source", "sentences": 3, "words": 60}}]
    page = server.client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    # self-contained: nothing loaded from anywhere (no src/href, no CSS imports or url())
    assert not re.search(r"\b(?:src|href)\s*=|@import|url\(|<link\b", page.text)
    paths = server.client.get("/openapi.json").json()["paths"]
    assert {"/v1/summarize", "/v1/translate", "/v1/jobs", "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/results",
            "/v1/health", "/v1/presets"} <= set(paths)


def test_summarize_text_returns_the_result_json_of_the_cli(server: Server) -> None:
    response = server.client.post("/v1/summarize", json={"text": SHORT_ES, "id": "a1", "sentences": 2})
    assert response.status_code == 200, response.text
    result = response.json()
    assert set(result) >= {"source", "source_lang", "title", "text", "summaries", "translation", "engines",
                           "warnings", "timings", "id", "content_hash"}
    assert result["id"] == "a1" and result["source_lang"] == "es"
    assert result["summaries"]["es"] and result["summaries"]["en"]
    assert result["summaries"]["es"].count(". ") + 1 <= 2  # two sentences asked
    assert result["translation"]["lang"] == "en" and "Bukele" in result["translation"]["text"]
    assert result["engines"]["translate"]["engine"] == "apertium"

    # a length in words, a glossary and a given language
    glossed = server.client.post("/v1/summarize", json={
        "text": SHORT_ES, "source_lang": "es", "words": 20, "glossary": [["la cárcel CECOT", "the CECOT mega-prison"]]})
    assert glossed.status_code == 200, glossed.text
    assert "the CECOT mega-prison" in glossed.json()["translation"]["text"]
    assert glossed.json()["engines"]["langid"]["engine"] == "given"
    assert len(glossed.json()["summaries"]["es"].split()) <= 20


def test_translate_only(server: Server) -> None:
    response = server.client.post("/v1/translate", json={"text": SHORT_EN})
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["summaries"] == {} and result["translation"]["lang"] == "es"
    assert "Rubio" in result["translation"]["text"]


def test_concurrent_requests_share_model_batches(server: Server) -> None:
    before = server.client.get("/v1/health").json()
    texts = [f"{SHORT_EN}\n\nRequest number {n} asks for its own summary." for n in range(8)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda t: httpx.post(server.url + "/v1/summarize", json={"text": t}, timeout=60),
                                  texts))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    assert [r.json()["text"] for r in responses] == texts  # each caller gets its own article back
    after = server.client.get("/v1/health").json()
    assert after["documents"] - before["documents"] == 8
    assert after["batches"] - before["batches"] < 8  # collected into shared model calls


def test_each_error_is_json_with_its_status(server: Server) -> None:
    post = server.client.post
    _error(post("/v1/summarize", json={"text": "x", "url": "https://example.org/"}), 422, "RequestError")
    _error(post("/v1/summarize", json={}), 422, "RequestError")
    _error(post("/v1/summarize", json={"text": SHORT_EN, "colour": "red"}), 422, "RequestError")
    _error(post("/v1/summarize", content=b"{not json", headers={"content-type": "application/json"}), 422,
           "RequestError")
    _error(post("/v1/summarize", json={"text": "   "}), 422, "RequestError")
    local = _error(post("/v1/summarize", json={"url": "file:///etc/passwd"}), 422, "RequestError")
    assert "never from its own files" in (local["hint"] or "")
    _error(post("/v1/summarize", json={"text": SHORT_EN, "sentences": 0}), 422, "RequestError")
    unknown = _error(post("/v1/summarize", json={"text": SHORT_EN, "preset": "/etc/passwd"}), 400, "ConfigError")
    assert "offline" in (unknown["hint"] or "")
    _error(post("/v1/summarize", json={"text": SHORT_EN, "glossary": [["solo"]]}), 400, "ConfigError")
    private = _error(post("/v1/summarize", json={"url": server.url + "/"}), 422, "FetchError")
    assert "non-public address 127.0.0.1" in (private["message"] or "") and "--allow-private" in (private["hint"] or "")
    language = _error(post("/v1/summarize", json={"text": "Le gouvernement a présenté jeudi un rapport détaillé "
                                                          "sur la prison et ses conditions de détention."}),
                      422, "LanguageError")
    assert language["hint"]
    _error(server.client.get("/v1/jobs/0123abcd"), 404, "NotFoundError")
    _error(server.client.get("/v1/jobs/..%2f..%2fetc"), 404, "NotFoundError")
    _error(server.client.get("/no/such/path"), 404, "NotFoundError")
    assert server.client.get("/v1/summarize").status_code == 405


def test_a_job_runs_in_the_background_and_streams_jsonl(server: Server) -> None:
    inputs = [{"id": "es", "text": SHORT_ES}, {"id": "en", "text": SHORT_EN},
              {"id": "fr", "text": "Le gouvernement a présenté jeudi un rapport détaillé sur la prison."}]
    created = server.client.post("/v1/jobs", json={"inputs": inputs, "sentences": 1})
    assert created.status_code == 202, created.text
    job = created.json()
    assert job["total"] == 3
    with server.client.stream("GET", job["results"], params={"follow": "true"}) as streamed:
        assert streamed.headers["content-type"].startswith("application/x-ndjson")
        followed = [json.loads(line) for line in streamed.iter_lines() if line]
    assert sorted(r["id"] for r in followed) == ["en", "es", "fr"]  # the stream ends when the job does
    status = _wait_job(server, job["id"])
    assert status["state"] == "done" and (status["done"], status["failed"]) == (2, 1)
    records = [json.loads(line) for line in server.client.get(job["results"]).text.splitlines()]
    by_id = {r["id"]: r for r in records}
    assert sorted(by_id) == ["en", "es", "fr"] and len(records) == 3
    assert by_id["es"]["summaries"]["en"] and by_id["fr"]["error"]["type"] == "LanguageError"
    _error(server.client.post("/v1/jobs", json={"inputs": []}), 422, "RequestError")
    _error(server.client.post("/v1/jobs", json={"inputs": [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]}),
           422, "RequestError")
    _error(server.client.post("/v1/jobs", json={"inputs": [{"path": "/etc/passwd"}]}), 422, "RequestError")


def _wait_job(server: Server, job_id: str, timeout: float = 120.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status: dict[str, object] = server.client.get(f"/v1/jobs/{job_id}").json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {status}")


def test_api_key_and_body_limit(tmp_path: Path) -> None:
    with serving(tmp_path, "--max-body", "3000", env={"SUMMARIZE_API_KEY": "s3cret"}) as server:
        assert server.client.get("/v1/health").status_code == 200  # for load balancers: no key needed
        assert server.client.get("/").status_code == 200
        missing = server.client.post("/v1/summarize", json={"text": SHORT_EN})
        _error(missing, 401, "UnauthorizedError")
        assert missing.headers["www-authenticate"] == "Bearer"
        _error(server.client.get("/v1/presets", headers={"Authorization": "Bearer wrong"}), 401, "UnauthorizedError")
        _error(server.client.get("/v1/jobs/abc"), 401, "UnauthorizedError")
        key = {"Authorization": "Bearer s3cret"}
        assert server.client.post("/v1/summarize", json={"text": SHORT_EN}, headers=key).status_code == 200
        big = {"text": SHORT_EN * 20}
        _error(server.client.post("/v1/summarize", json=big, headers=key), 413, "BodyTooLargeError")

        def chunks() -> Iterator[bytes]:  # no Content-Length: the cap counts what arrives
            data = json.dumps(big).encode()
            for i in range(0, len(data), 500):
                yield data[i:i + 500]

        streamed = server.client.post("/v1/summarize", content=chunks(),
                                      headers={**key, "content-type": "application/json"})
        _error(streamed, 413, "BodyTooLargeError")
        assert server.client.post("/v1/summarize", json={"text": SHORT_EN}, headers=key).status_code == 200


def test_a_full_queue_is_429_with_retry_after_and_a_slow_request_504(tmp_path: Path) -> None:
    with article_server(ARTICLES, delay=8.0) as site, \
            serving(tmp_path, "--max-queue", "1", "--deadline", "5", "--allow-private") as server:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            slow = pool.submit(httpx.post, server.url + "/v1/summarize", json={"url": f"{site}/nota-1"}, timeout=30)
            time.sleep(0.5)
            busy = server.client.post("/v1/summarize", json={"text": SHORT_EN})
            _error(busy, 429, "BusyError")
            assert int(busy.headers["retry-after"]) >= 1
            late = _error(slow.result(), 504, "DeadlineError")
            assert "5 s" in (late["message"] or "")
        time.sleep(3.5)  # the slow read finishes on its own; the place is free again
        assert server.client.post("/v1/summarize", json={"text": SHORT_EN}).status_code == 200


def test_a_job_killed_with_the_server_is_finished_by_the_next_start(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs"
    names = sorted(ARTICLES)
    with article_server(ARTICLES, delay=0.4) as site:
        with serving(tmp_path, "--allow-private", jobs_dir=jobs) as first:
            inputs = [{"id": name, "url": f"{site}/{name}"} for name in names]
            job_id = first.client.post("/v1/jobs", json={"inputs": inputs}).json()["id"]
            deadline = time.monotonic() + 60
            while first.client.get(f"/v1/jobs/{job_id}").json()["done"] < 4:
                assert time.monotonic() < deadline, "the job made no progress"
                time.sleep(0.1)
            first.kill()
        written = _records(jobs / job_id / "results.jsonl")
        assert 4 <= len(written) < len(names), "the kill should land mid-job"
        with serving(tmp_path, "--allow-private", jobs_dir=jobs) as second:
            status = _wait_job(second, job_id)
            assert status["state"] == "done" and status["done"] == len(names) and status["failed"] == 0
            streamed = [json.loads(line) for line in second.client.get(f"/v1/jobs/{job_id}/results").text.splitlines()]
    ids = [r["id"] for r in streamed]
    assert sorted(ids) == names  # every input exactly once: nothing lost, nothing twice
    assert all(r["text"] == ARTICLES[r["id"]] for r in streamed)
    assert [r["id"] for r in streamed[:len(written)]] == [r["id"] for r in written]  # kept, not redone


def _records(path: Path) -> list[dict[str, object]]:
    lines = path.read_bytes().split(b"\n")
    return [json.loads(line) for line in lines if line.strip() and _is_json(line)]


def _is_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def test_the_neural_path_serves_the_tiny_models(tmp_path: Path, tiny_preset: Path) -> None:
    with serving(tmp_path, preset=str(tiny_preset)) as server:
        response = server.client.post("/v1/summarize", json={"text": SHORT_ES, "source_lang": "es"})
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["engines"]["translate"]["engine"] == "marian"
        assert result["engines"]["summarize"]["engine"] == "seq2seq"
        assert set(result["summaries"]) == {"en", "es"}
        translated = server.client.post("/v1/translate", json={"text": SHORT_EN, "to": "es"})
        assert translated.status_code == 200 and translated.json()["translation"]["lang"] == "es"


def _chromium() -> str | None:
    return next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None)


@pytest.mark.slow  # a real browser: seconds to start, and the slow tier installs it
def test_the_page_in_a_headless_browser(server: Server, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium binary: install Debian's package (apt-get install -y chromium)")
    link = server.url + "/?" + urllib.parse.urlencode({"text": SHORT_ES, "sentences": "2"})
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=20000", "--window-size=1280,1400"]
    empty = subprocess.run([*flags, "--dump-dom", server.url + "/"], capture_output=True, text=True, timeout=120, check=False)
    assert 'id="form"' in empty.stdout and "Summary (English)" in empty.stdout, empty.stderr[-2000:]
    dom = subprocess.run([*flags, "--dump-dom", link], capture_output=True, text=True, timeout=120, check=False).stdout
    expected = server.client.post("/v1/summarize", json={"text": SHORT_ES, "sentences": 2}).json()
    assert f'<p id="summary-en">{expected["summaries"]["en"]}</p>' in dom, dom[-3000:]
    assert f'<p id="summary-es">{expected["summaries"]["es"]}</p>' in dom
    assert '<div id="result">' in dom  # shown: the hidden attribute is gone
    shot = tmp_path / "service-page.png"
    subprocess.run([*flags, f"--screenshot={shot}", link], capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 10_000
    print(f"screenshot of the page: {shot}")


def test_help_imports_no_web_framework() -> None:
    import sys

    code = ("import sys; from summarize.cli import cli\n"
            "for argv in (['--help'], ['serve', '--help']):\n"
            "    try:\n        cli(argv, prog_name='summarize')\n    except SystemExit:\n        pass\n"
            "heavy = {'fastapi', 'uvicorn', 'starlette', 'torch'} & set(sys.modules)\n"
            "assert not heavy, heavy")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "--api-key" in done.stdout and "--allow-private" in done.stdout


def test_a_port_in_use_or_a_bad_preset_fails_at_once_and_clearly(tmp_path: Path) -> None:
    import socket
    import sys

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "summarize", "serve", "-p", "offline", "--port", str(port),
                               "--jobs-dir", str(tmp_path / "jobs")], capture_output=True, text=True, timeout=120,
                              check=False)
    assert done.returncode == 2, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port" in done.stderr
    bad = subprocess.run([sys.executable, "-m", "summarize", "serve", "-p", str(tmp_path / "missing.toml")],
                         capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode == 2 and "does not exist" in bad.stderr
