"""Names kept through translation and summary, and records that do not depend on their neighbours.

Run from the repository root (the fact sheet lives outside the repository, in ``../shared/facts``)::

    python benchmarks/names_and_determinism.py --facts ../shared/facts/el-salvador-agreement.md
    python benchmarks/names_and_determinism.py --determinism 40 --ray
    python benchmarks/names_and_determinism.py --determinism 8 --preset /tmp/tiny/pipeline.toml

Names: the offline preset (Apertium + extractive) runs over the example articles and the texts in
``benchmarks/data/names/`` (written for this benchmark from the fact sheet, in several outlets'
styles, furniture included). For each article it counts the fact sheet's names ("Names a good
translation and summary must keep intact") that occur in the article, and how many of them are
intact in its translation; and the names in the summary in the article's language, and how many
of them are intact in the summary's translation. Only the public API is used, so the same file
run in an older checkout measures "before".

Determinism: the same number of articles (the ones above, and variants made by dropping one
paragraph) run alone, as one batch, in a shuffled batch, and (``--ray``) through the Ray batch
engine; it prints how many records differ from the alone run. The identity rule covers the whole
record except ``timings`` and the batch annotations ``story`` and ``duplicate_of``, which describe
the set of inputs, not the document (a Ray batch adds them; a run alone has none).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarize import Pipeline
from summarize.document import Source

NAMES_HEADING = "## Names a good translation and summary must keep intact"
TEXTS = ROOT / "benchmarks" / "data" / "names"
EXAMPLES = [ROOT / "examples" / "oferta-carcel-cecot.es.txt", ROOT / "examples" / "rubio-bukele-prison-offer.en.txt"]


def fact_names(facts: Path) -> list[tuple[str, ...]]:
    """The fact sheet's names; each item lists a name's accepted spellings."""
    section = facts.read_text(encoding="utf-8").split(NAMES_HEADING, 1)[1].split("\n## ", 1)[0]
    return [tuple(v.strip() for v in item.split("/")) for item in re.split(r"·|\n", section) if item.strip()]


def present(name: tuple[str, ...], text: str) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text) for v in name)


def articles() -> list[Path]:
    return EXAMPLES + sorted(TEXTS.glob("*.txt"))


def names_table(facts: Path) -> None:
    names = fact_names(facts)
    pipeline = Pipeline.from_preset("offline")
    paths = articles()
    results = pipeline.run([str(p) for p in paths])
    totals = {"es": [0, 0, 0, 0], "en": [0, 0, 0, 0]}
    print("| article | lang | names in article | intact in translation | names in summary | intact in its translation |")
    print("|---|---|---:|---:|---:|---:|")
    for path, result in zip(paths, results, strict=True):
        lang = result.source_lang
        other = "en" if lang == "es" else "es"
        source = "\n".join(filter(None, [result.title, result.text]))
        translation = result.translation
        target = "\n".join(filter(None, [translation.title, translation.text])) if translation else ""
        in_article = [n for n in names if present(n, source)]
        in_summary = [n for n in names if present(n, result.summaries.get(lang, ""))]
        row = [len(in_article), sum(present(n, target) for n in in_article),
               len(in_summary), sum(present(n, result.summaries.get(other, "")) for n in in_summary)]
        totals[lang] = [a + b for a, b in zip(totals[lang], row, strict=True)]
        print(f"| {path.name} | {lang} | {row[0]} | {row[1]} | {row[2]} | {row[3]} |")
    for lang, (a, b, c, d) in totals.items():
        print(f"| **all {lang}** | {lang} | {a} | {b} ({b / max(a, 1):.0%}) | {c} | {d} ({d / max(c, 1):.0%}) |")


def variants(n: int) -> list[Source]:
    """``n`` articles: the texts, then copies that each drop one paragraph."""
    texts = [p.read_text(encoding="utf-8") for p in articles()]
    out = list(texts)
    k = 0
    while len(out) < n:
        paragraphs = texts[k % len(texts)].split("\n\n")
        drop = 1 + (k // len(texts)) % max(1, len(paragraphs) - 1)
        out.append("\n\n".join(p for i, p in enumerate(paragraphs) if i != drop))
        k += 1
    return [Source.from_text(t, id=f"doc{i:02d}") for i, t in enumerate(out[:n])]


NOT_COMPARED = ("timings", "story", "duplicate_of")


def _record(result: object) -> str:
    data = result.to_dict()  # type: ignore[attr-defined]
    for key in NOT_COMPARED:
        data.pop(key, None)
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def determinism(n: int, ray: bool, preset: str = "offline") -> None:
    sources = variants(n)
    pipeline = Pipeline.from_preset(preset)
    alone = {s.id: _record(pipeline.run([s])[0]) for s in sources}
    runs: dict[str, dict[str, str]] = {}
    runs["one batch"] = {s.id: _record(r) for s, r in zip(sources, pipeline.run(sources), strict=True)}
    shuffled = list(sources)
    random.Random(12).shuffle(shuffled)
    runs["shuffled batch"] = {s.id: _record(r) for s, r in zip(shuffled, pipeline.run(shuffled), strict=True)}
    if ray:
        # a batch record adds the manifest's bookkeeping: compare each record's pipeline fields, the
        # fields its alone record has (a field the Ray record lacks counts as a difference)
        batch = _ray_records(sources, pipeline)
        runs["ray (2 actors)"] = {k: json.dumps({f: batch[k].get(f) for f in json.loads(alone[k])}, sort_keys=True,
                                                ensure_ascii=False) for k in alone}
    print(f"| run ({n} articles) | records differing from the alone run |")
    print("|---|---:|")
    for name, records in runs.items():
        print(f"| {name} | {sum(records[k] != alone[k] for k in alone)} |")
        differing = next((k for k in alone if records[k] != alone[k]), None)
        if differing is not None:  # what differs, to start looking
            mine, theirs = json.loads(alone[differing]), json.loads(records[differing])
            fields = sorted(f for f in set(mine) | set(theirs) if mine.get(f) != theirs.get(f))
            print(f"{name}: {differing} differs in {', '.join(fields)}", file=sys.stderr)


def _ray_records(sources: list[Source], pipeline: Pipeline) -> dict[str, dict]:
    """The records of a ``batch`` run on the Ray engine, by id (the fields not compared removed)."""
    from summarize.batch import BatchOptions, RayOptions, run_batch
    from summarize.batch.ray import init_ray

    with tempfile.TemporaryDirectory() as folder:
        manifest = Path(folder) / "m.jsonl"
        manifest.write_text("".join(json.dumps({"id": s.id, "text": s.value}) + "\n" for s in sources),
                            encoding="utf-8")
        out = Path(folder) / "out.jsonl"
        init_ray(RayOptions(num_cpus=2))
        run_batch([str(manifest)], pipeline, BatchOptions(str(out), engine="ray", batch_docs=8,
                                                          engine_options=RayOptions(workers=2)))
        records = {}
        for line in out.read_text(encoding="utf-8").splitlines():
            data = json.loads(line)
            for key in NOT_COMPARED:
                data.pop(key, None)
            records[data["id"]] = data
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--facts", type=Path, default=ROOT.parent / "shared" / "facts" / "el-salvador-agreement.md")
    parser.add_argument("--determinism", type=int, metavar="N", help="compare alone/batch/shuffled runs of N articles")
    parser.add_argument("--ray", action="store_true", help="with --determinism: also through the Ray engine")
    parser.add_argument("--preset", default="offline",
                        help="with --determinism: the pipeline (a preset name or a TOML file; tiny random-weight "
                             "models: summarize.testing.build_preset)")
    args = parser.parse_args()
    if args.determinism:
        determinism(args.determinism, args.ray, args.preset)
    else:
        names_table(args.facts)


if __name__ == "__main__":
    main()
