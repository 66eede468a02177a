"""Story-desk benchmarks: cross-language story grouping, near-duplicate detection, digest cost.

    python benchmarks/story_desk.py grouping     # FLORES-200 devtest, Apertium translations
    python benchmarks/story_desk.py duplicates   # MLSUM-es + CNN/DM copies with edits of known size
    python benchmarks/story_desk.py throughput   # batch --digest against plain batch, same 200 articles

Data comes from ``../shared/eval`` (``--eval-dir`` or ``$SUMMARIZE_EVAL_DIR``); nothing is copied.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _eval_dir(value: str | None) -> Path:
    path = Path(value or os.environ.get("SUMMARIZE_EVAL_DIR") or ROOT.parent / "shared" / "eval")
    if not path.is_dir():
        sys.exit(f"no evaluation data at {path}; pass --eval-dir")
    return path


def flores_articles(eval_dir: Path) -> list[tuple[str, list[str], list[str]]]:
    """FLORES-200 devtest grouped by source URL: ``(url, english sentences, spanish sentences)``."""
    folder = eval_dir / "flores200"
    en = (folder / "eng_Latn.devtest").read_text(encoding="utf-8").splitlines()
    es = (folder / "spa_Latn.devtest").read_text(encoding="utf-8").splitlines()
    with (folder / "metadata_devtest.tsv").open(encoding="utf-8") as f:
        urls = [row["URL"] for row in csv.DictReader(f, delimiter="\t")]
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for url, e, s in zip(urls, en, es, strict=True):
        groups.setdefault(url, ([], []))
        groups[url][0].append(e)
        groups[url][1].append(s)
    return [(url, e, s) for url, (e, s) in groups.items()]


def grouping_inputs(articles, mixed: int = 200) -> list[dict]:
    """``mixed`` articles in one language each (alternately es, en), the rest in both."""
    entries = []
    for i, (url, en, es) in enumerate(articles):
        langs = (("es",) if i % 2 == 0 else ("en",)) if i < mixed else ("es", "en")
        for lang in langs:
            entries.append({"id": f"{i}-{lang}", "article": i, "lang": lang, "text": " ".join(en if lang == "en" else es)})
    return entries


def _records(entries: list[dict], preset: str = "offline") -> tuple[list[dict], float]:
    from summarize.batch.journal import to_record
    from summarize.document import Source
    from summarize.pipeline import Pipeline

    pipeline = Pipeline.from_preset(preset)
    sources = [Source.from_text(e["text"], id=e["id"], lang=e["lang"]) for e in entries]
    start = time.perf_counter()
    records = [to_record(s, o) for _, s, o in pipeline.stream(sources, summarize=False)]
    return records, time.perf_counter() - start


def grouping(args: argparse.Namespace) -> dict:
    from summarize.desk.stories import StoryIndex

    articles = flores_articles(_eval_dir(args.eval_dir))
    entries = grouping_inputs(articles, args.mixed)
    article_of = {e["id"]: e["article"] for e in entries}
    if args.records and Path(args.records).exists():
        records, seconds = json.loads(Path(args.records).read_text(encoding="utf-8")), 0.0
    else:
        records, seconds = _records(entries)
        if args.records:
            Path(args.records).write_text(json.dumps(records), encoding="utf-8")
    order = {e["id"]: n for n, e in enumerate(entries)}
    records.sort(key=lambda r: order[r["id"]])
    out = {"articles": len(articles), "records": len(records), "translate_seconds": round(seconds, 1), "by_threshold": {}}
    for threshold in args.thresholds:
        index = StoryIndex(threshold=threshold)
        story = {r["id"]: index.assign(r) for r in records}
        both = [a for a in range(args.mixed, len(articles))]
        together = sum(story[f"{a}-es"] == story[f"{a}-en"] for a in both)
        members: dict[str, list[str]] = defaultdict(list)
        for rid, s in story.items():
            members[s].append(rid)
        wrong_pairs = same_pairs = 0
        for ids in members.values():
            for x, y in itertools.combinations(ids, 2):
                if article_of[x] == article_of[y]:
                    same_pairs += 1
                else:
                    wrong_pairs += 1
        all_wrong = sum(1 for x, y in itertools.combinations(story, 2) if article_of[x] != article_of[y])
        merged = sum(1 for rid in story if any(article_of[o] != article_of[rid] for o in members[story[rid]]))
        out["by_threshold"][str(threshold)] = {
            "es_en_same_story": f"{together}/{len(both)} ({100 * together / len(both):.1f}%)",
            "wrongly_merged_pairs": f"{wrong_pairs}/{all_wrong} ({100 * wrong_pairs / all_wrong:.3f}%)",
            "records_sharing_a_story_with_another_article": f"{merged}/{len(story)} ({100 * merged / len(story):.1f}%)",
            "pair_precision": round(same_pairs / (same_pairs + wrong_pairs), 3) if same_pairs + wrong_pairs else None,
            "stories": len(members),
        }
    return out


_SENT = re.compile(r"(?<=[.!?])\s+")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENT.split(text.strip()) if s]


def real_articles(eval_dir: Path, limit: int) -> list[str]:
    """MLSUM-es and CNN/DM article texts (half each, up to ``limit``)."""
    mlsum = [json.loads(line)["text"] for line in (eval_dir / "mlsum_es" / "dev250.jsonl").open(encoding="utf-8")]
    cnn = [line.split("\t")[0] for line in (eval_dir / "cnndm_mini" / "cnndm_mini-dataset.tsv").open(encoding="utf-8")]
    half = limit // 2
    return mlsum[:half] + cnn[:limit - half]


def _edit(text: str, kind: str, size: float, donor: str, rng: random.Random) -> str:
    sentences = _sentences(text)
    n = max(1, round(size * len(sentences)))
    if kind == "reorder":
        rng.shuffle(sentences)
        return " ".join(sentences)
    if kind == "headline":
        return "A new headline written by the second outlet. " + text
    if kind == "replace":  # a changed paragraph: ``size`` of the sentences, in one run, from another article
        start = rng.randrange(0, max(1, len(sentences) - n + 1))
        other = _sentences(donor)
        return " ".join(sentences[:start] + other[:n] + sentences[start + n:])
    if kind == "trim":  # a shorter wire version: the last ``size`` of the sentences cut
        return " ".join(sentences[:len(sentences) - n] or sentences[:1])
    raise ValueError(kind)


def duplicates(args: argparse.Namespace) -> dict:
    from summarize.desk.duplicates import DuplicateIndex

    rng = random.Random(13)
    texts = real_articles(_eval_dir(args.eval_dir), args.articles)
    originals, others = texts[0::2], texts[1::2]  # each half: MLSUM-es and CNN/DM alike
    edits = [("headline", 0.0), ("reorder", 1.0), ("replace", 0.1), ("replace", 0.25), ("replace", 0.5),
             ("trim", 0.25), ("trim", 0.5)]
    out: dict = {"originals": len(originals), "unrelated": len(others), "threshold": args.threshold, "by_edit": {}}
    index = DuplicateIndex(threshold=args.threshold)
    for i, text in enumerate(originals):
        index.check(f"o{i}", text)
    false_positives = sum(1 for j, text in enumerate(others) if index.check(f"u{j}", text) is not None)
    tp_total = fn_total = 0
    for kind, size in edits:
        found = 0
        for i, text in enumerate(originals):
            donor = others[i % len(others)]
            match = index.check(f"e-{kind}-{size}-{i}", _edit(text, kind, size, donor, rng))
            found += match is not None and match.key == f"o{i}"
        tp_total += found
        fn_total += len(originals) - found
        out["by_edit"][f"{kind} {size:.0%}"] = f"recall {found}/{len(originals)} ({100 * found / len(originals):.1f}%)"
    # the unrelated articles were indexed as originals during the false-positive pass; a copy of an
    # unrelated article matched to the wrong original would count against precision:
    out["false_positives_unrelated"] = f"{false_positives}/{len(others)}"
    out["precision"] = round(tp_total / (tp_total + false_positives), 4)
    out["recall"] = round(tp_total / (tp_total + fn_total), 4)
    return out


def throughput(args: argparse.Namespace) -> dict:
    articles = flores_articles(_eval_dir(args.eval_dir))
    entries = grouping_inputs(articles[: args.count], args.count)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        manifest = Path(tmp) / "m.jsonl"
        manifest.write_text("".join(json.dumps({"id": e["id"], "text": e["text"], "lang": e["lang"]}) + "\n"
                                    for e in entries), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        for label, extra in (("batch", []), ("batch --digest", ["--digest", str(Path(tmp) / "d.html")])):
            for attempt in range(args.repeat):
                out = Path(tmp) / f"out-{len(extra)}-{attempt}.jsonl"
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "summarize", "batch", str(manifest), "-o", str(out), "-p",
                                "offline", "--no-cache", "-q", *extra], check=False, env=env)
                wall = time.perf_counter() - start
                results.setdefault(label, []).append(round(len(entries) * 60 / wall, 1))
    return {"articles": len(entries), "articles_a_minute": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=["grouping", "duplicates", "throughput"])
    parser.add_argument("--eval-dir")
    parser.add_argument("--mixed", type=int, default=200, help="grouping: articles given in one language only")
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.15, 0.22, 0.3])
    parser.add_argument("--records", help="grouping: keep the translated records in this JSON file, and reuse it")
    parser.add_argument("--articles", type=int, default=200, help="duplicates: real articles used")
    parser.add_argument("--threshold", type=float, default=0.4, help="duplicates: MinHash threshold")
    parser.add_argument("--count", type=int, default=200, help="throughput: articles")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    result = {"grouping": grouping, "duplicates": duplicates, "throughput": throughput}[args.task](args)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
