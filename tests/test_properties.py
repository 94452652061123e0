"""Property tests (hypothesis): cleaning and metadata never crash on arbitrary Unicode, never drop
a line holding a quotation, lose no word, and every paragraph points back into the input."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.article import Article, RemovedLine
from storyline.clean.stage import CleanStage, normalise_text
from storyline.corpus import Corpus
from storyline.metadata.stage import MetadataStage

CLEAN = CleanStage(Corpus())
METADATA = MetadataStage(Corpus())
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Lines that look like news-page junk and prose, mixed with arbitrary Unicode.
JUNK = st.sampled_from(
    [
        "2 1,834", "- Advertisement -", "Subscribe to our newsletter", "log in or register",
        "© Agency / Name / Go to the mediabank", "Caption of a photo - Example News", "PDF",
        "By AFP - Dec 08,2017 - Last updated at Dec 08,2017", "55 users have voted.", "0",
        "2 Aug, 2018 14:54 / Updated 6 years ago", "READ MORE: Another story - Outlet",
        "Заголовок открываемого материала", "Lesen Sie auch: Etwas", "Suscríbete ya", "",
        "The minister said on Monday that the talks had failed after three days.", "You are here",
    ]
)  # fmt: skip
LINE = st.one_of(JUNK, st.text(max_size=80).map(lambda s: s.replace("\n", " ")))
WORD = st.text(alphabet=st.characters(categories=["Lu", "Ll", "Nd"]), min_size=1, max_size=10)
QUOTE_MARKS = st.sampled_from([("“", "”"), ("«", "»"), ('"', '"'), ("„", "“")])


def words(text: str) -> list[str]:
    return text.split()


@SETTINGS
@given(st.text())
def test_clean_never_crashes_and_loses_nothing(raw: str) -> None:
    article = CLEAN(Article(raw_text=raw))
    normalised = normalise_text(raw)
    assert "\u00a0" not in article.text
    # no word is lost: every word is in the text, in a removed line, or in the title line
    removed_words = sum(len(words(r.line)) for r in article.removed)
    assert len(words(article.text)) + removed_words == len(words(normalised))
    # every paragraph is a stretch of the input, in order (valid offsets back into raw_text)
    flat = normalised.replace("\n", " ")
    position = 0
    for paragraph in filter(None, article.text.split("\n\n")):
        found = flat.find(paragraph, position)
        assert found >= 0
        position = found + len(paragraph)


@SETTINGS
@given(
    before=st.lists(LINE, max_size=8),
    after=st.lists(LINE, max_size=8),
    quoted=st.lists(WORD, min_size=3, max_size=12),
    marks=QUOTE_MARKS,
    lead=st.sampled_from(["", "He said: ", "Il a dit ", "Sie sagte "]),
    tail=st.sampled_from(["", " he said.", ", a-t-il déclaré.", " - Example News"]),
    language=st.sampled_from([None, "en", "fr", "ru", "de"]),
)
def test_quotation_lines_are_never_dropped(
    before: list[str],
    after: list[str],
    quoted: list[str],
    marks: tuple[str, str],
    lead: str,
    tail: str,
    language: str | None,
) -> None:
    quote_line = f"{lead}{marks[0]}{' '.join(quoted)}{marks[1]}{tail}"
    raw = "\n".join([*before, quote_line, *after])
    article = CLEAN(Article(raw_text=raw, language=language))
    expected = normalise_text(quote_line)
    assert expected in article.text or article.title == expected
    assert all(r.line != expected for r in article.removed if r.reason != "title")


@SETTINGS
@given(
    lines=st.lists(st.tuples(LINE, st.sampled_from(["byline", "dateline", "caption"])), max_size=6),
    language=st.sampled_from([None, "en", "fr", "ru", "xx", "zz-ZZ"]),
    url=st.one_of(st.none(), st.text(max_size=40)),
)
def test_metadata_never_crashes(
    lines: list[tuple[str, str]], language: str | None, url: str | None
) -> None:
    article = Article(
        raw_text="",
        removed=[RemovedLine(line, reason) for line, reason in lines],
        language=language,
        url=url,
    )
    METADATA(article)
    if article.published is not None:
        assert article.published_source in ("byline", "dateline")
        assert date(1990, 1, 1) <= article.published <= date(date.today().year + 1, 12, 31)


@SETTINGS
@given(st.text())
def test_full_chain_on_arbitrary_text(raw: str) -> None:
    article = METADATA(CLEAN(Article(raw_text=raw, language="en")))
    assert isinstance(article.text, str)
    assert article.published is None or article.published_source in ("byline", "dateline")
