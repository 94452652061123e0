"""Stories and threads: one summary (:class:`StorySummary`), one detail, one timeline, whoever asks.

Definitions, the same for the CLI, the HTTP API and the web pages:

- **Members**: the analysed articles carrying the story id (a thread: the thread id), earliest
  first, undated last, ties by article id.
- **Independent sources**: the travel model's (:mod:`storyline.travel.model`, read through
  :func:`storyline.read.travel.source_roles`): the members that copy or translate another member
  collapse into it; an original crediting a wire agency counts as that agency; any other
  original counts as its outlet (without one, alone). The story card, the story page, the CLI and
  the travel view all count them there.
- **Headline**: among the members with a title, those in the reader's most preferred language
  that the story has (any language if none), originals before copies; of these the one closest
  to the story centroid (dot product with the sum of the members' story vectors, from
  ``story_members``); members without a vector come after those with one; then earliest, then
  by id.
- **Top entities**: entities mentioned in the most members (an article counts once per
  entity), merged ids read as the entity they were merged into; name and type are the most
  frequent among the mentions; ties by name, then id.
- **Claims and contradictions**: the members' claims, with contradictions linked over the whole
  store at read time (:func:`storyline.read.claims.contradictions`).

A story with no analysed member is returned empty (zero counts, no headline), never an error.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from storyline.read._common import Page, clamp, normalised
from storyline.read.claims import (
    api_claim,
    api_quote,
    claim_record,
    contradiction_pairs,
    contradictions,
    quote_record,
)
from storyline.read.entities import resolve_ids
from storyline.read.travel import get_travel, source_roles
from storyline.store import SQLConnection
from storyline.store.readers import NO_FILTERS, SUMMARY_COLUMNS, Filters, Readers, readers

# A story page lists up to this many articles (earliest first) and aggregates quotes, claims and
# entities over them: a story that big is a running topic, and a page beyond this stops being read.
STORY_ARTICLE_LIMIT = 500
# Entities shown on a story card (home page), on the story page, and in the CLI's summary.
CARD_ENTITIES = 5
STORY_ENTITIES = 20
CLI_ENTITIES = 8
# Quotes listed in the CLI's summary (the timeline has them all): enough to show who is speaking.
SUMMARY_QUOTES = 10


@dataclass(frozen=True)
class TopEntity:
    id: str
    name: str
    type: str
    count: int  # members mentioning it

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "type": self.type, "count": self.count}


@dataclass(frozen=True)
class StorySummary:
    """The figures of one story (or thread), as every front end shows them."""

    id: str
    thread_id: str | None
    headline: str | None
    headline_article: str | None
    article_count: int
    independent_sources: int
    languages: tuple[tuple[str | None, int], ...]  # (language, articles), most articles first
    first: str | None
    last: str | None
    top_entities: tuple[TopEntity, ...] = ()
    quotes: tuple[dict[str, Any], ...] = field(default=(), repr=False)

    def api(self, entities: int | None = CARD_ENTITIES) -> dict[str, Any]:
        """The HTTP API's story card (``/api/stories``)."""
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.headline,
            "article_count": self.article_count,
            "source_count": self.independent_sources,
            "languages": [list(pair) for pair in self.languages],
            "first": self.first,
            "last": self.last,
        }
        if entities is not None:
            out["entities"] = [e.to_dict() for e in self.top_entities[:entities]]
        return out

    def cli(self) -> dict[str, Any]:
        """``storyline stories --json``'s row."""
        return {
            "id": self.id,
            "thread_id": self.thread_id,
            "headline": self.headline or "",
            "headline_article": self.headline_article,
            "languages": sorted(lang for lang, _ in self.languages if lang),
            "articles": self.article_count,
            "independent_sources": self.independent_sources,
            "first": self.first,
            "last": self.last,
            "top_entities": [e.name for e in self.top_entities[:CLI_ENTITIES]],
            "quotes": [
                {"article_id": q["article_id"], "speaker": q["speaker"], "text": q["text"]}
                for q in self.quotes[:SUMMARY_QUOTES]
            ],
        }


# -- the definitions --------------------------------------------------------------------------


