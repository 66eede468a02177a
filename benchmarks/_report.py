"""The speed benchmark's table: rates, ratios to the two baselines, memory, load times, targets."""

from __future__ import annotations

from typing import Any

__all__ = ["print_report"]

TITLES = {
    "translate": "Translation: opus-mt-es-en configuration (77M parameters, random weights), greedy, "
                 "{tokens} output tokens forced; inputs: {source}, cut to <= 30 tokens (mean {mean})",
    "summarize": "Summarization: distilbart-cnn-12-6 configuration (306M parameters, random weights), the "
                 "model's 4-beam search, {tokens} output tokens forced; inputs: {source}, cut to <= 512 tokens "
                 "(mean {mean})",
}
# the issue's targets: (4) against (1) and (2), and (4)'s peak memory against plain transformers fp32
TARGETS = {"translate": {1: 25.0, 2: 3.0}, "summarize": {1: 4.0}}
MEMORY_TARGET = 0.5


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    good = [r for r in runs if "error" not in r]
    if not good:
        return runs[-1]
    return max(good, key=lambda r: r["tokens"] / r["seconds"])


def _rate(result: dict[str, Any]) -> float | None:
    return None if "error" in result else result["tokens"] / result["seconds"]


def _cpu_rate(result: dict[str, Any]) -> float | None:
    """Output tokens per second of CPU time: steadier than wall time on a machine shared with others."""
    if "error" in result or not result.get("cpu_seconds"):
        return None
    return float(result["tokens"] / result["cpu_seconds"])


def _row(job: dict[str, Any], result: dict[str, Any], base: dict[int, float | None]) -> str:
    name = f"({job['role']}) {job['label']}" if job["role"] else f"    {job['label']}"
    if "error" in result:
        return f"{name:<70} failed: {result['error'].splitlines()[-1][:120]}"
    rate = result["tokens"] / result["seconds"]
    per_minute = result["items"] / result["seconds"] * 60
    ratios = [f"{rate / b:7.1f}x" if b else "      - " for b in (base.get(1), base.get(2))]
    gpu = f"  GPU {result['gpu_peak_mb']:.0f} MiB" if result.get("gpu_peak_mb") else ""
    articles = f"{per_minute:9.1f}" if job["task"] == "summarize" else ""
    cpu_rate = _cpu_rate(result)
    cpu = f"{cpu_rate:>11.1f}" if cpu_rate else f"{'-':>11}"
    return (f"{name:<70}{job['items']:>6}{rate:>10.1f}{articles}{ratios[0]}{ratios[1]}"
            f"{result['peak_rss_mb']:>9.0f}{result['load_s']:>8.1f}{cpu}{gpu}")


def _header(task: str) -> str:
    articles = "  art/min" if task == "summarize" else ""
    return (f"{'engine':<70}{'items':>6}{'tok/s':>10}{articles}{'vs (1)':>8}{'vs (2)':>8}{'RSS MiB':>9}"
            f"{'load s':>8}{'tok/CPU-s':>11}")


def _targets(task: str, by_role: dict[int, dict[str, Any]]) -> list[str]:
    fastest = by_role.get(4)
    if not fastest or "error" in fastest:
        return ["targets: no result for (4)"]
    lines = []
    for role, target in TARGETS[task].items():
        base = by_role.get(role)
        if base and "error" not in base:
            ratio = _rate(fastest) / _rate(base)  # type: ignore[operator]
            fast_cpu, base_cpu = _cpu_rate(fastest), _cpu_rate(base)
            by_cpu = f"; by CPU time {fast_cpu / base_cpu:.1f}x" if fast_cpu and base_cpu else ""
            lines.append(f"(4) vs ({role}): {ratio:.1f}x (target {target:g}x: {'met' if ratio >= target else 'NOT met'})"
                         + by_cpu)
    plain = by_role.get(2)
    if plain and "error" not in plain:
        share = fastest["peak_rss_mb"] / plain["peak_rss_mb"]
        lines.append(f"peak RSS (4) / (2) transformers fp32: {share:.2f} "
                     f"(target <= {MEMORY_TARGET}: {'met' if share <= MEMORY_TARGET else 'NOT met'})")
    return lines


def print_report(jobs: list[dict[str, Any]], results: dict[str, list[dict[str, Any]]],
                 meta: dict[str, Any]) -> dict[str, Any]:
    """Print the table to stdout and return everything as one JSON-ready dict."""
    print(f"summarize speed benchmark: device {meta['device']}, {meta['threads']} thread(s), {meta['machine']}, "
          f"Python {meta['python']}, {meta['versions']}")
    print(f"load average (1/5/15 min) before: {meta['load_before']}; after: {meta['load_after']}")
    best = {job["id"]: _best(results[job["id"]]) for job in jobs}
    summary: dict[str, Any] = {"meta": meta, "tasks": {}}
    for task in dict.fromkeys(job["task"] for job in jobs):
        rows = [j for j in jobs if j["task"] == task]
        by_role = {j["role"]: best[j["id"]] for j in rows if j["role"]}
        base = {role: _rate(by_role[role]) if role in by_role else None for role in (1, 2)}
        info = meta["inputs"][task]
        print()
        print(TITLES[task].format(tokens=rows[0]["new_tokens"], source=info["source"], mean=info["mean_tokens"]))
        print(_header(task))
        for job in rows:
            print(_row(job, best[job["id"]], base))
        checks = _targets(task, by_role)
        for line in checks:
            print(line)
        summary["tasks"][task] = {"rows": [{**j, "result": best[j["id"]], "runs": results[j["id"]]} for j in rows],
                                  "targets": checks}
    start = meta["start"]
    print()
    print(f"start: 'summarize --help' {start['help_s']:.2f} s (a bare Python start: {start['python_s']:.2f} s); "
          f"torch imported: {'yes' if start['torch_imported'] else 'no'}")
    print("load: 'load s' is process start to model ready (imports included), once a process")
    for name, conversion in meta["conversions"].items():
        if "error" in conversion:
            state = "failed: " + conversion["error"].splitlines()[-1]
        else:
            state = "already cached" if conversion["cached"] else f"{conversion['seconds']:.1f} s"
        print(f"CTranslate2 conversion of {name} (once, then cached): {state}")
    return summary
