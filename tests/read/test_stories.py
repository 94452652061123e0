"""storyline.read.stories and .claims on hand-built stores: the independent-source and headline
rules, ties, a story with no members, contradictions linked across separately analysed articles."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from storyline.article import Article, Claim, Mention
from storyline.read import Filters, find_story, get_story, iter_claims, story_summaries
from storyline.read.stories import summarise
from storyline.store.sqlite import SQLiteStore
from storyline.travel.model import independent_sources


def _article(
    key: str,
    source: str | None,
    language: str = "en",
    day: int = 1,
    story: str = "s-one",
    **extra: object,
) -> Article:
    article = Article(
        raw_text=f"text {key}",
        text=f"text {key}",
        id=key,
        title=f"Title {key}",
        source=source,
        language=language,
        published=date(2024, 3, day),
        story_id=story,
        thread_id="t-" + story[2:],
        **extra,  # type: ignore[arg-type]
    )
    return article


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "read.db")


def _save(store: SQLiteStore, *articles: Article) -> None:
    for article in articles:
        store.save_article(article)


def test_copies_and_translations_collapse_into_their_original(store: SQLiteStore) -> None:
    _save(
        store,
        _article("a", "Wire A"),
        _article("b", "Daily B", duplicate_of="a"),  # a copy
        # the story stage called it a translation; the travel model decides translations itself
        # (no vectors here: an original, of an outlet counted already)
        _article("c", "Courier", language="fr", translation_of="a"),
        _article("d", "Courier"),  # its own reporting
        _article("e", None),  # no outlet: its own source
        _article("f", "Wire A", day=2),  # the same outlet again
        _article("g", "Gazette", duplicate_of="zz"),  # copies an article outside the story
    )
    [summary], total = story_summaries(store.conn)
    assert total == 1 and summary.article_count == 7
    assert summary.independent_sources == 4  # Wire A, Courier, e, Gazette
    card, row = summary.api(), summary.cli()
    assert card["source_count"] == row["independent_sources"] == 4


def test_headline_prefers_language_then_originals_then_earliest(store: SQLiteStore) -> None:
    _save(
        store,
        _article("b", "Daily B", day=1, duplicate_of="c"),
        _article("c", "Wire", day=2),
        _article("d", "Other", day=2),
        _article("f", "Le Monde", language="fr", day=3),
    )
    [summary], _ = story_summaries(store.conn, preferred_languages=["en"])
    assert summary.headline_article == "c"  # b is earlier but a copy; c ties d by date, wins by id
    [french], _ = story_summaries(store.conn, preferred_languages=["fr", "en"])
    assert french.headline == "Title f"
    [other], _ = story_summaries(store.conn, preferred_languages=["de"])
    assert other.headline_article == "c"  # no German article: any language


def test_top_entity_ties_are_sorted_and_stable(store: SQLiteStore) -> None:
    def mention(name: str) -> Mention:
        return Mention(name, 0, len(name), "LOC", entity_id=f"LOC-{name.lower()}", canonical=name)

    _save(
        store,
        _article("a", "A", entities=[mention("Zeta"), mention("Alpha")]),
        _article("b", "B", entities=[mention("Mid"), mention("Zeta")]),
    )
    first = story_summaries(store.conn)[0][0].cli()["top_entities"]
    assert first == ["Zeta", "Alpha", "Mid"]  # Zeta in 2 articles; Alpha and Mid tie: by name
    assert story_summaries(store.conn)[0][0].cli()["top_entities"] == first


def test_a_story_without_members_is_empty_not_an_error(store: SQLiteStore) -> None:
    summary = summarise("s-gone", [], {}, ["en"], {})
    assert (summary.article_count, summary.independent_sources, summary.headline) == (0, 0, None)
    assert summary.api()["languages"] == [] and summary.cli()["headline"] == ""
    assert independent_sources([], []) == []
    assert get_story(store.conn, "s-gone") is None
    assert find_story(store.conn, "s-gone") is None
    assert story_summaries(store.conn, Filters(language="xx")) == ([], 0)


def test_ambiguous_prefix_names_the_candidates(store: SQLiteStore) -> None:
    _save(store, _article("a", "A", story="s-abc1"), _article("b", "B", story="s-abc2"))
    with pytest.raises(ValueError, match="ambiguous"):
        find_story(store.conn, "s-abc")
    found = find_story(store.conn, "s-abc1")
    assert found is not None and found[0].summary.id == "s-abc1" and not found[1]
    thread = find_story(store.conn, "t-abc2")
    assert thread is not None and thread[1] and thread[0].cli(thread=True)["id"] == "t-abc2"


def test_contradictions_are_linked_across_separately_analysed_articles(
    store: SQLiteStore,
) -> None:
    def claim(key: str, value: float, speaker: str) -> Claim:
        return Claim(
            f"{value:.0f} tonnes",
            0,
            10,
            "number",
            value=value,
            unit="tonnes",
            counted="tonnes",
            holder="Norway",
            speaker=speaker,
            time_ref="2024",
            id=f"{key}:c1",
        )

    # Analysed in two runs: the claims stage never saw them together, so neither is linked.
    _save(
        store,
        _article("a", "A", claims=[claim("a", 453_000, "the commission")]),
        _article("b", "B", day=2, story="s-two", claims=[claim("b", 300_000, "the minister")]),
    )
    claims = {c["id"]: c["contradicts"] for c in iter_claims(store.conn)}
    assert claims == {"a:c1": ["b:c1"], "b:c1": ["a:c1"]}
    story = get_story(store.conn, "s-one")
    assert story is not None and story["claims"][0]["contradicts"] == ["b:c1"]
    found = find_story(store.conn, "s-one")
    assert found is not None
    assert found[0].cli()["timeline"][0]["claims"][0]["contradicts"] == ["b:c1"]
