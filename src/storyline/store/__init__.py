"""Storage behind one small Protocol, two backends chosen by the store URL (:func:`open_store`):

- a file path (default ``./storyline.db``) — SQLite, :mod:`storyline.store.sqlite`;
- ``postgresql://…`` / ``postgres://…`` — PostgreSQL, :mod:`storyline.store.postgres`.

Both keep the same schema, built by numbered migrations (``store/migrations/`` for SQLite,
``store/migrations_pg/`` for PostgreSQL, one file per version number in each). Stage-specific
tables (entity registry, stories) are reached through the store's ``conn`` and ``transaction()``;
code that writes SQL for both backends sticks to the common dialect (``?`` parameters,
``INSERT … ON CONFLICT``) — the PostgreSQL store's connection adapter translates the parameter
style — and asks :func:`sql_dialect` where the two differ (catalogue tables, full-text search).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from storyline.article import Article

if TYPE_CHECKING:
    from storyline.corpus import Change

ArticleStatus = Literal["pending", "analysed", "failed"]
Dialect = Literal["sqlite", "postgresql"]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@runtime_checkable
class SQLConnection(Protocol):
    """What stage code uses of a store's connection: ``sqlite3.Connection`` or the PostgreSQL
    store's :class:`~storyline.store.postgres.PGConnection` (``?`` parameters in both)."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Any, /) -> Any: ...

    def executescript(self, sql: str, /) -> Any: ...


class Store(Protocol):
    """An article store: what the ingest runner, the pipeline and the CLI use of one."""

    @property
    def path(self) -> str:
        """Where the store is, for messages (a file path, or a URL without its password)."""
        ...

    @property
    def conn(self) -> Any:
        """The SQL connection stage tables are reached through (see :class:`SQLConnection`)."""
        ...

    def transaction(self) -> AbstractContextManager[Any]:
        """``with store.transaction() as conn:`` — commit on success, roll back on error; nested
        uses join the outermost transaction."""
        ...

    def writer_lock(self, *, wait: bool = False) -> AbstractContextManager[None]:
        """Hold the store's run-long writer lock (one ingest at a time; see
        :mod:`storyline.store.lock`): raises :class:`~storyline.errors.StoreLocked` naming the
        holder when another process has it, or waits for it with ``wait``."""
        ...

    def schema_version(self) -> int: ...

    def has_table(self, name: str) -> bool: ...

    # -- writes
    def add_raw(self, article: Article) -> bool:
        """Store an article as read (status pending) unless its id is stored; True if new."""
        ...

    def save_article(self, article: Article, changes: Sequence[Change] = ()) -> bool:
        """Insert or replace one analysed article and write its changes to corpus state
        (:class:`storyline.corpus.Change`) in one transaction; True if the article was new."""
        ...

    def mark_failed(self, article_id: str, item: str, reason: str) -> None: ...

    def mark_pending(self, article_ids: Iterable[str]) -> int: ...
    def clear_corpus_state(self) -> None: ...

    def record_failure(self, item: str, reason: str, article_id: str | None = None) -> None: ...

    def clear_read_failures(self, source: str) -> int:
        """Forget the read failures of ``source`` and its records (it is being read again)."""
        ...

    # -- reads
    def status(self, article_id: str) -> ArticleStatus | None: ...

    def has_article(self, article_id: str) -> bool: ...

    def get_article(self, article_id: str) -> Article | None: ...

    def find_article(self, prefix: str) -> Article | None: ...

    def last_error(self, article_id: str) -> str | None: ...

    def get_raw(self, article_id: str) -> bytes | None: ...

    def input_article(self, article_id: str) -> Article | None: ...

    def iter_articles(self, status: ArticleStatus | None = "analysed") -> Iterator[Article]: ...

    def article_order(self) -> list[str]: ...
    def unfinished_ids(self) -> list[str]: ...

    def count_articles(self, status: ArticleStatus | None = None) -> int: ...

    def summary(self) -> dict[str, Any]: ...

    def failures(self) -> list[dict[str, Any]]:
        """Inputs that could not be read or stored and articles whose analysis failed, each
        with its reason, until it succeeds (``storyline failures``)."""
        ...

    def close(self) -> None: ...


def is_postgres_url(url: str) -> bool:
    return url.startswith(POSTGRES_SCHEMES)


def sql_dialect(conn: object) -> Dialect:
    """Which SQL a store connection speaks (the PostgreSQL adapter says so; anything else is
    taken for SQLite, the default backend)."""
    return "postgresql" if getattr(conn, "dialect", None) == "postgresql" else "sqlite"


def has_table(conn: Any, name: str) -> bool:
    """Whether a table (or view) exists, on either backend's connection."""
    if sql_dialect(conn) == "postgresql":
        sql = "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
        sql += " AND tablename = ? UNION ALL SELECT 1 FROM pg_catalog.pg_views"
        sql += " WHERE schemaname = current_schema() AND viewname = ?"
        return conn.execute(sql, (name, name)).fetchone() is not None
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", (name,)
    ).fetchone()
    return row is not None


def table_columns(conn: Any, name: str) -> set[str]:
    """The column names of a table (empty when it does not exist), on either backend."""
    if sql_dialect(conn) == "postgresql":
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ?",
            (name,),
        ).fetchall()
        return {str(row[0]) for row in rows}
    # PRAGMA takes no parameters; the name is quoted as an identifier.
    quoted = '"' + name.replace('"', '""') + '"'
    return {str(row[1]) for row in conn.execute(f"PRAGMA table_info({quoted})").fetchall()}


def database_key(conn: Any) -> str:
    """A name for the database a connection is on, the same for every connection to it: the key
    of per-database caches (the entity catalogue, the search vectors), so a server's several
    reader connections share one cached copy."""
    if sql_dialect(conn) == "postgresql":
        return f"postgresql:{conn.where}"
    return str(conn.execute("PRAGMA database_list").fetchone()[2] or f"memory:{id(conn)}")


def open_store(url: str | None = None) -> Store:
    """Open the store at ``url`` (default: the configured ``db``, ``./storyline.db``): a
    ``postgresql://`` URL opens :class:`~storyline.store.postgres.PostgresStore`, anything else
    is a SQLite file path."""
    from storyline.config import Settings

    target = url or Settings.load().db
    if is_postgres_url(target):
        from storyline.store.postgres import PostgresStore

        return PostgresStore(target)
    from storyline.store.sqlite import SQLiteStore

    return SQLiteStore(target)
