"""RSS/Atom feed ingest: one article per entry, HTML turned into text, dates, bad entries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from storyline.article import Article
from storyline.errors import InputError
from storyline.ingest import read_paths
from storyline.ingest.feed import FEED_CONFIDENCE, html_to_text

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Example World News</title>
  <link>https://news.example.org/</link>
  <language>en-gb</language>
  <item>
    <title>Talks resume in Geneva</title>
    <link>https://news.example.org/geneva</link>
    <pubDate>Thu, 02 Aug 2018 23:54:00 +0300</pubDate>
    <dc:creator>Jane Roe</dc:creator>
    <description>Short teaser.</description>
    <content:encoded><![CDATA[<p>Talks resumed&nbsp;on Thursday.</p>
      <p>"We are ready," the minister said.<br/>Second line.</p><script>track()</script>
      <ul><li>one</li><li>two</li></ul>]]></content:encoded>
  </item>
  <item>
    <title>An entry with no body</title>
    <link>https://news.example.org/empty</link>
  </item>
  <item>
    <title>Summary only &amp; escaped</title>
    <link>https://news.example.org/summary</link>
    <description>&lt;p&gt;Only a &lt;b&gt;summary&lt;/b&gt; here.&lt;/p&gt;</description>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Le Monde Exemple</title>
  <entry>
    <title type="html">Moscou &lt;i&gt;annonce&lt;/i&gt; la fin</title>
    <link href="https://exemple.fr/a"/>
    <updated>2017-12-08T01:30:00+03:00</updated>
    <author><name>Marie Curie</name></author>
    <content type="html">&lt;p&gt;Le ministre a déclaré jeudi.&lt;/p&gt;</content>
  </entry>
</feed>
"""


