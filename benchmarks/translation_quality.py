"""Translation quality of the Apertium engine against raw Apertium, and how many names survive.

Run from the repository root (the data lives outside the repository, in ``../shared/eval``)::

    python benchmarks/translation_quality.py --data-dir ../shared/eval \
        --facts ../shared/facts/el-salvador-agreement.md

Scores are corpus BLEU and chrF with sacrebleu's defaults, on

* FLORES-200 devtest (``flores200/eng_Latn.devtest`` and ``spa_Latn.devtest``), both directions;
* NTREX-128 (``ntrex/newstest2019-src.eng.txt`` and ``newstest2019-ref.spa.txt``). NTREX was
  written in English and translated into Spanish, so for es->en the *Spanish reference* is the
  source and the *English original* the reference.

"raw Apertium" is what the reference figures in ``../shared/eval/README.md`` measure: the file's
lines piped through ``apertium -u spa-eng`` (or ``eng-spa``) in one go. "summarize apertium" is
this project's engine with name protection on and no glossary, given the same lines as a batch.

The second table counts, for each example article, the names from the fact sheet's list "Names a
good translation and summary must keep intact" that occur in the article, and how many of them are
still in its translation (a name written two ways, "Lake Coatepeque / lago de Coatepeque", counts
in either form). The engine's columns use the pipeline's document translator, as ``summarize
translate`` does, without and with ``examples/glossary.tsv``. ``--limit N`` scores only the first
N lines of each set, for a quick look.

"summarize pipeline" is the route ``summarize translate`` takes: the document translator with each
line's own names (:mod:`summarize.text.names`; each line counts as one document). The third table
counts *over-protection*: names the finder marks to keep that the output copies as written while
the reference does not have them (the reference translated them). ``--save DIR`` writes every
system's output there; ``--systems pipeline`` runs only that route; ``--before DIR`` reads the outputs an older checkout saved and counts them
too (run the older checkout with ``--save`` first).

"summarize documents" gives the same route whole articles, as a user does: the set's lines grouped
by the article they come from (FLORES by the URL in ``metadata_devtest.tsv``, NTREX by
``DOCUMENT_IDS.tsv``), each article's names found over all its lines (a surname learns from its
full name, "President Trump" from "Donald Trump"), then scored line by line like the rest.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarize.backends.apertium import MODES, ApertiumTranslator
from summarize.config import RuntimeConfig, TranslateConfig
from summarize.document import Source
from summarize.evaluate import translation_scores
from summarize.pipeline.translate import DocumentTranslator
from summarize.reading.extract import load_document
from summarize.text.glossary import Glossary
from summarize.text.langid import LanguageIdentifier

SETS = {
    # name: {language: file}
    "FLORES-200 devtest": {"en": "flores200/eng_Latn.devtest", "es": "flores200/spa_Latn.devtest"},
    "NTREX-128": {"en": "ntrex/newstest2019-src.eng.txt", "es": "ntrex/newstest2019-ref.spa.txt"},
}
GLOSSARY = ROOT / "examples" / "glossary.tsv"
EXAMPLES = {"es": ROOT / "examples" / "oferta-carcel-cecot.es.txt", "en": ROOT / "examples" / "rubio-bukele-prison-offer.en.txt"}
NAMES_HEADING = "## Names a good translation and summary must keep intact"


def raw_apertium(lines: list[str], direction: str) -> list[str]:
    """Plain ``apertium -u MODE`` over newline-separated lines, as the reference figures were made."""
    done = subprocess.run(["apertium", "-u", MODES[direction]], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, check=True)
    out = done.stdout.rstrip("\n").split("\n")
    if len(out) != len(lines):
        raise SystemExit(f"raw Apertium returned {len(out)} lines for {len(lines)}")
    return out


def read_lines(path: Path, limit: int | None) -> list[str]:
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    return lines[:limit] if limit else lines


def pipeline_route(engine: ApertiumTranslator, lines: list[str], src: str, tgt: str) -> list[str]:
    """The document translator with each line's names, as ``summarize translate`` runs."""
    try:
        from summarize.text.names import RuleNameFinder
    except ImportError:  # an older checkout
        return [out[0] for out in DocumentTranslator(engine, LanguageIdentifier()).translate([[x] for x in lines], src, tgt)]
    finder = RuleNameFinder()
    names = [finder.find([line], src) for line in lines]
    translator = DocumentTranslator(engine, LanguageIdentifier())
    return [out[0] for out in translator.translate([[x] for x in lines], src, tgt, names=names)]


