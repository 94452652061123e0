"""The stories stage on the seed articles: one story across languages, threads, persistence."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storyline.article import Article
from storyline.corpus import Corpus
from storyline.ingest import read_one
from storyline.pipeline import Pipeline
from storyline.read import Filters, find_story, story_summaries
from storyline.store.sqlite import SQLiteStore
from storyline.stories.embed import E5Embedder
from storyline.stories.index import stream_order
from storyline.stories.stage import StoryStage

# Dates the seed texts imply but do not print in a form the metadata stage reads (000/004: the
# week after the Helsinki summit of Monday 16 July 2018; 001: a photo of 2 March 2017).
IMPLIED_DATES = {0: date(2018, 7, 20), 1: date(2017, 3, 3), 4: date(2018, 7, 20)}


@pytest.fixture(scope="session")
def embedder() -> E5Embedder:
    return E5Embedder()


@pytest.fixture(scope="module")
def analysed(seed_paths: list[Path]) -> list[Article]:
    """The seeds through every stage before stories (run once per module)."""
    stages = ("language", "clean", "metadata", "entities")
    return Pipeline(stages=stages).run([read_one(p) for p in seed_paths])


def list_stories(
    conn: Any,
    preferred_languages: Sequence[str] = ("en",),
    language: str | None = None,
    since: date | None = None,
) -> list[dict[str, Any]]:
    """``storyline stories --json``'s rows (the read model)."""
    filters = Filters(language=language, since=since)
    found, _ = story_summaries(conn, filters, 100, 0, preferred_languages)
    return [s.cli() for s in found]


def story_timeline(conn: Any, story_or_thread_id: str) -> dict[str, Any] | None:
    """``storyline story ID --json`` (the read model)."""
    found = find_story(conn, story_or_thread_id)
    return found[0].cli(thread=found[1]) if found is not None else None


def _fresh(articles: list[Article], dated: bool = False) -> list[Article]:
    out = []
    for i, article in enumerate(articles):
        clone = copy.copy(article)
        clone.story_id = clone.thread_id = clone.duplicate_of = clone.translation_of = None
        if dated and clone.published is None:
            clone.published = IMPLIED_DATES.get(i)
        out.append(clone)
    return out


def _run(articles: list[Article], embedder: E5Embedder, store: SQLiteStore | None = None) -> None:
    """The stage as the pipeline drives it: publication order, each article committed with its
    story change."""
    corpus = Corpus(store=store)
    stage = StoryStage(corpus, embedder)
    stage.prepare(articles)
    by_id = {a.id: a for a in articles}
    for article_id in stream_order((a.id, a.published) for a in articles):
        article = stage(by_id[article_id])
        if store is not None:
            store.save_article(article, corpus.take(article.id))


def _groups(articles: list[Article]) -> set[frozenset[int]]:
    by_story: dict[str | None, set[int]] = {}
    for i, article in enumerate(articles):
        by_story.setdefault(article.story_id, set()).add(i)
    return {frozenset(g) for g in by_story.values()}


SEED_STORIES = {frozenset({0, 4}), frozenset({1}), frozenset({2}), frozenset({3})}


def test_seeds_group_into_four_stories_across_languages(
    analysed: list[Article], embedder: E5Embedder
) -> None:
    articles = _fresh(analysed)
    _run(articles, embedder)
    assert _groups(articles) == SEED_STORIES
    assert articles[4].language == "fr" and articles[0].language == "en"
    # The French article rewrites the English one: a translation, not an independent report.
    assert articles[4].translation_of == articles[0].id
    assert all(a.duplicate_of is None for a in articles)


def test_grouping_does_not_depend_on_file_order(
    analysed: list[Article], embedder: E5Embedder
) -> None:
    forward = _fresh(analysed)
    _run(forward, embedder)
    backward = _fresh(analysed)[::-1]
    _run(backward, embedder)
    assert {a.id: a.story_id for a in backward} == {a.id: a.story_id for a in forward}


def test_dated_seeds_thread_the_prediction_and_its_completion(
    analysed: list[Article], embedder: E5Embedder
) -> None:
    articles = _fresh(analysed, dated=True)
    _run(articles, embedder)
    assert _groups(articles) == SEED_STORIES
    # July prediction (000/004) → August completion (002): two stories, one thread.
    assert articles[2].story_id != articles[0].story_id
    assert articles[2].thread_id == articles[0].thread_id == articles[4].thread_id
    # Same ambassador a year earlier (001) and the December 2017 victory claim (003): apart.
    assert articles[1].thread_id != articles[0].thread_id
    assert articles[3].thread_id != articles[0].thread_id


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    opened = SQLiteStore(tmp_path / "stories.db")
    yield opened
    opened.close()


def test_a_second_run_continues_the_stored_stories(
    analysed: list[Article], embedder: E5Embedder, tmp_path: Path
) -> None:
    path = tmp_path / "stories.db"
    first = _fresh(analysed, dated=True)[:4]
    with SQLiteStore(path) as store:
        _run(first, embedder, store)
        for article in first:
            store.save_article(article)
    # A later ingest, a new process: the French rewrite joins the stored English story.
    later = _fresh(analysed, dated=True)[4:]
    with SQLiteStore(path) as store:
        _run(later, embedder, store)
        store.save_article(later[0])
        assert later[0].story_id == first[0].story_id
        assert later[0].translation_of == first[0].id
        # Re-ingesting an article keeps its story.
        again = _fresh(analysed, dated=True)[:1]
        _run(again, embedder, store)
        assert again[0].story_id == first[0].story_id
        rows = store.conn.execute("SELECT count(*) FROM story_members").fetchone()[0]
        assert rows == 5


