"""SQLite vs PostgreSQL store: ingest and query times on the same corpus. Prints a markdown table;
asserts nothing.

The corpus is examples/articles plus synthetic copies of its text files (each made distinct by
an added paragraph of random news words), ingested with the light stages (language, clean,
metadata) so the figures are about the store, not the NER models. PostgreSQL runs in a
throw-away cluster on a free loopback port (:mod:`storyline.store.pg_cluster`, the tests' helper)
with fsync on and ``synchronous_commit=off`` — the durability SQLite's WAL with
``synchronous=NORMAL`` has (a commit does not wait for the disk; a crash loses the last
transactions, never corrupts). Both on the same local disk; a networked server adds a round trip
(~0.1-0.5 ms) to every statement.

    .venv/bin/python benchmarks/store_pg.py [N]        # N synthetic copies (default 1000)
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from storyline.batch import ingest
from storyline.pipeline import Pipeline
from storyline.read import Filters
from storyline.read.search import keyword_search
from storyline.store import Store
from storyline.store.pg_cluster import BENCH_SETTINGS, ThrowawayCluster
from storyline.store.postgres import PostgresStore
from storyline.store.sqlite import SQLiteStore

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"
STAGES = ("language", "clean", "metadata")
WORDS = [
    *("minister", "said", "talks", "government", "forces", "agreement", "quota", "percent"),
    *("tonnes", "city", "officials", "report", "week", "council", "vote", "budget", "election"),
    *("statement", "spokesman", "announced", "harbour", "fleet", "strike"),
]
# Repetitions of each timed query: enough for a stable median on 2 cores, seconds in all.
LOOKUPS = 300
SEARCHES = 30
QUERIES = ("quota", "minister announced budget", "strike council vote")


def make_corpus(directory: Path, copies: int) -> None:
    """The examples, plus ``copies`` distinct variants of their plain-text files."""
    rng = random.Random(7)
    texts = sorted((EXAMPLES / "text").glob("*.txt"))
    for source in EXAMPLES.rglob("*"):
        if source.is_file():
            target = directory / "examples" / source.relative_to(EXAMPLES)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    synthetic = directory / "synthetic"
    synthetic.mkdir()
    for i in range(copies):
        base = texts[i % len(texts)].read_text(encoding="utf-8")
        extra = " ".join(rng.choice(WORDS) for _ in range(60)).capitalize()
        (synthetic / f"copy{i:05d}.txt").write_text(f"{base}\n\n{extra} ({i}).\n", "utf-8")


def _median_ms(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return 1000 * times[len(times) // 2]


def measure(store: Store, corpus: Path) -> dict[str, float]:
    start = time.perf_counter()
    report = ingest([str(corpus)], store, Pipeline(store=store, stages=STAGES))
    ingest_s = time.perf_counter() - start
    assert report.failed == 0, report.failures
    ids = [a.id for a in store.iter_articles()]
    rng = random.Random(11)
    start = time.perf_counter()
    n = sum(1 for _ in store.iter_articles())
    iter_s = time.perf_counter() - start
    again = time.perf_counter()
    ingest([str(corpus)], store, Pipeline(store=store, stages=STAGES))
    rerun_s = time.perf_counter() - again
    figures = {
        "articles": float(n),
        "ingest (articles/s)": report.ingested / ingest_s,
        "re-ingest, all unchanged (items/s)": n / rerun_s,
        "iter_articles (articles/s)": n / iter_s,
        "get_article (ms)": _median_ms(lambda: store.get_article(rng.choice(ids)), LOOKUPS),
        "find_article by 8-char prefix (ms)": _median_ms(
            lambda: store.find_article(rng.choice(ids)[:8]), LOOKUPS
        ),
        "count_articles (ms)": _median_ms(store.count_articles, LOOKUPS),
    }
    for query in QUERIES:
        found = keyword_search(store.conn, query, Filters())[0]
        figures[f"keyword search '{query}' (ms, {len(found)} hits)"] = _median_ms(
            lambda q=query: keyword_search(store.conn, q, Filters()),
            SEARCHES,  # type: ignore[misc]
        )
    return figures


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        make_corpus(corpus, copies)
        # Load the language model before timing: the first backend measured must not pay for it.
        Pipeline(stages=STAGES).analyze(str(next((EXAMPLES / "text").glob("*.txt"))))
        with SQLiteStore(Path(tmp) / "bench.db") as lite:
            sqlite_figures = measure(lite, corpus)
        with ThrowawayCluster(settings=BENCH_SETTINGS) as cluster:
            server = PostgresStore(cluster.create_database("bench"))
            try:
                pg_figures = measure(server, corpus)
            finally:
                server.close()
    print(f"## Store: SQLite vs PostgreSQL ({int(sqlite_figures['articles'])} articles)\n")
    print("| measure | SQLite | PostgreSQL |")
    print("|---|---:|---:|")
    for key, value in sqlite_figures.items():
        if key == "articles":
            continue
        print(f"| {key} | {value:,.2f} | {pg_figures[key]:,.2f} |")


if __name__ == "__main__":
    main()
