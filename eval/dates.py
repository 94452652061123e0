"""Publication dates of HTML pages: how the date model of :mod:`storyline.ingest.dates` is
fitted and how well it does, against htmldate run plainly on the same pages.

Pages: the 800 htmldate dev pages (``htmldate/tests/eval_default.json``, every page dated) and
the trafilatura dev pages with a ``date`` field (``trafilatura/tests/evaldata.json``; an empty
date means the page has none, so the right answer there is no date). 302 trafilatura pages are
also htmldate pages; "trafilatura only" are the others. Four trafilatura gold dates are written
year-day-month ("2022-29-11") or without a leading zero ("2022-11-1"); they are read as the only
valid date they can be (month > 12 swapped; zero-padded).

Scores: accuracy = pages answered right (the right day, or no date where the gold has none) /
all pages; precision = right days / pages given a date; coverage = pages given a date / all.

Held out: the model (:data:`storyline.ingest.dates.DATE_MODEL`, a logistic regression over each
page's candidate days) is fitted on one set and scored on the other (htmldate → trafilatura
only, trafilatura only → htmldate), and 5-fold by web site over both; the threshold
(:data:`MIN_PROBABILITY`) is chosen inside each fold on the training pages. The shipped model is
fitted on both sets; the script prints it to paste in.

Run: ``.venv/bin/python eval/dates.py [--cache FILE]`` (about 5 minutes on 2 cores; ``--cache``
keeps the per-page signals in FILE so a rerun only re-scores); writes the "dates" section of
docs/evaluation.md.
"""

from __future__ import annotations

import hashlib
import json
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
FLOORS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
# The regression: Newton steps (it converges in far fewer) and the L2 penalty (1, the usual
# default, not tuned).
NEWTON_STEPS = 25
L2 = 1.0


def find_page(root: Path, filename: str) -> Path | None:
    for sub in ("cache", "eval"):
        for candidate in (root / sub / filename, root / sub / f"{filename}.xz"):
            if candidate.exists():
                return candidate
    return None


def _worker(job: tuple[str, str, str, str | None]) -> dict[str, Any]:
    from htmldate import find_date

    from storyline.ingest.dates import date_signals, is_article_page
    from storyline.ingest.html import decode_html

    setname, url, filename, gold = job
    path = find_page(WEB / setname / "tests", filename)
    assert path is not None
    data = open_maybe_xz(path)
    html, _ = decode_html(data)
    row: dict[str, Any] = {"set": setname, "url": url, "file": filename, "gold": gold}
    row["signals"] = [(s.step, s.day.isoformat()) for s in date_signals(html, url, CRAWL)]
    row["article"] = is_article_page(html)
    for name, extensive in (("htmldate extensive", True), ("htmldate fast", False)):
        try:
            row[name] = find_date(
                data, extensive_search=extensive, original_date=True, max_date="2026-12-01"
            )
        except Exception:  # htmldate crashing on a page counts as no date
            row[name] = None
    return row


def normalise_gold(value: str | None) -> str | None:
    """A gold date as ISO: "2022-29-11" (year-day-month) → "2022-11-29", "2022-11-1" →
    "2022-11-01"; empty → None."""
    if not value:
        return None
    parts = value.strip()[:10].split("-")
    if len(parts) != 3:
        return value
    year, month, day = parts
    if month.isdigit() and int(month) > 12:
        month, day = day, month
    return f"{year}-{int(month):02d}-{int(day):02d}"


def collect() -> list[dict[str, Any]]:
    if CACHE is not None and CACHE.exists():
        rows: list[dict[str, Any]] = json.loads(CACHE.read_text(encoding="utf-8"))
    else:
        jobs: list[tuple[str, str, str, str | None]] = []
        htmldate = json.loads(
            (WEB / "htmldate/tests/eval_default.json").read_text(encoding="utf-8")
        )
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
    for row in rows:
        row["gold"] = normalise_gold(row["gold"])
    return rows


def fold_of(row: dict[str, Any]) -> int:
    """The cross-validation fold of a page: a stable hash of its web site."""
    host = urlsplit(row["url"]).hostname or row["url"]
    site = ".".join(host.removeprefix("www.").split(".")[-2:])
    return int(hashlib.sha1(site.encode()).hexdigest(), 16) % FOLDS


