"""Batch throughput: articles a minute for 200 mixed Spanish/English articles, local and on Ray.

The corpus is generated, deterministically (seed 2025), by recombining the paragraphs of the
example articles (``examples/*.txt``) and the inline texts of ``examples/manifest.jsonl``: each
article takes a headline and three to six paragraphs of one language, in a random order; half the
articles are Spanish, half English, and 10 of the 200 (5 %) are exact copies of earlier ones, as
a wire feed repeats stories (the batch engine processes a repeated text once). The pool is small
(about 60 distinct sentences), and the translator translates a sentence once per model group, so
plain recombination would measure mostly deduplication: every sentence of article N therefore
carries a short tag before its final stop ("(report N)", "(informe N)"), which makes the sentences
of different articles distinct at the cost of about four tokens each, as in real news where
sentences rarely repeat. The text cache is off: every run does its model work.

Each configuration runs ``summarize.batch.run_batch`` over a folder of the articles as .txt files
(the directory input, the reader threads and the JSONL writer all take part), from a cold start:
the wall time includes loading the models (once per process locally, once per actor on Ray).

Configurations (``--configs``):

* ``offline``: the shipped ``offline`` preset (Apertium + extractive), nothing random;
* ``default``, ``fast``, ``transformers``: the shipped presets of those names with their models
  replaced by random-weight models of the real configurations (opus-mt-es-en / -en-es, 77M each;
  distilbart-cnn-12-6, 306M; ``--size tiny`` for a quick look), built once into the benchmark
  cache (``$SUMMARIZE_BENCH_CACHE``, default ``~/.cache/summarize-bench``) and converted once to
  CTranslate2 where the preset runs on it.

Random weights never emit the end token, so each output would run to its length cap (200
articles: about seven hours an engine on 2 cores). The neural engines therefore run with forced
realistic output lengths (:mod:`summarize.testing.forced`): a translation batch decodes
``--ratio`` times its longest input's tokens, a summary the token count of its word budget
(``--tokens-per-word``), the repetition guard's second pass off; outputs are still the random
models' own, and every record names the forced lengths in its ``engines``. Ray actors get the
same engines in the pipeline's spec (its registry) and the lengths through a worker setup hook.

Besides articles a minute, each run prints the share of the time per stage, summed over the
records' ``timings`` (read = ``load``, detect, names, translate, summarize, summary translation;
the model stages' time of a group is split evenly over its documents) plus the time the writer
spends appending and syncing the JSONL output (timed around ``Journal.append``/``sync``, since a
record cannot carry the time of its own writing). Reading runs on threads beside the model work,
so the shares are of the stage time, not of the wall time. On Ray the actors' records carry their
own timings; the driver writes. The ``forced`` column counts the records whose engines name
forced lengths (on Ray, the proof that the spec's engines and the setup hook's lengths arrived); ``map_reduce`` those
summarized chunk by chunk (random output text can take more tokens than a trained model's once
tokenized again, which pushes a translated article past the summarizer's window).

Commands (from the repository root):

    python benchmarks/batch_throughput.py --configs offline,default,fast --limit 8 --engines local,ray   # the default --limit
    python benchmarks/batch_throughput.py --configs offline,default,fast --limit 40 --engines local,ray
    python benchmarks/batch_throughput.py --configs offline,default,fast --limit 200 --engines local,ray  # all 200 articles

(On 2 cores shared with other jobs, the ``default`` local row of ``--limit 8`` took 32 minutes,
CTranslate2 conversion included; see benchmarks/README.md for the estimates on a quiet machine.)
    python benchmarks/batch_throughput.py --configs transformers --limit 8                          # the marian/seq2seq engines
    python benchmarks/batch_throughput.py --configs default --device cuda --limit 200 --engines local    # a GPU

``--json FILE`` also writes every row (with its stage seconds) as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._stand_ins import random_models, stand_in_preset
from summarize.batch import BatchOptions, RayOptions, run_batch
from summarize.pipeline import Pipeline
from summarize.text.segment import split_paragraphs, split_sentences

ARTICLES = 200
DUPLICATES = 10
SEED = 2025
_END = re.compile(r"^(.*?)([.!?…]+[\"'»”]*)$", re.DOTALL)


def paragraph_pools() -> dict[str, tuple[list[str], list[str]]]:
    """Per language, (headlines, paragraphs) from the examples."""
    pools: dict[str, tuple[list[str], list[str]]] = {"es": ([], []), "en": ([], [])}
    for path in sorted((ROOT / "examples").glob("*.txt")):
        lang = path.name.split(".")[-2]
        headline, *body = split_paragraphs(path.read_text(encoding="utf-8"))
        pools[lang][0].append(headline)
        pools[lang][1].extend(body)
    for line in (ROOT / "examples" / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if "text" in entry:
            lang = entry.get("lang") or entry["id"].rsplit("-", 1)[-1]
            pools[lang][1].append(entry["text"])
    return pools


def make_corpus(n: int = ARTICLES, duplicates: int = DUPLICATES, seed: int = SEED) -> list[tuple[str, str]]:
    """``(language, text)`` for n articles, the last ``duplicates`` of them copies of earlier ones."""
    rng = random.Random(seed)
    pools = paragraph_pools()
    articles: list[tuple[str, str]] = []
    for i in range(n - duplicates):
        lang = "es" if i % 2 == 0 else "en"
        headlines, paragraphs = pools[lang]
        body = rng.sample(paragraphs, rng.randint(3, min(6, len(paragraphs))))
        tag = f"(informe {i})" if lang == "es" else f"(report {i})"
        body = [" ".join(_tagged(s, tag) for s in split_sentences(p, lang) if s.strip()) for p in body]
        articles.append((lang, "\n\n".join([rng.choice(headlines), *body]) + "\n"))
    articles.extend(rng.choice(articles[: n - duplicates]) for _ in range(duplicates))
    rng.shuffle(articles)
    return articles


def _tagged(sentence: str, tag: str) -> str:
    """The sentence with ``tag`` before its closing punctuation."""
    match = _END.match(sentence.strip())
    return f"{match.group(1)} {tag}{match.group(2)}" if match else f"{sentence.strip()} {tag}"


def write_corpus(folder: Path, articles: list[tuple[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, (lang, text) in enumerate(articles):
        (folder / f"article-{i:03d}.{lang}.txt").write_text(text, encoding="utf-8")


def distinct_sentences(articles: list[tuple[str, str]]) -> tuple[int, int]:
    """(all sentences, distinct sentences) in the corpus."""
    sentences = [s.strip() for lang, text in articles for p in split_paragraphs(text) for s in split_sentences(p, lang)]
    return len(sentences), len(set(sentences))


CONFIGS = ("offline", "default", "fast", "transformers")
NEURAL = ("default", "fast", "transformers")
# the records' timings (summarize.pipeline) by stage, and the writer's time measured here
STAGES = (("read", "load"), ("detect", "detect"), ("names", "names"), ("translate", "translate"),
          ("summarize", "summarize"), ("summary translation", "summary_translate"))


class WriteClock:
    """Seconds the batch writer spends in ``Journal.append`` and ``Journal.sync`` (this process)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> Self:
        from summarize.batch.journal import Journal

        self._saved = {name: getattr(Journal, name) for name in ("append", "sync")}
        for name, method in self._saved.items():
            setattr(Journal, name, self._timed(method))
        return self

    def _timed(self, method: Any) -> Any:
        def timed(journal: Any, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return method(journal, *args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
        return timed

    def __exit__(self, *exc: object) -> None:
        from summarize.batch.journal import Journal

        for name, method in self._saved.items():
            setattr(Journal, name, method)


def read_records(output: Path, write_s: float) -> tuple[dict[str, float], int, int]:
    """Seconds per stage, summed over the output's records, plus the writer's; how many records
    say their model outputs had forced lengths (proof the forced engines ran there); and how many
    were summarized chunk by chunk (map-reduce: more summarizer calls than one an article)."""
    totals = dict.fromkeys([label for label, _ in STAGES] + ["write"], 0.0)
    forced = chunked = 0
    for line in output.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        timings = record.get("timings") or {}
        for label, key in STAGES:
            totals[label] += float(timings.get(key, 0.0))
        forced += any("forced_lengths" in e for e in (record.get("engines") or {}).values() if isinstance(e, dict))
        chunked += any("map-reduce" in str(w) for w in record.get("warnings") or [])
    totals["write"] = write_s
    return {k: round(v, 3) for k, v in totals.items()}, forced, chunked


def shares(seconds: dict[str, float]) -> str:
    total = sum(seconds.values()) or 1.0
    return " ".join(f"{label} {100 * v / total:.1f}%" for label, v in seconds.items())


def start_ray(args: argparse.Namespace, lengths: Any) -> None:
    """Start a local Ray whose workers import this checkout and set the forced lengths first (the engines travel in the spec)."""
    import logging

    import ray

    from summarize.testing.forced import ray_runtime_env

    runtime_env = ray_runtime_env(lengths)
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    runtime_env["env_vars"].update(PYTHONPATH=path, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    ray.init(num_cpus=args.ray_cpus, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False,
             runtime_env=runtime_env)


def run_one(label: str, preset: str, engine: str, corpus: Path, out: Path,
            args: argparse.Namespace) -> dict[str, object]:
    overrides = {"device": args.device, "sentences": args.sentences, "batch_size": args.batch_size,
                 "threads": args.threads}
    pipeline = Pipeline.from_preset(preset, registry=args.registry,
                                    **{k: v for k, v in overrides.items() if v is not None})
    ray_options = RayOptions(workers=args.workers, num_cpus=args.ray_cpus) if engine == "ray" else None
    options = BatchOptions(str(out), overwrite=True, batch_docs=args.batch_docs, engine=engine,
                           engine_options=ray_options)
    start = time.monotonic()
    with WriteClock() as writes:
        summary = run_batch([str(corpus)], pipeline, options)
    wall = time.monotonic() - start
    seconds, forced, chunked = read_records(out, writes.seconds)
    return {"config": label, "engine": engine, "articles": summary.total, "done": summary.done,
            "failed": summary.failed, "forced": forced, "map_reduce": chunked, "wall_s": round(wall, 1),
            "per_minute": f"{summary.total * 60 / wall:.3g}",
            "stage_shares": shares(seconds), "stage_seconds": seconds}


def _device_name(device: str) -> str:
    """``cpu``, or the GPU's name for a CUDA device."""
    if not device.startswith("cuda"):
        return device
    import torch

    return f"{device} ({torch.cuda.get_device_name(device)})"


def main() -> None:
    from benchmarks._inputs import default_cache
    from summarize.registry import default_registry
    from summarize.testing.forced import ForcedLengths, install

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default="offline,default,fast",
                        help=f"comma-separated, of: {', '.join(CONFIGS)}, or a preset name/TOML (run as it is)")
    parser.add_argument("--size", default="real", choices=["tiny", "real"], help="random-weight models' size")
    parser.add_argument("--cache-dir", type=Path, default=None, help="random-weight models (default: "
                        "$SUMMARIZE_BENCH_CACHE or ~/.cache/summarize-bench)")
    parser.add_argument("--engines", default="local,ray", help="comma-separated: local, ray")
    parser.add_argument("--limit", type=int, default=8,
                        help="run only the first N of the 200 articles (default 8; the rate is per minute)")
    parser.add_argument("--batch-docs", type=int, default=16)
    parser.add_argument("--workers", type=int, help="Ray actors (default: one per CPU)")
    parser.add_argument("--ray-cpus", type=int, help="CPUs of the local Ray instance (default: all)")
    parser.add_argument("--threads", type=int, help="model threads per process/actor (default: cores, 1 per actor)")
    parser.add_argument("--sentences", type=int, default=None, help="summary length in sentences (default: "
                        "the preset's)")
    parser.add_argument("--device", default="cpu", help="cpu (default), cuda or cuda:N: where the models run")
    parser.add_argument("--batch-size", type=int, help="texts a model call, both tasks (default: the preset's)")
    parser.add_argument("--ratio", type=float, default=ForcedLengths.ratio,
                        help="forced translation tokens per source token")
    parser.add_argument("--tokens-per-word", type=float, default=ForcedLengths.tokens_per_word,
                        help="forced summary tokens per word of the budget")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args.registry = default_registry()  # the forced engines: carried by each pipeline's spec, to Ray actors too
    lengths = install(args.registry, ForcedLengths(ratio=args.ratio, tokens_per_word=args.tokens_per_word))
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="summarize-bench-") as tmp:
        presets: list[tuple[str, str]] = []
        for name in configs:
            if name in NEURAL:
                models = random_models(args.size, args.cache_dir or default_cache())
                presets.append((f"{name} (random {args.size})", stand_in_preset(name, models, Path(tmp))))
            else:
                presets.append((name, name))
        articles = make_corpus()[: args.limit]
        total, unique = distinct_sentences(articles)
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, articles)
        print(f"# {len(articles)} articles ({sum(1 for lang, _ in articles if lang == 'es')} es), "
              f"{total} sentences, {unique} distinct; {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.1f} at start; models on {_device_name(args.device)}; forced lengths "
              f"{lengths.to_env()}", flush=True)
        if "ray" in engines:
            start_ray(args, lengths)
        print("config\tengine\tarticles\tdone\tfailed\tforced\tmap_reduce\twall_s\tarticles_per_minute\tshare of stage time", flush=True)
        for label, preset in presets:
            for engine in engines:
                row = run_one(label, preset, engine, corpus, Path(tmp) / f"out-{engine}.jsonl", args)
                rows.append(row)
                print("\t".join(str(v) for k, v in row.items() if k != "stage_seconds"), flush=True)
        print(f"# load average {os.getloadavg()[0]:.1f} at the end", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"forced_lengths": lengths.to_env(), "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