# which article each line comes from: FLORES by the URL in its metadata, NTREX by its document ids
DOCUMENT_IDS = {"FLORES-200 devtest": ("flores200/metadata_devtest.tsv", True), "NTREX-128": ("ntrex/DOCUMENT_IDS.tsv", False)}


def document_ids(data_dir: Path, name: str, count: int) -> list[str]:
    """The article id of each of the first ``count`` lines of a set."""
    path, header = DOCUMENT_IDS[name]
    rows = (data_dir / path).read_text(encoding="utf-8").rstrip("\n").split("\n")[1 if header else 0 :]
    ids = [row.split("\t")[0] for row in rows][:count]
    if len(ids) != count:
        raise SystemExit(f"{path} has {len(ids)} ids for {count} lines")
    return ids


def documents_route(engine: ApertiumTranslator, lines: list[str], src: str, tgt: str, ids: list[str]) -> list[str]:
    """Each article's lines as one document, its names found over all of them, as ``summarize
    translate ARTICLE`` runs; scored line by line (each line is one paragraph)."""
    from summarize.text.names import RuleNameFinder

    groups: list[list[int]] = []
    for i, doc in enumerate(ids):
        if groups and ids[groups[-1][0]] == doc:
            groups[-1].append(i)
        else:
            groups.append([i])
    documents = [[lines[i] for i in group] for group in groups]
    finder = RuleNameFinder()
    names = [finder.find(doc, src) for doc in documents]
    out = DocumentTranslator(engine, LanguageIdentifier()).translate(documents, src, tgt, names=names)
    hyps = [""] * len(lines)
    for group, translated in zip(groups, out, strict=True):
        for i, text in zip(group, translated, strict=True):
            hyps[i] = text
    return hyps


SYSTEMS = {"raw": "raw Apertium", "engine": "summarize apertium", "pipeline": "summarize pipeline",
           "documents": "summarize documents"}


def score_sets(data_dir: Path, limit: int | None, save: Path | None, hyps_out: dict[str, list[str]],
               systems: tuple[str, ...] = tuple(SYSTEMS.values())) -> list[tuple[str, str, str, float, float, float]]:
    rows = []
    for name, files in SETS.items():
        text = {lang: read_lines(data_dir / f, limit) for lang, f in files.items()}
        for direction in ("es-en", "en-es"):
            src, tgt = direction.split("-")
            engine = ApertiumTranslator(TranslateConfig(engine="apertium"), RuntimeConfig(), langid=LanguageIdentifier())
            for system, translate in (("raw Apertium", lambda lines, d=direction: raw_apertium(lines, d)),
                                      ("summarize apertium", lambda lines, e=engine, s=src, t=tgt:
                                       e.translate(lines, s, t)),
                                      ("summarize pipeline", lambda lines, e=engine, s=src, t=tgt:
                                       pipeline_route(e, lines, s, t)),
                                      ("summarize documents", lambda lines, e=engine, s=src, t=tgt, n=name:
                                       documents_route(e, lines, s, t, document_ids(data_dir, n, len(lines))))):
                if system not in systems:
                    continue
                start = time.perf_counter()
                hyps = translate(text[src])
                seconds = time.perf_counter() - start
                scores = translation_scores(hyps, text[tgt])
                rows.append((name, direction, system, scores.bleu, scores.chrf, seconds))
                hyps_out[f"{name}|{direction}|{system}"] = hyps
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        (save / "hyps.json").write_text(json.dumps(hyps_out, ensure_ascii=False), encoding="utf-8")
    return rows


def over_protection(data_dir: Path, limit: int | None, systems: dict[str, list[str]]) -> dict[str, tuple[int, int]]:
    """Per system: (names copied although the reference translated them, names the finder keeps)."""
    from summarize.text.names import ESTABLISHED, RuleNameFinder

    finder = RuleNameFinder()
    out: dict[str, tuple[int, int]] = {}
    cache: dict[tuple[str, str], list[list[str]]] = {}
    for key, hyps in systems.items():
        name, direction, _ = key.split("|")
        src, tgt = direction.split("-")
        files = SETS[name]
        sources, refs = read_lines(data_dir / files[src], limit), read_lines(data_dir / files[tgt], limit)
        if (name, direction) not in cache:
            cache[(name, direction)] = [[n.text for n in finder.find([line], src).names if n.kind != ESTABLISHED]
                                        for line in sources]
        copied = total = 0
        for kept, hyp, ref in zip(cache[(name, direction)], hyps, refs, strict=True):
            total += len(kept)
            copied += sum(1 for n in kept if present((n,), hyp) and not present((n,), ref))
        out[key] = (copied, total)
    return out


