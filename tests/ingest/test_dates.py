"""Publication dates of HTML pages with their provenance (storyline.ingest.dates)."""

from __future__ import annotations

from datetime import date, datetime

from storyline.ingest.dates import (
    SIGNAL_WEIGHTS,
    DateSignal,
    choose_date,
    date_signals,
    modified_date,
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


def test_a_visible_date_agreeing_with_others_outvotes_a_lone_meta_date() -> None:
    # A CMS stamping its last edit into <meta> while the page prints the original date: two
    # marked-up elements and the free text agree on the 5th, the meta tag alone says the 12th.
    signals = [
        DateSignal("meta", date(2020, 2, 12)),
        DateSignal("date element", date(2020, 2, 5)),
        DateSignal("wide date element", date(2020, 2, 5)),
        DateSignal("free text", date(2020, 2, 5)),
    ]
    chosen = choose_date(signals)
    assert chosen is not None
    assert (chosen.day, chosen.source) == (date(2020, 2, 5), "time element")


def test_declared_date_wins_over_a_free_text_date() -> None:
    signals = [DateSignal("url", date(2018, 8, 2)), DateSignal("free text", date(2017, 1, 1))]
    chosen = choose_date(signals)
    assert chosen is not None and chosen.day == date(2018, 8, 2)
    assert chosen.source == "url"


def test_uncorroborated_page_search_gives_no_date() -> None:
    # "page search" (any date anywhere on the page) is wrong more often than right on the dev
    # pages: alone it never dates a page.
    assert SIGNAL_WEIGHTS["page search"] < 0
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