def signals_of(row: dict[str, Any]) -> list[Any]:
    from storyline.ingest.dates import DateSignal

    return [DateSignal(step, date.fromisoformat(day)) for step, day in row["signals"]]


def fit(rows: list[dict[str, Any]]) -> dict[str, float]:
    """L2-regularised logistic regression (Newton's method) of "this candidate day is the gold
    day" over every candidate day of every page."""
    import numpy as np

    from storyline.ingest.dates import candidate_features

    samples: list[dict[str, float]] = []
    labels: list[float] = []
    for row in rows:
        for day, features in candidate_features(signals_of(row), row.get("article", False)):
            samples.append(features)
            labels.append(float(day.isoformat() == row["gold"]))
    names = sorted({name for features in samples for name in features})
    x = np.array([[f.get(n, 0.0) for n in names] for f in samples])
    y = np.array(labels)
    w = np.zeros(len(names))
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        gradient = x.T @ (p - y) + L2 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + L2 * np.eye(len(names))
        w -= np.linalg.solve(hessian, gradient)
    return {n: round(float(v), 3) for n, v in zip(names, w, strict=True)}


def ours(row: dict[str, Any], model: dict[str, float], floor: float = 0.0) -> Any:
    from storyline.ingest.dates import choose_date

    return choose_date(signals_of(row), row.get("article", False), model, floor)


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


def best_floor(rows: list[dict[str, Any]], model: dict[str, float], held: Any = None) -> float:
    """The threshold that helps most on the set it helps least: the highest, over the two page
    sets in ``rows``, of the lower gain in accuracy over htmldate's fast search (the library's
    precision-first default). "Any rule must help on both the htmldate and the trafilatura
    pages" (issue 15), and the sets disagree (every htmldate page has a date; half of the
    trafilatura-only pages have none). ``held`` scores a row at a threshold (default: ``model``).
    Ties go to the lower threshold."""

    def answer(row: dict[str, Any], floor: float) -> str | None:
        return day_of(held(row, floor) if held else ours(row, model, floor))

    groups = [[r for r in rows if r["set"] == name] for name in ("htmldate", "trafilatura")]
    groups = [g for g in groups if g]
    baseline = [score(g, [normalise_gold(r["htmldate fast"]) for r in g])[0] for g in groups]

    def worst_gain(floor: float) -> float:
        return min(
            score(g, [answer(r, floor) for r in g])[0] - b
            for g, b in zip(groups, baseline, strict=True)
        )

    return -max((round(worst_gain(f), 6), -f) for f in FLOORS)[1]


