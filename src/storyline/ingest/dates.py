"""Publication dates of HTML pages, each with the signal that gave it: :func:`page_dates`.

htmldate does the finding. Its ``find_date`` is a cascade that returns the first date any step
finds and does not say which step that was; here the same steps run one by one (htmldate's own
functions, in htmldate's order) so that each candidate keeps its provenance, and the choice
between them is ours:

1. **Declared** dates, in order: the URL (``/2018/08/02/``), ``<meta>`` tags, JSON-LD
   (``datePublished``), ``<abbr>`` elements, elements whose class/id/itemprop says date
   (bylines, ``<time>`` …), the title/headline, ``<time datetime>``. The first one found is the
   publication date, as in htmldate.
2. **Free text** (htmldate's extensive search: timestamps, image names, "Published on …"
   phrases, then any date in the text). Its date is accepted only with corroborating evidence
   (:data:`FREE_TEXT_EVIDENCE`): it is printed near the headline or author, or agrees with the
   year and month of the URL, and it is not inside a list of links (related stories) nor after the
   crawl date.

The modified date comes from the ``<meta>``/JSON-LD "modified" fields (htmldate with
``original_date=False``) and is kept only when it differs from the publication date.

Time zones (the rule, also in docs/schema.md): a timestamp with a UTC offset
("2018-08-02T23:30:00-04:00") is dated by its calendar day *as written*, in the offset the page
or feed gives, which is the article's own local time; it is never converted to UTC (that would
move an evening story in New York to the next day). A timestamp in UTC ("…Z") is likewise taken as
written, as the page states no other zone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

logger = logging.getLogger(__name__)

# Earliest plausible publication date (htmldate's own default minimum is 1995-01-01).
MIN_DATE = datetime(1995, 1, 1)

# Weight of each step's vote: log((right + 1) / (wrong + 1)) over the dev pages where the step
# gives a date (a naive-Bayes log-odds, +1 smoothed). Fitted by eval/dates.py on the 800
# htmldate dev pages and the trafilatura dev pages together; eval/dates.py also reports the
# held-out figures (weights fitted on one set, scored on the other). A step with a negative
# weight is wrong more often than right ("page search": any date anywhere on the page) and can
# only corroborate, never date a page alone.
SIGNAL_WEIGHTS: dict[str, float] = {
    "url": 2.65,
    "meta": 1.98,
    "json-ld": 1.95,
    "wide date element": 1.82,
    "date element": 1.81,
    "timestamp": 1.76,
    "time element": 1.43,
    "abbr": 1.32,
    "free text": 0.79,
    "loose text": 0.64,
    "title": 0.15,
    "image": -0.17,
    "page search": -0.33,
    "published phrase": -0.37,
}
# Confidence of a chosen date by its margin (its vote minus the runner-up's): the share of right
# days among the dev pages with that margin or more (eval/dates.py, both dev sets pooled).
CONFIDENCE_BY_MARGIN: tuple[tuple[float, float], ...] = (
    (0.0, 0.87), (1.0, 0.9), (2.0, 0.92), (3.0, 0.94), (4.0, 0.95), (5.0, 0.96), (6.0, 0.98),
)  # fmt: skip
# Precision of the dates each reported source gave (eval/dates.py, "provenance of the shipped
# dates", both dev sets): a date's confidence is the lower of this and its margin's figure.
SOURCE_PRECISION = {
    "url": 0.95, "meta": 0.91, "json-ld": 0.90, "time element": 0.84, "free text": 0.62,
}  # fmt: skip
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
    """The date :func:`choose_date` settled on, with the step that gave it and a confidence."""

    day: date
    source: str  # an Article.published_source value: url, meta, json-ld, time element, free text
    confidence: float
    margin: float


def choose_date(
    signals: list[DateSignal], weights: dict[str, float] | None = None
) -> PageDate | None:
    """The day most steps vote for, each step's vote weighted by :data:`SIGNAL_WEIGHTS`; ties go
    to the day found first (htmldate's order). None when no day gets a positive vote (only steps
    that are wrong more often than right found a date) or when there are no signals.

    This is how a free-text date needs corroboration: its steps weigh less than the declared ones,
    so it wins only where nothing is declared or where declared steps agree with it.
    """
    weights = SIGNAL_WEIGHTS if weights is None else weights
    votes: dict[date, float] = {}
    strongest: dict[date, tuple[float, str]] = {}
    for signal in signals:
        weight = weights.get(signal.step, 0.0)
        votes[signal.day] = votes.get(signal.day, 0.0) + weight
        if signal.day not in strongest or weight > strongest[signal.day][0]:
            strongest[signal.day] = (weight, signal.step)
    if not votes:
        return None
    ranked = sorted(votes.items(), key=lambda item: -item[1])  # stable: first found wins ties
    best, vote = ranked[0]
    if vote <= 0:
        return None
    runner_up = max(ranked[1][1], 0.0) if len(ranked) > 1 else 0.0
    margin = vote - runner_up
    source = SOURCE_OF_STEP.get(strongest[best][1], "free text")
    confidence = min(confidence_of(margin), SOURCE_PRECISION[source])
    return PageDate(best, source, confidence, margin)


def confidence_of(margin: float) -> float:
    """:data:`CONFIDENCE_BY_MARGIN` for ``margin``: the precision measured at that margin."""
    confidence = 0.0
    for threshold, precision in CONFIDENCE_BY_MARGIN:
        if margin >= threshold:
            confidence = precision
    return confidence


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