def choose_headline(
    members: Sequence[dict[str, Any]],
    vectors: dict[str, bytes],
    preferred: Sequence[str],
    repeats: frozenset[str] = frozenset(),
) -> dict[str, Any] | None:
    """The member whose title heads the story (the rule is in the module docstring)."""
    titled = [m for m in members if m.get("title")]
    if not titled:
        return None
    rank = {lang: i for i, lang in enumerate(preferred)}
    best = min(rank.get(m.get("language") or "", len(rank)) for m in titled)
    pool = [m for m in titled if rank.get(m.get("language") or "", len(rank)) == best]
    first_hand = {m["id"] for m in members if m["id"] not in repeats}
    arrays = {k: np.frombuffer(v, dtype=np.float32) for k, v in vectors.items()}
    known = [arrays[m["id"]] for m in members if m["id"] in arrays]
    centroid = np.sum(known, axis=0) if known else None

    def key(m: dict[str, Any]) -> tuple[Any, ...]:
        vector = arrays.get(m["id"])
        closeness = (
            -float(np.dot(vector, centroid))
            if vector is not None and centroid is not None
            else float("inf")
        )
        return (
            m["id"] not in first_hand,
            closeness,
            m.get("published") is None,
            m.get("published") or "",
            m["id"],
        )

    return min(pool, key=key)


def languages(members: Iterable[dict[str, Any]]) -> tuple[tuple[str | None, int], ...]:
    counts = Counter(m.get("language") for m in members)
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or "")))


def top_entities(
    members: Iterable[dict[str, Any]], redirects: dict[str, str], limit: int | None = None
) -> list[TopEntity]:
    """Entities mentioned in the most members (each member counts once per entity)."""
    per_article: Counter[str] = Counter()
    names: dict[str, Counter[str]] = defaultdict(Counter)
    types: dict[str, Counter[str]] = defaultdict(Counter)
    for member in members:
        seen: set[str] = set()
        for mention in member.get("entities") or []:
            entity_id = mention.get("entity_id")
            if not entity_id:
                continue
            entity_id = resolve_ids(entity_id, redirects)
            names[entity_id][mention.get("canonical") or mention.get("text") or ""] += 1
            types[entity_id][mention.get("type") or "MISC"] += 1
            seen.add(entity_id)
        per_article.update(seen)

    def most(counts: Counter[str]) -> str:
        return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]

    ranked = sorted(
        (TopEntity(i, most(names[i]), most(types[i]), n) for i, n in per_article.items()),
        key=lambda e: (-e.count, e.name, e.id),
    )
    return ranked[:limit] if limit is not None else ranked


def summarise(
    story_id: str,
    members: Sequence[dict[str, Any]],
    vectors: dict[str, bytes],
    preferred: Sequence[str],
    redirects: dict[str, str],
    article_count: int | None = None,
    roles: tuple[dict[str, str], list[str]] = ({}, []),
) -> StorySummary:
    """The :class:`StorySummary` of ``members`` (empty members: an empty summary); ``roles`` are
    :func:`storyline.read.travel.source_roles` of the members."""
    dates = sorted(str(m["published"]) for m in members if m.get("published"))
    role, sources = roles
    repeats = frozenset(i for i, r in role.items() if r in ("copy", "translation"))
    head = choose_headline(members, vectors, preferred, repeats)
    threads = sorted({m["thread_id"] for m in members if m.get("thread_id")})
    quotes = tuple(
        quote_record(q, m) for m in members for q in (m.get("quotes") or []) if isinstance(q, dict)
    )
    return StorySummary(
        id=story_id,
        thread_id=threads[0] if threads else None,
        headline=str(head["title"]) if head else None,
        headline_article=head["id"] if head else None,
        article_count=len(members) if article_count is None else article_count,
        independent_sources=len(sources),
        languages=languages(members),
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
        top_entities=tuple(top_entities(members, redirects)),
        quotes=quotes,
    )


# -- listings ---------------------------------------------------------------------------------


