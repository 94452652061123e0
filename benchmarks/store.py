"""Store and ingest-runner overhead: articles/s for the SQLite writes, the runner around a no-op
analyser (read → store raw → analyse → save, one transaction per article), reading back, and
export in each format. Synthetic seed-sized articles (~4 KB), so the figures isolate storyline's
own bookkeeping from the model stages. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/store.py [N]
"""

from __future__ import annotations

import io
import random
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from storyline.article import Article, RemovedLine
from storyline.batch import ingest
from storyline.export import write_csv, write_jsonl, write_parquet
from storyline.store.sqlite import SQLiteStore

WORDS = [
    "minister",
    "said",
    "talks",
    "government",
    "forces",
    "agreement",
    "quota",
    "percent",
    "tonnes",
    "city",
    "officials",
    "report",
    "week",
    "council",
    "vote",
    "budget",
    "election",
    "statement",
    "spokesman",
    "announced",
]


def paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def make_corpus(directory: Path, n: int) -> None:
    rng = random.Random(7)
    for i in range(n):
        body = "\n\n".join(paragraph(rng, 90) for _ in range(7))
        (directory / f"a{i:05d}.txt").write_text(f"Headline {i}\n\n{body}\n", encoding="utf-8")


class NoOp:
    """Stands in for the pipeline: fills text and one removed line, like the cheapest stages."""

    def run(self, batch: Iterable[Article]) -> list[Article]:
        articles = list(batch)
        for article in articles:
            article.text = article.raw_text
            article.removed = [RemovedLine("Share this", "call-to-action")]
        return articles


def rate(label: str, n: int, seconds: float) -> None:
    print(f"{label:<42} {n / seconds:10.0f} articles/s   ({n} in {seconds:.2f} s)")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "in").mkdir()
        make_corpus(root / "in", n)
        store = SQLiteStore(root / "bench.db")

        start = time.perf_counter()
        report = ingest([str(root / "in")], store, NoOp())
        rate("ingest runner, no-op analyser (new)", report.ingested, time.perf_counter() - start)

        start = time.perf_counter()
        report = ingest([str(root / "in")], store, NoOp())
        rate("ingest runner, rerun (all unchanged)", report.unchanged, time.perf_counter() - start)

        start = time.perf_counter()
        articles = list(store.iter_articles())
        rate("iter_articles (read back)", len(articles), time.perf_counter() - start)

        start = time.perf_counter()
        for article in articles:
            store.save_article(article)
        rate("save_article (update, 1 txn each)", len(articles), time.perf_counter() - start)

        for name, write in (("jsonl", write_jsonl), ("csv", write_csv)):
            start = time.perf_counter()
            count = write(articles, io.StringIO())
            rate(f"export {name} (in memory)", count, time.perf_counter() - start)
        start = time.perf_counter()
        count = write_parquet(articles, root / "out.parquet")
        rate("export parquet (file)", count, time.perf_counter() - start)

        size = (root / "bench.db").stat().st_size
        print(f"database size: {size / 1e6:.1f} MB for {n} articles (raw + analysed)")
        store.close()


if __name__ == "__main__":
    main()
