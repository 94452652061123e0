"""Read model speed: contradictions linked over the whole store at read time.

1. ``link_contradictions`` on ``--claims`` synthetic number claims (``--holders`` holders, 3 units,
   values spread so a few pairs disagree), grouped by (holder, measure) as now, against the
   previous all-pairs loop (reproduced below, side by side on the same claims): same links, ratio.
2. :func:`storyline.read.claims.contradictions` on a synthetic SQLite store of ``--articles``
   articles with 1 claim each: the first (cold) read, which links every stored claim, and a warm
   read (cached until an analysed article changes).

Prints figures; asserts nothing but that both loops link the same pairs.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from storyline.article import Article, Claim
from storyline.claims import stage
from storyline.read.claims import contradictions
from storyline.store.sqlite import SQLiteStore

UNITS = ("tonnes", "%", "people")


def synthetic_claims(n: int, holders: int, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    articles = []
    for i in range(n):
        holder = f"Holder{rng.randrange(holders)}"
        unit = rng.choice(UNITS)
        value = rng.choice((100.0, 101.0, 150.0)) * (1 + rng.randrange(3))
        claim = Claim(
            f"{value} {unit}",
            0,
            10,
            "number",
            value=value,
            unit=unit,
            counted=unit,
            holder=holder,
            speaker=f"speaker{rng.randrange(50)}",
            time_ref="2024",
            id=f"a{i:07d}:c1",
        )
        articles.append(
            Article(
                raw_text="x",
                text="x",
                id=f"a{i:07d}",
                published=date(2024, 3, 1 + rng.randrange(28)),
                claims=[claim],
            )
        )
    return articles


def all_pairs(claims: list[Claim], articles: list[Article]) -> int:
    """The previous loop of ``link_contradictions``: every pair of keyed claims."""
    published = {c.id: a.published for a in articles for c in a.claims if a.published}
    keys = [
        (c, stage._holder_key(c.holder, {}), stage._measure(c, None))
        for c in claims
        if c.kind == "number" and c.speaker and c.id
    ]
    pairs = 0
    for i, (a, ha, ma) in enumerate(keys):
        for b, hb, mb in keys[i + 1 :]:
            if not ha or ha != hb or ma != mb:
                continue
            if (a.speaker or "").casefold() == (b.speaker or "").casefold():
                continue
            years_a = set(re.findall(r"(?:19|20)\d\d", a.time_ref or ""))
            years_b = set(re.findall(r"(?:19|20)\d\d", b.time_ref or ""))
            if years_a and years_b and not years_a & years_b:
                continue
            if not stage._disagree(a, b):
                continue
            da, db = published.get(a.id), published.get(b.id)
            if da and db and abs((da - db).days) > stage.CONTRADICTION_MAX_DAYS:
                continue
            assert a.id is not None and b.id is not None
            if b.id not in a.contradicts:
                a.contradicts.append(b.id)
                b.contradicts.append(a.id)
                pairs += 1
    return pairs


def linking(n: int, holders: int) -> None:
    before = synthetic_claims(n, holders)
    after = synthetic_claims(n, holders)
    start = time.perf_counter()
    old = all_pairs([c for a in before for c in a.claims], before)
    old_s = time.perf_counter() - start
    start = time.perf_counter()
    new = stage.link_contradictions([c for a in after for c in a.claims], after)
    new_s = time.perf_counter() - start
    same = [c.contradicts for a in before for c in a.claims] == [
        c.contradicts for a in after for c in a.claims
    ]
    assert old == new and same, "the grouped loop must link exactly what all pairs linked"
    print(
        f"link {n} claims, {holders} holders: {new} pairs; all pairs {old_s:.2f} s,"
        f" grouped {new_s:.3f} s, ratio {old_s / max(new_s, 1e-9):.0f}x"
    )


def store_read(n: int, holders: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "read.db"
        with SQLiteStore(path) as store:
            for article in synthetic_claims(n, holders):
                article.language = "en"
                store.save_article(article)
        conn = sqlite3.connect(path)
        start = time.perf_counter()
        links = contradictions(conn)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        contradictions(conn)
        warm = time.perf_counter() - start
        print(
            f"read-time contradictions, {n} stored articles: cold {cold:.2f} s"
            f" ({len(links)} linked claims), warm {warm * 1000:.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=5000)
    parser.add_argument("--holders", type=int, default=200)
    parser.add_argument("--articles", type=int, default=10000)
    args = parser.parse_args()
    linking(args.claims, args.holders)
    store_read(args.articles, args.holders)


if __name__ == "__main__":
    main()
