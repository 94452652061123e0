"""The read model: plain data for articles, stories, threads, entities, quotes, claims, search
and timelines, the one place the CLI (:mod:`storyline.cli`), the HTTP API (:mod:`storyline.api`)
and the web UI (:mod:`storyline.web`) get their figures from.

Every function takes a store connection (``sqlite3.Connection`` or the PostgreSQL store's
``PGConnection``) or a :class:`~storyline.store.readers.Readers`; the SQL lives in
:mod:`storyline.store.readers`. Each figure has one definition, written in the module that
computes it: independent sources and the headline in :mod:`storyline.read.stories`, entity
counts in :mod:`storyline.read.entities`, contradictions (linked over the whole store at read
time) in :mod:`storyline.read.claims`. Objects such as :class:`StorySummary` render themselves in
each front end's shape (``.api()``, ``.cli()``), so the shapes differ but the numbers cannot.
Every listing sorts its ties explicitly, so two reads of an unchanged store agree.
"""

from __future__ import annotations

from storyline.read._common import MAX_PAGE, Page
from storyline.read.articles import get_article, health, list_articles
from storyline.read.claims import iter_claims, iter_quotes, list_claims, list_quotes
from storyline.read.entities import (
    EntityDetail,
    EntityRecord,
    entity_records,
    entity_timeline,
    find_entity_id,
    get_entity,
    get_entity_detail,
    list_entities,
    resolve_entity_id,
)
from storyline.read.stories import (
    StoryDetail,
    StorySummary,
    find_story,
    get_story,
    get_story_detail,
    list_stories,
    story_summaries,
)
from storyline.store.readers import NO_FILTERS, Filters, Readers, SQLReaders

__all__ = [
    "MAX_PAGE",
    "NO_FILTERS",
    "EntityDetail",
    "EntityRecord",
    "Filters",
    "Page",
    "Readers",
    "SQLReaders",
    "StoryDetail",
    "StorySummary",
    "entity_records",
    "entity_timeline",
    "find_entity_id",
    "find_story",
    "get_article",
    "get_entity",
    "get_entity_detail",
    "get_story",
    "get_story_detail",
    "health",
    "iter_claims",
    "iter_quotes",
    "list_articles",
    "list_claims",
    "list_entities",
    "list_quotes",
    "list_stories",
    "resolve_entity_id",
    "story_summaries",
]