def _summaries(
    reader: Readers, ids: Sequence[str], preferred: Sequence[str], analysis: bool
) -> list[StorySummary]:
    # the analysis columns always: the independent sources need the text (wire credits)
    rows = reader.members("story_id", ids, analysis=True)
    by_story: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_story[row["story_id"]].append(row)
    vectors = reader.vectors([r["id"] for r in rows])
    redirects = reader.redirects() if analysis else {}
    out = []
    for i in ids:
        members = by_story.get(i, [])
        if not analysis:  # the entities are not wanted
            members = [{**m, "entities": []} for m in members]
        roles = source_roles(reader, members)
        out.append(summarise(i, members, vectors, preferred, redirects, roles=roles))
    return out


def story_summaries(
    conn: SQLConnection | Readers,
    filters: Filters = NO_FILTERS,
    limit: int = 20,
    offset: int = 0,
    preferred_languages: Sequence[str] = ("en",),
    with_entities: bool = True,
) -> tuple[list[StorySummary], int]:
    """Stories, latest first (by their last article's publication date, ties by that article's
    id), undated ones last, and how many stories match ``filters``. ``filters`` choose the
    stories (one with an article in the language...); the figures are over all their members."""
    reader = readers(conn)
    limit, offset = clamp(limit, offset, most=None)
    total = reader.count_stories(filters)
    ids = reader.latest_story_ids(filters, offset + limit)[offset:]
    return _summaries(reader, ids, preferred_languages, with_entities), total


def list_stories(
    conn: SQLConnection | Readers,
    filters: Filters = NO_FILTERS,
    limit: int = 20,
    offset: int = 0,
    preferred_languages: Sequence[str] = ("en",),
    with_entities: bool = True,
) -> Page:
    """A page of story cards (the HTTP API's and web's shape)."""
    limit, offset = clamp(limit, offset)
    summaries, total = story_summaries(
        conn, filters, limit, offset, preferred_languages, with_entities
    )
    items = [s.api(CARD_ENTITIES if with_entities else None) for s in summaries]
    return Page(items, total, limit, offset)


