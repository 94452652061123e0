"""Dates printed in plain text: cues inside a line, bare date lines, lists, widgets, embeds."""

from __future__ import annotations

from datetime import date

from storyline.article import Article
from storyline.clean.stage import packaged_cues
from storyline.corpus import Corpus
from storyline.metadata.stage import TEXT_DATE_CONFIDENCE, MetadataStage
from storyline.metadata.textdates import choose_text_date, dates_in_line, text_dates

BODY = "\n".join(f"Paragraph {i} of the story, with several words in it." for i in range(30))


def dated(raw: str, language: str = "en", batch: list[str] | None = None) -> Article:
    stage = MetadataStage(Corpus())
    article = Article(raw_text=raw, text=raw, language=language)
    stage.prepare([article, *(Article(raw_text=t) for t in batch or [])])
    return stage(article)


def test_a_cue_inside_the_line_dates_the_article() -> None:
    raw = (
        "Headline\nLe Monde avec AFP Publié le 08 février 2013 à 12h58 - Mis à jour le 09 février "
        f"2013 à 13h09\n{BODY}"
    )
    article = dated(raw, "fr")
    assert article.published == date(2013, 2, 8)
    assert article.published_confidence == TEXT_DATE_CONFIDENCE["published"]


def test_numeric_dates_follow_the_languages_day_month_order() -> None:
    assert dated(f"Title\nJueves 03/02/2011. Actualizado 19:03h.\n{BODY}", "es").published == (
        date(2011, 2, 3)
    )
    assert dated(f"Title\nPosted 03/02/2011\n{BODY}", "en").published == date(2011, 3, 2)


def test_arabic_indic_digits() -> None:
    assert dated(f"عنوان\nنشر في ٢٠ مارس ٢٠٢٤\n{BODY}", "ar").published == date(2024, 3, 20)


def test_bare_date_lines_of_several_days_are_a_list() -> None:
    raw = f"Title\n{BODY}\n12 March 2019\n14 June 2020\n2 January 2021"
    assert dated(raw).published is None
    # one bare date line at the top dates the article, with a lower confidence than a cued one
    article = dated(f"Title\n12 March 2019\n{BODY}")
    assert article.published == date(2019, 3, 12)
    assert article.published_confidence == TEXT_DATE_CONFIDENCE["bare"]


def test_a_date_line_recurring_across_the_batch_is_page_furniture() -> None:
    widget = "Wednesday 11 November 2020"
    raw = f"{widget}\nA story\n{BODY}"
    assert dated(raw).published == date(2020, 11, 11)  # alone, nothing tells it from a dateline
    other = f"{widget}\nAnother story\n{BODY}"
    assert dated(raw, batch=[other]).published is None


def test_embedded_posts_are_dated_by_their_author() -> None:
    raw = f"Title\n{BODY[:200]}\n— Some One (@someone) August 14, 2013\n{BODY}"
    assert dated(raw).published is None


def test_relative_and_partial_dates_give_nothing() -> None:
    for line in ("Updated 6 years ago", "Monday, 8 December", "MOSCOW, Dec 8 (Reuters) -"):
        assert dates_in_line(line, "en") == ()


def test_published_before_updated_and_updated_alone() -> None:
    cues = packaged_cues()
    found = text_dates("Mis à jour le 27/06/2013 | 10:45 publié le 26/06/2013 | 10:44", "fr", cues)
    chosen = choose_text_date(found)
    assert chosen is not None and chosen.day == date(2013, 6, 26) and chosen.kind == "published"
    only = choose_text_date(text_dates("(Aggiornato alle 23:37 del 02 maggio 2011)", "it", cues))
    assert only is not None and only.day == date(2011, 5, 2) and only.kind == "updated"


def test_dates_deep_in_a_long_text_are_not_read() -> None:
    raw = f"Title\n{BODY}\n{BODY}\nPublished 3 May 2019\n{BODY}"
    assert dated(raw).published is None


def test_an_update_date_printed_beside_the_published_one_is_the_modified_date() -> None:
    raw = f"Title\nPublié le 06 mars 2011 à 20h30 - Mis à jour le 07 mars 2011 à 08h08\n{BODY}"
    article = dated(raw, "fr")
    assert (article.published, article.modified) == (date(2011, 3, 6), date(2011, 3, 7))
