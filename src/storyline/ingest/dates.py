"""Publication dates of HTML pages, each with the signal that gave it and a confidence.

htmldate does the finding. Its ``find_date`` is a cascade that returns the first date any step
finds and does not say which step that was; here the same steps run one by one
(:func:`date_signals`: htmldate's own functions, in htmldate's order) so that each candidate day
keeps its provenance, and the choice between them is ours (:func:`choose_date`):

- **Declared** dates: the URL (``/2018/08/02/``), ``<meta>`` tags, JSON-LD (``datePublished``),
  ``<abbr>`` elements, elements whose class/id/itemprop says date (bylines, ``<time>`` …), the
  title/headline, ``<time datetime>``.
- **Free text** (htmldate's extensive search: timestamps, image names, "Published on …"
  phrases, dates in the text, any date on the page).
- A logistic regression (:data:`DATE_MODEL`, fitted by eval/dates.py) gives each candidate day
  the probability that it is the publication date, from which steps found it, whether htmldate's
  order finds it first, whether a declaring step found it, how many steps agree, how many days
  the page gives, and whether the page declares itself an article. A free-text date thus needs
  corroboration (agreement with other steps, or nothing declared at all); no step looks inside
  lists of links (htmldate's cleaning drops them) nor after the crawl date (``max_date``). The
  best day is the date when its probability reaches :data:`MIN_PROBABILITY`; the probability is
  ``published_confidence``.

The modified date comes from the ``<meta>``/JSON-LD "modified" fields (htmldate with
``original_date=False``) and is kept only when it is after the publication date.

Time zones (the rule, also in docs/schema.md): a timestamp with a UTC offset
("2018-08-02T23:30:00-04:00") is dated by its calendar day *as written*, in the offset the page
or feed gives, which is the article's own local time; it is never converted to UTC (that would
move an evening story in New York to the next day). A timestamp in UTC ("…Z", "+00:00") is moved
to the article's own zone when the page writes the same instant elsewhere with a local offset
(``<meta … content="2023-11-09T02:11:03+00:00">`` beside ``<time datetime="2023-11-08T21:11:03
-05:00">``: the 8th, :func:`local_day`); otherwise it too is taken as written, as the page states
no other zone.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

logger = logging.getLogger(__name__)

# Earliest plausible publication date (htmldate's own default minimum is 1995-01-01).
MIN_DATE = datetime(1995, 1, 1)

# The steps a page uses to *declare* its date (markup meant for machines or a dated byline), as
# opposed to dates found in its text.
DECLARED_STEPS = frozenset(
    {"url", "meta", "json-ld", "abbr", "date element", "title", "time element"}
)
# The model: a logistic regression over the candidate days of a page (each day any step found),
# P(this day is the publication date | its features, see :func:`candidate_features`); the page
# is dated by its most probable day when that probability reaches MIN_PROBABILITY. Fitted by
# eval/dates.py (L2-regularised, Newton) on the 800 htmldate dev pages and the trafilatura dev
# pages that are not htmldate pages; eval/dates.py reports the held-out figures (fitted on one
# set, scored on the other; and 5-fold by web site) and prints these numbers to paste in.
DATE_MODEL: dict[str, float] = {
    "article page": 0.1,
    "bias": -1.942,
    "declared": -0.371,
    "earliest": -0.503,
    "first": 1.266,
    "first declared": 1.454,
    "latest": 0.782,
    "log days": -0.512,
    "log steps": 1.934,
    "page declares": -1.808,
    "step:abbr": 0.382,
    "step:date element": -0.205,
    "step:free text": 1.05,
    "step:image": -0.787,
    "step:json-ld": 0.233,
    "step:loose text": -0.465,
    "step:meta": 0.062,
    "step:page search": -0.459,
    "step:published phrase": 0.756,
    "step:time element": 0.282,
    "step:timestamp": 0.007,
    "step:title": 0.337,
    "step:url": 0.852,
    "step:wide date element": 0.89,
}
# The shipped point of the precision–coverage curve: the lowest probability a date needs. Chosen
# by eval/dates.py on the held-out (5-fold) probabilities: the threshold whose smaller accuracy
# gain over htmldate's fast search, of the htmldate and the trafilatura dev pages, is largest (a
# threshold must help on both kinds of pages: every htmldate page has a date, half of the
# trafilatura-only pages have none).
MIN_PROBABILITY = 0.4
# A page whose steps all found one day, a declaring step among them, is dated by it whatever the
# model says (synthetic or sparse pages fall outside what it was fitted on): on the dev pages
# such a day is right on 340 of 363 pages, which is its confidence when the model's is lower.
SINGLE_DECLARED_PRECISION = 0.94
# The Article.published_source a step reports as.
SOURCE_OF_STEP = {
    "url": "url",
    "meta": "meta",
    "json-ld": "json-ld",
    "abbr": "time element",
    "date element": "time element",
    "wide date element": "time element",
    "title": "time element",
    "time element": "time element",
}  # every other step is free text


@dataclass(frozen=True)
class DateSignal:
    """One date a step of the search found on the page."""

    step: str  # url, meta, json-ld, abbr, date element, title, time element, free text, ...
    day: date


@dataclass(frozen=True)
class PageDate:
    """The date :func:`choose_date` settled on, with the step that gave it and a confidence (the
    model's probability that it is the publication date)."""

    day: date
    source: str  # an Article.published_source value: url, meta, json-ld, time element, free text
    confidence: float


def candidate_features(
    signals: list[DateSignal], article_page: bool = False
) -> list[tuple[date, dict[str, float]]]:
    """Each day the steps found, with its features: which steps found it (``step:<name>``),
    whether it was found first (htmldate's own answer), by a declaring step, how many steps agree,
    how many days the page gives, whether it is the earliest or latest of them, and whether the
    page declares itself an article (``og:type`` article, JSON-LD Article types)."""
    days = list(dict.fromkeys(s.day for s in signals))
    # The days the page gives, counted without the whole-page search (any date anywhere on the
    # page, a year alone read as 1 January): its extra days are noise, not disagreement.
    counted = list(dict.fromkeys(s.day for s in signals if s.step != "page search")) or days
    declared_page = any(s.step in DECLARED_STEPS for s in signals)
    out: list[tuple[date, dict[str, float]]] = []
    for position, day in enumerate(days):
        steps = [s.step for s in signals if s.day == day]
        declared = any(step in DECLARED_STEPS for step in steps)
        features = {f"step:{step}": 1.0 for step in steps}
        features.update(
            {
                "bias": 1.0,
                "first": float(position == 0),
                "first declared": float(position == 0 and declared),
                "declared": float(declared),
                "page declares": float(declared_page),
                "log days": math.log(len(counted)),
                "log steps": math.log(len(steps)),
                "earliest": float(day == min(counted)),
                "latest": float(day == max(counted)),
                "article page": float(article_page),
            }
        )
        out.append((day, features))
    return out


def probability(features: dict[str, float], model: dict[str, float]) -> float:
    score = sum(model.get(name, 0.0) * value for name, value in features.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


def choose_date(
    signals: list[DateSignal],
    article_page: bool = False,
    model: dict[str, float] | None = None,
    min_probability: float | None = None,
) -> PageDate | None:
    """The most probable of the days the steps found (:data:`DATE_MODEL`), None when no step
    found a day or the best is below :data:`MIN_PROBABILITY`. Ties go to the day found first
    (htmldate's order). The source is the first step, in htmldate's order, that found the day.

    This is how a free-text date needs corroboration: the model weighs free-text steps below the
    declared ones and rewards agreement, so such a date wins only where nothing is declared or
    where other steps agree with it."""
    model = DATE_MODEL if model is None else model
    floor = MIN_PROBABILITY if min_probability is None else min_probability
    best: tuple[date, float] | None = None
    for day, features in candidate_features(signals, article_page):
        p = probability(features, model)
        if best is None or p > best[1]:
            best = (day, p)
    if best is None:
        return None
    day, confidence = best
    if len({s.day for s in signals}) == 1 and any(s.step in DECLARED_STEPS for s in signals):
        confidence = max(confidence, SINGLE_DECLARED_PRECISION)
    elif confidence < floor:
        return None
    first = next(s.step for s in signals if s.day == day)
    return PageDate(day, SOURCE_OF_STEP.get(first, "free text"), round(confidence, 3))


ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
     "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting"}
)  # fmt: skip
_LD_TYPE_RE = re.compile(r'"@type"\s*:\s*\[?\s*"([A-Za-z]+)"')