def timeline_counts(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Articles per publication day per language: ``[{day, series, count}]`` sorted by day."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        if row.get("published"):
            counts[(str(row["published"])[:10], row.get("language") or "?")] += 1
    return [
        {"day": day, "series": series, "count": n} for (day, series), n in sorted(counts.items())
    ]


def _quotes_by_speaker(members: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Quotes grouped by speaker (resolved entity, else the speaker's name), biggest group first
    (ties by speaker name); the same words carried by several outlets are listed once."""
    groups: dict[str, dict[str, Any]] = {}
    seen: set[tuple[str, str]] = set()
    for member in members:
        for quote in member.get("quotes") or []:
            speaker = quote.get("speaker") or "Unattributed"
            key = quote.get("speaker_entity_id") or f"name:{normalised(speaker)}"
            text_key = (key, normalised(quote.get("text") or ""))
            if text_key in seen:
                continue
            seen.add(text_key)
            group = groups.setdefault(
                key,
                {"speaker": speaker, "entity_id": quote.get("speaker_entity_id"), "quotes": []},
            )
            group["quotes"].append(api_quote(quote_record(quote, member)))
    return sorted(
        groups.values(),
        key=lambda g: (g["speaker"] == "Unattributed", -len(g["quotes"]), g["speaker"]),
    )


@dataclass
class StoryDetail:
    """A story (or thread) with its members, their claims and the contradictions among them."""

    summary: StorySummary
    members: list[dict[str, Any]]
    claims: list[dict[str, Any]]  # claim records, members' order
    stories: list[str]  # the stories of a thread (a story: itself)

    def api(self) -> dict[str, Any]:
        """``/api/stories/{id}``."""
        out = self.summary.api(entities=None)
        claims = [api_claim(c) for c in self.claims]
        out["timeline"] = timeline_counts(self.members)
        out["quotes_by_speaker"] = _quotes_by_speaker(self.members)
        out["claims"] = claims
        out["contradictions"] = contradiction_pairs(claims)
        out["entities"] = [e.to_dict() for e in self.summary.top_entities[:STORY_ENTITIES]]
        out["articles"] = [{c: m[c] for c in SUMMARY_COLUMNS} for m in self.members]
        return out

    def cli(self, thread: bool = False) -> dict[str, Any]:
        """``storyline story ID --json``: the summary and the timeline of events."""
        out = self.summary.cli()
        if thread:
            out["id"] = self.summary.thread_id
            out["stories"] = self.stories
        out["timeline"] = timeline(self.members, self.claims)
        return out


def timeline(
    members: Sequence[dict[str, Any]], claims: Sequence[dict[str, Any]] = ()
) -> list[dict[str, Any]]:
    """Each member (date, language, source, title) with its quotes and claims, in date order
    (undated last, ties by id); ``claims`` are the members' claim records (read-time links)."""
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in claims:
        by_article[claim["article_id"]].append(claim)
    events = []
    for m in members:
        events.append(
            {
                "date": str(m["published"])[:10] if m.get("published") else None,
                "article_id": m["id"],
                "story_id": m.get("story_id"),
                "language": m.get("language"),
                "source": m.get("source"),
                "title": m.get("title") or _first_line(m.get("text")),
                "duplicate_of": m.get("duplicate_of"),
                "translation_of": m.get("translation_of"),
                "quotes": list(m.get("quotes") or []),
                "claims": [
                    {k: v for k, v in c.items() if k not in _CLAIM_ARTICLE_KEYS}
                    for c in by_article.get(m["id"], [])
                ],
            }
        )
    return events


_CLAIM_ARTICLE_KEYS = ("article_id", "source", "language", "published")


def _first_line(text: str | None) -> str:
    return next((line.strip() for line in (text or "").splitlines() if line.strip()), "")


def _detail(
    reader: Readers,
    column: str,
    found_id: str,
    preferred: Sequence[str],
    limit: int | None,
) -> StoryDetail | None:
    members = reader.members(column, [found_id], analysis=True, limit=limit)
    if not members:
        return None
    vectors = reader.vectors([m["id"] for m in members])
    story_id = found_id if column == "story_id" else members[0]["story_id"]
    total = reader.count_members(found_id) if column == "story_id" else None
    if column == "story_id":  # the travel view's roles (cached: the story page shows both)
        travel = get_travel(reader, found_id, limit if limit is not None else len(members))
        roles = (
            ({n["id"]: n["role"] for n in travel.nodes}, travel.independent_sources)
            if travel is not None
            else ({}, [])
        )
    else:
        roles = source_roles(reader, members)
    summary = summarise(story_id, members, vectors, preferred, reader.redirects(), total, roles)
    links = contradictions(reader)
    claims = [claim_record(c, m, links) for m in members for c in m.get("claims") or []]
    stories = sorted({m["story_id"] for m in members if m.get("story_id")})
    return StoryDetail(summary, members, claims, stories)


def get_story_detail(
    conn: SQLConnection | Readers,
    story_id: str,
    preferred_languages: Sequence[str] = ("en",),
    limit: int | None = STORY_ARTICLE_LIMIT,
) -> StoryDetail | None:
    """A story by its exact id (None when it has no analysed member)."""
    return _detail(readers(conn), "story_id", story_id, preferred_languages, limit)


def get_story(
    conn: SQLConnection | Readers, story_id: str, preferred_languages: Sequence[str] = ("en",)
) -> dict[str, Any] | None:
    """A story with its articles, timeline counts, quotes by speaker, claims and top entities
    (the HTTP API's and web's shape)."""
    detail = get_story_detail(conn, story_id, preferred_languages)
    return detail.api() if detail is not None else None


def find_story(
    conn: SQLConnection | Readers,
    story_or_thread_id: str,
    preferred_languages: Sequence[str] = ("en",),
) -> tuple[StoryDetail, bool] | None:
    """A story (``s-…``) or thread (``t-…``) by id or id prefix, and whether it is a thread;
    None when nothing matches. Raises ValueError when a prefix matches several."""
    reader = readers(conn)
    column = "thread_id" if story_or_thread_id.startswith("t-") else "story_id"
    ids = reader.story_ids(column, story_or_thread_id)
    if not ids:
        return None
    if len(ids) > 1:
        raise ValueError(f"id prefix {story_or_thread_id!r} is ambiguous: {', '.join(ids[:5])}")
    detail = _detail(reader, column, ids[0], preferred_languages, None)
    return (detail, column == "thread_id") if detail is not None else None
