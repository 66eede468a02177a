"""Speed benchmark: plain transformers against this project's default and fastest settings.

One command, one run, side by side on the same inputs and decoding settings, with random-weight
models of the real opus-mt-es-en (77M) and distilbart-cnn-12-6 (306M) configurations and output
lengths forced, so every engine does the same work::

    python benchmarks/speed.py                 # CPU, all engines, both tasks (about 10 minutes on 2 cores)
    python benchmarks/speed.py --device cuda   # GPU: bf16/fp16, larger batches, CTranslate2 int8_float16

Each engine runs in its own process, so its peak memory (RSS) is its own. Rates are output tokens
a second and, for summaries, articles a minute; ratios compare each engine with (1) plain
transformers one input at a time and (2) plain transformers batched, measured in the same run.
"""

from __future__ import annotations

import argparse
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

from benchmarks._inputs import ROOT, build_models, default_cache, default_eval_dir, load_inputs
from benchmarks._plan import CT2_KEYS, plan
from benchmarks._report import print_report

RESULT_MARK = "RESULT "


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--task", choices=["all", "translate", "summarize"], default="all")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: the physical cores)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every engine's input count")
    parser.add_argument("--repeat", type=int, default=1, help="run the engines this many rounds, interleaved; "
                        "each engine's best round is reported")
    parser.add_argument("--only", default="", help="comma-separated engine keys to run (default: all)")
    parser.add_argument("--cache-dir", type=Path, default=None, help="models and conversions (default: "
                        "$SUMMARIZE_BENCH_CACHE or ~/.cache/summarize-bench)")
    parser.add_argument("--eval-dir", type=Path, default=None, help="evaluation data (default: "
                        "$SUMMARIZE_EVAL_DIR or ../shared/eval)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--chart", type=Path, default=None,
                        help="also draw the table as a PNG chart here (needs matplotlib: summarize[bench])")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _check_device(device: str, only: str = "") -> None:
    """Fail early, and clearly, when a GPU run is asked for without a GPU.

    CTranslate2 must see the GPU too, unless ``--only`` leaves out every CTranslate2 row.
    """
    if device != "cuda":
        return
    needs_ct2 = not only or bool(set(only.split(",")) & CT2_KEYS)
    try:
        import torch

        if needs_ct2:
            import ctranslate2
    except ImportError as exc:
        sys.exit(f"speed.py: the GPU benchmark needs torch and ctranslate2 ({exc}); install them with: "
                 "pip install -e '.[fast]', or leave the CTranslate2 rows out with --only single,batched,default")

    if not torch.cuda.is_available():
        sys.exit("speed.py: --device cuda was asked for, but PyTorch sees no CUDA GPU "
                 f"(torch {torch.__version__}). Run it on a GPU machine with a CUDA build of PyTorch, "
                 "or drop --device for the CPU benchmark.")
    if needs_ct2 and ctranslate2.get_cuda_device_count() == 0:
        sys.exit("speed.py: --device cuda was asked for, but CTranslate2 sees no CUDA GPU. Install a CUDA "
                 "build of ctranslate2 (pip install ctranslate2 ships one for Linux x86-64).")


def _environment(cache: Path, threads: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])), HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               OMP_NUM_THREADS=str(threads), SUMMARIZE_CT2_CACHE=str(cache / "ct2"), PYTHONWARNINGS="ignore",
               TRANSFORMERS_VERBOSITY="error")
    return env


def _child(payload: dict[str, Any], env: dict[str, str], timeout: float = 1800) -> dict[str, Any]:
    """Run one job in a fresh interpreter and return the result it prints."""
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(payload)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout, check=False)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            return dict(json.loads(line[len(RESULT_MARK):]))
    tail = "\n".join(done.stderr.strip().splitlines()[-15:])
    return {"error": f"exit {done.returncode}: {tail}"}


def _worker(payload: str) -> None:
    job = json.loads(payload)
    if job["kind"] == "prepare":
        cache = Path(job["cache"])
        models = build_models(cache)
        inputs = load_inputs(models, Path(job["eval_dir"]), cache)
        result: dict[str, Any] = {"models": {k: str(v) for k, v in models.items()}, "inputs": inputs}
    elif job["kind"] == "convert":
        from summarize.backends.ct2 import converted_model, resolve_device
        from summarize.config import RuntimeConfig

        start = time.perf_counter()
        existed = {p.name for p in Path(os.environ["SUMMARIZE_CT2_CACHE"]).glob("*")}
        folder = converted_model(job["model"], resolve_device(RuntimeConfig(**job["runtime"])).compute_type)
        result = {"seconds": round(time.perf_counter() - start, 2), "cached": folder.name in existed,
                  "folder": folder.name}
    else:
        from benchmarks._engines import run_worker

        inputs = json.loads(Path(job["inputs"]).read_text(encoding="utf-8"))[job["task"]]["texts"]
        texts = [inputs[i % len(inputs)] for i in range(job["items"])]
        result = run_worker(job, texts)
    print(RESULT_MARK + json.dumps(result), flush=True)


