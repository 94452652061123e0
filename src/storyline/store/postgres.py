"""PostgreSQL store: the :class:`~storyline.store.Store` of :mod:`storyline.store.sqlite` on a
PostgreSQL server (psycopg 3), selected by a ``postgresql://user:password@host:port/dbname`` URL
(``--db`` / ``$STORYLINE_DB``).

Same life cycle of an article as in SQLite (stored raw and ``pending``, then ``analysed`` or
``failed``), same tables built by numbered migrations (``migrations_pg/NNNN_name.sql``, the
SQLite files' numbers and columns with PostgreSQL types: ``BYTEA`` for raw input, embeddings and
MinHash sketches, ``DOUBLE PRECISION`` for scores), so the analysed record — and the export — is
identical on both backends. Writes are idempotent upserts (``INSERT … ON CONFLICT``) and each
article is saved in its own transaction, as the ingest runner expects. Keyword search uses the
``tsvector`` column and GIN index of migration 0005 (see :mod:`storyline.search`).

Stage code (entity registry, story state, story queries) writes SQLite-style SQL with ``?``
parameters. Rather than a second copy of every statement, :attr:`PostgresStore.conn` is a
:class:`PGConnection`: a thin adapter over the psycopg connection that rewrites ``?`` into
psycopg's ``%s`` (outside string literals and quoted names) and keeps the store's transaction
depth, so the same statement runs on both backends as long as it sticks to the SQL both speak
(``INSERT … ON CONFLICT (…) DO UPDATE``, no ``INSERT OR REPLACE``, no ``sqlite_master``;
:func:`storyline.store.sql_dialect` tells the few places that must differ).

The web UI and HTTP API read through :class:`ReaderPool`: read-only connections (wrapped in the
same adapter, so :mod:`storyline.queries` runs unchanged), one checked out per request.

Limits: one writing connection per store object, serialised by a lock (as SQLite's); several
ingest processes may write to one server, but the entity registry and story state keep the
"one writing process" limit of :class:`~storyline.entities.registry.RegistryStore`.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.rows import dict_row

from storyline.article import Article
from storyline.errors import StoreError, StoreUnavailable
from storyline.store import ArticleStatus
from storyline.store.sqlite import (
    _ANALYSED_COLUMNS,
    _PAGE,
    _analysed_values,
    _article_from_row,
    _ArticleRows,
    _input_from_row,
    _now,
    migrations,
)

MIGRATIONS_DIR = Path(__file__).parent / "migrations_pg"

# How long to wait for the server when connecting: a wrong host fails in seconds, not minutes.
CONNECT_TIMEOUT_S = 10
# Longest a web/API read may run before the server cancels it (the request then gets a 503): the
# slowest read, the entity catalogue scan, takes seconds on 100k articles; a minute means stuck.
READ_STATEMENT_TIMEOUT_S = 60
# Idle reader connections a server process keeps open for the next requests. uvicorn serves sync
# routes from a thread pool (40 threads): a burst opens up to that many connections, and all but
# this many are closed once it is over, so an idle server holds few server backends.
READER_IDLE_MAX = 4
# Key of the advisory lock that serialises migrations across processes (any constant unlikely to
# collide with another application's advisory locks on the same database; "stry" in ASCII).
_MIGRATION_LOCK = 0x73747279

# Columns read back (every column but the tsvector, which only the search index needs).
_COLUMNS = (
    "id, status, error, source_path, record, input_format, encoding, raw, raw_text, input_meta, "
    + ", ".join(_ANALYSED_COLUMNS)
)

# A single-quoted literal, a double-quoted name, a ? placeholder or a literal percent sign.
_PARAM_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|%")


@functools.lru_cache(maxsize=512)
def to_psycopg(sql: str) -> str:
    """SQLite-style SQL → psycopg's: ``?`` → ``%s``, ``%`` → ``%%``, quoted text left alone.

    >>> to_psycopg("SELECT '?', x FROM t WHERE a = ? AND b LIKE 'a%' AND c % 2 = ?")
    "SELECT '?', x FROM t WHERE a = %s AND b LIKE 'a%' AND c %% 2 = %s"
    """

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        return "%s" if token == "?" else "%%" if token == "%" else token

    return _PARAM_TOKENS.sub(swap, sql)


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


class PGConnection:
    """``sqlite3.Connection``-like adapter over one psycopg connection (autocommit: transactions
    are explicit, through :meth:`transaction`).

    ``execute``/``executemany`` take ``?`` parameters and return psycopg cursors (tuple rows,
    ``fetchone``/``fetchall``/iteration/``rowcount``/``description`` as DB-API); ``executescript``
    runs a parameterless multi-statement script (migrations).
    """

    dialect = "postgresql"

    def __init__(self, raw: psycopg.Connection[tuple[Any, ...]], where: str) -> None:
        self.raw = raw
        self.where = where
        self.lock = threading.RLock()
        self._depth = 0

    def execute(self, sql: str, parameters: Sequence[Any] | None = None, /) -> psycopg.Cursor[Any]:
        with self.lock:
            if not parameters:
                return self.raw.execute(sql)
            return self.raw.execute(to_psycopg(sql), parameters)

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> psycopg.Cursor[Any]:
        with self.lock:
            cursor = self.raw.cursor()
            rows = list(parameters)
            if rows:
                cursor.executemany(to_psycopg(sql), rows)
            return cursor

    def executescript(self, sql: str, /) -> None:
        with self.lock:
            self.raw.execute(sql)

    def dict_rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts (the store's own reads share ``_article_from_row`` with SQLite)."""
        with self.lock, self.raw.cursor(row_factory=dict_row) as cursor:
            query = to_psycopg(sql) if parameters else sql
            cursor.execute(query, parameters or None)
            return cursor.fetchall()

    @contextmanager
    def transaction(self) -> Iterator[PGConnection]:
        """Commit on success, roll back on error; nested uses join the outermost transaction
        (the semantics of :meth:`SQLiteStore.transaction`, not psycopg's savepoints)."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            try:
                self.raw.execute(b"BEGIN")
            except psycopg.Error as exc:
                raise StoreError(f"{self.where}: cannot start a transaction: {exc}") from exc
            self._depth = 1
            try:
                yield self
            except BaseException:
                if not self.raw.closed:
                    self.raw.execute(b"ROLLBACK")
                raise
            else:
                self.raw.execute(b"COMMIT")
            finally:
                self._depth = 0

    def close(self) -> None:
        self.raw.close()


def _message(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def connect_reader(url: str, where: str) -> PGConnection:
    """A read-only connection (``default_transaction_read_only``, as SQLite's ``query_only``)
    with a statement timeout; :class:`~storyline.errors.StoreUnavailable` when the server
    cannot be reached."""
    options = (
        f"-c default_transaction_read_only=on -c statement_timeout={READ_STATEMENT_TIMEOUT_S}s"
    )
    try:
        raw = psycopg.connect(
            url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, options=options
        )
    except psycopg.Error as exc:
        raise StoreUnavailable(f"{where}: cannot connect to PostgreSQL: {_message(exc)}") from exc
    raw.add_notice_handler(lambda diagnostic: None)
    return PGConnection(raw, where)


class ReaderPool:
    """Read connections for the web UI and API: :meth:`read` checks one out for a request (a
    new one when all are busy) and returns it afterwards; a broken one (server restarted) is
    dropped, so the next request reconnects. ``psycopg_pool`` is not a dependency: this is the
    little of it the server needs."""

    def __init__(self, url: str, where: str, idle_max: int = READER_IDLE_MAX) -> None:
        self.url = url
        self.where = where
        self.idle_max = idle_max
        self._idle: list[PGConnection] = []
        self._lock = threading.Lock()

    @contextmanager
    def read(self) -> Iterator[PGConnection]:
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None or conn.raw.closed:
            conn = connect_reader(self.url, self.where)
        try:
            yield conn
        finally:
            self._give_back(conn)

    def _give_back(self, conn: PGConnection) -> None:
        usable = not conn.raw.closed and not conn.raw.broken
        with self._lock:
            if usable and len(self._idle) < self.idle_max:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


class PostgresStore(_ArticleRows):
    """The :class:`~storyline.store.Store` on PostgreSQL; see the module docstring.

    ``PostgresStore("postgresql://storyline@127.0.0.1:5432/news")`` connects and applies the
    migrations the database lacks.
    """

    conn: PGConnection

    def __init__(self, url: str, *, migrations_dir: Path = MIGRATIONS_DIR) -> None:
        self.url = url
        self.path = redact(url)
        try:
            raw = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.Error as exc:
            raise StoreUnavailable(
                f"{self.path}: cannot connect to PostgreSQL: {_message(exc)}"
            ) from exc
        # Notices (e.g. "relation already exists, skipping") are not for the user.
        raw.add_notice_handler(lambda diagnostic: None)
        self.conn = PGConnection(raw, self.path)
        self.migrate(migrations_dir)

    # -- transactions and schema ---------------------------------------------------------------

    def transaction(self) -> AbstractContextManager[PGConnection]:
        """``with store.transaction() as conn:`` — see :meth:`PGConnection.transaction`."""
        return self.conn.transaction()

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0) if row else 0

    def migrate(self, directory: Path = MIGRATIONS_DIR) -> list[int]:
        """Apply every migration newer than the database; returns the versions applied. Each
        runs in one transaction with its ``schema_version`` row, under an advisory lock so two
        processes opening a new database do not both migrate it."""
        try:
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        except psycopg.Error as exc:
            raise StoreError(f"{self.path}: cannot create schema_version: {exc}") from exc
        applied = []
        for version, name, path in migrations(directory):
            if version <= self.schema_version():
                continue
            script = path.read_text(encoding="utf-8")
            with self.transaction() as conn:
                conn.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
                if version <= self.schema_version():
                    continue
                try:
                    conn.executescript(script)
                except psycopg.Error as exc:
                    raise StoreError(f"{path.name}: migration failed: {exc}") from exc
                conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, _now()),
                )
            applied.append(version)
        return applied

    def has_table(self, name: str) -> bool:
        from storyline.store import has_table

        return has_table(self.conn, name)

    # -- writes --------------------------------------------------------------------------------

    def save_article(self, article: Article) -> bool:
        """Insert or replace one analysed article in its own transaction; True if it was new.

        The raw input columns of an existing row are left as first stored."""
        values = _analysed_values(article)
        now = _now()
        with self.transaction() as conn:
            new = self.add_raw(article)
            assignments = ", ".join(f"{column} = ?" for column in _ANALYSED_COLUMNS)
            conn.execute(
                f"UPDATE articles SET {assignments}, status = 'analysed', error = NULL,"
                " analysed_at = ?, updated_at = ? WHERE id = ?",
                (*values, now, now, article.id),
            )
        return new

    # -- reads ---------------------------------------------------------------------------------

    def _one(self, sql: str, parameters: Sequence[Any]) -> Any:
        row = self.conn.execute(sql, parameters).fetchone()
        return row[0] if row else None

    def status(self, article_id: str) -> ArticleStatus | None:
        value = self._one("SELECT status FROM articles WHERE id = ?", (article_id,))
        return cast(ArticleStatus, value) if value is not None else None

    def _row(self, article_id: str) -> dict[str, Any] | None:
        rows = self.conn.dict_rows(f"SELECT {_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        return rows[0] if rows else None

    def get_article(self, article_id: str) -> Article | None:
        row = self._row(article_id)
        return _article_from_row(row) if row else None

    def find_article(self, prefix: str) -> Article | None:
        """The article whose id is ``prefix`` or starts with it; StoreError if several do."""
        if not re.fullmatch(r"[0-9a-fA-F]+", prefix):
            return None
        rows = self.conn.dict_rows(
            f"SELECT {_COLUMNS} FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
            (prefix.lower(), prefix.lower() + "g"),
        )
        if len(rows) > 1:
            ids = ", ".join(row["id"] for row in rows)
            raise StoreError(f"id prefix {prefix!r} is ambiguous: {ids}, ...")
        return _article_from_row(rows[0]) if rows else None

    def last_error(self, article_id: str) -> str | None:
        """Why the last analysis of ``article_id`` failed (None unless its status is failed)."""
        value = self._one("SELECT error FROM articles WHERE id = ?", (article_id,))
        return str(value) if value is not None else None

    def summary(self) -> dict[str, Any]:
        """Plain-data overview of the store, as :meth:`SQLiteStore.summary`."""

        def pairs(query: str) -> dict[str, int]:
            return {str(key): int(n) for key, n in self.conn.execute(query).fetchall()}

        analysed = "FROM articles WHERE status = 'analysed'"
        totals = self.conn.execute(
            "SELECT min(published), max(published), count(published),"
            " coalesce(sum(json_array_length(entities::json)), 0),"
            " coalesce(sum(json_array_length(quotes::json)), 0),"
            " coalesce(sum(json_array_length(claims::json)), 0),"
            " count(DISTINCT story_id), count(duplicate_of), count(translation_of) " + analysed
        ).fetchone()
        assert totals is not None  # an aggregate always returns a row
        own = {"articles", "failures", "schema_version"}
        listed = [
            row[0]
            for row in self.conn.execute(
                "SELECT tablename FROM pg_catalog.pg_tables"
                ' WHERE schemaname = current_schema() ORDER BY tablename COLLATE "C"'
            )
        ]
        tables = {
            name: int(self._one(f'SELECT count(*) FROM "{name}"', ()))
            for name in listed
            if name not in own
        }

        # Explicit "C" collation: ties and names order by code point, as in SQLite.
        def counts(column: str, where: str = analysed) -> dict[str, int]:
            return pairs(
                f"SELECT {column}, count(*) {where} GROUP BY {column}"
                f' ORDER BY count(*) DESC, {column} COLLATE "C"'
            )

        return {
            "database": self.path,
            "schema_version": self.schema_version(),
            "status": dict(sorted(counts("status", "FROM articles").items())),
            "languages": counts("coalesce(language, '?')"),
            "sources": counts("coalesce(source, '?')"),
            "formats": dict(sorted(counts("input_format").items())),
            "published_from": totals[0],
            "published_to": totals[1],
            "dated": int(totals[2]),
            "mentions": int(totals[3]),
            "quotes": int(totals[4]),
            "claims": int(totals[5]),
            "stories": int(totals[6]),
            "duplicates": int(totals[7]),
            "translations": int(totals[8]),
            "unreadable_items": int(
                self._one("SELECT count(DISTINCT item) FROM failures WHERE article_id IS NULL", ())
            ),
            "tables": tables,
        }

    def get_raw(self, article_id: str) -> bytes | None:
        value = self._one("SELECT raw FROM articles WHERE id = ?", (article_id,))
        return bytes(value) if value is not None else None

    def iter_articles(self, status: ArticleStatus | None = "analysed") -> Iterator[Article]:
        """Stored articles (analysed ones by default), oldest publication first, undated last."""
        query = "SELECT id FROM articles"
        params: tuple[str, ...] = ()
        if status is not None:
            query += " WHERE status = ?"
            params = (status,)
        query += ' ORDER BY published IS NULL, published COLLATE "C", ingested_at COLLATE "C", id'
        # Ids first, then rows page by page, as SQLiteStore.iter_articles (bounded memory, no
        # statement open while the caller writes).
        ids = [row[0] for row in self.conn.execute(query, params)]
        for start in range(0, len(ids), _PAGE):
            page = ids[start : start + _PAGE]
            rows = self.conn.dict_rows(
                f"SELECT {_COLUMNS} FROM articles WHERE id = ANY(?)", (page,)
            )
            by_id = {row["id"]: row for row in rows}
            for article_id in page:
                if article_id in by_id:
                    yield _article_from_row(by_id[article_id])

    def input_article(self, article_id: str) -> Article | None:
        """The article exactly as read (raw fields + the input's own metadata), for (re)analysis."""
        row = self._row(article_id)
        return _input_from_row(row) if row else None

    def count_articles(self, status: ArticleStatus | None = None) -> int:
        if status is None:
            return int(self._one("SELECT count(*) FROM articles", ()))
        return int(self._one("SELECT count(*) FROM articles WHERE status = ?", (status,)))
