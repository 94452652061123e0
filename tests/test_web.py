"""The server-rendered web UI (storyline.web) over the analysed seeds and a hostile article, on
SQLite and on PostgreSQL (``web_db`` is parametrised over both stores)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from _webdb import XSS_MARKER
from storyline.api import create_app
from storyline.config import Settings
from storyline.store import open_store
from storyline.web.charts import MAX_DAILY_BARS, stacked_bars
from storyline.web.highlight import segments


@pytest.fixture(scope="module")
def client(web_db: str) -> Iterator[TestClient]:
    store = open_store(web_db)
    with TestClient(create_app(store, Settings(db=web_db))) as client:
        yield client
    store.close()


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.script_text.append(data)


def page(client: TestClient, url: str, status: int = 200, **params: Any) -> str:
    response = client.get(url, params=params)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def assert_safe(html: str) -> None:
    """No script the app did not ship, no inline handler or style, no javascript: link."""
    tags = _Tags()
    tags.feed(html)
    assert tags.script_text == []
    for tag, attrs in tags.tags:
        if tag == "script":
            assert (attrs.get("src") or "").endswith("/static/app.js")
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "style" not in attrs
        for name in ("href", "src", "action"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:")


def story_of(client: TestClient, title_start: str) -> str:
    stories = client.get("/api/stories", params={"limit": 100}).json()["items"]
    return next(s["id"] for s in stories if (s["title"] or "").startswith(title_start))


def article_of(client: TestClient, title_start: str) -> str:
    items = client.get("/api/articles", params={"limit": 100}).json()["items"]
    return next(a["id"] for a in items if (a["title"] or "").startswith(title_start))


def test_home_lists_stories_with_badges_and_counts(client: TestClient) -> None:
    html = page(client, "/")
    assert "Latest stories" in html
    assert "Russian Ambassador Says Terrorists in South Syria Facing Final Days" in html
    assert 'class="badge lang-fr"' in html and 'class="badge lang-en"' in html
    # The French seed is a translation of the English one: one independent source.
    assert "1 independent source<" in html
    assert "2018-08-02" in html
    assert_safe(html)


def test_home_filters_and_bad_input(client: TestClient) -> None:
    html = page(client, "/", language="fr")
    assert "Russian Ambassador Says" in html and "Daesh, Al-Nusra Front" not in html
    html = page(client, "/", status=400, since="not-a-date")
    assert "since" in html and "Bad request" in html


def test_story_page_shows_articles_entities_and_timeline(client: TestClient) -> None:
    html = page(client, f"/stories/{story_of(client, 'Russian Ambassador Says')}")
    assert "Moscou: l’élimination des terroristes" in html  # the French article
    assert "Sputnik Afrique" in html
    assert 'id="quotes"' in html and 'id="claims"' in html
    assert re.search(r'class="chip type-per"[^>]*>Aleksandr Kinshak', html)
    dated = page(client, f"/stories/{story_of(client, '‘Unique’ op')}")
    assert "<svg" in dated and 'class="bar series-0"' in dated
    assert "2018-08-02 · en: 1" in dated  # the bar's tooltip
    assert_safe(html)


def test_entity_page_shows_variants_per_language(client: TestClient) -> None:
    html = page(client, "/entities/LOC-syria")
    assert "<h1>Syria" in html
    variants = re.search(r'<table class="variants">(.*?)</table>', html, re.S)
    assert variants is not None
    rows = re.findall(r"<td>([^<]+)</td><td><span class=\"badge lang-(\w+)\"", variants.group(1))
    assert ("Syria", "en") in rows and ("Syrie", "fr") in rows
    assert "Mentions over time" in html and "<svg" in html
    assert_safe(html)


def test_entities_index_filters_by_name_and_type(client: TestClient) -> None:
    html = page(client, "/entities", name="kinsh", type="PER")
    found = client.get("/api/entities", params={"name": "kinsh", "type": "PER"}).json()["items"]
    assert found and all(f'/entities/{e["id"]}">{e["name"]}</a>' in html for e in found)
    assert "/entities/LOC-syria" not in html
    page(client, "/entities", status=400, type="ANIMAL")


def test_article_page_highlights_entities_and_collapses_junk(client: TestClient) -> None:
    article_id = article_of(client, "Russian Ambassador Says")
    html = page(client, f"/articles/{article_id}")
    assert re.search(r'<a class="ent type-\w+" href="[^"]*/entities/[^"]+"[^>]*>Syria</a>', html)
    api = client.get(f"/api/articles/{article_id}").json()
    if api["removed"]:
        assert '<details class="removed">' in html
        assert f"{len(api['removed'])} line" in html
    assert_safe(html)


def test_search_page_finds_the_english_article_for_a_french_query(client: TestClient) -> None:
    html = page(client, "/search", q="élimination des terroristes dans le sud syrien")
    results = re.findall(r'<li class="result">\s*<h2><a [^>]*>([^<]+)</a>', html)
    assert "Russian Ambassador Says Terrorists in South Syria Facing Final Days" in results[:3]
    assert "semantic" in html
    assert page(client, "/search").count('class="result"') == 0  # the empty form
    page(client, "/search", status=400, q="x", mode="bogus")
    # A submitted form sends its empty fields: they mean "no filter", not an error.
    empty = {"language": "", "source": "", "since": "", "until": "", "mode": "keyword"}
    assert 'class="result"' in page(client, "/search", q="Kinshak", **empty)
    assert "is not a date" in page(client, "/search", status=400, q="x", since="2024-99-01")


def test_hostile_article_shows_as_text_everywhere(client: TestClient) -> None:
    article_id = article_of(client, "Hostile")
    html = page(client, f"/articles/{article_id}")
    assert f"&lt;script&gt;window.{XSS_MARKER}=1&lt;/script&gt;" in html  # the title, as text
    assert "&lt;img src=" in html and "onerror=" in html  # shown, as text
    assert "Springfield &lt;b&gt;Gazette&lt;/b&gt;" in html
    assert f"javascript:window.{XSS_MARKER}=1" in html  # the stored URL, shown as text
    assert f"<script>window.{XSS_MARKER}" not in html
    assert_safe(html)
    for url, params in [
        ("/", {}),
        ("/articles", {}),
        ("/search", {"q": "Springfield budget"}),
        ("/search", {"q": "<script>alert(1)</script>"}),
        (f"/stories/{story_of(client, 'Hostile')}", {}),
    ]:
        assert_safe(page(client, url, **params))


def test_unknown_pages_are_html_404(client: TestClient) -> None:
    for url in ("/stories/nope", "/entities/nope", "/articles/nope", "/nowhere"):
        html = page(client, url, status=404)
        assert "404" in html and "Not found" in html
        assert_safe(html)


def test_static_assets_are_served_by_the_app(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    html = page(client, "/")
    # Links are paths: nothing echoes the Host header, nothing points off-site.
    assert "http://" not in html.split("<main>")[0] and 'href="/static/style.css"' in html


# -- units: highlighting and charts -----------------------------------------------------------


def test_segments_mark_entities_inside_quotes() -> None:
    text = 'Intro line.\n"Peace will come," said Anna Berg in Oslo.'
    anna = text.index("Anna Berg")
    mentions = [
        {"start": anna, "end": anna + 9, "type": "PER", "entity_id": "PER-anna"},
        {"start": anna + 5, "end": anna + 9, "type": "PER"},  # overlaps: dropped
        {"start": 500, "end": 510, "type": "LOC"},  # out of range: ignored
    ]
    quote = {"start": text.index('"'), "end": text.index(",") + 2, "speaker": "Anna Berg"}
    paragraphs = segments(text, mentions, [quote])
    assert len(paragraphs) == 2
    assert "".join(s["text"] for s in paragraphs[1]) == text.split("\n")[1]
    quoted = [s for s in paragraphs[1] if s["quote"]]
    assert "".join(s["text"] for s in quoted) == '"Peace will come,"'
    entities = [s for s in paragraphs[1] if s["entity"]]
    assert [s["text"] for s in entities] == ["Anna Berg"]


def test_chart_bins_long_spans_by_week() -> None:
    rows = [{"day": f"2024-{m:02d}-10", "series": "en", "count": 2} for m in range(1, 13)]
    rows.append({"day": "2024-03-10", "series": "fr", "count": 1})
    chart = stacked_bars(rows)
    assert chart.series == ["en", "fr"]
    assert chart.max == 3  # en + fr stacked in March's week
    assert all(b.day.startswith("2024-") for b in chart.bars)
    days = {b.day for b in chart.bars}
    assert len(days) == 12 and (MAX_DAILY_BARS < 365)
    assert all(b.y + b.h <= chart.base + 0.1 for b in chart.bars)
    assert stacked_bars([]).bars == []


def test_merged_entity_ids_redirect(client: TestClient) -> None:
    """The registry leaves a redirect when it merges entities: old links keep working."""
    store = client.app.state.storyline.store  # type: ignore[attr-defined]
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO entity_redirects (old_id, new_id) VALUES (?, ?)"
            " ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id",
            ("LOC-old-syria-id", "LOC-syria"),
        )
    response = client.get("/entities/LOC-old-syria-id", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == "/entities/LOC-syria"
    assert client.get("/api/entities/LOC-old-syria-id").json()["id"] == "LOC-syria"


def test_article_page_shows_where_the_date_came_from_on_hover(client: TestClient) -> None:
    items = client.get("/api/articles", params={"limit": 100}).json()["items"]
    dated = next(a for a in items if a["published"] and a["title"])
    html = page(client, f"/articles/{dated['id']}")
    hover = re.search(r'<dd title="([^"]*)">' + re.escape(dated["published"]), html)
    assert hover is not None
    assert hover.group(1).startswith(f"{dated['published']} from the ")
    assert "of the time on the dev data" in hover.group(1)
