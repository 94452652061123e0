"""Articles: a page of analysed articles, one article with its analysis, the store's health."""

from __future__ import annotations

from typing import Any

from storyline.read._common import Page, clamp
from storyline.store import SQLConnection
from storyline.store.readers import NO_FILTERS, Filters, Readers, readers


def list_articles(
    conn: SQLConnection | Readers, filters: Filters = NO_FILTERS, limit: int = 50, offset: int = 0
) -> Page:
    """Analysed articles, newest first (undated last, ties by id)."""
    reader = readers(conn)
    limit, offset = clamp(limit, offset)
    total = reader.count_articles(filters)
    return Page(reader.article_page(filters, limit, offset), total, limit, offset)


def get_article(conn: SQLConnection | Readers, article_id: str) -> dict[str, Any] | None:
    """One stored article with its analysis (the export contract plus ``status``)."""
    return readers(conn).article(article_id)


def health(conn: SQLConnection | Readers) -> dict[str, Any]:
    """Counts per article status, stories, schema version and which optional tables exist."""
    return readers(conn).health()