def _start_time(env: dict[str, str], runs: int = 5) -> dict[str, Any]:
    """Wall time of ``summarize --help`` (median of a few), beside a bare interpreter's, and whether torch loads."""

    def median_of(command: list[str]) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, env=env, cwd=ROOT, check=False)
            times.append(time.perf_counter() - start)
        return round(statistics.median(times), 3)

    probe = ("import sys; from summarize.cli import cli; sys.argv = ['summarize', '--help']\n"
             "try:\n    cli()\nexcept SystemExit:\n    pass\nprint('torch' in sys.modules)")
    torch = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT,
                           check=False).stdout.strip().endswith("True")
    return {"help_s": median_of([sys.executable, "-m", "summarize", "--help"]),
            "python_s": median_of([sys.executable, "-c", "pass"]), "torch_imported": torch}


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    args = _parse(argv)
    if args.worker:
        _worker(args.worker)
        return
    _check_device(args.device, args.only)
    from summarize.backends.hf import physical_cores

    threads = args.threads or physical_cores()
    cache = (args.cache_dir or default_cache()).expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    env = _environment(cache, threads)
    print(f"preparing models and inputs in {cache} ...", file=sys.stderr, flush=True)
    # in a child, so that this process stays small: a forked child's ru_maxrss can start at ours
    prepared = _child({"kind": "prepare", "cache": str(cache), "eval_dir": str(args.eval_dir or default_eval_dir())},
                      env)
    if "error" in prepared:
        sys.exit(f"speed.py: preparing the models failed: {prepared['error']}")
    models = {k: Path(v) for k, v in prepared["models"].items()}
    inputs = prepared["inputs"]
    inputs_file = _inputs_file(cache, inputs)
    tasks = ["translate", "summarize"] if args.task == "all" else [args.task]
    jobs = plan(args.device, threads, tasks, args.scale, models, str(inputs_file))
    if args.only:
        keep = set(args.only.split(","))
        jobs = [j for j in jobs if j["key"] in keep or j["key"] in ("single", "batched")]
    conversions = {}
    for job in jobs:
        if job["settings"].get("engine") == "ctranslate2":
            key = (job["model"], job["runtime"]["compute_type"])
            if key not in conversions:
                print(f"converting {Path(key[0]).name} to CTranslate2 ({key[1]}; once, then cached) ...",
                      file=sys.stderr, flush=True)
                conversions[key] = _child({"kind": "convert", "model": key[0], "runtime": job["runtime"]}, env)
    start_time = _start_time(env)
    load_before = _load_average()
    results: dict[str, list[dict[str, Any]]] = {}
    for round_ in range(args.repeat):
        for job in jobs:
            print(f"[{round_ + 1}/{args.repeat}] {job['task']}: {job['label']} ({job['items']} items) ...",
                  file=sys.stderr, flush=True)
            result = _child(job, env)
            results.setdefault(job["id"], []).append(result)
            print(f"    {_progress_line(result)}", file=sys.stderr, flush=True)
    meta = {"device": args.device, "threads": threads, "load_before": load_before, "load_after": _load_average(),
            "python": platform.python_version(), "machine": platform.processor() or platform.machine(),
            "inputs": {t: {k: v for k, v in inputs[t].items() if k != "texts"} for t in tasks},
            "start": start_time, "conversions": {f"{Path(m).name} ({r.get('folder', c)})": r
                                                 for (m, c), r in conversions.items()},
            "versions": _versions(env)}
    report = print_report(jobs, results, meta)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    if args.chart:
        from benchmarks.charts import speed_chart, speed_rows_from_report

        speed_chart(speed_rows_from_report(report), args.chart)


def _progress_line(result: dict[str, Any]) -> str:
    """One engine's figures as soon as it finishes, so that a run stopped early still says something."""
    if "error" in result:
        return f"failed: {result['error'].splitlines()[-1][:200]}"
    return (f"{result['tokens'] / result['seconds']:.1f} tok/s, {result['items']} items in {result['seconds']:.1f} s, "
            f"peak RSS {result['peak_rss_mb']:.0f} MiB")


def _inputs_file(cache: Path, inputs: dict[str, Any]) -> Path:
    path = cache / "inputs-current.json"
    path.write_text(json.dumps(inputs, ensure_ascii=False), encoding="utf-8")
    return path


def _versions(env: dict[str, str]) -> str:
    code = ("import importlib.metadata as m\n"
            "print(', '.join(f'{p} {m.version(p)}' for p in ('torch', 'transformers', 'ctranslate2')))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          check=False).stdout.strip()


if __name__ == "__main__":
    main()
