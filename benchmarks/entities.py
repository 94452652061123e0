"""Entities speed: NER + resolution articles/s, and resolution cost as the registry grows.

1. Stage throughput: ML-Crisis news texts (``../shared/data/cl-tls-ml-crisis``, es/fr, the
   languages with spaCy models there) and SlavicNER Russian texts (natasha), through the entities
   stage alone (text given, language given), batched so spaCy runs ``nlp.pipe``. Models are loaded
   before timing (one warm-up article per language).
2. Resolution cost: a registry filled with N synthetic person and organisation names (N = 1k,
   10k, 100k), then the time of 2,000 look-ups of new names sharing surnames with stored ones.
   Every index is a dict keyed by a normalised form, so the time per look-up must stay flat.

Figures, not assertions. Run: ``.venv/bin/python benchmarks/entities.py [--articles N]``.
"""

from __future__ import annotations

import argparse
import lzma
import random
import sys
import time
from pathlib import Path

from storyline.article import Article
from storyline.corpus import Corpus
from storyline.entities.registry import EntityRegistry
from storyline.entities.stage import EntityStage

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
# Articles are cut to this many characters: news leads, and comparable across languages.
MAX_CHARS = 3000


def load_articles(limit: int) -> list[Article]:
    out: list[Article] = []
    for lang in ("es", "fr"):
        paths = sorted((DATA / "cl-tls-ml-crisis" / lang).glob("*/*/*.txt.xz"))[: limit // 3]
        for path in paths:
            text = lzma.decompress(path.read_bytes()).decode("utf-8", "replace")[:MAX_CHARS]
            out.append(Article(raw_text=text, text=text, language=lang))
    for path in sorted((DATA / "slavicner" / "raw").glob("*/ru/*.txt"))[: limit // 3]:
        text = path.read_text(encoding="utf-8", errors="replace")[:MAX_CHARS]
        out.append(Article(raw_text=text, text=text, language="ru"))
    return out


def stage_throughput(articles: list[Article], batch: int = 64) -> list[str]:
    stage = EntityStage(Corpus())
    for lang in sorted({a.language or "" for a in articles}):
        warm = next(a for a in articles if a.language == lang)
        probe = Article(raw_text=warm.text[:200], text=warm.text[:200], language=lang)
        stage.prepare([probe])
        stage(probe)
    lines = ["| language | articles | chars | s | articles/s |", "|---|---:|---:|---:|---:|"]
    total_n, total_s = 0, 0.0
    for lang in sorted({a.language or "" for a in articles}):
        group = [a for a in articles if a.language == lang]
        started = time.perf_counter()
        for i in range(0, len(group), batch):
            chunk = group[i : i + batch]
            stage.prepare(chunk)
            for article in chunk:
                stage(article)
        seconds = time.perf_counter() - started
        chars = sum(len(a.text) for a in group)
        total_n, total_s = total_n + len(group), total_s + seconds
        lines.append(
            f"| {lang} | {len(group)} | {chars:,} | {seconds:.1f} | {len(group) / seconds:.1f} |"
        )
    lines.append(f"| all | {total_n} | | {total_s:.1f} | {total_n / total_s:.1f} |")
    return lines


GIVEN = "Anna Boris Carlos Dmitri Elena Farid Giulia Hans Irina Jorge Karim Lena".split()  # noqa: SIM905


def synthetic_name(rng: random.Random) -> str:
    surname = "".join(rng.choice("bdgklmnprstvz") + rng.choice("aeiou") for _ in range(4))
    return f"{rng.choice(GIVEN)} {surname.capitalize()}"


def resolution_scaling() -> list[str]:
    lines = [
        "| registry entities | fill s | 2,000 look-ups s | µs / look-up |",
        "|---:|---:|---:|---:|",
    ]
    for size in (1_000, 10_000, 100_000):
        rng = random.Random(size)
        registry = EntityRegistry()
        started = time.perf_counter()
        names = []
        for i in range(size):
            name = synthetic_name(rng)
            names.append(name)
            ctx = registry.context(f"fill{i // 50}", "en")
            registry.resolve(name, "PER" if i % 3 else "ORG", ctx)
        fill = time.perf_counter() - started
        queries = [f"{rng.choice(GIVEN)} {rng.choice(names).split()[-1]}" for _ in range(2_000)]
        started = time.perf_counter()
        for j, query in enumerate(queries):
            registry.resolve(query, "PER", registry.context(f"q{j}", "en"))
        seconds = time.perf_counter() - started
        lines.append(
            f"| {size:,} | {fill:.1f} | {seconds:.2f} | {seconds / len(queries) * 1e6:.0f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    articles = load_articles(args.articles)
    if not articles:
        sys.exit(f"no dev data under {DATA}")
    print("## Entities stage (NER + resolution), 2 shared cores\n")
    print("\n".join(stage_throughput(articles)))
    print("\n## Resolution cost as the registry grows\n")
    print("\n".join(resolution_scaling()))


if __name__ == "__main__":
    main()
