"""HTML extraction on the web-extraction dev pages in ../shared/data/web-extraction-eval.

1. Main text on the trafilatura dev pages (``trafilatura/tests/evaldata.json``): each page has
   ``with`` snippets (must be in the text) and ``without`` snippets (boilerplate). Scored as
   trafilatura's own evaluation does (tests/eval_common.py there): whitespace-normalised
   substring match; a ``with`` snippet found = TP, missing = FN; a ``without`` snippet found = FP,
   absent = TN; a page that fails = all its ``with`` snippets missed.
   Rows: trafilatura alone (library defaults, and the settings of its benchmark), a sweep of
   trafilatura options (how ``storyline.ingest.html`` picked its settings), our ``read_html``,
   and our full path ``read_html`` + the ``language``, ``clean`` and ``metadata`` stages.
2. Publication date on the htmldate dev pages (``htmldate/tests/eval_default.json``): exact day
   vs gold, for htmldate alone and for ``read_html`` (without and with the page URL), and after
   the metadata stage (which may fall back to bylines/datelines in the text). How the date model
   of ``read_html`` is fitted, its held-out figures on the htmldate and trafilatura dev pages and
   its precision–coverage curve: ``eval/dates.py``.

Run: ``.venv/bin/python eval/extraction.py`` (about 5 minutes on 2 cores); writes the
"extraction" section of docs/evaluation.md.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from _report import DATA, REPORT, open_maybe_xz, write_section

WEB = DATA / "web-extraction-eval"
TRAF = WEB / "trafilatura" / "tests"
HTMLDATE = WEB / "htmldate" / "tests"
PROCESSES = 2
SHOW_REMOVED = 25  # boilerplate snippets the cleaner removed, shown as examples
# ``--limit N`` scores only the first N pages of each set (a quick check while developing).
LIMIT = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else None


# --------------------------------------------------------------------------- pages


def find_page(root: Path, filename: str) -> Path | None:
    """trafilatura/htmldate keep pages in tests/cache or tests/eval (cache first, as upstream)."""
    for sub in ("cache", "eval"):
        for candidate in (root / sub / filename, root / sub / f"{filename}.xz"):
            if candidate.exists():
                return candidate
    return None


def read_page(root: Path, filename: str) -> bytes | None:
    path = find_page(root, filename)
    return None if path is None else open_maybe_xz(path)


# --------------------------------------------------------------------------- body text


def norm(text: str) -> str:
    """trafilatura's scorer: whitespace-normalised so spacing variants do not cost recall."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Confusion:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    failed: int = 0
    seconds: float = 0.0

    def add(self, item: dict[str, Any], result: str | None) -> None:
        if result is None:
            self.failed += 1
            resn = ""
        else:
            resn = norm(result)
        tp = sum(1 for w in item["with"] if norm(w) in resn) if resn else 0
        fp = sum(1 for w in item["without"] if norm(w) in resn) if resn else 0
        self.tp += tp
        self.fp += fp
        self.fn += len(item["with"]) - tp
        self.tn += len(item["without"]) - fp

    def row(self, name: str, pages: int) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        total = self.tp + self.fp + self.fn + self.tn
        acc = (self.tp + self.tn) / total if total else 0.0
        f1 = 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0
        ms = 1000 * self.seconds / pages if pages else 0.0
        return (
            f"| {name} | {p:.3f} | {r:.3f} | {acc:.3f} | **{f1:.3f}** | {self.failed} | {ms:.0f} |"
        )


def _trafilatura_runners() -> dict[str, Callable[[bytes], str | None]]:
    from trafilatura import extract

    bench = {"include_comments": False, "include_tables": True, "include_formatting": False}
    return {
        "trafilatura `extract()` library defaults": lambda b: extract(b),
        "trafilatura, its benchmark settings (no comments)": lambda b: extract(b, **bench),
        "… + favor_precision": lambda b: extract(b, favor_precision=True, **bench),
        "… + favor_recall": lambda b: extract(b, favor_recall=True, **bench),
        "… + fast (no fallback extractors)": lambda b: extract(b, fast=True, **bench),
        "… + deduplicate": lambda b: extract(b, deduplicate=True, **bench),
        "… without tables": lambda b: extract(
            b, include_comments=False, include_tables=False, include_formatting=False
        ),
    }


READ_HTML = "storyline `read_html` (text + metadata)"


