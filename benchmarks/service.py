"""Service benchmark: one loaded ``summarize serve`` against one ``summarize run`` process per request.

For 1, 4 and 16 concurrent clients, each sending its own short article, it reports requests a
second and p50/p95 latency, for the service (models loaded once, concurrent requests batched into
the models together) and for the same work done the command-line way (a fresh ``summarize run -``
process per request, ``N`` of them at a time)::

    python benchmarks/service.py                       # offline preset (Apertium + extractive)
    python benchmarks/service.py --preset real --clients 1,4,16 --cli-clients 1,4 --requests 16 --cli-requests 4
    python benchmarks/service.py --preset real --clients 1,4 --cli-clients 1 --requests 4 --cli-requests 2 --threads 1  # smoke
    python benchmarks/service.py --preset real-transformers   # the same on the marian/seq2seq engines

``--preset real`` is the shipped ``default`` preset (CTranslate2) with its models replaced by
random-weight models with the real configurations of Helsinki-NLP/opus-mt-es-en / -en-es (77M)
and sshleifer/distilbart-cnn-12-6 (306M), built once in the benchmark cache (shared with
``batch_throughput.py``); ``real-transformers`` is the ``transformers`` preset on the same
models; ``tiny`` uses the test suite's tiny models. Random weights never emit the end token, so
on those presets both the server and every ``summarize run`` process run with forced realistic
output lengths (:mod:`summarize.testing.forced`: started as ``python -m summarize.testing.forced
serve|run ...``, the same command line with the forced engines; the lengths travel in
``$SUMMARIZE_FORCED_LENGTHS``): speed does not depend on the weights, only on the lengths. Both
sides do the same work on the same articles; the ``summarize run`` processes run with
``--no-cache``, as the server has no text cache, so a repeated article is never a cache hit.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._inputs import ROOT, default_cache
from benchmarks._stand_ins import random_models, stand_in_preset

RANDOM = {"real": ("real", "default"), "real-transformers": ("real", "transformers"), "tiny": ("tiny", "default")}

SENTENCES_ES = [
    "El Gobierno de El Salvador ofreció recibir en el CECOT a presos deportados desde Estados Unidos.",
    "La propuesta fue presentada durante la visita del secretario de Estado Marco Rubio.",
    "Organizaciones de derechos humanos pidieron conocer las condiciones de reclusión.",
    "El presidente Nayib Bukele dijo que el acuerdo ayudaría a financiar el sistema penitenciario.",
    "La oposición reclamó que el plan se discuta en la Asamblea Legislativa.",
    "Analistas señalaron que la oferta no tiene precedentes en la región.",
]


def article(n: int) -> str:
    """A short Spanish article of its own for request ``n`` (so no two requests are identical)."""
    rotated = SENTENCES_ES[n % len(SENTENCES_ES):] + SENTENCES_ES[:n % len(SENTENCES_ES)]
    return f"Nota {n}. " + " ".join(rotated[:4]) + "\n\n" + " ".join(rotated[4:])


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="offline", help="offline (default), real, real-transformers, tiny, "
                        "or a preset name/TOML")
    parser.add_argument("--clients", default="1,4,16", help="concurrency levels, comma-separated")
    parser.add_argument("--requests", type=int, default=32, help="requests per level to the service (at least one a client)")
    parser.add_argument("--cli-requests", type=int, default=16,
                        help="requests per level done by `summarize run` (at least one a client; 0: skip)")
    parser.add_argument("--cli-clients", default=None, help="concurrency levels for `summarize run` (default: "
                        "--clients; each process loads its own models, so mind the memory)")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads of each process's models")
    parser.add_argument("--window-ms", type=float, default=10.0, help="the service's collection window")
    parser.add_argument("--cache-dir", type=Path, default=None, help="benchmark models (default: "
                        "$SUMMARIZE_BENCH_CACHE or ~/.cache/summarize-bench)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    return parser.parse_args(argv)


def _preset(name: str, cache: Path) -> tuple[str, str]:
    """The preset to run and the module ``python -m`` starts for it (the forced-length CLI on random weights)."""
    if name not in RANDOM:
        return name, "summarize"
    size, shipped = RANDOM[name]
    return stand_in_preset(shipped, random_models(size, cache), cache), "summarize.testing.forced"


def _environment() -> dict[str, str]:
    from summarize.testing.forced import ENV, ForcedLengths

    return {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
            ENV: os.environ.get(ENV) or ForcedLengths().to_env()}


def _summary(latencies: list[float], wall: float, failures: int) -> dict[str, Any]:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))] if ordered else float("nan")
    return {"requests": len(latencies), "failures": failures, "seconds": round(wall, 2),
            "per_second": round(len(latencies) / wall, 4) if wall else 0.0,
            "p50": round(statistics.median(ordered), 3) if ordered else float("nan"), "p95": round(p95, 3)}


def bench_service(preset: str, clients: list[int], requests: int, threads: int | None, window_ms: float,
                  workdir: Path, module: str = "summarize") -> dict[int, dict[str, Any]]:
    """Start one server, then for each level send ``requests`` requests from ``n`` clients."""
    import httpx

    sys.path.insert(0, str(ROOT / "tests"))
    from service_helpers import serving

    args = ["--window-ms", str(window_ms), "--max-queue", "256", "--deadline", "3600", "-q"]
    if threads:
        args += ["--threads", str(threads)]
    out: dict[int, dict[str, Any]] = {}
    started = time.perf_counter()
    with serving(workdir, *args, preset=preset, env=_environment(), start_timeout=3600, module=module) as server:
        print(f"service ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        warm = httpx.post(server.url + "/v1/summarize", json={"text": article(10_000)}, timeout=3600)
        if module != "summarize" and "forced_lengths" not in warm.text:
            raise SystemExit(f"the server's results do not name forced lengths: {warm.text[:500]}")
        for n in clients:
            def one(i: int) -> tuple[float, bool]:
                start = time.perf_counter()
                response = httpx.post(server.url + "/v1/summarize", json={"text": article(i)}, timeout=3600)
                return time.perf_counter() - start, response.status_code == 200

            before = server.client.get("/v1/health").json()
            start = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(n) as pool:
                results = list(pool.map(one, range(max(requests, n))))
            out[n] = _summary([t for t, ok in results if ok], time.perf_counter() - start,
                              sum(1 for _, ok in results if not ok))
            after = server.client.get("/v1/health").json()
            out[n]["docs_per_batch"] = round((after["documents"] - before["documents"])
                                             / max(1, after["batches"] - before["batches"]), 2)
            print(f"service, {n} clients: {out[n]}", file=sys.stderr)
    return out


def bench_cli(preset: str, clients: list[int], requests: int, threads: int | None,
              module: str = "summarize") -> dict[int, dict[str, Any]]:
    """For each level, ``requests`` runs of ``summarize run -``, ``n`` processes at a time."""
    command = [sys.executable, "-m", module, "run", "-", "-p", preset, "-f", "json", "-q", "--no-cache"]
    if threads:
        command += ["--threads", str(threads)]
    out: dict[int, dict[str, Any]] = {}
    for n in clients:
        def one(i: int) -> tuple[float, bool]:
            start = time.perf_counter()
            done = subprocess.run(command, input=article(i), capture_output=True, text=True, env=_environment(),
                                  check=False)
            ok = done.returncode == 0 and '"summaries"' in done.stdout
            return time.perf_counter() - start, ok and (module == "summarize" or "forced_lengths" in done.stdout)

        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(n) as pool:
            results = list(pool.map(one, range(max(requests, n))))
        out[n] = _summary([t for t, ok in results if ok], time.perf_counter() - start,
                          sum(1 for _, ok in results if not ok))
        print(f"summarize run, {n} clients: {out[n]}", file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    cache = args.cache_dir or default_cache()
    cache.mkdir(parents=True, exist_ok=True)
    preset, module = _preset(args.preset, cache)
    clients = [int(c) for c in args.clients.split(",") if c.strip()]
    workdir = cache / "service-run"
    workdir.mkdir(exist_ok=True)
    service = bench_service(preset, clients, args.requests, args.threads, args.window_ms, workdir, module)
    cli_clients = [int(c) for c in (args.cli_clients or args.clients).split(",") if c.strip()]
    cli = bench_cli(preset, cli_clients, args.cli_requests, args.threads, module) if args.cli_requests else {}
    forced = f"; forced lengths {_environment()['SUMMARIZE_FORCED_LENGTHS']}" if module != "summarize" else ""
    print(f"\npreset {args.preset}{forced}; {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
          f"service window {args.window_ms:g} ms\n")
    print("| clients | service req/s | p50 s | p95 s | docs/batch | `summarize run` req/s | p50 s | p95 s | speed-up |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in clients:
        s, c = service[n], cli.get(n)
        cells = [str(n), f"{s['per_second']:.3g}", f"{s['p50']:.3f}", f"{s['p95']:.3f}", f"{s['docs_per_batch']:.2f}"]
        if c:
            ratio = s["per_second"] / c["per_second"] if c["per_second"] else float("nan")
            cells += [f"{c['per_second']:.3g}", f"{c['p50']:.3f}", f"{c['p95']:.3f}", f"{ratio:.1f}x"]
        else:
            cells += ["-", "-", "-", "-"]
        print("| " + " | ".join(cells) + " |")
    if args.json:
        args.json.write_text(json.dumps({"preset": args.preset, "service": service, "cli": cli}, indent=2))


if __name__ == "__main__":
    main()