def is_article_page(html: str) -> bool:
    """Whether the page declares itself an article: ``<meta property="og:type"
    content="article">`` or a JSON-LD ``@type`` of the schema.org Article family."""
    from htmldate.utils import load_html

    tree = load_html(html)
    if tree is None:
        return False
    og = tree.xpath('//meta[@property="og:type"]/@content')
    if any(str(v).strip().casefold() == "article" for v in og):
        return True
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        if any(t.casefold() in ARTICLE_TYPES for t in _LD_TYPE_RE.findall(str(script))):
            return True
    return False


# A timestamp with its offset as pages write them: 2023-11-08T21:11:03-05:00, …T02:11:03Z.
_TIMESTAMP_RE = re.compile(
    r"(?<!\d)(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)(?![\d:])"
)


def local_day(html: str, day: date) -> date:
    """``day`` in the article's own time zone (the rule in the module docstring): when ``day``
    is the UTC day of a UTC timestamp on the page and the page writes the same instant elsewhere
    with its local offset (a ``<time datetime="…-05:00">``), the local calendar day."""
    utc: set[datetime] = set()
    local: dict[datetime, date] = {}
    for when, clock, offset in _TIMESTAMP_RE.findall(html):
        zone = "+00:00" if offset == "Z" else offset
        if len(zone) == 5:
            zone = f"{zone[:3]}:{zone[3:]}"
        try:
            stamp = datetime.fromisoformat(f"{when}T{clock}{zone}")
        except ValueError:
            continue
        offset_delta = stamp.utcoffset()
        if offset_delta is None:
            continue
        instant = stamp.replace(tzinfo=None) - offset_delta
        if offset_delta:
            local.setdefault(instant, stamp.date())
        elif stamp.date() == day:
            utc.add(instant)
    for instant in sorted(utc):
        if instant in local and local[instant] != day:
            return local[instant]
    return day


