"""Storage behind one small Protocol; SQLite by default (:mod:`storyline.store.sqlite`).

A PostgreSQL backend implements the same Protocol later. Stage-specific tables (entity registry,
stories) are added by numbered migrations in ``store/migrations/`` and reached through the same
store object.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from storyline.article import Article


class Store(Protocol):
    def has_article(self, article_id: str) -> bool: ...

    def save_article(self, article: Article) -> bool:
        """Insert or replace one analysed article in its own transaction; True if it was new."""
        ...

    def get_article(self, article_id: str) -> Article | None: ...

    def iter_articles(self) -> Iterator[Article]: ...

    def count_articles(self) -> int: ...

    def close(self) -> None: ...


def open_store(url: str | None = None) -> Store:
    """Open the store at ``url``: a SQLite path (default ``./storyline.db``)."""
    from storyline.config import Settings
    from storyline.store.sqlite import SQLiteStore

    return SQLiteStore(url or Settings.load().db)
