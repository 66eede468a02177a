"""What running an engine in a worker process costs: start-up, and each call, against the same engine in-process.

    python benchmarks/isolation.py                 # the extractive engine (no model): the pure overhead
    python benchmarks/isolation.py --gguf FILE     # + a real llama.cpp model, in-process and in its worker

The ``native_code`` engines (llama.cpp) run in a worker process (:mod:`summarize.backends.worker`)
so that a crash costs one input. The rows put the same engine side by side, called the same way:
in this process, and through :class:`~summarize.backends.isolated.IsolatedSummarizer`. ``start``
is the first call (the worker's interpreter, its imports and the model's load); ``per call`` the
median of the next ``--calls`` calls on one article each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from summarize.backends.adapt import build_summarizer
from summarize.backends.base import LengthSpec
from summarize.backends.isolated import IsolatedSummarizer
from summarize.config import RuntimeConfig, SummarizeConfig

ARTICLE = (ROOT / "examples" / "rubio-bukele-prison-offer.en.txt").read_text(encoding="utf-8")
LENGTH = LengthSpec(words=40)


def _timed(engine, text: str, calls: int) -> tuple[float, float]:
    start = time.perf_counter()
    engine.load()
    engine.summarize_noted([text], "en", LENGTH)
    first = time.perf_counter() - start
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        engine.summarize_noted([text], "en", LENGTH)
        times.append(time.perf_counter() - start)
    return first, statistics.median(times)


def _row(name: str, cls: type, config: SummarizeConfig, text: str, calls: int) -> list[str]:
    runtime = RuntimeConfig(device="cpu")
    local = _timed(build_summarizer(cls, config, runtime), text, calls)
    isolated_engine = IsolatedSummarizer(cls, config, runtime)
    remote = _timed(isolated_engine, text, calls)
    isolated_engine.close()
    overhead = (remote[1] - local[1]) * 1000
    return [name, f"{local[0]:.2f}", f"{remote[0]:.2f}", f"{local[1] * 1000:.1f}", f"{remote[1] * 1000:.1f}",
            f"{overhead:+.1f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20, help="calls timed after the first (default 20)")
    parser.add_argument("--gguf", help="a GGUF chat model for the llama.cpp rows")
    args = parser.parse_args()
    from summarize.backends.extractive import ExtractiveSummarizer

    rows = [_row("extractive (no model)", ExtractiveSummarizer, SummarizeConfig(engine="extractive", words=40),
                 ARTICLE, args.calls)]
    if args.gguf:
        from summarize.backends.llamacpp import LlamaCppSummarizer

        config = SummarizeConfig(engine="llamacpp", model=args.gguf, words=40, options={"context": 2048})
        short = " ".join(ARTICLE.split()[:150])
        rows.append(_row("llamacpp", LlamaCppSummarizer, config, short, max(1, args.calls // 10)))
    header = ["engine", "start s (here)", "start s (worker)", "per call ms (here)", "per call ms (worker)",
              "worker's cost ms"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)))


if __name__ == "__main__":
    main()