def _options(original: bool, extensive: bool, max_date: datetime) -> Any:
    from htmldate.utils import Extractor

    return Extractor(extensive, max_date, MIN_DATE, original, "%Y-%m-%d")


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def date_signals(html: str, url: str | None, max_date: datetime) -> list[DateSignal]:
    """Every step of htmldate's cascade, run separately: the date each step finds (original date,
    not after ``max_date``), in htmldate's order."""
    from htmldate import core
    from htmldate.extractors import (
        FREE_TEXT_EXPRESSIONS,
        discard_unwanted,
        extract_url_date,
        idiosyncrasies_search,
        img_search,
        json_search,
        pattern_search,
    )
    from htmldate.settings import CLEANING_LIST, MAX_SEGMENT_LEN, MIN_SEGMENT_LEN
    from htmldate.utils import clean_html, load_html
    from htmldate.validators import check_extracted_reference

    tree = load_html(html)
    if tree is None:
        return []
    fast = _options(True, False, max_date)
    wide = _options(True, True, max_date)
    if url is None:
        canonical = tree.find('.//link[@rel="canonical"]')
        if canonical is not None:
            url = canonical.get("href")
    found: list[DateSignal] = []

    def step(name: str, run: Callable[[], str | None]) -> None:
        try:
            value = run()
        except Exception as exc:  # an htmldate step failing on odd markup skips that step only
            logger.debug("htmldate step %s failed: %s", name, exc)
            return
        day = _day(value)
        if day is not None:
            found.append(DateSignal(name, day))

    step("url", lambda: extract_url_date(url, fast))
    step("meta", lambda: core.examine_header(tree, fast))
    step("json-ld", lambda: json_search(tree, fast))
    step("abbr", lambda: core.examine_abbr_elements(tree, fast))
    try:
        search_tree = discard_unwanted(clean_html(deepcopy(tree), CLEANING_LIST))
    except ValueError:
        search_tree = deepcopy(tree)
    step(
        "date element",
        lambda: core.examine_elements(core.date_candidates(search_tree, False), fast),
    )
    step("title", lambda: core.examine_elements(search_tree.xpath(".//title|.//h1"), fast))
    step("time element", lambda: core.examine_time_elements(search_tree, fast))
    htmlstring = core.serialize(search_tree)
    step("timestamp", lambda: pattern_search(htmlstring, core.TIMESTAMP_PATTERN, fast))
    step("image", lambda: img_search(search_tree, fast))
    step("published phrase", lambda: idiosyncrasies_search(htmlstring, fast))
    step(
        "wide date element",
        lambda: core.examine_elements(core.date_candidates(search_tree, True), wide),
    )
    text_tree = deepcopy(search_tree)
    clean_html(text_tree, ["script", "style"])
    step(
        "loose text",
        lambda: pattern_search(" ".join(text_tree.itertext()), core.TIMESTAMP_LOOSE_PATTERN, fast),
    )

    def free_text() -> str | None:
        reference: datetime | None = None
        for segment in FREE_TEXT_EXPRESSIONS(search_tree):
            segment = segment.strip()
            if MIN_SEGMENT_LEN < len(segment) < MAX_SEGMENT_LEN:
                reference = core.compare_reference(reference, segment, wide)
        return check_extracted_reference(reference, wide)

    step("free text", free_text)
    step("page search", lambda: core.search_page(htmlstring, wide))
    return found


def modified_date(html: str, max_date: datetime) -> date | None:
    """The last-modified date the page declares (``<meta>``, JSON-LD), None when it has none."""
    from htmldate import core
    from htmldate.extractors import json_search
    from htmldate.utils import load_html

    tree = load_html(html)
    if tree is None:
        return None
    latest = _options(False, False, max_date)
    try:
        return _day(core.examine_header(tree, latest) or json_search(tree, latest))
    except Exception:  # htmldate on odd markup: no modified date rather than a crash
        return None