def _body_worker(job: tuple[str, str]) -> tuple[str, dict[str, tuple[str | None, float]], Any]:
    """Run every body-text runner on one page; returns texts, timings and our Article."""
    from storyline.errors import InputError
    from storyline.ingest.html import read_html

    url, filename = job
    data = read_page(TRAF, filename)
    assert data is not None, filename
    results: dict[str, tuple[str | None, float]] = {}
    for name, run in _trafilatura_runners().items():
        start = time.perf_counter()
        try:
            text = run(data)
        except Exception:  # a library crash counts as a full miss, as upstream scores it
            text = None
        results[name] = (text, time.perf_counter() - start)
    start = time.perf_counter()
    try:
        article: Any = read_html(data, source_path=filename)
        ours: str | None = article.raw_text
    except InputError as exc:
        article, ours = exc, None
    results[READ_HTML] = (ours, time.perf_counter() - start)
    article_out = None if ours is None else article
    if article_out is not None:
        article_out.raw = None  # keep the pickled result small
    return url, results, article_out


@dataclass
class SnippetChange:
    file: str
    kind: str  # "with lost" (clean dropped content) or "without removed" (clean dropped junk)
    snippet: str
    reason: str


@dataclass
class BodyResult:
    table: list[str] = field(default_factory=list)
    changes: list[SnippetChange] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def evaluate_body() -> BodyResult:
    from storyline.pipeline import Pipeline

    evaldata: dict[str, dict[str, Any]] = json.loads(
        (TRAF / "evaldata.json").read_text(encoding="utf-8")
    )
    jobs = [(url, item["file"]) for url, item in evaldata.items() if find_page(TRAF, item["file"])]
    jobs = jobs[:LIMIT]
    scores: dict[str, Confusion] = {}
    articles: dict[str, Any] = {}
    with Pool(PROCESSES) as pool:
        for url, results, article in pool.imap_unordered(_body_worker, jobs, chunksize=4):
            for name, (text, seconds) in results.items():
                conf = scores.setdefault(name, Confusion())
                conf.add(evaldata[url], text)
                conf.seconds += seconds
            if article is not None:
                articles[url] = article
    out = BodyResult()
    out.lengths = sorted(len(a.raw_text) for a in articles.values())
    out.failures = sorted(evaldata[u]["file"] for u, _ in jobs if u not in articles)

    # The full path: the stages run over the whole batch (the cleaner looks for lines recurring
    # across the articles of one source in prepare()).
    order = list(articles)
    start = time.perf_counter()
    done = Pipeline(stages=("language", "clean", "metadata")).run(articles[u] for u in order)
    pipeline_seconds = time.perf_counter() - start
    full = Confusion(seconds=scores[READ_HTML].seconds + pipeline_seconds)
    for url, _ in jobs:
        if url not in articles:
            full.add(evaldata[url], None)
    # Pipeline.run's output is matched back by source path, not by position (on large batches
    # it does not keep the input order; measured: 232 of the 740 CL-TLS texts moved).
    url_of = {evaldata[u]["file"]: u for u in order}
    for article in done:
        url = url_of[article.source_path]
        item = evaldata[url]
        full.add(item, article.text)
        before, after = norm(article.raw_text), norm(article.text)
        for kind, snippets in (("with lost", item["with"]), ("without removed", item["without"])):
            for snippet in snippets:
                s = norm(snippet)
                if s in before and s not in after:
                    reason = next(
                        (r.reason for r in article.removed if s in norm(r.line)), "(not in removed)"
                    )
                    out.changes.append(SnippetChange(item["file"], kind, snippet, reason))
    pages = len(jobs)
    out.table = [
        f"{pages} pages, {sum(len(evaldata[u]['with']) for u, _ in jobs)} `with` and "
        f"{sum(len(evaldata[u]['without']) for u, _ in jobs)} `without` snippets.",
        "",
        "| extractor | precision | recall | accuracy | F1 | failed pages | ms/page |",
        "|---|---|---|---|---|---|---|",
    ]
    out.table += [conf.row(name, pages) for name, conf in scores.items()]
    out.table.append(
        full.row("storyline full path: `read_html` + language, clean, metadata", pages)
    )
    return out


# --------------------------------------------------------------------------- dates

