"""The floor under issue 12's 4× goal: the CPU time of the model work the accuracy figures fix.

The goal is 4× the base pipeline (``benchmarks/pipeline.py``'s ``BASE``) on the CL-TLS dev texts,
with every accuracy figure within ±0.005. Two model passes cannot be dropped without moving those
figures: the spaCy NER component over every sentence of an es/fr text (the entity figures, and
every stage reading entities), and the e5 vector of each article's lead (the story figures). This
script times exactly those two passes, in one process, models loaded first, with everything else
switched off:

- ``ner``: ``nlp.pipe`` with every component but ``ner`` (and the ``tok2vec`` it listens to, if it
  does) disabled, over the texts of the languages that have a spaCy model;
- ``lead``: the story stage's text (``storyline.stories.embed.story_text``: title and lead)
  through the default e5 engine on one thread, one call per article.

It reports CPU ms per article (``time.process_time``, this process only: one core) and the ratio
``base CPU ms/article / floor``: the largest CPU speed-up any pipeline with these two passes can
reach, if all else (reading, cleaning, the parser, quotes, claims, the store) cost nothing.

Run: ``.venv/bin/python benchmarks/floor.py [--texts N] [--base-cpu MS]``. Figures, not
assertions; nothing is written to the docs (docs/speed.md quotes the run).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))
sys.path.insert(0, str(ROOT / "benchmarks"))  # first: eval/ has an ingest.py too

from ingest import news_texts  # type: ignore[import-not-found]  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=240)
    parser.add_argument(
        "--base-cpu",
        type=float,
        default=659.0,
        help="the base pipeline's CPU ms/article (docs/evaluation.md, section speed)",
    )
    args = parser.parse_args()

    from storyline.ingest import read_paths
    from storyline.nlp import spacy_for
    from storyline.pipeline import Pipeline
    from storyline.stories.embed import E5Embedder, story_text

    with tempfile.TemporaryDirectory() as tmp:
        for name, data in news_texts(args.texts):
            (Path(tmp) / name).write_bytes(data)
        articles = [a for a in read_paths([tmp]) if not isinstance(a, Exception)]
    Pipeline(stages=("language", "clean", "metadata")).run(articles)
    n = len(articles)

    by_lang: dict[str, list[str]] = {}
    for article in articles:
        by_lang.setdefault(article.language or "", []).append(article.text)
    ner_cpu = 0.0
    counts: dict[str, int] = {}
    for language, texts in sorted(by_lang.items()):
        counts[language] = len(texts)
        nlp = spacy_for(language)
        if nlp is None:
            continue
        keep = {"ner"}
        ner = nlp.get_pipe("ner")
        listening = getattr(ner.model.get_ref("tok2vec"), "name", "")
        if "listener" in listening.lower():
            keep.add("tok2vec")
        off = [p for p in nlp.pipe_names if p not in keep]
        list(nlp.pipe(texts[:2], disable=off))  # warm
        start = time.process_time()
        for _ in nlp.pipe(texts, disable=off, batch_size=32):
            pass
        ner_cpu += time.process_time() - start

    # One onnxruntime thread: CPU time is then one core's work, as in process_time.
    embedder = E5Embedder(threads=1)
    leads = [story_text(a.title, a.text or a.raw_text) for a in articles]
    embedder.embed(leads[:2])  # loads the session
    start = time.process_time()
    for lead in leads:
        embedder.embed([lead])
    lead_cpu = time.process_time() - start

    ner_ms, lead_ms = 1000 * ner_cpu / n, 1000 * lead_cpu / n
    floor = ner_ms + lead_ms
    print(f"texts: {n} ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    print(f"load average: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"NER pass (es/fr spaCy ner only): {ner_ms:.1f} CPU ms/article (over all {n})")
    print(f"e5 lead: {lead_ms:.1f} CPU ms/article")
    print(f"floor: {floor:.1f} CPU ms/article")
    ratio = args.base_cpu / floor
    print(f"base: {args.base_cpu:.0f} CPU ms/article -> largest CPU ratio {ratio:.2f}x")


if __name__ == "__main__":
    main()
