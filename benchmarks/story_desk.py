"""Story-desk benchmarks: cross-language story grouping, near-duplicate detection, digest cost.

    python benchmarks/story_desk.py grouping     # FLORES-200 devtest, Apertium translations
    python benchmarks/story_desk.py duplicates   # MLSUM-es + CNN/DM copies with edits of known size
    python benchmarks/story_desk.py throughput   # batch --digest against plain batch, same 200 articles
                                                 # (--repeat N interleaved runs of each, --limit N articles)
    python benchmarks/story_desk.py citations    # the 13 CECOT articles of tests/data/cecot: citation
                                                 # precision of the digest, and its stability in 5 orders

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
    from summarize.desk.stories import StoryIndex, cluster_stories

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
    out = {"articles": len(articles), "records": len(records), "translate_seconds": round(seconds, 1),
           "by_threshold": {}, "digest_by_threshold": {}}
    rng = random.Random(24)
    for threshold in args.thresholds:
        index = StoryIndex(threshold=threshold)
        streamed = {r["id"]: index.assign(r) for r in records}
        out["by_threshold"][str(threshold)] = _grouping_figures(streamed, article_of, args.mixed, len(articles))
        clustered = cluster_stories(records, threshold)
        shuffled = list(records)
        rng.shuffle(shuffled)
        figures = _grouping_figures(clustered, article_of, args.mixed, len(articles))
        figures["same_in_a_shuffled_order"] = cluster_stories(shuffled, threshold) == clustered
        out["digest_by_threshold"][str(threshold)] = figures
    return out


def _grouping_figures(story: dict[str, str], article_of: dict[str, int], mixed: int, articles: int) -> dict:
    both = list(range(mixed, articles))
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
    return {
        "es_en_same_story": f"{together}/{len(both)} ({100 * together / len(both):.1f}%)",
        "wrongly_merged_pairs": f"{wrong_pairs}/{all_wrong} ({100 * wrong_pairs / all_wrong:.3f}%)",
        "records_sharing_a_story_with_another_article": f"{merged}/{len(story)} ({100 * merged / len(story):.1f}%)",
        "pair_precision": round(same_pairs / (same_pairs + wrong_pairs), 3) if same_pairs + wrong_pairs else None,
        "stories": len(members),
    }


CECOT = ROOT / "tests" / "data" / "cecot"


def _facts(text: str, lang: str, facts: dict) -> set[str]:
    """The facts of ``facts.json`` whose patterns in ``lang`` match ``text``."""
    return {name for name, patterns in facts.items()
            if any(re.search(p, text, re.IGNORECASE) for p in patterns.get(lang, ()))}


def citations(args: argparse.Namespace) -> dict:
    """Citation precision of the digest of the CECOT set: does each cited article state the sentence's facts?

    The articles go through the offline preset once (in-process); the digest is then built from
    the records in five shuffled orders as well, to check it does not change. A citation is right
    when the cited article's own text states every fact the sentence states (patterns of
    ``tests/data/cecot/facts.json``, each side in its own language); sentences stating no listed
    fact are not counted.
    """
    from summarize.batch.journal import to_record
    from summarize.desk import build_digest
    from summarize.desk.render import render_digest_json
    from summarize.document import Source
    from summarize.pipeline import Pipeline

    facts = json.loads((CECOT / "facts.json").read_text(encoding="utf-8"))["facts"]
    paths = sorted(p for p in CECOT.iterdir() if p.suffix in (".txt", ".html"))
    pipeline = Pipeline.from_preset("offline")
    start = time.perf_counter()
    records = [to_record(s, o) for _, s, o in pipeline.stream([Source.parse(str(p), id=p.name) for p in paths])]
    seconds = time.perf_counter() - start
    digest = build_digest(records)
    by_id = {r["id"]: r for r in records}
    right = total = sentences = counted = 0
    per_lang: dict[str, list[int]] = {}
    wrong: list[str] = []
    for story in digest.stories:
        for lang, brief in story.brief.items():
            for sentence in brief:
                sentences += 1
                stated = _facts(sentence.text, lang, facts)
                if not stated:
                    continue
                counted += 1
                for n in sentence.cites:
                    record = by_id[story.sources[n - 1].id]
                    own = "\n".join(filter(None, (record.get("title"), record.get("text"))))
                    ok = stated <= _facts(own, record.get("source_lang") or "en", facts)
                    right, total = right + ok, total + 1
                    per_lang.setdefault(lang, [0, 0])
                    per_lang[lang][0] += ok
                    per_lang[lang][1] += 1
                    if not ok:
                        wrong.append(f"{lang} [{n}] {sorted(stated)}: {sentence.text[:80]}")
    rendered = render_digest_json(digest)
    rng = random.Random(24)
    same = 0
    for _ in range(5):
        shuffled = list(records)
        rng.shuffle(shuffled)
        same += render_digest_json(build_digest(shuffled)) == rendered
    return {"articles": len(records), "pipeline_seconds": round(seconds, 1), "stories": len(digest.stories),
            "brief_sentences": sentences, "sentences_with_listed_facts": counted, "citations": total,
            "citations_per_sentence": round(total / counted, 2) if counted else None,
            "citation_precision": _ratio(right, total),
            "by_lang": {lang: {"right": r, "citations": t, "precision": _ratio(r, t)} for lang, (r, t) in per_lang.items()},
            "wrong": wrong, "same_digest_in_5_shuffled_orders": f"{same}/5"}


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


# the originals were published first: a copy may only reuse an original that ranks before it
# (``DuplicateIndex.check``), so copies and unrelated articles are checked as published a day later
ORIGINALS_DATE, COPIES_DATE = "2025-01-01", "2025-01-02"
_PROBE = "probe"  # a key held by a sentinel text in the index, so that checks under it never insert
_SENTINEL = " ".join(f"sentinelword{n}" for n in range(20))


def _originals_index(originals: list[str], threshold: float):
    """A ``DuplicateIndex`` of the originals alone, plus the sentinel under :data:`_PROBE`.

    Also returns the originals that were not indexed (too short, or a near-copy of an earlier
    original), keyed by position, with the earlier original they matched (``None``: too short).
    """
    from summarize.desk.duplicates import DuplicateIndex

    index = DuplicateIndex(threshold=threshold)
    skipped: dict[int, str | None] = {}
    for i, text in enumerate(originals):
        match = index.check(f"o{i}", text, ORIGINALS_DATE)
        if f"o{i}" not in index:
            skipped[i] = match.key if match else None
    index.check(_PROBE, _SENTINEL, ORIGINALS_DATE)
    if _PROBE not in index:
        raise RuntimeError("the sentinel text was not indexed; probing would insert the copies")
    return index, skipped


def _probe(index, text: str):
    """The indexed text ``text`` nearly repeats, without adding ``text`` to the index.

    ``DuplicateIndex.check`` indexes an unmatched text under its key unless that key is already
    indexed, and never matches a text with its own key: checking under the sentinel's key is a
    query (the sentinel matches nothing real, so skipping it loses nothing).
    """
    before = len(index)
    match = index.check(_PROBE, text, COPIES_DATE)
    if len(index) != before:
        raise RuntimeError("DuplicateIndex.check inserted a probe; the benchmark would depend on order")
    return match


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def duplicates(args: argparse.Namespace) -> dict:
    """Every copy and every unrelated article is checked against the same index of originals only.

    A copy can be matched to its own original (right), to another original (wrong article: a false
    positive as well as a miss) or to nothing (missed). Precision counts wrong-article matches and
    matched unrelated articles against it; each edit kind has its own random generator, so one
    kind's copies do not depend on which kinds ran before it.
    """
    texts = real_articles(_eval_dir(args.eval_dir), args.articles)
    originals, others = texts[0::2], texts[1::2]  # each half: MLSUM-es and CNN/DM alike
    edits = [("headline", 0.0), ("reorder", 1.0), ("replace", 0.1), ("replace", 0.25), ("replace", 0.5),
             ("trim", 0.25), ("trim", 0.5)]
    index, skipped = _originals_index(originals, args.threshold)
    out: dict = {"originals": len(originals), "originals_indexed": len(originals) - len(skipped),
                 "originals_not_indexed": {f"o{i}": key or "too short" for i, key in skipped.items()},
                 "unrelated": len(others), "threshold": args.threshold, "by_edit": {}}
    false_positives = sum(1 for text in others if _probe(index, text) is not None)
    right_total = wrong_total = missed_total = 0
    for kind, size in edits:
        rng = random.Random(f"{kind}-{size}")
        right = wrong = missed = 0
        for i, text in enumerate(originals):
            donor = others[i % len(others)]
            match = _probe(index, _edit(text, kind, size, donor, rng))
            expected = skipped.get(i, f"o{i}")  # a near-copy original's copy names the earlier one
            if match is None:
                missed += 1
            elif match.key == expected:
                right += 1
            else:
                wrong += 1
        right_total, wrong_total, missed_total = right_total + right, wrong_total + wrong, missed_total + missed
        n = len(originals)
        out["by_edit"][f"{kind} {size:.0%}"] = {
            "right": right, "wrong_article": wrong, "missed": missed,
            "precision": _ratio(right, right + wrong), "recall": _ratio(right, n)}
    copies = len(edits) * len(originals)
    out["copies"] = copies
    out["right"], out["wrong_article"], out["missed"] = right_total, wrong_total, missed_total
    out["false_positives_unrelated"] = f"{false_positives}/{len(others)}"
    # wrong-article matches and matched unrelated articles both count against precision
    out["precision"] = _ratio(right_total, right_total + wrong_total + false_positives)
    out["recall"] = _ratio(right_total, copies)
    return out


def _batch_run(manifest: Path, out: Path, extra: list[str], expected: int, env: dict, label: str) -> float:
    """Wall seconds of one ``summarize batch`` run; exits the benchmark if the run failed."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "summarize", "batch", str(manifest), "-o", str(out), "-p",
                           "offline", "--no-cache", "-q", *extra], check=False, env=env,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"throughput: {label} exited with status {done.returncode}; a failed run's time means nothing\n"
                 f"{done.stderr[-2000:]}")
    lines = [line for line in out.read_text(encoding="utf-8").splitlines() if line.strip()] if out.exists() else []
    errors = sum(1 for line in lines if isinstance(json.loads(line).get("error"), dict))
    if len(lines) != expected or errors:
        sys.exit(f"throughput: {label} wrote {len(lines)} records ({errors} errors) for {expected} inputs")
    return wall


