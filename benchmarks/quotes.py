"""Quotes + claims speed: articles/s on the seeds and PolNeAR dev texts (parse included and not).

Run: ``.venv/bin/python benchmarks/quotes.py``. Prints figures; no assertions.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

from _report import DATA, SHARED, open_maybe_xz  # noqa: E402

from storyline.article import Article  # noqa: E402
from storyline.claims.stage import extract_claims  # noqa: E402
from storyline.nlp import parse  # noqa: E402
from storyline.quotes.stage import extract_quotes  # noqa: E402


def texts() -> list[tuple[str, str]]:
    out = [
        (p.read_text(encoding="utf-8"), "fr" if "004_" in p.name else "en")
        for p in sorted((SHARED / "seeds").glob("*.txt"))
    ]
    for p in sorted((DATA / "polnear" / "data" / "dev" / "text").glob("*.txt.xz"))[:40]:
        out.append((open_maybe_xz(p).decode("utf-8"), "en"))
    return out


def main() -> None:
    items = texts()
    articles = [Article(raw_text=t, text=t, language=lang) for t, lang in items]
    started = time.perf_counter()
    for a in articles:
        parse(a)
    parse_s = time.perf_counter() - started
    started = time.perf_counter()
    n_quotes = n_claims = 0
    for a in articles:
        a.quotes = extract_quotes(a)
        a.claims = extract_claims(a)
        n_quotes += len(a.quotes)
        n_claims += len(a.claims)
    own_s = time.perf_counter() - started
    chars = sum(len(a.text) for a in articles)
    print(f"articles: {len(articles)} ({chars / 1000:.0f} k chars)")
    print(f"spaCy parse: {len(articles) / parse_s:.1f} articles/s")
    print(f"quotes+claims after parse: {len(articles) / own_s:.1f} articles/s")
    print(f"end to end: {len(articles) / (parse_s + own_s):.1f} articles/s")
    print(f"quotes: {n_quotes}, claims: {n_claims}")


if __name__ == "__main__":
    main()