def main() -> int:
    from storyline.ingest.dates import DATE_MODEL, MIN_PROBABILITY

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
    # Held out, 1: one set fits, the other scores (the threshold chosen on the fitting set).
    cross = {
        "htmldate": fit(sets["trafilatura only"]),
        "trafilatura only": fit(sets["htmldate"]),
    }
    # Held out, 2: FOLDS-fold cross-validation over the pooled pages, folds by web site (a site's
    # pages share templates, so they must not sit on both sides); the model and its threshold
    # are chosen on the training folds.
    fold_models = [fit([r for r in pooled if fold_of(r) != k]) for k in range(FOLDS)]
    fold_floors = [
        best_floor([r for r in pooled if fold_of(r) != k], fold_models[k]) for k in range(FOLDS)
    ]
    # The shipped threshold: the same rule on the held-out (fold) probabilities of all pages.
    pooled_floor = best_floor(pooled, shipped, lambda r, f: ours(r, fold_models[fold_of(r)], f))

    def held_out(row: dict[str, Any], floor: float | None = None) -> Any:
        k = fold_of(row)
        return ours(row, fold_models[k], fold_floors[k] if floor is None else floor)

    lines = [
        "Accuracy = right answers (the right day, or no date where the gold has none) / pages; "
        "precision = right days / pages given a date; coverage = pages given a date / pages. "
        "*Cross-set*: the model fitted on the other set (htmldate ↔ trafilatura only), at the "
        "shipped threshold. *{FOLDS}-fold*: cross-validation, folds by web site, over htmldate "
        "+ trafilatura only (model and threshold fitted without the page's site). *Shipped*: the "
        "model fitted on both sets, at the shipped threshold (in-sample).",
        "",
        "| date finder | pages | accuracy | precision | coverage |",
        "|---|---|---|---|---|",
    ]
    for name, test in sets.items():
        for finder in ("htmldate fast", "htmldate extensive"):
            lines.append(
                row_of(f"{name}: {finder}", test, [normalise_gold(r[finder]) for r in test])
            )
        if name in cross:
            lines.append(
                row_of(
                    f"{name}: storyline model, cross-set",
                    test,
                    [day_of(ours(r, cross[name], MIN_PROBABILITY)) for r in test],
                )
            )
        lines.append(
            row_of(
                f"{name}: storyline model, {FOLDS}-fold", test, [day_of(held_out(r)) for r in test]
            )
        )
        lines.append(
            row_of(
                f"{name}: storyline model, shipped",
                test,
                [day_of(ours(r, DATE_MODEL, MIN_PROBABILITY)) for r in test],
            )
        )
    lines += [
        "",
        f"**Precision–coverage curve** ({FOLDS}-fold held-out probabilities; a date is kept when "
        "its probability reaches the threshold). Thresholds chosen in the folds: "
        + ", ".join(f"{f:g}" for f in fold_floors)
        + f"; shipped threshold: {pooled_floor:g}. Rule (in the folds and for shipping): the "
        "threshold whose smaller gain in accuracy over htmldate fast, of the htmldate and the "
        "trafilatura pages, is largest: a threshold must help on both kinds of pages.",
        "",
        "| set | threshold | accuracy | precision | coverage |",
        "|---|---|---|---|---|",
    ]
    for name in ("htmldate", "trafilatura only"):
        for floor in FLOORS:
            answers = [day_of(held_out(r, floor)) for r in sets[name]]
            acc, prec, cov = score(sets[name], answers)
            lines.append(f"| {name} | {floor:g} | {acc:.3f} | {prec:.3f} | {cov:.3f} |")
    sources: Counter[str] = Counter()
    right_by_source: Counter[str] = Counter()
    for r in pooled:
        c = held_out(r)
        if c is not None:
            sources[c.source] += 1
            right_by_source[c.source] += c.day.isoformat() == r["gold"]
    lines += [
        "",
        "Shipped model (logistic regression weights): "
        + ", ".join(f"`{k}` {v}" for k, v in sorted(shipped.items(), key=lambda x: -x[1]))
        + ".",
        "",
        "Provenance of the held-out dates (both sets): "
        + ", ".join(
            f"{s} {n} ({right_by_source[s] / n:.2f} right)" for s, n in sources.most_common()
        )
        + ".",
    ]
    curve = {
        f: score(sets["htmldate"], [day_of(held_out(r, f)) for r in sets["htmldate"]])
        for f in FLOORS
    }
    extensive = score(
        sets["htmldate"], [normalise_gold(r["htmldate extensive"]) for r in sets["htmldate"]]
    )[0]
    precise = [f for f in FLOORS if curve[f][1] >= 0.95]
    top = max(curve, key=lambda f: curve[f][0])
    lines += [
        "",
        "Reading (htmldate pages, held-out): the best accuracy is "
        f"{curve[top][0]:.3f} (threshold {top:g}; htmldate extensive {extensive:.3f}), at "
        f"precision {curve[top][1]:.3f}; precision ≥ 0.95 first holds "
        + (
            f"at threshold {precise[0]:g}, with accuracy {curve[precise[0]][0]:.3f}"
            if precise
            else "at no threshold"
        )
        + ". So issue 15's first goal (accuracy ≥ 0.92 and precision ≥ 0.95) does not hold at "
        "one point, nor its second (precision ≥ 0.95 with accuracy above htmldate extensive). "
        "The shipped threshold trades the htmldate pages' accuracy for the trafilatura pages', "
        "half of which have no date (the model's probability is `published_confidence`, so a "
        "caller wanting precision ≥ 0.95 on news pages filters on it).",
    ]
    text = "\n".join(lines)
    print(text)
    print("DATE_MODEL =", shipped)
    print("MIN_PROBABILITY =", pooled_floor)
    write_section("dates", "Publication dates of HTML pages: the date model against htmldate", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
