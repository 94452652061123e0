"""SQLite store: one file (``./storyline.db`` by default), WAL mode, numbered SQL migrations.

Every input record is stored twice over its life: first as read (``status='pending'``, the raw bytes
verbatim plus the metadata the input carried), then as analysed (``status='analysed'``) or failed
(``status='failed'`` with the error). Each write is its own short transaction, so a killed ingest
loses at most the article being written, and a rerun finds the pending ones and finishes them
(:mod:`storyline.batch`).

Migrations are the files ``migrations/NNNN_name.sql``, applied in number order, each in one
transaction together with its ``schema_version`` row. Later stages add their own tables this way
and reach them through :attr:`SQLiteStore.conn` and :meth:`SQLiteStore.transaction`.

Limits: one writer at a time. A transaction waits up to :data:`BUSY_TIMEOUT_S` for another's;
an ingest run holds the store's writer lock (:mod:`storyline.store.lock`, a lock file beside the
database) for its whole length, so a second ingest is refused or waits rather than interleave.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar, cast

from storyline.article import Article, Claim, Mention, Quote, RemovedLine
from storyline.errors import StoreError
from storyline.store import ArticleStatus
from storyline.store.lock import FileLockBackend, UnsharedBackend, WriterLock

if TYPE_CHECKING:
    from storyline.corpus import Change

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Tables of corpus state derived from the analysed articles (registry, stories).
CORPUS_STATE_TABLES = (
    "entity_evidence",
    "entity_articles",
    "entity_variants",
    "entity_titles",
    "entity_type_votes",
    "entity_redirects",
    "entities",
    "story_members",
    "stories",
    "story_df",
    "story_state",
)
_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")

# How long a writer waits for another process holding the write lock before failing. An ingest
# holds it only for one article's insert (milliseconds), so 30 s covers a concurrent `ingest` plus
# a reader without ever hanging a user indefinitely.
BUSY_TIMEOUT_S = 30.0

# Rows fetched per query when iterating over the store (SQLite allows up to 32,766 parameters).
_PAGE = 500

__all__ = ["MIGRATIONS_DIR", "ArticleStatus", "SQLiteStore", "migrations"]

# Metadata the input itself carried, kept apart from the analysed columns so an article can be
# analysed again from exactly what was read (stages fill gaps, never overwrite the input's values).
_INPUT_META = (
    "url", "source", "author", "title", "language", "published", "published_source",
    "published_confidence", "modified",
)  # fmt: skip

_ANALYSED_COLUMNS = (
    "url",
    "source",
    "author",
    "title",
    "language",
    "language_score",
    "published",
    "published_source",
    "published_confidence",
    "modified",
    "text",
    "removed",
    "entities",
    "quotes",
    "claims",
    "hints",
    "story_id",
    "thread_id",
    "duplicate_of",
    "translation_of",
)

_T = TypeVar("_T")


class _Row(Protocol):
    """A stored row by column name: ``sqlite3.Row``, or a dict (the PostgreSQL store's)."""

    def __getitem__(self, key: str, /) -> Any: ...


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _from_dicts(cls: type[_T], items: Any) -> list[_T]:
    """Rebuild dataclasses from stored dicts, ignoring keys a newer/older version does not know."""
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return [cls(**{k: v for k, v in item.items() if k in known}) for item in items or []]


def migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, str, Path]]:
    """The migration files in ``directory`` as ``(version, name, path)``, in version order."""
    found: dict[int, tuple[int, str, Path]] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise StoreError(f"{path}: migration files are named NNNN_name.sql")
        version = int(match.group(1))
        if version in found:
            raise StoreError(
                f"{path}: migration {version} defined twice ({found[version][2].name})"
            )
        found[version] = (version, path.stem, path)
    return [found[v] for v in sorted(found)]


