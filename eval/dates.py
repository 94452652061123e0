"""Publication dates of HTML pages: how the vote of :mod:`storyline.ingest.dates` is fitted and
how well it does, against htmldate run plainly on the same pages.

Pages: the 800 htmldate dev pages (``htmldate/tests/eval_default.json``, every page dated) and
the trafilatura dev pages with a ``date`` field (``trafilatura/tests/evaldata.json``; an empty
date means the page has none, so the right answer there is no date). 302 trafilatura pages are
also htmldate pages; "trafilatura only" are the others.

Scores: accuracy = pages answered right (the right day, or no date where the gold has none) /
all pages; precision = right days / pages given a date; coverage = pages given a date / all.

Held out: the step weights (:data:`storyline.ingest.dates.SIGNAL_WEIGHTS`) are fitted on one set
and scored on the other (htmldate → trafilatura only, trafilatura → htmldate), then fitted on
both for shipping; the script prints the weights and the margin → precision table to paste in.

Run: ``.venv/bin/python eval/dates.py [--cache FILE]`` (about 5 minutes on 2 cores; ``--cache``
keeps the per-page signals in FILE so a rerun only re-scores); writes the "dates" section of
docs/evaluation.md.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from collections import Counter
from datetime import date, datetime
from multiprocessing import Pool
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from _report import DATA, open_maybe_xz, write_section

WEB = DATA / "web-extraction-eval"
PROCESSES = 2
# The crawl date the pages are dated against (nothing after it is a publication date): the
# upstream sets were built before this day.
CRAWL = datetime(2026, 12, 1)
CACHE = Path(sys.argv[sys.argv.index("--cache") + 1]) if "--cache" in sys.argv else None
FOLDS = 5
MARGINS = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0)


def find_page(root: Path, filename: str) -> Path | None:
    for sub in ("cache", "eval"):
        for candidate in (root / sub / filename, root / sub / f"{filename}.xz"):
            if candidate.exists():
                return candidate
    return None


def _worker(job: tuple[str, str, str, str | None]) -> dict[str, Any]:
    from htmldate import find_date

    from storyline.ingest.dates import date_signals
    from storyline.ingest.html import decode_html

    setname, url, filename, gold = job
    path = find_page(WEB / setname / "tests", filename)
    assert path is not None
    data = open_maybe_xz(path)
    html, _ = decode_html(data)
    row: dict[str, Any] = {"set": setname, "url": url, "file": filename, "gold": gold}
    row["signals"] = [(s.step, s.day.isoformat()) for s in date_signals(html, url, CRAWL)]
    for name, extensive in (("htmldate extensive", True), ("htmldate fast", False)):
        try:
            row[name] = find_date(
                data, extensive_search=extensive, original_date=True, max_date="2026-12-01"
            )
        except Exception:  # htmldate crashing on a page counts as no date
            row[name] = None
    return row


def collect() -> list[dict[str, Any]]:
    if CACHE is not None and CACHE.exists():
        rows: list[dict[str, Any]] = json.loads(CACHE.read_text(encoding="utf-8"))
        return rows
    jobs: list[tuple[str, str, str, str | None]] = []
    htmldate = json.loads((WEB / "htmldate/tests/eval_default.json").read_text(encoding="utf-8"))
    jobs += [("htmldate", u, v["file"], v["date"]) for u, v in htmldate.items()]
    traf = json.loads((WEB / "trafilatura/tests/evaldata.json").read_text(encoding="utf-8"))
    jobs += [
        ("trafilatura", u, v["file"], v["date"] or None) for u, v in traf.items() if "date" in v
    ]
    jobs = [j for j in jobs if find_page(WEB / j[0] / "tests", j[2])]
    with Pool(PROCESSES) as pool:
        rows = list(pool.imap(_worker, jobs, chunksize=8))
    if CACHE is not None:
        CACHE.write_text(json.dumps(rows), encoding="utf-8")
    return rows


def fold_of(row: dict[str, Any]) -> int:
    """The cross-validation fold of a page: a stable hash of its web site."""
    host = urlsplit(row["url"]).hostname or row["url"]
    site = ".".join(host.removeprefix("www.").split(".")[-2:])
    return int(hashlib.sha1(site.encode()).hexdigest(), 16) % FOLDS


def fit(rows: list[dict[str, Any]]) -> dict[str, float]:
    """log((right + 1) / (wrong + 1)) per step over the pages where the step gives a date."""
    seen: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for row in rows:
        for step, day in dict(row["signals"]).items():
            seen[step] += 1
            right[step] += day == row["gold"]
    return {s: round(math.log((right[s] + 1) / (seen[s] - right[s] + 1)), 2) for s in seen}


def ours(row: dict[str, Any], weights: dict[str, float], min_margin: float = 0.0) -> Any:
    from storyline.ingest.dates import DateSignal, choose_date

    signals = [DateSignal(step, date.fromisoformat(day)) for step, day in row["signals"]]
    chosen = choose_date(signals, weights)
    if chosen is None or chosen.margin < min_margin:
        return None
    return chosen


def score(rows: list[dict[str, Any]], answers: list[str | None]) -> tuple[float, float, float]:
    right = sum(1 for r, a in zip(rows, answers, strict=True) if a == r["gold"])
    dated = sum(1 for a in answers if a)
    right_days = sum(1 for r, a in zip(rows, answers, strict=True) if a and a == r["gold"])
    n = len(rows)
    return right / n, right_days / dated if dated else 0.0, dated / n


def row_of(name: str, rows: list[dict[str, Any]], answers: list[str | None]) -> str:
    acc, prec, cov = score(rows, answers)
    return f"| {name} | {len(rows)} | **{acc:.3f}** | {prec:.3f} | {cov:.3f} |"


def day_of(chosen: Any) -> str | None:
    return chosen.day.isoformat() if chosen is not None else None


def main() -> int:
    rows = collect()
    htmldate_files = {r["file"] for r in rows if r["set"] == "htmldate"}
    sets = {
        "htmldate": [r for r in rows if r["set"] == "htmldate"],
        "trafilatura": [r for r in rows if r["set"] == "trafilatura"],
        "trafilatura only": [
            r for r in rows if r["set"] == "trafilatura" and r["file"] not in htmldate_files
        ],
    }
    pooled = sets["htmldate"] + sets["trafilatura only"]
    shipped = fit(pooled)
    # Held out: FOLDS-fold cross-validation over the pooled pages, folds by web site (a site's
    # pages share templates, so they must not sit on both sides); trafilatura pages that are also
    # htmldate pages take the fold of their site too.
    fold_weights = [fit([r for r in pooled if fold_of(r) != k]) for k in range(FOLDS)]

    def held_out(row: dict[str, Any], min_margin: float = 0.0) -> Any:
        return ours(row, fold_weights[fold_of(row)], min_margin)

    lines = [
        "Accuracy = right answers (the right day, or no date where the gold has none) / pages; "
        "precision = right days / pages given a date; coverage = pages given a date / pages. "
        f"*Held out*: {FOLDS}-fold cross-validation, folds by web site, over htmldate + "
        "trafilatura only (each page scored with weights fitted without its site). *Shipped*: "
        "weights fitted on all of them (in-sample).",
        "",
        "| date finder | pages | accuracy | precision | coverage |",
        "|---|---|---|---|---|",
    ]
    for name, test in sets.items():
        for finder in ("htmldate fast", "htmldate extensive"):
            lines.append(row_of(f"{name}: {finder}", test, [r[finder] for r in test]))
        lines.append(
            row_of(f"{name}: storyline vote, held out", test, [day_of(held_out(r)) for r in test])
        )
        lines.append(
            row_of(
                f"{name}: storyline vote, shipped", test, [day_of(ours(r, shipped)) for r in test]
            )
        )
    lines += [
        "",
        "**Precision–coverage curve** (held-out weights; a date is kept when its vote beats the "
        "runner-up by at least the margin). The shipped point is margin 0 (every positive vote).",
        "",
        "| set | margin ≥ | accuracy | precision | coverage |",
        "|---|---|---|---|---|",
    ]
    for name in ("htmldate", "trafilatura only"):
        for margin in MARGINS:
            answers = [day_of(held_out(r, margin)) for r in sets[name]]
            acc, prec, cov = score(sets[name], answers)
            lines.append(f"| {name} | {margin:g} | {acc:.3f} | {prec:.3f} | {cov:.3f} |")
    # Confidence by margin, pooled over both sets (what confidence_of() reports).
    table = []
    for margin in MARGINS:
        chosen = [(r, ours(r, shipped)) for r in pooled]
        kept = [(r, c) for r, c in chosen if c is not None and c.margin >= margin]
        if kept:
            right = sum(1 for r, c in kept if c.day.isoformat() == r["gold"])
            table.append((margin, round(right / len(kept), 2)))
    sources: Counter[str] = Counter()
    right_by_source: Counter[str] = Counter()
    for r in pooled:
        c = ours(r, shipped)
        if c is not None:
            sources[c.source] += 1
            right_by_source[c.source] += c.day.isoformat() == r["gold"]
    lines += [
        "",
        "Shipped step weights: "
        + ", ".join(f"`{k}` {v}" for k, v in sorted(shipped.items(), key=lambda x: -x[1]))
        + ".",
        "",
        "Confidence by margin (precision of the dates with at least that margin, both sets): "
        + ", ".join(f"≥{m:g}: {p}" for m, p in table)
        + ".",
        "",
        "Provenance of the shipped dates (both sets): "
        + ", ".join(
            f"{s} {n} ({right_by_source[s] / n:.2f} right)" for s, n in sources.most_common()
        )
        + ".",
    ]
    lines += [
        "",
        "Reading: the vote beats htmldate's fast search on both sets (it adds corroborated "
        "free-text dates and overrides a lone `<meta>` date when the printed date elements agree "
        "on another day) and beats the extensive search on the trafilatura pages, whose undated "
        "pages it leaves undated more often; on the htmldate pages, where every page has a date, "
        "it stays below the extensive search in accuracy because a date found only by the "
        "whole-page search (21 htmldate pages, 14 of them right; 18 trafilatura-only pages, none "
        "right, 17 of them undated) is refused. Neither goal of issue 15 is met: no margin gives "
        "precision ≥ 0.95 with accuracy above htmldate extensive (at precision 0.954 the "
        "accuracy is 0.804). The shipped point keeps every positive vote; `published_confidence` "
        "is the lower of the margin's precision (table above) and the source's (list above), "
        "so a caller can trade coverage for precision by filtering on it.",
    ]
    text = "\n".join(lines)
    print(text)
    print("SIGNAL_WEIGHTS =", shipped)
    print("CONFIDENCE_BY_MARGIN =", tuple(table))
    write_section("dates", "Publication dates of HTML pages: the vote against htmldate", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