def throughput(args: argparse.Namespace) -> dict:
    """Plain batch and batch --digest, interleaved ``--repeat`` times after one small warm-up run."""
    if args.repeat < 1:
        sys.exit("--repeat must be at least 1")
    articles = flores_articles(_eval_dir(args.eval_dir))
    entries = grouping_inputs(articles[: args.count], args.count)
    modes = (("batch", lambda tmp: []), ("batch --digest", lambda tmp: ["--digest", str(Path(tmp) / "d.html")]))
    walls: dict[str, list[float]] = {label: [] for label, _ in modes}

    def manifest(path: Path, items: list[dict]) -> Path:
        path.write_text("".join(json.dumps({"id": e["id"], "text": e["text"], "lang": e["lang"]}) + "\n"
                                for e in items), encoding="utf-8")
        return path

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        warm = entries[: min(5, len(entries))]  # loads the models and fills the OS caches; not timed
        _batch_run(manifest(Path(tmp) / "warm.jsonl", warm), Path(tmp) / "warm-out.jsonl",
                   modes[1][1](tmp), len(warm), env, "warm-up")
        full = manifest(Path(tmp) / "m.jsonl", entries)
        for attempt in range(args.repeat):
            for n, (label, extra) in enumerate(modes):
                out = Path(tmp) / f"out-{n}-{attempt}.jsonl"
                walls[label].append(round(_batch_run(full, out, extra(tmp), len(entries), env, label), 2))
    return {"articles": len(entries), "repeat": args.repeat, "order": "interleaved: " + ", ".join(label for label, _ in modes),
            "by_mode": {label: {"best_seconds": min(w), "wall_seconds": w,
                                "articles_a_minute_best": round(len(entries) * 60 / min(w), 1)}
                        for label, w in walls.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=["grouping", "duplicates", "throughput", "citations"])
    parser.add_argument("--eval-dir")
    parser.add_argument("--mixed", type=int, default=200, help="grouping: articles given in one language only")
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.15, 0.22, 0.3])
    parser.add_argument("--records", help="grouping: keep the translated records in this JSON file, and reuse it")
    parser.add_argument("--articles", type=int, default=200, help="duplicates: real articles used")
    parser.add_argument("--threshold", type=float, default=0.4, help="duplicates: MinHash threshold")
    parser.add_argument("--count", "--limit", dest="count", type=int, default=200, help="throughput: articles")
    parser.add_argument("--repeat", type=int, default=2, help="throughput: timed runs of each mode, interleaved")
    args = parser.parse_args()
    tasks = {"grouping": grouping, "duplicates": duplicates, "throughput": throughput, "citations": citations}
    result = tasks[args.task](args)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
