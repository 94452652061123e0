"""Speed of the language, clean and metadata stages, each alone, in articles/s (one process).

Input: the text trafilatura extracts from the trafilatura dev pages
(``../shared/data/web-extraction-eval/trafilatura``), i.e. what HTML ingest hands to the stages,
plus the five seed text dumps repeated. Extraction happens before timing; the models (fastText,
dateparser locales) are warmed up on one article first. The time of ``trafilatura.extract`` on the
same pages is printed alongside, since the stages run after it on every HTML page.

Figures, not assertions. Run: ``.venv/bin/python benchmarks/clean.py [--pages N]``.
"""

from __future__ import annotations

import argparse
import json
import lzma
import time
from pathlib import Path

from storyline.article import Article
from storyline.clean.stage import CleanStage
from storyline.corpus import Corpus
from storyline.language.stage import LanguageStage
from storyline.metadata.stage import MetadataStage

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PAGES = SHARED / "data" / "web-extraction-eval" / "trafilatura" / "tests"


def read_page(name: str) -> bytes | None:
    for folder in ("cache", "eval"):
        path = PAGES / folder / f"{name}.xz"
        if path.exists():
            return lzma.decompress(path.read_bytes())
    return None


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:8.0f} articles/s  {seconds / count * 1e3:6.2f} ms/article"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()

    import trafilatura

    gold = json.loads((PAGES / "evaldata.json").read_text(encoding="utf-8"))
    pages = [(url, read_page(str(e["file"]))) for url, e in list(gold.items())[: args.pages]]
    start = time.perf_counter()
    texts = [(url, trafilatura.extract(html, url=url) or "") for url, html in pages if html]
    extract_s = time.perf_counter() - start
    seeds = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]

    corpus = Corpus()
    stages = [LanguageStage(corpus), CleanStage(corpus), MetadataStage(corpus)]
    warm = Article(raw_text=seeds[0])
    for stage in stages:
        stage(warm)

    for label, batch in (
        ("dev pages (trafilatura text)", [Article(raw_text=t, url=u) for u, t in texts]),
        ("seed text dumps x40", [Article(raw_text=s) for s in seeds * 40]),
    ):
        print(f"{label}: {len(batch)} articles, {sum(len(a.raw_text) for a in batch):,} chars")
        total = 0.0
        for stage in stages:
            begin = time.perf_counter()
            stage.prepare(batch)
            batch = [stage(a) for a in batch]
            spent = time.perf_counter() - begin
            total += spent
            print(f"  {stage.name:<9} {rate(len(batch), spent)}")
        print(f"  all three {rate(len(batch), total)}")
    n = len(texts)
    print(f"trafilatura.extract on the same pages: {extract_s / n * 1e3:.2f} ms/page ({n} pages)")


if __name__ == "__main__":
    main()
