"""Speed of the stories stage: per-article assignment time as the corpus grows, and articles/s.

Run: ``.venv/bin/python benchmarks/stories.py [--sizes 1000 10000 100000 1000000] [--pipeline N]``

1. Assignment time (:meth:`StoryIndex.assign`) over the 1,000 articles before each checkpoint of
   one synthetic stream (default 1k, 10k, 100k, 300k; add 1000000 for the 1M point: ~20–60 min
   on 2 shared cores). The stream is built from real texts: the title+lead vectors, name
   keys and numbers of the semeval2022-task8 dev articles (embedded once, cached under
   ``.eval-cache/``), each reused as the seed of many synthetic stories (vector + noise, an own
   name key), 300 articles a day, stories of 1–8 consecutive articles. It must stay flat:
   the ANN index holds only the stories of the time window.
2. Articles/s of the stories stage with the real embedder (no cache) and of the whole pipeline,
   on semeval dev texts.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))
sys.path.insert(0, str(ROOT / "src"))

from stories import CACHE, load_semeval  # type: ignore[import-not-found]  # noqa: E402
from storyline.stories.embed import CachedEmbedder, E5Embedder  # noqa: E402
from storyline.stories.index import StoryIndex  # noqa: E402
from storyline.stories.similarity import Evidence, build_evidence  # noqa: E402

PER_DAY = 300
PROBE = 1000


def seed_evidence() -> list[Evidence]:
    docs = {}
    for pair in load_semeval():
        docs.setdefault(pair.a.id, pair.a)
        docs.setdefault(pair.b.id, pair.b)
    records = [
        {"id": d.id, "title": d.title, "text": d.text, "language": d.language}
        for d in docs.values()
    ]
    return build_evidence(records, CachedEmbedder(E5Embedder(), CACHE))


def synthetic_stream(seeds: list[Evidence], size: int, rng: np.random.Generator):  # type: ignore[no-untyped-def]
    start = date(2000, 1, 1)
    made = story = 0
    while made < size:
        base = seeds[story % len(seeds)]
        centre = base.vector + rng.normal(0, 0.02, base.vector.shape).astype(np.float32)
        centre /= np.linalg.norm(centre)
        for k in range(int(rng.integers(1, 9))):
            day = start + timedelta(days=made // PER_DAY)  # non-decreasing: already stream order
            vector = centre + rng.normal(0, 0.005, centre.shape).astype(np.float32)
            yield Evidence(
                f"{story}-{k}",
                vector / np.linalg.norm(vector),
                base.keys | {f"N:STORY{story}"},
                base.numbers,
                day,
                base.language,
            )
            made += 1
            if made >= size:
                return
        story += 1


def assignment_times(seeds: list[Evidence], sizes: list[int]) -> None:
    """One stream; at each size N, the mean ms per article over articles N-PROBE .. N."""
    index = StoryIndex(dim=seeds[0].vector.shape[0])
    rng = np.random.default_rng(0)
    probes = {size - PROBE: size for size in sizes}
    started: tuple[float, int] | None = None
    t_all = time.perf_counter()
    for n, evidence in enumerate(synthetic_stream(seeds, max(sizes), rng)):
        if n in probes:
            started = (time.perf_counter(), probes[n])
        index.assign(evidence)
        index.dirty.clear()
        if started and n + 1 == started[1]:
            ms = (time.perf_counter() - started[0]) / PROBE * 1000
            total = index.evicted + index.active()
            print(f"| {n + 1:,} | {ms:.2f} | {index.active():,} | {total:,} |", flush=True)
            started = None
    rate = max(sizes) / (time.perf_counter() - t_all)
    print(f"whole stream: {rate:.0f} assignments/s")


def stage_speed(n: int) -> None:
    from storyline.article import Article
    from storyline.pipeline import Pipeline

    docs = {}
    for pair in load_semeval():
        docs.setdefault(pair.a.id, pair.a)
    chosen = list(docs.values())[:n]

    def articles() -> list[Article]:
        return [Article(raw_text=f"{d.title}\n\n{d.text}", language=d.language) for d in chosen]

    stories_only = Pipeline(stages=("stories",))
    t0 = time.perf_counter()
    stories_only.run(articles())
    print(f"stories stage alone (E5, no cache): {n / (time.perf_counter() - t0):.1f} articles/s")
    whole = Pipeline()
    t0 = time.perf_counter()
    try:
        whole.run(articles())
    except Exception as exc:  # another stage's bug must not hide the figures above
        print(f"whole pipeline: failed ({type(exc).__name__}: {exc})")
        return
    print(f"whole pipeline (all stages): {n / (time.perf_counter() - t0):.1f} articles/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000, 300000])
    parser.add_argument("--pipeline", type=int, default=100, help="articles for the speed runs")
    args = parser.parse_args()
    import os

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (figures scale with it)")
    seeds = seed_evidence()
    print(f"{len(seeds)} real seed articles; {PER_DAY} synthetic articles/day")
    print("| articles | ms/article (last 1,000) | active stories in window | stories |")
    print("|---|---|---|---|")
    assignment_times(seeds, sorted(args.sizes))
    if args.pipeline:
        stage_speed(args.pipeline)


if __name__ == "__main__":
    main()
