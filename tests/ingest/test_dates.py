"""Publication dates of HTML pages with their provenance (storyline.ingest.dates)."""

from __future__ import annotations

from datetime import date, datetime

from storyline.ingest.dates import (
    DATE_MODEL,
    MIN_PROBABILITY,
    SINGLE_DECLARED_PRECISION,
    DateSignal,
    candidate_features,
    choose_date,
    date_signals,
    is_article_page,
    local_day,
    modified_date,
    probability,
)
from storyline.ingest.html import read_html

LATER = datetime(2026, 1, 1)
BODY = "<p>" + "The ferry service resumed after the storm, the harbour office said. " * 6 + "</p>"


def page(head: str = "", body: str = BODY, after: str = "") -> str:
    return (
        f"<html><head><title>Ferry</title>{head}</head><body><article><h1>Ferry</h1>{body}"
        f"</article>{after}</body></html>"
    )


def test_meta_time_with_an_offset_keeps_its_own_calendar_day() -> None:
    # 23:30 in New York is already the 3rd in UTC: the day as written is the article's day.
    html = page('<meta property="article:published_time" content="2018-08-02T23:30:00-04:00">')
    chosen = choose_date(date_signals(html, None, LATER))
    assert chosen is not None
    assert (chosen.day, chosen.source) == (date(2018, 8, 2), "meta")


def test_modified_date_is_kept_beside_the_published_one() -> None:
    html = page(
        '<meta property="article:published_time" content="2018-08-02T10:00:00+00:00">'
        '<meta property="article:modified_time" content="2018-08-05T10:00:00+00:00">'
    )
    assert modified_date(html, LATER) == date(2018, 8, 5)
    article = read_html(html, source_path="p.html")
    assert (article.published, article.modified) == (date(2018, 8, 2), date(2018, 8, 5))
    assert article.published_source == "meta"
    assert article.published_confidence is not None and 0.5 < article.published_confidence <= 1


def test_json_ld_date_is_reported_as_json_ld() -> None:
    html = page(
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2019-03-14T08:00:00+01:00"}</script>'
    )
    article = read_html(html, source_path="p.html")
    assert (article.published, article.published_source) == (date(2019, 3, 14), "json-ld")


def probabilities(signals: list[DateSignal]) -> dict[date, float]:
    return {d: probability(f, DATE_MODEL) for d, f in candidate_features(signals)}


def test_a_page_that_disagrees_with_itself_is_left_undated() -> None:
    # A CMS stamping its last edit into <meta> while the page prints another day: neither day is
    # likely enough (the model, fitted on the dev pages, gives both well under the threshold).
    signals = [
        DateSignal("meta", date(2020, 2, 12)),
        DateSignal("date element", date(2020, 2, 5)),
        DateSignal("wide date element", date(2020, 2, 5)),
        DateSignal("free text", date(2020, 2, 5)),
    ]
    assert max(probabilities(signals).values()) < MIN_PROBABILITY
    assert choose_date(signals) is None
    # The same page printing the meta tag's day as well is dated by it.
    agreeing = [DateSignal(s.step, date(2020, 2, 12)) for s in signals]
    chosen = choose_date(agreeing)
    assert chosen is not None and (chosen.day, chosen.source) == (date(2020, 2, 12), "meta")


def test_declared_date_wins_over_a_free_text_date() -> None:
    signals = [DateSignal("url", date(2018, 8, 2)), DateSignal("free text", date(2017, 1, 1))]
    p = probabilities(signals)
    assert p[date(2018, 8, 2)] > 5 * p[date(2017, 1, 1)]
    chosen = choose_date(signals)
    assert chosen is not None and (chosen.day, chosen.source) == (date(2018, 8, 2), "url")


def test_a_lone_declared_day_dates_the_page() -> None:
    chosen = choose_date([DateSignal("meta", date(2018, 8, 2))])
    assert chosen is not None and chosen.day == date(2018, 8, 2)
    assert chosen.confidence >= SINGLE_DECLARED_PRECISION


def test_uncorroborated_page_search_gives_no_date() -> None:
    # "page search" (any date anywhere on the page) is wrong more often than right on the dev
    # pages: alone it never dates a page.
    assert choose_date([DateSignal("page search", date(2017, 5, 3))]) is None
    assert choose_date([]) is None


def test_dates_in_a_related_links_list_are_not_the_page_date() -> None:
    related = (
        '<ul class="related"><li><a href="/a">Other story, 3 May 2017</a></li>'
        '<li><a href="/b">More news, 4 May 2017</a></li></ul>'
    )
    article = read_html(page(after=related), source_path="p.html")
    assert article.published is None and article.published_source is None


def test_free_text_date_is_marked_as_free_text_with_a_lower_confidence() -> None:
    html = page(body=f"<p>Published on 14 March 2019 by the harbour office.</p>{BODY}")
    article = read_html(html, source_path="p.html")
    declared = read_html(
        page('<meta property="article:published_time" content="2019-03-14">'),
        source_path="q.html",
    )
    assert article.published == date(2019, 3, 14)
    assert article.published_source == "free text"
    assert article.published_confidence is not None and declared.published_confidence is not None
    assert article.published_confidence < declared.published_confidence


def test_no_date_after_the_crawl_date() -> None:
    html = page(body=f"<p>Published on 14 March 2019 by the harbour office.</p>{BODY}")
    article = read_html(html, source_path="p.html", crawled=date(2019, 1, 1))
    assert article.published is None


def test_a_utc_meta_time_takes_the_day_of_the_pages_own_time_zone() -> None:
    # 02:11 UTC on the 9th is 21:11 on the 8th in the page's zone (-05:00), which the page
    # writes in its <time> element: the article's day is the 8th.
    html = (
        '<meta property="article:published_time" content="2023-11-09T02:11:03+00:00">'
        '<time datetime="2023-11-08T21:11:03-05:00">Nov 8</time>'
    )
    assert local_day(html, date(2023, 11, 9)) == date(2023, 11, 8)
    # Without the local writing of the same instant, the UTC day stands as written.
    assert local_day(html.split("<time")[0], date(2023, 11, 9)) == date(2023, 11, 9)
    # Another instant in another zone says nothing about this one.
    other = html.replace("21:11:03-05:00", "09:00:00+02:00")
    assert local_day(other, date(2023, 11, 9)) == date(2023, 11, 9)


def test_article_pages_are_recognised_by_their_markup() -> None:
    assert is_article_page(page('<meta property="og:type" content="article">'))
    ld = '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
    assert is_article_page(page(ld))
    assert not is_article_page(page('<meta property="og:type" content="website">'))
