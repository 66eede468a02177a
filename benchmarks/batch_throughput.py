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

Random-weight models (``--random-models``) have the real configurations but never stop early: they
generate up to each length limit and often trip the repetition guard (a second translation pass),
so they do at least the work of the trained models, usually more.

Commands (from the repository root; the numbers in the closing note of issue 4 came from these):

    python benchmarks/batch_throughput.py --pipeline offline --engines local,ray
    python benchmarks/batch_throughput.py --random-models tiny --engines local,ray
    python benchmarks/batch_throughput.py --random-models real --limit 8 --engines local,ray         # ~40 min, 2 cores
    python benchmarks/batch_throughput.py --random-models real --limit 8 --engines local,ray --fast  # CTranslate2
    python benchmarks/batch_throughput.py --random-models real --device cuda --batch-size 32 --batch-docs 40 \
        --limit 40 --engines local                                                                 # a GPU

With random-weight models of the real configurations, 200 articles take about seven hours an
engine on 2 cores (every output runs to its cap), hence ``--limit``; the rate is per minute either way.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def random_preset(size: str, folder: Path) -> str:
    """A pipeline TOML naming random-weight models of the given size (built once into folder)."""
    from summarize.testing import build_preset

    toml = folder / size / "pipeline.toml"
    if not toml.is_file():
        print(f"building {size} random-weight models in {toml.parent} ...", file=sys.stderr)
        build_preset(toml.parent, size=size)
    return str(toml)


def run_one(label: str, preset: str, engine: str, corpus: Path, out: Path,
            args: argparse.Namespace) -> dict[str, object]:
    overrides = {"device": args.device, "sentences": args.sentences, "batch_size": args.batch_size,
                 "fast": args.fast}
    if args.threads:
        overrides["threads"] = args.threads
    pipeline = Pipeline.from_preset(preset, **overrides)
    options = BatchOptions(str(out), overwrite=True, batch_docs=args.batch_docs, engine=engine,
                           ray=RayOptions(workers=args.workers, num_cpus=args.ray_cpus))
    start = time.monotonic()
    summary = run_batch([str(corpus)], pipeline, options)
    wall = time.monotonic() - start
    return {"pipeline": label, "engine": engine, "articles": summary.total, "done": summary.done,
            "failed": summary.failed, "wall_s": round(wall, 1), "per_minute": f"{summary.total * 60 / wall:.3g}"}


def _device_name(device: str) -> str:
    """``cpu``, or the GPU's name for a CUDA device."""
    if not device.startswith("cuda"):
        return device
    import torch

    return f"{device} ({torch.cuda.get_device_name(device)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipeline", action="append", default=[], help="preset name or TOML (repeatable)")
    parser.add_argument("--random-models", action="append", default=[], choices=["tiny", "real"],
                        help="also run random-weight models of this size (repeatable)")
    parser.add_argument("--models-dir", default=str(Path(tempfile.gettempdir()) / "summarize-bench-models"))
    parser.add_argument("--engines", default="local,ray", help="comma-separated: local, ray")
    parser.add_argument("--limit", type=int, help="run only the first N articles (the rate is still per minute)")
    parser.add_argument("--batch-docs", type=int, default=16)
    parser.add_argument("--workers", type=int, help="Ray actors (default: one per CPU)")
    parser.add_argument("--ray-cpus", type=int, help="CPUs of the local Ray instance (default: all)")
    parser.add_argument("--threads", type=int, help="torch threads per process/actor (default: cores, 1 per actor)")
    parser.add_argument("--sentences", type=int, default=3)
    parser.add_argument("--device", default="cpu", help="cpu (default), cuda or cuda:N: where the models run")
    parser.add_argument("--batch-size", type=int, help="texts a model call, both tasks (default: the preset's)")
    parser.add_argument("--fast", action="store_true", help="run the preset's models on CTranslate2 (like --fast)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    presets = [(name, name) for name in args.pipeline]
    presets += [(f"random-{size}", random_preset(size, Path(args.models_dir))) for size in args.random_models]
    if not presets:
        parser.error("name at least one --pipeline or --random-models")

    articles = make_corpus()[: args.limit]
    total, unique = distinct_sentences(articles)
    with tempfile.TemporaryDirectory(prefix="summarize-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, articles)
        print(f"# {len(articles)} articles ({sum(1 for lang, _ in articles if lang == 'es')} es), "
              f"{total} sentences, {unique} distinct; {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.1f} at start; models on {_device_name(args.device)}"
              f"{' (CTranslate2)' if args.fast else ''}", flush=True)
        print("pipeline\tengine\tarticles\tdone\tfailed\twall_s\tarticles_per_minute", flush=True)
        for label, preset in presets:
            for engine in args.engines.split(","):
                row = run_one(label, preset, engine.strip(), corpus, Path(tmp) / f"out-{engine}.jsonl", args)
                print("\t".join(str(v) for v in row.values()), flush=True)


if __name__ == "__main__":
    main()
