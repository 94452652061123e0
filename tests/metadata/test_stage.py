"""The metadata stage: dates from bylines/datelines only, outlet, author; input is never
overwritten."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from storyline.article import Article, RemovedLine
from storyline.corpus import Corpus
from storyline.metadata.stage import MetadataStage, domain_of
from storyline.pipeline import Pipeline


@pytest.fixture(scope="module")
def seeds(seed_paths: list[Path]) -> dict[str, Article]:
    pipeline = Pipeline(stages=("language", "clean", "metadata"))
    articles = [
        Article(raw_text=p.read_text(encoding="utf-8"), source_path=str(p)) for p in seed_paths
    ]
    return {Path(a.source_path or "").name[:3]: a for a in pipeline.run(articles)}


def test_seed_dates_from_datelines(seeds: dict[str, Article]) -> None:
    assert (seeds["002"].published, seeds["002"].published_source) == (
        date(2018, 8, 2),
        "dateline",
    )
    assert (seeds["003"].published, seeds["003"].published_source) == (date(2017, 12, 8), "byline")
    # 000, 001 and 004 print no date of their own; the dates in their stories are not theirs
    for seed in ("000", "001", "004"):
        assert seeds[seed].published is None
        assert seeds[seed].published_source is None


def test_seed_outlets_and_authors(seeds: dict[str, Article]) -> None:
    assert seeds["001"].source == "Sputnik International"
    assert seeds["004"].source == "Sputnik Afrique"
    assert (seeds["003"].source, seeds["003"].author) == ("AFP", "AFP")
    assert seeds["000"].source is None and seeds["000"].author is None


def run(article: Article) -> Article:
    return MetadataStage(Corpus())(article)


def test_body_dates_are_never_used() -> None:
    article = Article(
        raw_text="",
        text="On 3 May 2019 the talks began. They ended on 12.06.2019.",
        removed=[RemovedLine("Share this story", "call-to-action")],
    )
    assert run(article).published is None


def test_date_and_agency_from_the_opening_dateline() -> None:
    article = run(
        Article(
            raw_text="",
            text="PARIS, 3 mai 2019 (AFP) - Le gouvernement a annoncé lundi …",
            language="fr",
        )
    )
    assert (article.published, article.published_source) == (date(2019, 5, 3), "dateline")
    assert article.source == "AFP"
    no_year = run(Article(raw_text="", text="MOSCOW, Dec 8 (Reuters) - Russia said on 8 May 2017"))
    assert no_year.published is None  # no year in the dateline; the body date is not read
    assert no_year.source == "Reuters"


def test_published_wins_over_updated() -> None:
    article = Article(
        raw_text="",
        removed=[RemovedLine("Updated: 12 March 2021 / Published: 10 March 2021", "dateline")],
        language="en",
    )
    done = run(article)
    assert (done.published, done.modified) == (date(2021, 3, 10), date(2021, 3, 12))
    only_update = Article(
        raw_text="", removed=[RemovedLine("Last updated 12 March 2021", "dateline")]
    )
    # an "updated" date alone is the modified date: the publication date is earlier, unknown
    done = run(only_update)
    assert (done.published, done.modified) == (None, date(2021, 3, 12))


def test_several_different_dates_give_none() -> None:
    # a list of related articles with their dates and authors: none of them is this article's
    removed = [
        RemovedLine("29 Agosto 2012 | Giovanni Rossi", "byline"),
        RemovedLine("24 Giugno 2011 | Erica Bianchi", "byline"),
    ]
    assert run(Article(raw_text="", removed=removed, language="it")).published is None


def test_relative_dates_are_refused() -> None:
    article = Article(raw_text="", removed=[RemovedLine("Updated 6 years ago", "dateline")])
    assert run(article).published is None


@pytest.mark.parametrize(
    ("line", "reason", "language", "expected"),
    [
        ("12 мая 2021, 14:30 / Обновлено 3 часа назад", "dateline", "ru", date(2021, 5, 12)),
        ("Por María García - 3 de marzo de 2020", "byline", "es", date(2020, 3, 3)),
        ("Von Hans Müller | 05.06.2019, 10:15 Uhr", "byline", "de", date(2019, 6, 5)),
        ("Publié le 14 juillet 2018 à 10h30", "dateline", "fr", date(2018, 7, 14)),
        ("By AFP - Dec 08,2017 - Last updated at Dec 08,2017", "byline", "en", date(2017, 12, 8)),
        ("2 Aug, 2018 14:54 / Updated 6 years ago", "dateline", "en", date(2018, 8, 2)),
        ("«12 mars 2024»", "dateline", "fr", date(2024, 3, 12)),
        ("8. Dezember 2017", "dateline", "de", date(2017, 12, 8)),
        ("٢ أغسطس ٢٠١٨", "dateline", "ar", date(2018, 8, 2)),
    ],
)
def test_dates_in_other_languages(line: str, reason: str, language: str, expected: date) -> None:
    article = run(Article(raw_text="", removed=[RemovedLine(line, reason)], language=language))
    assert article.published == expected
    assert article.published_source == reason


def test_authors_from_bylines() -> None:
    article = run(
        Article(raw_text="", removed=[RemovedLine("By John Smith and Jane Roe, Reuters", "byline")])
    )
    assert (article.author, article.source) == ("John Smith and Jane Roe", "Reuters")
    spanish = run(
        Article(
            raw_text="", removed=[RemovedLine("Por María García - 3 de marzo de 2020", "byline")]
        )
    )
    assert spanish.author == "María García"
    assert spanish.source is None  # a person is not an outlet


def test_dated_byline_without_by() -> None:
    article = run(
        Article(
            raw_text="",
            removed=[RemovedLine("26 Ottobre 2011 | Arianna Pescini", "byline")],
            language="it",
        )
    )
    assert (article.published, article.author) == (date(2011, 10, 26), "Arianna Pescini")


def test_source_order_of_trust() -> None:
    removed = [
        RemovedLine("© REUTERS / Photographer", "photo-credit"),
        RemovedLine("Troops in the city - Example News", "caption"),
    ]
    assert run(Article(raw_text="", removed=list(removed))).source == "Example News"
    assert run(Article(raw_text="", removed=removed[:1])).source == "REUTERS"
    with_url = Article(raw_text="", removed=list(removed), url="https://www.example.org/a/b")
    assert run(with_url).source == "example.org"
    with_site = Article(raw_text="", url="https://www.example.org/a", hints={"sitename": "Ex"})
    assert run(with_site).source == "Ex"


def test_input_metadata_is_never_overwritten() -> None:
    article = Article(
        raw_text="",
        published=date(2020, 1, 1),
        published_source="meta",
        source="The Outlet",
        author="Given Author",
        removed=[RemovedLine("By AFP - Dec 08,2017", "byline")],
    )
    run(article)
    assert (article.published, article.published_source) == (date(2020, 1, 1), "meta")
    assert (article.source, article.author) == ("The Outlet", "Given Author")


def test_domain_of() -> None:
    assert domain_of("https://www.rt.com/news/1") == "rt.com"
    assert domain_of("rt.com/news") == "rt.com"
    assert domain_of("http://[bad") is None
    assert domain_of(None) is None


def test_text_dates_carry_a_confidence() -> None:
    removed = [RemovedLine("2 Aug, 2018 14:54 / Updated 6 years ago", "dateline")]
    article = run(Article(raw_text="", removed=removed, language="en"))
    assert article.published_confidence is not None and 0 < article.published_confidence < 1
    assert run(Article(raw_text="", text="No date here.")).published_confidence is None


def test_publication_line_kept_in_the_text_dates_the_article() -> None:
    # A "Publié le …" line the cleaner did not mark as a dateline (it sits after a headline and
    # a caption): read when it is short and near the top, the publication date before the update.
    raw = (
        "Libye : les rebelles avancent\n\nUn minibus quitte Benghazi.\n\n"
        "Publié le 20 août 2013 à 16h52 - Mis à jour le 21 août 2013 à 17h28\n\n"
        + "Les combats ont repris lundi près de la ville, selon des témoins. "
        * 5
    )
    article = run(Article(raw_text=raw, text=raw, language="fr"))
    assert (article.published, article.published_source) == (date(2013, 8, 20), "dateline")


def test_a_date_mentioned_in_a_long_sentence_near_the_top_is_not_a_publication_line() -> None:
    raw = (
        "Le conseil a été publié le 20 août 2013 à Paris, après une longue réunion des membres "
        "du bureau et de leurs conseillers juridiques venus de toute la région.\n\nSuite."
    )
    assert run(Article(raw_text=raw, text=raw, language="fr")).published is None