def fact_names(facts: Path) -> list[tuple[str, ...]]:
    """The fact sheet's protected names; each item lists a name's accepted spellings."""
    text = facts.read_text(encoding="utf-8")
    section = text.split(NAMES_HEADING, 1)[1].split("\n## ", 1)[0]
    return [tuple(v.strip() for v in item.split("/")) for item in re.split(r"·|\n", section) if item.strip()]


def present(name: tuple[str, ...], text: str) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text) for v in name)


def name_survival(facts: Path) -> list[tuple[str, str, int, int, int, int]]:
    names = fact_names(facts)
    langid = LanguageIdentifier()
    engine = ApertiumTranslator(TranslateConfig(engine="apertium"), RuntimeConfig(), langid=langid)
    document_translator = DocumentTranslator(engine, langid)
    with_glossary = DocumentTranslator(engine, langid, glossary=Glossary.load(GLOSSARY))
    rows = []
    for src, path in EXAMPLES.items():
        tgt = "en" if src == "es" else "es"
        doc = load_document(Source.parse(str(path)))
        units = ([doc.title] if doc.title else []) + list(doc.paragraphs)
        source_text = "\n".join(units)
        wanted = [n for n in names if present(n, source_text)]
        raw = "\n".join(raw_apertium(units, f"{src}-{tgt}"))
        ours = "\n".join(document_translator.translate([units], src, tgt)[0])
        glossed = "\n".join(with_glossary.translate([units], src, tgt)[0])
        rows.append((path.name, f"{src}-{tgt}", len(wanted), sum(present(n, raw) for n in wanted),
                     sum(present(n, ours) for n in wanted), sum(present(n, glossed) for n in wanted)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "eval",
                        help="folder with flores200/ and ntrex/ (default: ../shared/eval)")
    parser.add_argument("--facts", type=Path, default=ROOT.parent / "shared" / "facts" / "el-salvador-agreement.md",
                        help="the fact sheet whose name list is checked")
    parser.add_argument("--limit", type=int, help="score only the first N lines of each set")
    parser.add_argument("--save", type=Path, help="write every system's output to DIR/hyps.json")
    parser.add_argument("--before", type=Path, help="count over-protection in an older checkout's DIR/hyps.json too")
    parser.add_argument("--systems", default="raw,engine,pipeline,documents",
                        help="which systems to run, comma-separated: raw, engine, pipeline, documents (default: all)")
    parser.add_argument("--chart", type=Path, help="also draw the BLEU/chrF table as a PNG chart here (needs matplotlib)")
    args = parser.parse_args()

    hyps: dict[str, list[str]] = {}
    table = ["| set | direction | system | BLEU | chrF | seconds |", "|---|---|---|---:|---:|---:|"]
    unknown = set(args.systems.split(",")) - set(SYSTEMS)
    if unknown:
        parser.error(f"unknown system(s) {', '.join(sorted(unknown))}; choose from {', '.join(SYSTEMS)}")
    systems = tuple(SYSTEMS[k] for k in args.systems.split(","))
    for name, direction, system, bleu, chrf, seconds in score_sets(args.data_dir, args.limit, args.save, hyps, systems):
        table.append(f"| {name} | {direction} | {system} | {bleu:.2f} | {chrf:.2f} | {seconds:.1f} |")
    print("\n".join(table))
    if args.chart:
        from benchmarks.charts import markdown_rows, translation_chart

        translation_chart(markdown_rows("\n".join(table), ("set", "direction", "system", "BLEU", "chrF")), args.chart)
    try:
        import summarize.text.names  # noqa: F401
    except ImportError:
        pass
    else:
        systems = dict(hyps)
        if args.before is not None:
            before = json.loads((args.before / "hyps.json").read_text(encoding="utf-8"))
            systems |= {f"{k} (before)": v[: args.limit] if args.limit else v for k, v in before.items() if not k.startswith(tuple(
                f"{n}|{d}|raw" for n in SETS for d in ("es-en", "en-es")))}
        print()
        print("| set | direction | system | kept names copied that the reference translates | names kept by the finder |")
        print("|---|---|---|---:|---:|")
        for key, (copied, total) in over_protection(args.data_dir, args.limit, systems).items():
            name, direction, system = key.split("|")
            print(f"| {name} | {direction} | {system} | {copied} | {total} |")
    if args.facts.is_file():
        print()
        print("| example | direction | fact-sheet names in it | kept by raw Apertium | kept by summarize apertium"
              " | ... with examples/glossary.tsv |")
        print("|---|---|---:|---:|---:|---:|")
        for example, direction, total, *kept in name_survival(args.facts):
            print(f"| {example} | {direction} | {total} | " + " | ".join(f"{k} ({k / total:.0%})" for k in kept) + " |")


if __name__ == "__main__":
    main()
