"""Use summarize from Python: one pipeline object, many articles.

Run from the repository root:

    python examples/python_api.py                       # auto: the neural models when cached or
                                                        # downloadable, else the offline engines
    python examples/python_api.py --pipeline default    # the neural models (downloaded once)
    python examples/python_api.py --pipeline offline    # no downloads
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from summarize import Pipeline, Source, SummarizeError

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipeline", default="auto", help="preset name or .toml path")
    args = parser.parse_args()

    pipeline = Pipeline.from_preset(args.pipeline, sentences=2)  # models load on first use, once
    for note in pipeline.notes:  # why auto chose what it did
        print("note:", note)
    sources = [
        str(HERE / "oferta-carcel-cecot.es.txt"),
        Source.from_text(
            "El Salvador's president offered to hold US prisoners in the CECOT mega-prison. "
            "Marco Rubio called it an unprecedented agreement.",
            id="inline-en",
        ),
    ]
    try:
        results = pipeline.run(sources)
    except SummarizeError as exc:
        raise SystemExit(f"error: {exc}") from None
    for result in results:
        print(f"== {result.title or result.source} [{result.source_lang}]")
        print("English summary:", result.summaries["en"])
        print("Resumen en español:", result.summaries["es"])
    # results are plain dataclasses: JSON needs no custom encoder
    print(json.dumps(results[0].to_dict(), ensure_ascii=False)[:200], "...")


if __name__ == "__main__":
    main()