DATE_RUNS = (
    "htmldate `find_date` library defaults (extensive, latest date)",
    "htmldate fast (`extensive_search=False`, original date)",
    "htmldate extensive (`extensive_search=True`, original date)",
    "storyline `read_html` (htmldate steps + date model), no URL",
    "storyline `read_html` (htmldate steps + date model), with the page URL",
)


@dataclass
class Failed:
    """read_html raised InputError on a page (the reason, as it crosses process boundaries)."""

    reason: str


# The read_html runs whose Articles go on through the stages (the "full path" rows).
FULL_PATH = {
    DATE_RUNS[3]: "storyline full path: `read_html` (no URL) + language, clean, metadata",
    DATE_RUNS[4]: "storyline full path: `read_html` (with the page URL) + stages",
}


def _date_worker(
    job: tuple[str, str],
) -> tuple[str, dict[str, tuple[str | None, float]], dict[str, Any]]:
    from htmldate import find_date

    import storyline.ingest.html as html
    from storyline.errors import InputError

    url, filename = job
    data = read_page(HTMLDATE, filename)
    assert data is not None, filename
    max_date = datetime.now().strftime("%Y-%m-%d")

    def ours(page_url: str | None) -> Any:
        try:
            return html.read_html(data, source_path=filename, url=page_url)
        except InputError as exc:  # InputError does not survive pickling: pass its reason on
            return Failed(exc.reason)

    runs: dict[str, Callable[[], Any]] = {
        DATE_RUNS[0]: lambda: find_date(data),
        DATE_RUNS[1]: lambda: find_date(
            data, extensive_search=False, original_date=True, max_date=max_date
        ),
        DATE_RUNS[2]: lambda: find_date(
            data, extensive_search=True, original_date=True, max_date=max_date
        ),
        DATE_RUNS[3]: lambda: ours(None),
        DATE_RUNS[4]: lambda: ours(url),
    }
    results: dict[str, tuple[str | None, float]] = {}
    kept: dict[str, Any] = {}  # run name -> Article (or Failed) for the full-path rows
    for name, run in runs.items():
        start = time.perf_counter()
        try:
            value = run()
        except Exception:
            value = None
        seconds = time.perf_counter() - start
        if value is not None and not isinstance(value, str):  # an Article or a Failed
            if name in FULL_PATH:
                kept[name] = value
                if hasattr(value, "raw"):
                    value.raw = None  # keep the pickled result small
            published = getattr(value, "published", None)
            value = published.isoformat() if published else None
        results[name] = (value, seconds)
    return url, results, kept


def evaluate_dates() -> list[str]:
    from storyline.pipeline import Pipeline

    gold: dict[str, dict[str, str]] = json.loads(
        (HTMLDATE / "eval_default.json").read_text(encoding="utf-8")
    )
    jobs = [(url, item["file"]) for url, item in gold.items() if find_page(HTMLDATE, item["file"])]
    jobs = jobs[:LIMIT]
    correct: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    seconds: Counter[str] = Counter()
    kept: dict[str, dict[str, Any]] = {name: {} for name in FULL_PATH}
    with Pool(PROCESSES) as pool:
        for url, results, articles in pool.imap_unordered(_date_worker, jobs, chunksize=4):
            for name, (value, took) in results.items():
                seconds[name] += took
                if value:
                    answered[name] += 1
                    correct[name] += value[:10] == gold[url]["date"]
            for name, article in articles.items():
                kept[name][url] = article
    failures = sorted(
        f"{gold[url]['file']} ({item.reason})"
        for url, item in kept[DATE_RUNS[3]].items()
        if isinstance(item, Failed)
    )
    lengths = sorted(
        len(a.raw_text) for a in kept[DATE_RUNS[3]].values() if not isinstance(a, Failed)
    )
    # After the stages: a page without a meta date may get one from a byline/dateline.
    sources: Counter[str] = Counter()
    for run, full in FULL_PATH.items():
        batch = {u: a for u, a in kept[run].items() if not isinstance(a, Failed)}
        start = time.perf_counter()
        done = Pipeline(stages=("language", "clean", "metadata")).run(batch.values())
        seconds[full] = seconds[run] + time.perf_counter() - start
        url_of = {gold[u]["file"]: u for u in batch}
        for article in done:
            url = url_of[article.source_path]
            if article.published:
                answered[full] += 1
                correct[full] += article.published.isoformat() == gold[url]["date"]
                if run == DATE_RUNS[3]:
                    sources[str(article.published_source)] += 1
    n = len(jobs)
    lines = [
        f"{n} pages with a gold publication date. Accuracy = exact day right / all pages; "
        "precision = right / pages given a date; coverage = pages given a date / all pages.",
        "",
        "| date finder | accuracy | precision | coverage | ms/page |",
        "|---|---|---|---|---|",
    ]
    for name in (*DATE_RUNS, *FULL_PATH.values()):
        acc = correct[name] / n
        prec = correct[name] / answered[name] if answered[name] else 0.0
        cov = answered[name] / n
        ms = 1000 * seconds[name] / n
        lines.append(f"| {name} | **{acc:.3f}** | {prec:.3f} | {cov:.3f} | {ms:.0f} |")
    lines += [
        "",
        "Date sources after the stages (`read_html` without the URL, then the stages): "
        f"{dict(sorted(sources.items()))}. `read_html` raised InputError on {len(failures)} "
        f"page(s): {'; '.join(failures) or 'none'}. Shortest extracted bodies (chars): "
        f"{lengths[:5]}.",
    ]
    return lines