class _ArticleRows:
    """What :class:`SQLiteStore` and :class:`~storyline.store.postgres.PostgresStore` share:
    the writes and reads whose SQL is the same on both (PostgreSQL's connection adapter takes
    ``?`` placeholders). Subclasses provide ``conn``, :meth:`transaction` and :meth:`status`."""

    conn: Any
    _writer: WriterLock

    def transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def writer_lock(self, *, wait: bool = False) -> AbstractContextManager[None]:
        """Hold the store's writer lock (:mod:`storyline.store.lock`) for a whole ingest run;
        :class:`~storyline.errors.StoreLocked` names the holder when another process has it,
        unless ``wait``."""
        return self._writer.hold(wait=wait)

    def status(self, article_id: str) -> ArticleStatus | None:
        raise NotImplementedError

    def add_raw(self, article: Article) -> bool:
        """Store an article as read (status pending), unless its id is already stored.

        Returns True if it was new. The raw record is kept verbatim; nothing is analysed yet.
        """
        meta = {name: getattr(article, name) for name in _INPUT_META}
        meta["published"] = article.published.isoformat() if article.published else None
        meta["modified"] = article.modified.isoformat() if article.modified else None
        meta["hints"] = article.hints
        now = _now()
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO articles (id, status, source_path, record, input_format, encoding,"
                " raw, raw_text, input_meta, url, source, author, title, language, published,"
                " published_source, hints, ingested_at, updated_at)"
                " VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO NOTHING",
                (
                    article.id,
                    article.source_path,
                    article.record,
                    article.input_format,
                    article.encoding,
                    article.raw,
                    article.raw_text,
                    json.dumps(meta, ensure_ascii=False),
                    article.url,
                    article.source,
                    article.author,
                    article.title,
                    article.language,
                    meta["published"],
                    article.published_source,
                    json.dumps(article.hints, ensure_ascii=False),
                    now,
                    now,
                ),
            )
            return int(cursor.rowcount) == 1

    def mark_failed(self, article_id: str, item: str, reason: str) -> None:
        """Record that analysing ``article_id`` failed; it stays stored and is retried next run."""
        now = _now()
        with self.transaction() as conn:
            conn.execute(
                "UPDATE articles SET status = 'failed', error = ?, updated_at = ? WHERE id = ?",
                (reason, now, article_id),
            )
            self.record_failure(item, reason, article_id)

    def mark_pending(self, article_ids: Iterable[str]) -> int:
        """Queue stored articles for analysis again (e.g. after a stage improved); returns how
        many. Their analysed columns stay until the new analysis replaces them."""
        now = _now()
        count = 0
        with self.transaction() as conn:
            for article_id in article_ids:
                cursor = conn.execute(
                    "UPDATE articles SET status = 'pending', updated_at = ? WHERE id = ?",
                    (now, article_id),
                )
                count += int(cursor.rowcount)
        return count

    def clear_corpus_state(self) -> None:
        """Forget the corpus state built from the articles (entity registry, stories) when
        every article is about to be analysed again: the rerun rebuilds it as a first run
        would (``ingest --reanalyse`` of the whole store changes nothing that did not change)."""
        from storyline.store import has_table

        with self.transaction() as conn:
            for table in CORPUS_STATE_TABLES:
                if has_table(conn, table):
                    conn.execute(f"DELETE FROM {table}")

    def record_failure(self, item: str, reason: str, article_id: str | None = None) -> None:
        """Log an item that could not be read or analysed (kept for ``storyline summary``)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO failures (item, reason, article_id, at) VALUES (?, ?, ?, ?)",
                (item, reason, article_id, _now()),
            )

    def clear_read_failures(self, source: str) -> int:
        """Forget the read failures of input ``source`` (itself and its records ``source:…``),
        as it is being read again: what still fails is recorded anew. Returns how many."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM failures WHERE article_id IS NULL"
                " AND (item = ? OR substr(item, 1, ?) = ?)",
                (source, len(source) + 1, f"{source}:"),
            )
            return int(cursor.rowcount)

    def failures(self) -> list[dict[str, Any]]:
        """Everything that did not make it into the store as analysed, with its reason: each
        input item that could not be read or stored (``kind="unreadable"``, latest reason per
        item), then each article whose analysis failed (``kind="analysis"``, retried by the next
        ingest). An item leaves this list once it is read, or analysed, successfully."""
        unreadable = self.conn.execute(
            "SELECT f.item, f.reason, f.at FROM failures f WHERE f.article_id IS NULL"
            " AND f.id = (SELECT max(g.id) FROM failures g"
            " WHERE g.article_id IS NULL AND g.item = f.item)"
        ).fetchall()
        analysis = self.conn.execute(
            "SELECT id, source_path, record, error, updated_at FROM articles"
            " WHERE status = 'failed'"
        ).fetchall()
        # sorted here, by code point: the same order on SQLite and on any PostgreSQL locale
        unreadable = sorted(unreadable, key=lambda r: str(r[0]))
        analysis = sorted(analysis, key=lambda r: (r[1] or "", r[2] or "", r[0]))
        out: list[dict[str, Any]] = [
            {"kind": "unreadable", "item": r[0], "reason": r[1], "at": r[2], "article_id": None}
            for r in unreadable
        ]
        for row in analysis:
            where = row[1] or "<input>"
            out.append(
                {
                    "kind": "analysis",
                    "item": f"{where}:{row[2]}" if row[2] else where,
                    "reason": row[3] or "",
                    "at": row[4],
                    "article_id": row[0],
                }
            )
        return out

    def has_article(self, article_id: str) -> bool:
        """True if the id is stored at all (pending, analysed or failed)."""
        return self.status(article_id) is not None

    def article_order(self) -> list[str]:
        """Every stored id in ingest order (the order chunks are sliced from)."""
        rows = self.conn.execute("SELECT id FROM articles ORDER BY ingested_at, rowid").fetchall()
        return [row[0] for row in rows]

    def unfinished_ids(self) -> list[str]:
        """Ids read but not (successfully) analysed yet: pending and failed, in ingest order."""
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE status != 'analysed' ORDER BY ingested_at, rowid"
        ).fetchall()
        return [row[0] for row in rows]

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SQLiteStore(_ArticleRows):
    """The default :class:`~storyline.store.Store`.

    >>> store = SQLiteStore(":memory:")
    >>> store.schema_version() >= 1
    True
    """

    conn: sqlite3.Connection

    def __init__(self, path: str | Path, *, migrations_dir: Path = MIGRATIONS_DIR) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            parent = Path(self.path).parent
            if not parent.is_dir():
                raise StoreError(f"{self.path}: directory {parent} does not exist")
        try:
            # isolation_level=None: no implicit transactions; transaction() says where they are.
            # check_same_thread=False: the HTTP API serves from a thread pool; _lock serialises.
            self.conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_S,
                isolation_level=None,
                check_same_thread=False,
            )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            # NORMAL in WAL mode: a committed article survives a process kill; only an OS crash
            # can lose the last transactions, never corrupt the file.
            self.conn.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the database: {exc}") from exc
        self._lock = threading.RLock()
        self._depth = 0
        self._writer = WriterLock(
            UnsharedBackend() if self.path == ":memory:" else FileLockBackend(f"{self.path}.lock"),
            self.path,
        )
        self.migrate(migrations_dir)

    # -- transactions and schema ---------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``with store.transaction() as conn:`` — commit on success, roll back on error.

        Nested uses join the outermost transaction. Takes the write lock at the start
        (``BEGIN IMMEDIATE``) so two writers queue instead of failing half-way.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot start a transaction: {exc}") from exc
            self._depth = 1
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
            finally:
                self._depth = 0

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def migrate(self, directory: Path = MIGRATIONS_DIR) -> list[int]:
        """Apply every migration newer than the database; returns the versions applied."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        applied = []
        for version, name, path in migrations(directory):
            if version <= self.schema_version():
                continue
            script = path.read_text(encoding="utf-8")
            with self.transaction() as conn:
                # Re-check under the write lock: another process may have just migrated.
                if version <= self.schema_version():
                    continue
                try:
                    for statement in _split_sql(script):
                        conn.execute(statement)
                except sqlite3.Error as exc:
                    raise StoreError(f"{path.name}: migration failed: {exc}") from exc
                conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, _now()),
                )
            applied.append(version)
        return applied

    def has_table(self, name: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return row is not None

    # -- writes --------------------------------------------------------------------------------

    def save_article(self, article: Article, changes: Sequence[Change] = ()) -> bool:
        """Insert or replace one analysed article, and write its ``changes`` to corpus state,
        in one transaction; True if the article was new.

        The raw input columns of an existing row are left as first stored.
        """
        values = _analysed_values(article)
        now = _now()
        with self.transaction() as conn:
            exists = conn.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone()
            if exists is None:
                self.add_raw(article)
            assignments = ", ".join(f"{column} = ?" for column in _ANALYSED_COLUMNS)
            conn.execute(
                f"UPDATE articles SET {assignments}, status = 'analysed', error = NULL,"
                " analysed_at = ?, updated_at = ? WHERE id = ?",
                (*values, now, now, article.id),
            )
            for change in changes:
                change.write(conn)
        return exists is None

    # -- reads ---------------------------------------------------------------------------------

    def status(self, article_id: str) -> ArticleStatus | None:
        row = self.conn.execute(
            "SELECT status FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return cast(ArticleStatus, row[0]) if row else None

    def get_article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article_from_row(row) if row else None

    def find_article(self, prefix: str) -> Article | None:
        """The article whose id is ``prefix`` or starts with it; StoreError if several do."""
        if not re.fullmatch(r"[0-9a-fA-F]+", prefix):
            return None
        rows = self.conn.execute(
            "SELECT * FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
            (prefix.lower(), prefix.lower() + "g"),
        ).fetchall()
        if len(rows) > 1:
            ids = ", ".join(row["id"] for row in rows)
            raise StoreError(f"id prefix {prefix!r} is ambiguous: {ids}, ...")
        return _article_from_row(rows[0]) if rows else None

    def last_error(self, article_id: str) -> str | None:
        """Why the last analysis of ``article_id`` failed (None unless its status is failed)."""
        row = self.conn.execute("SELECT error FROM articles WHERE id = ?", (article_id,)).fetchone()
        return str(row[0]) if row and row[0] is not None else None

    def summary(self) -> dict[str, Any]:
        """Plain-data overview of the store (``storyline summary``, ``make run``).

        Counts per status, language and source, the publication date range, ingest failures,
        mentions/quotes/claims/stories found, and the row count of every table later migrations
        added (entity registry, stories, ...), so the summary grows with the schema.
        """

        def pairs(query: str) -> dict[str, int]:
            return {str(key): int(n) for key, n in self.conn.execute(query).fetchall()}

        analysed = "FROM articles WHERE status = 'analysed'"
        totals = self.conn.execute(
            "SELECT min(published), max(published), count(published),"
            " coalesce(sum(json_array_length(entities)), 0),"
            " coalesce(sum(json_array_length(quotes)), 0),"
            " coalesce(sum(json_array_length(claims)), 0),"
            " count(DISTINCT story_id), count(duplicate_of), count(translation_of) " + analysed
        ).fetchone()
        own = {"articles", "failures", "schema_version"}
        listed = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        # Full-text indexes and their shadow tables are plumbing, not content: leave them out.
        virtual = [name for name, sql in listed if (sql or "").upper().startswith("CREATE VIRTUAL")]
        tables = {
            name: int(self.conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
            for name, _ in listed
            if name not in own
            and name not in virtual
            and not any(name.startswith(f"{v}_") for v in virtual)
        }
        return {
            "database": self.path,
            "schema_version": self.schema_version(),
            "status": pairs("SELECT status, count(*) FROM articles GROUP BY status ORDER BY 1"),
            "languages": pairs(
                f"SELECT coalesce(language, '?'), count(*) {analysed} GROUP BY 1 ORDER BY 2 DESC, 1"
            ),
            "sources": pairs(
                f"SELECT coalesce(source, '?'), count(*) {analysed} GROUP BY 1 ORDER BY 2 DESC, 1"
            ),
            "formats": pairs(f"SELECT input_format, count(*) {analysed} GROUP BY 1 ORDER BY 1"),
            "published_from": totals[0],
            "published_to": totals[1],
            "dated": int(totals[2]),
            "mentions": int(totals[3]),
            "quotes": int(totals[4]),
            "claims": int(totals[5]),
            "stories": int(totals[6]),
            "duplicates": int(totals[7]),
            "translations": int(totals[8]),
            # Items that could not be read, over every ingest run (failed analyses are in status).
            "unreadable_items": int(
                self.conn.execute(
                    "SELECT count(DISTINCT item) FROM failures WHERE article_id IS NULL"
                ).fetchone()[0]
            ),
            "tables": tables,
        }

    def get_raw(self, article_id: str) -> bytes | None:
        row = self.conn.execute("SELECT raw FROM articles WHERE id = ?", (article_id,)).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def iter_articles(self, status: ArticleStatus | None = "analysed") -> Iterator[Article]:
        """Stored articles (analysed ones by default), oldest publication first, undated last."""
        query = "SELECT * FROM articles"
        params: tuple[str, ...] = ()
        if status is not None:
            query += " WHERE status = ?"
            params = (status,)
        query += " ORDER BY published IS NULL, published, ingested_at, id"
        # Ids first, then rows page by page: memory stays bounded on a large store (rows carry the
        # raw input), and no statement stays open while the caller writes between articles.
        ids = [row[0] for row in self.conn.execute(query.replace("*", "id", 1), params)]
        for start in range(0, len(ids), _PAGE):
            page = ids[start : start + _PAGE]
            marks = ", ".join("?" * len(page))
            rows = self.conn.execute(f"SELECT * FROM articles WHERE id IN ({marks})", page)
            by_id = {row["id"]: row for row in rows}
            for article_id in page:
                if article_id in by_id:
                    yield _article_from_row(by_id[article_id])

    def input_article(self, article_id: str) -> Article | None:
        """The article exactly as read (raw fields + the input's own metadata), for (re)analysis."""
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _input_from_row(row) if row else None

    def count_articles(self, status: ArticleStatus | None = None) -> int:
        if status is None:
            return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        query = "SELECT count(*) FROM articles WHERE status = ?"
        return int(self.conn.execute(query, (status,)).fetchone()[0])


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (``sqlite3.complete_statement`` decides where a
    statement ends, so semicolons inside strings, comments and triggers are handled)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in current.splitlines()
    ):
        raise StoreError(f"incomplete SQL statement at the end of a migration: {current[:80]!r}")
    return statements