@pytest.fixture
def fake_html(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Replace the trafilatura extractor by a recorder, so feed tests test the feed reader."""
    calls: list[dict[str, object]] = []

    def read_html(data: bytes | str, **kwargs: object) -> Article:
        calls.append({"data": data, **kwargs})
        return Article(
            raw_text="Body of the embedded page.",
            title="Page title",
            published=date(2001, 1, 1),
            published_source="meta",
            hints={"sitename": "Page Site"},
        )

    monkeypatch.setattr("storyline.ingest.html.read_html", read_html)
    return calls


def test_rss_entries(tmp_path: Path) -> None:
    path = tmp_path / "world.rss"
    path.write_text(RSS, encoding="utf-8")
    items = list(read_paths([str(path)]))
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "Article"]
    first, error, third = items
    assert isinstance(first, Article) and isinstance(third, Article)
    assert first.raw_text == (
        'Talks resumed on Thursday.\n\n"We are ready," the minister said.\nSecond line.'
        "\n\none\n\ntwo"
    )
    assert first.title == "Talks resume in Geneva"
    assert first.url == "https://news.example.org/geneva"
    assert first.author == "Jane Roe"
    # the day as the feed wrote it (UTC would make it 3 August)
    assert (first.published, first.published_source) == (date(2018, 8, 2), "feed")
    assert first.published_confidence == FEED_CONFIDENCE
    assert (first.record, first.input_format, first.encoding) == ("entry 1", "feed", "utf-8")
    assert first.hints["sitename"] == first.hints["feed_title"] == "Example World News"
    assert first.hints["feed_language"] == "en-gb"
    assert first.language is None  # the language stage decides; the feed's claim is a hint
    assert isinstance(error, InputError)
    assert error.item == f"{path}:entry 2" and "neither content nor summary" in error.reason
    assert third.raw_text == "Only a summary here." and third.title == "Summary only & escaped"
    assert third.published is None and third.record == "entry 3"


def test_atom_entry_with_html_title(tmp_path: Path) -> None:
    path = tmp_path / "fr.xml"  # .xml: the format is sniffed
    path.write_text(ATOM, encoding="utf-8")
    [article] = list(read_paths([str(path)]))
    assert isinstance(article, Article)
    assert article.title == "Moscou annonce la fin"
    assert article.raw_text == "Le ministre a déclaré jeudi."
    assert article.author == "Marie Curie" and article.url == "https://exemple.fr/a"
    assert article.published == date(2017, 12, 8)


def test_entry_holding_a_whole_page_goes_through_the_extractor(
    tmp_path: Path, fake_html: list[dict[str, object]]
) -> None:
    page = "<!DOCTYPE html><html><head><title>x</title></head><body><p>Body</p></body></html>"
    rss = RSS.replace(
        RSS[RSS.index("<content:encoded>") : RSS.index("</content:encoded>")],
        f"<content:encoded><![CDATA[{page}]]>",
    )
    path = tmp_path / "pages.rss"
    path.write_text(rss, encoding="utf-8")
    first = next(iter(read_paths([str(path)])))
    assert isinstance(first, Article)
    assert fake_html[0]["url"] == "https://news.example.org/geneva"
    assert fake_html[0]["record"] == "entry 1"
    assert first.raw_text == "Body of the embedded page."
    # the entry's own title and date win over the page's; the page's site name stays
    assert first.title == "Talks resume in Geneva"
    assert (first.published, first.published_source) == (date(2018, 8, 2), "feed")
    assert first.hints["sitename"] == "Page Site"
    assert first.input_format == "feed"


def test_feed_with_a_broken_entry_keeps_the_good_ones(tmp_path: Path) -> None:
    broken = RSS.replace("<title>An entry with no body</title>", "<title>Broken <b>markup</title>")
    path = tmp_path / "broken.rss"
    path.write_text(broken, encoding="utf-8")
    items = list(read_paths([str(path)]))
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "Article"]
    assert items[0].raw_text.startswith("Talks resumed on Thursday.")  # type: ignore[union-attr]
    assert isinstance(items[1], InputError) and items[1].item == f"{path}:entry 2"
    assert items[2].raw_text == "Only a summary here."  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("opening", "why"),
    [("<![CDATA[", "an unterminated CDATA section"), ("<!--", "an unterminated comment")],
)
def test_markup_left_open_in_one_entry_costs_only_that_entry(
    tmp_path: Path, opening: str, why: str
) -> None:
    """An unterminated CDATA section (or comment) in entry 2 used to swallow entry 3 whole:
    only entry 1 landed and nothing was reported."""
    broken = RSS.replace(
        "<title>An entry with no body</title>",
        f"<title>An entry with no body</title><description>{opening}<p>cut off</p></description>",
    )
    path = tmp_path / "cut.rss"
    path.write_text(broken, encoding="utf-8")
    items = list(read_paths([str(path)]))
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "Article"]
    first, error, third = items
    assert isinstance(first, Article) and first.title == "Talks resume in Geneva"
    assert first.hints["feed_title"] == "Example World News"
    assert isinstance(error, InputError) and error.item == f"{path}:entry 2"
    assert why in error.reason
    assert isinstance(third, Article) and third.record == "entry 3"
    assert third.raw_text == "Only a summary here." and third.title == "Summary only & escaped"


def test_unreadable_and_empty_feeds(tmp_path: Path) -> None:
    (tmp_path / "a.rss").write_text("this is not XML at all")
    (tmp_path / "b.rss").write_text('<rss version="2.0"><channel><title>t</title></channel></rss>')
    errors = list(read_paths([str(tmp_path)]))
    assert all(isinstance(e, InputError) for e in errors)
    assert [e.reason.split(":")[0] for e in errors if isinstance(e, InputError)] == [
        "not a readable RSS/Atom feed",
        "the feed has no entries",
    ]


def test_html_to_text_keeps_paragraphs() -> None:
    fragment = (
        "<div><h2>Head</h2><p>One&nbsp;<a href='#'>link</a>\n  spread</p><!-- c -->"
        "<blockquote>“Quoted,” he said.</blockquote>tail<style>p{}</style></div>"
    )
    assert html_to_text(fragment) == "Head\n\nOne link spread\n\n“Quoted,” he said.\n\ntail"
    assert html_to_text("plain words") == "plain words"
    assert html_to_text("") == ""