def test_story_summaries_and_timelines(
    analysed: list[Article], embedder: E5Embedder, store: SQLiteStore
) -> None:
    articles = _fresh(analysed, dated=True)
    _run(articles, embedder, store)
    for article in articles:
        store.save_article(article)
    stories = list_stories(store.conn, preferred_languages=["en"])
    assert len(stories) == 4
    joint = next(s for s in stories if s["id"] == articles[0].story_id)
    assert joint["languages"] == ["en", "fr"]
    assert joint["articles"] == 2
    # two reports of one interview, not a translation (storyline.travel.model: the French one
    # names people and places the English one does not)
    assert joint["independent_sources"] == 2
    assert joint["headline"] == articles[0].title
    assert joint["first"] == "2018-07-20"
    assert joint["top_entities"]
    french = list_stories(store.conn, preferred_languages=["fr"], language="fr")
    assert [s["headline"] for s in french] == [articles[4].title]
    recent = list_stories(store.conn, since=date(2018, 7, 1))
    assert {s["id"] for s in recent} == {articles[0].story_id, articles[2].story_id}

    thread = story_timeline(store.conn, articles[0].thread_id)
    assert thread is not None
    assert [e["article_id"] for e in thread["timeline"]][-1] == articles[2].id
    assert [e["date"] for e in thread["timeline"]] == ["2018-07-20", "2018-07-20", "2018-08-02"]
    story = story_timeline(store.conn, articles[0].story_id[:10])
    assert story is not None and len(story["timeline"]) == 2
    assert story_timeline(store.conn, "s-nothing") is None


def test_cli_pairs_scores_seed_pairs(seed_paths: list[Path], tmp_path: Path) -> None:
    from storyline.cli import app

    texts = [p.read_text(encoding="utf-8") for p in seed_paths]
    rows = [
        {"id": "000-004", "a": {"text": texts[0], "language": "en"}, "b": {"text": texts[4]}},
        {"id": "000-003", "a": {"text": texts[0]}, "b": {"text": texts[3]}},
        {"id": "000-001", "a": {"text": texts[0]}, "b": {"text": texts[1], "published": None}},
    ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["pairs", str(path)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["000-004", "000-003", "000-001"]
    assert out[0]["same_story"] is True
    assert out[1]["same_story"] is False and out[2]["same_story"] is False
    assert out[0]["score"] > max(out[1]["score"], out[2]["score"])


def test_cli_pairs_names_the_bad_row(tmp_path: Path) -> None:
    from storyline.cli import app

    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "a": {"text": "t"}}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["pairs", str(path)])
    assert result.exit_code == 2
    assert "row 1" in result.output and "'b'" in result.output


WIRE = (
    "Five surfers drowned off the Dutch coast at Scheveningen, near The Hague, on Monday evening "
    "after being caught in heavy surf, police said on Tuesday.\n\n"
    "Rescue teams searched the North Sea through the night with helicopters and boats. Three "
    "bodies were recovered on Tuesday morning, two more on Monday night, the coastguard said.\n\n"
    "The victims were experienced surfers aged between 23 and 38, according to the local surf "
    "club, which described the accident as the worst in its history. Strong winds had whipped up "
    "a thick layer of sea foam that made it hard for rescuers to see the swimmers.\n\n"
    "Mayor Johan Remkes said the city was in mourning and flags would fly at half-mast."
)


def test_copies_and_independent_sources_are_counted_apart(
    embedder: E5Embedder, store: SQLiteStore
) -> None:
    original = Article(raw_text=WIRE, title="Five surfers drown off Scheveningen", source="Wire A")
    copy_text = WIRE + "\n\nRead more: our coverage of the North Sea coast. Subscribe now."
    syndicated = Article(
        raw_text=copy_text, title="Surfers die in North Sea", source="Daily B", language="en"
    )
    independent = Article(
        raw_text=(
            "Five young surfers lost their lives in the sea off Scheveningen on Monday. The group "
            "went into the water despite a storm warning; the bodies of three of them were found "
            "on Tuesday, police in The Hague said. Mayor Johan Remkes spoke of a black day for "
            "the city and its surf community."
        ),
        title="Scheveningen: five surfers dead after storm",
        source="Courier C",
    )
    other = Article(
        raw_text="Apple unveiled three new iPhone models in Cupertino on Tuesday, with prices "
        "starting at 699 dollars and a new camera system with an ultra-wide lens.",
        title="Apple unveils new iPhones",
        source="Daily B",
    )
    articles = [original, syndicated, independent, other]
    for article in articles:
        article.text = article.raw_text
        article.language = "en"
        article.published = date(2019, 12, 30) if article is not syndicated else date(2019, 12, 31)
    _run(articles, embedder, store)
    for article in articles:
        store.save_article(article)
    assert syndicated.duplicate_of == original.id
    assert independent.duplicate_of is None and original.duplicate_of is None
    assert original.story_id == syndicated.story_id == independent.story_id != other.story_id
    summary = next(s for s in list_stories(store.conn) if s["id"] == original.story_id)
    assert summary["articles"] == 3
    assert summary["independent_sources"] == 2  # Wire A and Courier C; Daily B copied Wire A
    assert summary["first"] == "2019-12-30" and summary["last"] == "2019-12-31"