def _analysed_values(article: Article) -> tuple[Any, ...]:
    values: dict[str, Any] = {name: getattr(article, name) for name in _ANALYSED_COLUMNS}
    values["published"] = article.published.isoformat() if article.published else None
    values["modified"] = article.modified.isoformat() if article.modified else None
    for name in ("removed", "entities", "quotes", "claims"):
        # asdict, not to_dict: the store keeps every field so an Article round-trips exactly.
        values[name] = json.dumps([asdict(x) for x in values[name]], ensure_ascii=False)
    values["hints"] = json.dumps(article.hints, ensure_ascii=False)
    return tuple(values[name] for name in _ANALYSED_COLUMNS)


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _input_from_row(row: _Row) -> Article:
    meta = json.loads(row["input_meta"] or "{}")
    return Article(
        id=row["id"],
        raw_text=row["raw_text"],
        source_path=row["source_path"],
        record=row["record"],
        input_format=row["input_format"],
        raw=bytes(row["raw"]) if row["raw"] is not None else None,
        encoding=row["encoding"],
        url=meta.get("url"),
        source=meta.get("source"),
        author=meta.get("author"),
        title=meta.get("title"),
        language=meta.get("language"),
        published=_parse_date(meta.get("published")),
        published_source=meta.get("published_source"),
        published_confidence=meta.get("published_confidence"),
        modified=_parse_date(meta.get("modified")),
        hints=dict(meta.get("hints") or {}),
    )


def _article_from_row(row: _Row) -> Article:
    if row["status"] != "analysed":
        return _input_from_row(row)
    return Article(
        id=row["id"],
        raw_text=row["raw_text"],
        source_path=row["source_path"],
        record=row["record"],
        input_format=row["input_format"],
        raw=bytes(row["raw"]) if row["raw"] is not None else None,
        encoding=row["encoding"],
        url=row["url"],
        source=row["source"],
        author=row["author"],
        title=row["title"],
        language=row["language"],
        language_score=row["language_score"],
        published=_parse_date(row["published"]),
        published_source=row["published_source"],
        published_confidence=row["published_confidence"],
        modified=_parse_date(row["modified"]),
        text=row["text"],
        removed=_from_dicts(RemovedLine, json.loads(row["removed"])),
        entities=_from_dicts(Mention, json.loads(row["entities"])),
        quotes=_from_dicts(Quote, json.loads(row["quotes"])),
        claims=_from_dicts(Claim, json.loads(row["claims"])),
        story_id=row["story_id"],
        thread_id=row["thread_id"],
        duplicate_of=row["duplicate_of"],
        translation_of=row["translation_of"],
        hints=dict(json.loads(row["hints"] or "{}")),
    )