# --------------------------------------------------------------------------- report


def main() -> int:
    import trafilatura
    from htmldate import __version__ as htmldate_version

    started = time.perf_counter()
    body = evaluate_body()
    dates = evaluate_dates()
    lost = [c for c in body.changes if c.kind == "with lost"]
    removed = [c for c in body.changes if c.kind == "without removed"]
    lines = [
        f"trafilatura {trafilatura.__version__}, htmldate {htmldate_version}. Data: "
        "`../shared/data/web-extraction-eval` (dev part: 482 of trafilatura's 990 pages, all 800 "
        "htmldate URLs). Anchors on the full sets: trafilatura 2.2.0 F1 0.924 (990 pages), "
        "htmldate 1.10 extensive accuracy 0.903 (1,000 pages).",
        "",
        "### Main text (trafilatura dev pages)",
        "",
        *body.table,
        "",
        "The `…` rows add one option to trafilatura's benchmark settings; `read_html` uses the "
        "options in `storyline.ingest.html`. ms/page is the sum of single-page wall times over "
        "both worker processes divided by pages (a noisy shared machine; see benchmarks/ingest.py "
        "for throughput).",
        f"`read_html` raised InputError on {len(body.failures)} page(s): "
        f"{', '.join(body.failures) or 'none'}. Shortest extracted bodies (chars): "
        f"{body.lengths[:5]}.",
        "",
        "**Effect of the clean stage** on snippets that `read_html` had extracted: "
        f"{len(removed)} `without` (boilerplate) snippet(s) removed (good), "
        f"{len(lost)} `with` (content) snippet(s) lost (bad).",
        "",
    ]
    moved = sum(1 for c in lost if c.reason == "title")
    if moved:
        lines += [
            f"{moved} of the lost snippets have reason `title`: the cleaner moved a headline line "
            "out of `text` into `Article.title`, so the record keeps it; the scorer, which reads "
            "the text only, counts it as missed.",
            "",
        ]
    if body.changes:
        lines += ["| page | change | snippet | reason given by the cleaner |", "|---|---|---|---|"]
        # Every lost content snippet (what the cleaner's author needs to see), then a sample of
        # the boilerplate it removed.
        shown = lost + removed[:SHOW_REMOVED]
        for c in shown:
            snippet = c.snippet.replace("|", "\\|")[:80]
            lines.append(f"| {c.file} | {c.kind} | {snippet} | {c.reason.replace('|', '/')} |")
        if len(body.changes) > len(shown):
            lines.append(f"| … | {len(body.changes) - len(shown)} more removed | | |")
    lines += ["", "### Publication date (htmldate dev pages)", "", *dates]
    lines += ["", f"Runtime: {time.perf_counter() - started:.0f} s with {PROCESSES} processes."]
    text = "\n".join(lines)
    if LIMIT is None:
        # Keep the figures benchmarks/ingest.py put into this section (it is not rerun here).
        previous = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
        bench = re.search(
            r"<!-- BEGIN bench-ingest -->.*?<!-- END bench-ingest -->", previous, re.S
        )
        body_text = f"{text}\n\n{bench.group(0)}" if bench else text
        write_section("extraction", "HTML extraction: main text and publication date", body_text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
