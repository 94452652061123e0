"""Story summaries and timelines (per story, thread and entity), as plain data for CLI/API/UI.

A story summary: id, thread, headline (the title of its most central article — highest cosine to
the story centroid — in the user's most preferred language that the story has), languages,
article count, independent-source count (outlets of articles that are neither a copy nor a
translation of another article; an article without an outlet counts as its own source),
first/last date, top entities and quotes.

A timeline: the dated items in order — each article (date, language, source, title), its quotes
and its claims. Undated articles come last.

Reads the tables of ``store/migrations/0004_stories.sql`` and the analysed articles through the
store (:meth:`get_article`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.article import Article

TOP_ENTITIES = 8
# Quotes listed in a summary (the timeline has them all): enough to show who is speaking.
SUMMARY_QUOTES = 10


@dataclass
class Member:
    """One article's place in a story (a row of ``story_members``)."""

    article_id: str
    story_id: str
    thread_id: str
    published: date | None
    language: str | None
    source: str | None
    vector: NDArray[np.float32]
    duplicate_of: str | None = None
    translation_of: str | None = None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


_MEMBER_SQL = (
    "SELECT article_id, story_id, thread_id, published, language, source, vector,"
    " duplicate_of, translation_of FROM story_members"
)


def _members(conn: Any, where: str, params: Sequence[Any]) -> list[Member]:
    rows = conn.execute(f"{_MEMBER_SQL} WHERE {where} ORDER BY seq", tuple(params)).fetchall()
    return [
        Member(
            r[0],
            r[1],
            r[2],
            _date(r[3]),
            r[4],
            r[5],
            np.frombuffer(r[6], dtype=np.float32),
            r[7],
            r[8],
        )
        for r in rows
    ]


def independent_sources(members: Sequence[Member]) -> int:
    return len(
        {m.source or m.article_id for m in members if not m.duplicate_of and not m.translation_of}
    )


def central_member(members: Sequence[Member], preferred: Sequence[str] = ()) -> Member:
    """The member closest to the centroid, among those in the most preferred language present."""
    centroid = np.sum([m.vector for m in members], axis=0)
    pool: Sequence[Member] = members
    for language in preferred:
        in_language = [m for m in members if m.language == language]
        if in_language:
            pool = in_language
            break
    return max(pool, key=lambda m: (float(np.dot(m.vector, centroid)), m.article_id))


def headline(article: Article | None) -> str:
    if article is None:
        return ""
    if article.title:
        return article.title
    text = article.text or article.raw_text
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def summarise(
    story_id: str,
    members: Sequence[Member],
    get_article: Callable[[str], Article | None],
    preferred: Sequence[str] = ("en",),
) -> dict[str, Any]:
    """The summary of one story (see the module docstring)."""
    articles = {m.article_id: get_article(m.article_id) for m in members}
    central = central_member(members, preferred)
    dates = sorted(m.published for m in members if m.published)
    entities: Counter[str] = Counter()
    quotes: list[dict[str, Any]] = []
    for article in articles.values():
        if article is None:
            continue
        entities.update({m.canonical or m.text for m in article.entities})
        quotes.extend(
            {"article_id": article.id, "speaker": q.speaker, "text": q.text} for q in article.quotes
        )
    return {
        "id": story_id,
        "thread_id": members[0].thread_id,
        "headline": headline(articles[central.article_id]),
        "headline_article": central.article_id,
        "languages": sorted({m.language for m in members if m.language}),
        "articles": len(members),
        "independent_sources": independent_sources(members),
        "first": dates[0].isoformat() if dates else None,
        "last": dates[-1].isoformat() if dates else None,
        "top_entities": [name for name, _ in entities.most_common(TOP_ENTITIES)],
        "quotes": quotes[:SUMMARY_QUOTES],
    }


def timeline(
    members: Sequence[Member], get_article: Callable[[str], Article | None]
) -> list[dict[str, Any]]:
    """Articles with their quotes and claims, in date order (undated last)."""
    events = []
    for member in sorted(
        members, key=lambda m: (m.published is None, m.published or date.min, m.article_id)
    ):
        article = get_article(member.article_id)
        events.append(
            {
                "date": member.published.isoformat() if member.published else None,
                "article_id": member.article_id,
                "story_id": member.story_id,
                "language": member.language,
                "source": member.source,
                "title": headline(article),
                "duplicate_of": member.duplicate_of,
                "translation_of": member.translation_of,
                "quotes": [q.to_dict() for q in article.quotes] if article else [],
                "claims": [c.to_dict() for c in article.claims] if article else [],
            }
        )
    return events


def list_stories(
    conn: Any,
    get_article: Callable[[str], Article | None],
    language: str | None = None,
    since: date | None = None,
    preferred: Sequence[str] = ("en",),
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Stories, most recent first, optionally only those with a ``language`` article or active
    ``since`` a date."""
    where, params = ["1 = 1"], []
    if since:
        where.append("(last_published >= ? OR last_published IS NULL)")
        params.append(since.isoformat())
    if language:
        where.append("id IN (SELECT story_id FROM story_members WHERE language = ?)")
        params.append(language)
    ids = [
        r[0]
        for r in conn.execute(
            f"SELECT id FROM stories WHERE {' AND '.join(where)}"
            " ORDER BY last_published IS NULL, last_published DESC, n_articles DESC, id LIMIT ?",
            (*params, limit),
        ).fetchall()
    ]
    return [summarise(i, _members(conn, "story_id = ?", [i]), get_article, preferred) for i in ids]


def story_timeline(
    conn: Any,
    get_article: Callable[[str], Article | None],
    story_or_thread_id: str,
    preferred: Sequence[str] = ("en",),
) -> dict[str, Any] | None:
    """A story's (``s-…``) or thread's (``t-…``) summary and timeline; an id prefix is enough."""
    column = "thread_id" if story_or_thread_id.startswith("t-") else "story_id"
    members = _members(conn, f"{column} LIKE ?", [f"{story_or_thread_id}%"])
    if not members:
        return None
    ids = sorted({getattr(m, column) for m in members})
    if len(ids) > 1:
        raise ValueError(f"id prefix {story_or_thread_id!r} is ambiguous: {', '.join(ids[:5])}")
    summary = summarise(members[0].story_id, members, get_article, preferred)
    if column == "thread_id":
        summary["id"] = ids[0]
        summary["stories"] = sorted({m.story_id for m in members})
    summary["timeline"] = timeline(members, get_article)
    return summary


def entity_timeline(
    conn: Any, get_article: Callable[[str], Article | None], entity: str
) -> list[dict[str, Any]]:
    """Timeline of the stored articles that mention ``entity`` (canonical name or id)."""
    needle = entity.casefold()
    members = _members(conn, "1 = 1", [])
    selected = []
    for member in members:
        article = get_article(member.article_id)
        if article and any(
            needle in {(m.canonical or m.text).casefold(), (m.entity_id or "").casefold()}
            for m in article.entities
        ):
            selected.append(member)
    return timeline(selected, get_article)
