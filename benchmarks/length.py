"""Cost against text length: ms per KB for every stage, one long text ingested alone, 10 KB..1 MB.

The text is a news paragraph repeated (a claim with a source, a direct quote with its speaker, an
"according to" clause; issue 12's "repeated claim sentence", in paragraphs) up to the size asked,
in English (spaCy parse) and in German (patterns only), or with the paragraph breaks removed
(``--one-paragraph``: one line, the worst case for paragraph-wide scans). Each size runs in a new
:class:`~storyline.pipeline.Pipeline` without a store, stage by stage (``prepare`` then the call,
as :meth:`Pipeline.run` does), after a warm-up article so that model loading is not counted.

A stage whose cost is linear in the length keeps its ms/KB flat down the column; a quadratic one
doubles it with each doubling of the size. Prints a markdown table; figures, not assertions.

``--against-src DIR`` runs the same sizes first with the package imported from ``DIR`` (the
``src`` of the previous code, e.g. ``git archive main src | tar -x -C /tmp/old``) in a
subprocess, and adds the ratio old / new of the timed stages' seconds per size.

Run: ``.venv/bin/python benchmarks/length.py [--sizes 10,20,50,100,200,500,1000] [--lang en]
[--stages quotes,claims] [--against-src DIR]
(the stages before the last one asked for run untimed) [--one-paragraph]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

from storyline.article import Article
from storyline.pipeline import STAGE_NAMES, Pipeline

PARAGRAPHS = {
    "en": (
        "The Syrian Observatory said that Daesh controls about 8 per cent of the territory. "
        "“We will retake the city within weeks,” the ambassador Alexander Kinshak said. "
        "According to the ministry, 10,000 fighters left the region last year, he added."
    ),
    "de": (
        "Die Beobachtungsstelle erklärte, dass der IS etwa 8 Prozent des Gebiets kontrolliert. "
        "„Wir werden die Stadt in wenigen Wochen zurückerobern“, sagte Botschafter Alexander "
        "Kinschak. Laut dem Ministerium haben 10.000 Kämpfer die Region im vergangenen Jahr "
        "verlassen, fügte er hinzu."
    ),
}


def _arg(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def long_text(kb: int, lang: str, one_paragraph: bool = False) -> str:
    """The paragraph of ``lang`` repeated to at least ``kb`` thousand characters."""
    para = PARAGRAPHS[lang]
    sep = " " if one_paragraph else "\n"
    return sep.join([para] * (kb * 1000 // (len(para) + 1) + 1))


def pipeline_for(wanted: set[str]) -> Pipeline:
    """The stages up to the last of ``wanted`` (what the wanted ones read is then there)."""
    last = max(STAGE_NAMES.index(n) for n in wanted)
    return Pipeline(stages=STAGE_NAMES[: last + 1])


def run_stages(pipeline: Pipeline, article: Article, wanted: set[str]) -> dict[str, float]:
    """Seconds per stage for ``article`` (the stages not in ``wanted`` run untimed)."""
    seconds: dict[str, float] = {}
    for name, stage in zip(STAGE_NAMES, pipeline.stages, strict=False):
        start = time.perf_counter()
        stage.prepare([article])
        article = stage(article)
        if name in wanted:
            seconds[name] = time.perf_counter() - start
    return seconds


def measure(
    sizes: list[int], lang: str, wanted: set[str], one_paragraph: bool
) -> list[dict[str, Any]]:
    """Per size: the text's KB and the seconds of each wanted stage."""
    warm = pipeline_for(wanted)
    run_stages(warm, Article(raw_text=long_text(2, lang), language=lang), wanted)
    rows: list[dict[str, Any]] = []
    for kb in sizes:
        text = long_text(kb, lang, one_paragraph)
        seconds = run_stages(pipeline_for(wanted), Article(raw_text=text, language=lang), wanted)
        rows.append({"kb": len(text) / 1000, "seconds": seconds})
        if "--json" not in sys.argv:
            cells = " | ".join(
                f"{1000 * seconds[n] / rows[-1]['kb']:.2f}" for n in STAGE_NAMES if n in wanted
            )
            print(f"| {rows[-1]['kb']:.0f} | {cells} | {sum(seconds.values()):.1f} |", flush=True)
    return rows


def main() -> None:
    sizes = [int(s) for s in _arg("--sizes", "10,20,50,100,200,500,1000").split(",")]
    lang = _arg("--lang", "en")
    wanted = set(_arg("--stages", ",".join(STAGE_NAMES)).split(","))
    one_paragraph = "--one-paragraph" in sys.argv
    if "--json" in sys.argv:
        print(json.dumps(measure(sizes, lang, wanted, one_paragraph)))
        return
    old: list[dict[str, Any]] = []
    if "--against-src" in sys.argv:
        args = [a for a in sys.argv[1:] if a != "--against-src" and a != _arg("--against-src", "")]
        env = dict(os.environ, PYTHONPATH=_arg("--against-src", ""))
        out = subprocess.run(
            [sys.executable, __file__, *args, "--json"], env=env, check=True, capture_output=True
        )
        old = json.loads(out.stdout.decode().strip().splitlines()[-1])
    cols = [n for n in STAGE_NAMES if n in wanted]
    print(
        f"lang {lang}, {'one paragraph' if one_paragraph else 'paragraphs'}, "
        f"load average {os.getloadavg()[0]:.1f}; ms per KB of text\n"
    )
    print("| KB | " + " | ".join(cols) + " | total s |")
    print("|---|" + "---|" * (len(cols) + 1))
    new = measure(sizes, lang, wanted, one_paragraph)
    if old:
        print("\nprevious code (--against-src), ratio old / new of the timed stages' seconds:\n")
        print("| KB | " + " | ".join(cols) + " | total s | old / new |")
        print("|---|" + "---|" * (len(cols) + 2))
        for o, n in zip(old, new, strict=True):
            cells = " | ".join(f"{1000 * o['seconds'][c] / o['kb']:.2f}" for c in cols)
            total_o, total_n = sum(o["seconds"].values()), sum(n["seconds"].values())
            print(f"| {o['kb']:.0f} | {cells} | {total_o:.1f} | {total_o / total_n:.1f} |")


if __name__ == "__main__":
    main()
