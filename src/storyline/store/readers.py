"""The SQL of the read model (:mod:`storyline.read`), behind one small Protocol: :class:`Readers`.

:class:`SQLReaders` implements it once over the SQL both backends speak (``?`` parameters; the
PostgreSQL store's connection adapter translates them). The few places that differ — a substring
test, a JSON array lookup, the keyword index — are the ``_sql_*`` helpers below, chosen by
:func:`storyline.store.sql_dialect`. A store that has not got a table yet (registry tables from
migration 0002, story tables from 0004) still answers: the reads return what the store has.

Rows come back as plain dicts with the JSON columns (``entities``, ``quotes``, ``claims``)
parsed; every ordering ends on a unique column, so two reads of an unchanged store agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from storyline.store import Dialect, SQLConnection, database_key, sql_dialect, table_columns
from storyline.store import has_table as store_has_table

# Columns of an article in a list (everything but the text and the analysis JSON).
SUMMARY_COLUMNS = (
    "id",
    "title",
    "source",
    "language",
    "published",
    "url",
    "story_id",
    "duplicate_of",
    "translation_of",
)
# Columns of a story member: the summary columns and the thread.
MEMBER_COLUMNS = (*SUMMARY_COLUMNS, "thread_id")
ANALYSIS_COLUMNS = ("entities", "quotes", "claims")
# Order of the members of a story: earliest first, undated last, ties by id.
_EARLIEST_FIRST = "published IS NULL, published, id"
# The story list reads the newest articles in windows of this many per story wanted, each next
# window this many times bigger: the seeds and examples have 1-3 articles a story, so the first
# window nearly always holds enough stories and a second costs at most the growth factor again.
STORY_WINDOW_PER_STORY = 4
STORY_WINDOW_GROWTH = 4
# Rows read per round trip when streaming a column of every article.
FETCH_CHUNK = 500
# Ids per ``IN (...)`` list (SQLite's default limit on parameters is far above this).
IN_CHUNK = 500
# Hit markers around the words a keyword snippet matched (control characters no text holds).
HIT_START, HIT_END = "\x02", "\x03"
# Words around a keyword hit in the snippet.
SNIPPET_TOKENS = 24
# ts_rank weights of the PostgreSQL index's lexeme classes {D, C, B, A}: the body is D, the title
# A; 1 : 3 as the SQLite ranking's bm25(articles_fts, 3.0, 1.0).
PG_RANK_WEIGHTS = "{0.333, 0.333, 0.333, 1.0}"
# ts_rank normalisation 1: divide by 1 + log(document length), so a long article does not win by
# length alone (the role of BM25's length normalisation in the SQLite ranking).
PG_RANK_NORMALISATION = 1


@dataclass(frozen=True)
class Filters:
    """Filters shared by the article, quote, claim, story and search listings."""

    language: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None
    entity: str | None = None
    story: str | None = None

    def where(self, alias: str = "a", dialect: Dialect = "sqlite") -> tuple[str, list[Any]]:
        """SQL conditions over the articles table (aliased ``alias``) and their parameters, in
        the SQL of ``dialect`` (only the entity filter differs: see :func:`_sql_json_array_has`)."""
        clauses = [f"{alias}.status = 'analysed'"]
        params: list[Any] = []
        if self.language:
            clauses.append(f"{alias}.language = ?")
            params.append(self.language)
        if self.source:
            clauses.append(f"{alias}.source = ?")
            params.append(self.source)
        if self.since:
            clauses.append(f"{alias}.published >= ?")
            params.append(self.since.isoformat())
        if self.until:
            clauses.append(f"{alias}.published <= ?")
            params.append(self.until.isoformat())
        if self.story:
            clauses.append(f"{alias}.story_id = ?")
            params.append(self.story)
        if self.entity:
            # The substring test first: cheap, it skips the JSON parse for most rows.
            clauses.append(
                f"{_sql_contains(f'{alias}.entities', dialect)} AND"
                f" {_sql_json_array_has(f'{alias}.entities', 'entity_id', dialect)}"
            )
            params += [self.entity, self.entity]
        return " AND ".join(clauses), params

    def as_params(self) -> dict[str, str]:
        """The filters as URL query parameters (for pagination links)."""
        out = {
            "language": self.language,
            "source": self.source,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "entity": self.entity,
            "story": self.story,
        }
        return {k: v for k, v in out.items() if v}


NO_FILTERS = Filters()


# -- the SQL that differs between the backends ------------------------------------------------


def _sql_contains(column: str, dialect: Dialect) -> str:
    """``column`` contains the next ``?`` parameter as a substring."""
    if dialect == "postgresql":
        return f"strpos({column}, ?) > 0"
    return f"instr({column}, ?) > 0"


def _sql_json_array_has(column: str, key: str, dialect: Dialect) -> str:
    """The JSON array in text ``column`` has an object whose ``key`` equals the next ``?``
    parameter (``key`` is a constant of this module, never user input)."""
    if dialect == "postgresql":
        return (
            f"EXISTS (SELECT 1 FROM jsonb_array_elements({column}::jsonb) element"
            f" WHERE element ->> '{key}' = ?::text)"
        )
    return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_extract(value, '$.{key}') = ?)"


def has_keyword_index(conn: SQLConnection) -> bool:
    """Whether the store has migration 0005's full-text index: the FTS5 table on SQLite, the
    ``search`` tsvector column on PostgreSQL (see :mod:`storyline.read.search`)."""
    if sql_dialect(conn) == "postgresql":
        return "search" in table_columns(conn, "articles")
    return store_has_table(conn, "articles_fts")


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def parse_json(value: str | None, default: Any) -> Any:
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


def _parse_analysis(row: dict[str, Any]) -> dict[str, Any]:
    for name in ANALYSIS_COLUMNS:
        if name in row:
            row[name] = parse_json(row[name], [])
    return row


class Readers(Protocol):
    """What the read model asks of a store: plain rows, every ordering total."""

    dialect: Dialect

    @property
    def key(self) -> str:
        """A name for the database, the same for every connection to it (cache key)."""
        ...

    @property
    def connection(self) -> object:
        """The connection read through (caches note which connections checked them)."""
        ...

    def has_table(self, name: str) -> bool: ...

    def analysed_version(self) -> tuple[int, str | None]:
        """(analysed articles, last update): changes whenever an analysed article does."""
        ...

    def count_articles(self, filters: Filters) -> int: ...

    def article_page(self, filters: Filters, limit: int, offset: int) -> list[dict[str, Any]]: ...

    def article(self, article_id: str) -> dict[str, Any] | None: ...

    def articles(self, ids: Sequence[str], analysis: bool = True) -> list[dict[str, Any]]: ...

    def count_stories(self, filters: Filters) -> int: ...

    def latest_story_ids(self, filters: Filters, wanted: int) -> list[str]: ...

    def story_ids(self, column: str, prefix: str) -> list[str]: ...

    def members(
        self,
        column: str,
        ids: Sequence[str],
        analysis: bool | Sequence[str] = False,
        limit: int | None = None,
    ) -> list[dict[str, Any]]: ...

    def count_members(self, story_id: str) -> int: ...

    def vectors(self, article_ids: Sequence[str]) -> dict[str, bytes]: ...

    def travel_rows(self, article_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Per article: its byline and the story stage's evidence (seq, vector, keys, numbers,
        minhash), for the travel view (:mod:`storyline.read.travel`)."""
        ...

    def quote_vectors(self, article_ids: Sequence[str]) -> dict[str, dict[int, tuple[str, bytes]]]:
        """Per article: quote index -> (text hash, float32 vector) (migration 0008)."""
        ...

    def travel_evidence(self, article_ids: Sequence[str]) -> dict[str, tuple[str, str, str, bytes]]:
        """Per article: (source hash, credits JSON, cites JSON, shingle hashes) (migration
        0009, :mod:`storyline.travel.evidence`)."""
        ...

    def story_version(self, story_id: str) -> tuple[int, str | None]:
        """(analysed members, their last update): changes whenever a member does."""
        ...

    def items(self, column: str, filters: Filters) -> Iterator[tuple[Any, dict[str, Any]]]: ...

    def claim_rows(self) -> Iterator[dict[str, Any]]: ...

    def mention_rows(self) -> Iterator[tuple[str, str | None, str | None, list[Any]]]: ...

    def registry_entities(self) -> dict[str, tuple[str, str]]: ...

    def registry_entity(self, entity_id: str) -> dict[str, Any] | None: ...

    def redirects(self) -> dict[str, str]: ...

    def health(self) -> dict[str, Any]: ...

    # -- search (storyline.read.search)

    def vector_version(self) -> tuple[Any, ...] | None:
        """Changes whenever a stored story vector does; None without the story tables."""
        ...

    def vector_rows(self) -> Iterator[tuple[str, bytes]]: ...

    def keyword_ids(self, match: str, filters: Filters, depth: int) -> list[str] | None:
        """Ids ranked by the keyword index for a query in the index's own syntax; None without
        the index."""
        ...

    def keyword_snippets(self, match: str, ids: Sequence[str]) -> dict[str, str]: ...

    def filter_ids(self, ids: Sequence[str], filters: Filters) -> set[str]: ...

    def leads(self, ids: Sequence[str], chars: int) -> dict[str, dict[str, Any]]: ...


class SQLReaders:
    """:class:`Readers` over a store connection (``sqlite3.Connection`` or ``PGConnection``)."""

    def __init__(self, conn: SQLConnection) -> None:
        self.conn = conn
        self.dialect: Dialect = sql_dialect(conn)
        self._tables: dict[str, bool] = {}

    @property
    def key(self) -> str:
        return database_key(self.conn)

    @property
    def connection(self) -> object:
        return self.conn

    def has_table(self, name: str) -> bool:
        if name not in self._tables:
            self._tables[name] = store_has_table(self.conn, name)
        return self._tables[name]

    def _where(self, filters: Filters) -> tuple[str, list[Any]]:
        return filters.where(dialect=self.dialect)

    # -- articles

    def analysed_version(self) -> tuple[int, str | None]:
        count, updated = self.conn.execute(
            "SELECT count(*), max(updated_at) FROM articles WHERE status = 'analysed'"
        ).fetchone()
        return int(count), updated

    def count_articles(self, filters: Filters) -> int:
        where, params = self._where(filters)
        sql = f"SELECT count(*) FROM articles a WHERE {where}"
        return int(self.conn.execute(sql, params).fetchone()[0])

    def article_page(self, filters: Filters, limit: int, offset: int) -> list[dict[str, Any]]:
        """Analysed articles, newest first (undated last, ties by id)."""
        where, params = self._where(filters)
        columns = ", ".join(f"a.{c}" for c in SUMMARY_COLUMNS)
        return _rows(
            self.conn.execute(
                f"SELECT {columns} FROM articles a WHERE {where}"
                " ORDER BY a.published IS NULL, a.published DESC, a.id LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        )

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One stored article with its analysis (the export contract plus ``status``)."""
        rows = _rows(
            self.conn.execute(
                "SELECT id, status, error, source_path, record, input_format, url, source, author,"
                " title, language, language_score, published, published_source,"
                " published_confidence, modified, text, raw_text, removed, entities,"
                " quotes, claims, story_id, thread_id, duplicate_of,"
                " translation_of, ingested_at, analysed_at FROM articles WHERE id = ?",
                (article_id,),
            )
        )
        if not rows:
            return None
        article = _parse_analysis(rows[0])
        article["removed"] = parse_json(article["removed"], [])
        if article["status"] != "analysed" and not article["text"]:
            article["text"] = article["raw_text"]
        del article["raw_text"]
        return article

    def articles(self, ids: Sequence[str], analysis: bool = True) -> list[dict[str, Any]]:
        """Analysed articles by id (summary columns, thread, and with ``analysis`` the text and
        the parsed entities, quotes and claims), earliest first, undated last, ties by id."""
        columns = ", ".join(MEMBER_COLUMNS)
        if analysis:
            wanted = ANALYSIS_COLUMNS if analysis is True else tuple(analysis)
            unknown = set(wanted) - set(ANALYSIS_COLUMNS)
            if unknown:
                raise ValueError(f"not analysis columns: {sorted(unknown)}")
            columns += ", text, " + ", ".join(wanted)
        rows: list[dict[str, Any]] = []
        unique = sorted(set(ids))
        for start in range(0, len(unique), IN_CHUNK):
            chunk = unique[start : start + IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows += _rows(
                self.conn.execute(
                    f"SELECT {columns} FROM articles WHERE status = 'analysed' AND id IN ({marks})",
                    chunk,
                )
            )
        rows.sort(key=lambda r: (r["published"] is None, r["published"] or "", r["id"]))
        return [_parse_analysis(r) for r in rows]

    # -- stories

    def count_stories(self, filters: Filters) -> int:
        if filters == NO_FILTERS:
            # Only analysed articles get a story id, so the covering story index alone counts
            # them (10k articles: 9 ms, against 53 ms when the status filter forces a scan).
            sql = "SELECT count(DISTINCT story_id) FROM articles"
            return int(self.conn.execute(sql).fetchone()[0])
        where, params = self._where(filters)
        sql = "SELECT count(DISTINCT a.story_id) FROM articles a WHERE a.story_id IS NOT NULL"
        return int(self.conn.execute(f"{sql} AND {where}", params).fetchone()[0])

    def latest_story_ids(self, filters: Filters, wanted: int) -> list[str]:
        """The first ``wanted`` distinct story ids in order of their latest article (undated
        stories last; ties by the article id).

        Reads the articles newest first along the ``published`` index in growing ``LIMIT``
        windows and stops once enough stories are found, instead of grouping every article by
        story (on 100k articles: ~2 ms for the first page against ~150 ms for GROUP BY ... ORDER
        BY max(published)). Windows rather than a cursor read lazily: psycopg fetches a whole
        result at once, so on PostgreSQL only the LIMIT keeps the read small."""
        where, params = self._where(filters)
        where = f"a.story_id IS NOT NULL AND {where}"
        ids: list[str] = []
        for dated in (
            "a.published IS NOT NULL ORDER BY a.published DESC, a.id",
            "a.published IS NULL ORDER BY a.id",
        ):
            before = list(ids)
            window = wanted * STORY_WINDOW_PER_STORY
            while True:
                rows = self.conn.execute(
                    f"SELECT a.story_id FROM articles a WHERE {where} AND {dated} LIMIT ?",
                    [*params, window],
                ).fetchall()
                ids = list(dict.fromkeys([*before, *(row[0] for row in rows)]))
                if len(ids) >= wanted or len(rows) < window:
                    break
                window *= STORY_WINDOW_GROWTH
            if len(ids) >= wanted:
                break
        return ids[:wanted]

    def story_ids(self, column: str, prefix: str) -> list[str]:
        """The distinct story (``column`` story_id) or thread (thread_id) ids starting with
        ``prefix``, sorted."""
        if column not in ("story_id", "thread_id"):
            raise ValueError(f"not a story column: {column!r}")
        exact = self.conn.execute(
            f"SELECT 1 FROM articles WHERE status = 'analysed' AND {column} = ? LIMIT 1", (prefix,)
        ).fetchone()
        if exact is not None:
            return [prefix]
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.conn.execute(
            f"SELECT DISTINCT {column} FROM articles WHERE status = 'analysed'"
            f" AND {column} LIKE ? ESCAPE '\\' ORDER BY {column} LIMIT 6",
            (pattern,),
        ).fetchall()
        return [r[0] for r in rows]

    def members(
        self,
        column: str,
        ids: Sequence[str],
        analysis: bool | Sequence[str] = False,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """The analysed articles whose ``column`` (story_id or thread_id) is one of ``ids``,
        earliest first (undated last, ties by id); ``limit`` caps them per call. ``analysis``:
        with the text and every analysis column (True) or only those named."""
        if column not in ("story_id", "thread_id"):
            raise ValueError(f"not a story column: {column!r}")
        if not ids:
            return []
        columns = ", ".join(MEMBER_COLUMNS)
        if analysis:
            wanted = ANALYSIS_COLUMNS if analysis is True else tuple(analysis)
            unknown = set(wanted) - set(ANALYSIS_COLUMNS)
            if unknown:
                raise ValueError(f"not analysis columns: {sorted(unknown)}")
            columns += ", text, " + ", ".join(wanted)
        marks = ",".join("?" * len(ids))
        sql = (
            f"SELECT {columns} FROM articles WHERE status = 'analysed' AND {column} IN ({marks})"
            f" ORDER BY {_EARLIEST_FIRST}"
        )
        params: list[Any] = list(ids)
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_parse_analysis(r) for r in _rows(self.conn.execute(sql, params))]

    def count_members(self, story_id: str) -> int:
        sql = "SELECT count(*) FROM articles WHERE status = 'analysed' AND story_id = ?"
        return int(self.conn.execute(sql, (story_id,)).fetchone()[0])

    def vectors(self, article_ids: Sequence[str]) -> dict[str, bytes]:
        """The story stage's float32 vectors of these articles (``story_members``), when kept."""
        if not article_ids or not self.has_table("story_members"):
            return {}
        out: dict[str, bytes] = {}
        unique = sorted(set(article_ids))
        for start in range(0, len(unique), IN_CHUNK):
            chunk = unique[start : start + IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            for article_id, vector in self.conn.execute(
                f"SELECT article_id, vector FROM story_members WHERE article_id IN ({marks})",
                chunk,
            ):
                out[article_id] = bytes(vector)
        return out

    def _chunks(self, article_ids: Sequence[str]) -> Iterator[tuple[list[str], str]]:
        unique = sorted(set(article_ids))
        for start in range(0, len(unique), IN_CHUNK):
            chunk = unique[start : start + IN_CHUNK]
            yield chunk, ",".join("?" * len(chunk))

    def travel_rows(self, article_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        members = self.has_table("story_members")
        for chunk, marks in self._chunks(article_ids):
            for article_id, author in self.conn.execute(
                f"SELECT id, author FROM articles WHERE id IN ({marks})", chunk
            ):
                out[article_id] = {"author": author}
            if not members:
                continue
            for article_id, seq, vector, keys, numbers, minhash in self.conn.execute(
                "SELECT article_id, seq, vector, keys, numbers, minhash FROM story_members"
                f" WHERE article_id IN ({marks})",
                chunk,
            ):
                out.setdefault(article_id, {"author": None}).update(
                    seq=int(seq),
                    vector=bytes(vector) if vector is not None else None,
                    keys=parse_json(keys, []),
                    numbers=parse_json(numbers, []),
                    minhash=bytes(minhash) if minhash is not None else None,
                )
        return out

    def story_version(self, story_id: str) -> tuple[int, str | None]:
        count, last = self.conn.execute(
            "SELECT count(*), max(updated_at) FROM articles"
            " WHERE status = 'analysed' AND story_id = ?",
            (story_id,),
        ).fetchone()
        return int(count), str(last) if last is not None else None

    def quote_vectors(self, article_ids: Sequence[str]) -> dict[str, dict[int, tuple[str, bytes]]]:
        out: dict[str, dict[int, tuple[str, bytes]]] = {}
        if not article_ids or not self.has_table("quote_vectors"):
            return out
        for chunk, marks in self._chunks(article_ids):
            for article_id, index, digest, vector in self.conn.execute(
                "SELECT article_id, quote_index, text_hash, vector FROM quote_vectors"
                f" WHERE article_id IN ({marks})",
                chunk,
            ):
                out.setdefault(article_id, {})[int(index)] = (digest, bytes(vector))
        return out

    def travel_evidence(self, article_ids: Sequence[str]) -> dict[str, tuple[str, str, str, bytes]]:
        out: dict[str, tuple[str, str, str, bytes]] = {}
        if not article_ids or not self.has_table("travel_evidence"):
            return out
        for chunk, marks in self._chunks(article_ids):
            for article_id, digest, credit_json, cite_json, blob in self.conn.execute(
                "SELECT article_id, source_hash, credits, cites, shingles FROM travel_evidence"
                f" WHERE article_id IN ({marks})",
                chunk,
            ):
                out[article_id] = (str(digest), str(credit_json), str(cite_json), bytes(blob))
        return out

    # -- quotes, claims and mentions of every article

    def items(self, column: str, filters: Filters) -> Iterator[tuple[Any, dict[str, Any]]]:
        """Each item of the JSON ``column`` (quotes or claims) of the filtered articles with
        the article's summary row, newest article first (undated last, ties by id)."""
        if column not in ("quotes", "claims"):
            raise ValueError(f"not an item column: {column!r}")
        where, params = self._where(filters)
        columns = ", ".join(f"a.{c}" for c in SUMMARY_COLUMNS)
        cursor = self.conn.execute(
            f"SELECT {columns}, a.{column} AS items FROM articles a WHERE {where}"
            f" AND a.{column} != '[]' ORDER BY a.published IS NULL, a.published DESC, a.id",
            params,
        )
        names = [d[0] for d in cursor.description]
        while batch := cursor.fetchmany(FETCH_CHUNK):
            for values in batch:
                row = dict(zip(names, values, strict=True))
                for item in parse_json(row.pop("items"), []):
                    yield item, row

    def claim_rows(self) -> Iterator[dict[str, Any]]:
        """Every analysed article that has claims: id, published, text and parsed claims, in id
        order (the contradiction links are computed over them)."""
        cursor = self.conn.execute(
            "SELECT id, published, text, claims FROM articles"
            " WHERE status = 'analysed' AND claims != '[]' ORDER BY id"
        )
        names = [d[0] for d in cursor.description]
        while batch := cursor.fetchmany(FETCH_CHUNK):
            for values in batch:
                yield _parse_analysis(dict(zip(names, values, strict=True)))

    def mention_rows(self) -> Iterator[tuple[str, str | None, str | None, list[Any]]]:
        """(article id, language, published, parsed entity mentions) of every analysed article
        with mentions, in id order: ties between names fall the same way on both backends."""
        cursor = self.conn.execute(
            "SELECT id, language, published, entities FROM articles"
            " WHERE status = 'analysed' AND entities != '[]' ORDER BY id"
        )
        while batch := cursor.fetchmany(FETCH_CHUNK * 2):
            for article_id, language, published, entities in batch:
                yield article_id, language, published, parse_json(entities, [])

    # -- the entity registry (migration 0002)

    def registry_entities(self) -> dict[str, tuple[str, str]]:
        """Entity id → (canonical name, type) as the registry records them."""
        if not self.has_table("entities"):
            return {}
        rows = self.conn.execute("SELECT id, canonical, type FROM entities").fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    def registry_entity(self, entity_id: str) -> dict[str, Any] | None:
        """The registry's record of an entity: canonical, type, titles [(title, language,
        count)] sorted by count then title, first/last seen."""
        if not self.has_table("entities"):
            return None
        columns = table_columns(self.conn, "entities")
        wanted = [c for c in ("canonical", "type", "first_seen", "last_seen") if c in columns]
        row = self.conn.execute(
            f"SELECT {', '.join(wanted)} FROM entities WHERE id = ?", (entity_id,)
        ).fetchone()
        if row is None:
            return None
        out: dict[str, Any] = dict(zip(wanted, row, strict=True))
        out["titles"] = []
        if self.has_table("entity_titles"):
            out["titles"] = sorted(
                (
                    (str(t), lang or None, int(n))
                    for t, lang, n in self.conn.execute(
                        "SELECT title, language, count FROM entity_titles WHERE entity_id = ?",
                        (entity_id,),
                    )
                    if n > 0
                ),
                key=lambda t: (-t[2], t[0], t[1] or ""),
            )
        return out

    def redirects(self) -> dict[str, str]:
        """Old entity id → the id it was merged into (one step; chains are followed by the
        caller)."""
        if not self.has_table("entity_redirects"):
            return {}
        rows = self.conn.execute("SELECT old_id, new_id FROM entity_redirects").fetchall()
        return {r[0]: r[1] for r in rows if r[0] != r[1]}

    # -- health

    def health(self) -> dict[str, Any]:
        """Counts per article status, stories, schema version and which optional tables exist."""
        statuses = dict(
            self.conn.execute("SELECT status, count(*) FROM articles GROUP BY status").fetchall()
        )
        stories = self.conn.execute(
            "SELECT count(DISTINCT story_id) FROM articles WHERE story_id IS NOT NULL"
        ).fetchone()[0]
        version = (
            self.conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
            if self.has_table("schema_version")
            else None
        )
        return {
            "status": "ok",
            "articles": {
                "analysed": statuses.get("analysed", 0),
                "pending": statuses.get("pending", 0),
                "failed": statuses.get("failed", 0),
            },
            "stories": stories,
            "schema_version": version,
            "keyword_search": has_keyword_index(self.conn),
            "semantic_search": self.has_table("story_members"),
        }

    # -- search

    def vector_version(self) -> tuple[Any, ...] | None:
        if not self.has_table("story_members"):
            return None
        # The story stage only inserts or replaces members (a replaced row gets a new, highest
        # rowid and seq), so the highest rowid changes with every write: an O(log n) freshness
        # check instead of count(*) (a full scan: ~5 ms per query on 100k rows). PostgreSQL has
        # no rowid: the highest seq (indexed there) plays its part.
        column = "seq" if self.dialect == "postgresql" else "rowid"
        return tuple(self.conn.execute(f"SELECT max({column}) FROM story_members").fetchone())

    def vector_rows(self) -> Iterator[tuple[str, bytes]]:
        for article_id, blob in self.conn.execute(
            "SELECT article_id, vector FROM story_members ORDER BY seq"
        ):
            yield article_id, bytes(blob)

    def keyword_ids(self, match: str, filters: Filters, depth: int) -> list[str] | None:
        """Article ids by relevance: BM25 over the FTS5 table on SQLite, ``ts_rank`` over the
        ``search`` tsvector on PostgreSQL (title weighted 3× the body on both); ``match`` is an
        FTS5 query or a ``to_tsquery`` argument respectively."""
        where, params = self._where(filters)
        if self.dialect == "postgresql":
            if "search" not in table_columns(self.conn, "articles"):
                return None
            rows = self.conn.execute(
                "SELECT a.id FROM articles a, to_tsquery('storyline_search', ?) query"
                f" WHERE a.search @@ query AND {where}"
                " ORDER BY ts_rank(?::float4[], a.search, query, ?) DESC, a.id LIMIT ?",
                [match, *params, PG_RANK_WEIGHTS, PG_RANK_NORMALISATION, depth],
            ).fetchall()
            return [row[0] for row in rows]
        if not self.has_table("articles_fts"):
            return None
        rows = self.conn.execute(
            "SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
            f" WHERE articles_fts MATCH ? AND {where}"
            " ORDER BY bm25(articles_fts, 3.0, 1.0) LIMIT ?",
            [match, *params, depth],
        ).fetchall()
        return [row[0] for row in rows]

    def keyword_snippets(self, match: str, ids: Sequence[str]) -> dict[str, str]:
        """Keyword-in-context snippets, hits between :data:`HIT_START` and :data:`HIT_END`, for
        these articles only: snippet() is the costly part of an FTS5 query (on 100k articles,
        building it for every ranked hit instead of the shown ones made keyword search ~5×
        slower)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        if self.dialect == "postgresql":
            # ts_headline: about SNIPPET_TOKENS words around the best-matching fragment.
            options = (
                f"StartSel={HIT_START}, StopSel={HIT_END}, MaxWords={SNIPPET_TOKENS},"
                f" MinWords={SNIPPET_TOKENS // 2}, ShortWord=0, MaxFragments=1,"
                " FragmentDelimiter=…"
            )
            rows = self.conn.execute(
                "SELECT a.id, ts_headline('storyline_search', a.text,"
                " to_tsquery('storyline_search', ?), ?)"
                f" FROM articles a WHERE a.id IN ({marks})",
                [match, options, *ids],
            ).fetchall()
        else:
            rows = self.conn.execute(
                "SELECT a.id, snippet(articles_fts, 1, ?, ?, '…', ?) FROM articles_fts"
                " JOIN articles a ON a.rowid = articles_fts.rowid"
                f" WHERE articles_fts MATCH ? AND a.id IN ({marks})",
                [HIT_START, HIT_END, SNIPPET_TOKENS, match, *ids],
            ).fetchall()
        return {row[0]: row[1] for row in rows}

    def filter_ids(self, ids: Sequence[str], filters: Filters) -> set[str]:
        """The ids among ``ids`` of analysed articles that pass ``filters``."""
        where, params = self._where(filters)
        allowed: set[str] = set()
        for start in range(0, len(ids), IN_CHUNK):
            chunk = list(ids[start : start + IN_CHUNK])
            marks = ",".join("?" * len(chunk))
            allowed.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT a.id FROM articles a WHERE a.id IN ({marks}) AND {where}",
                    [*chunk, *params],
                )
            )
        return allowed

    def leads(self, ids: Sequence[str], chars: int) -> dict[str, dict[str, Any]]:
        """Summary rows of these articles with the first ``chars`` characters of their text
        (``lead``)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        columns = ", ".join(SUMMARY_COLUMNS)
        cursor = self.conn.execute(
            f"SELECT {columns}, substr(text, 1, ?) AS lead FROM articles WHERE id IN ({marks})",
            [int(chars), *ids],
        )
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def readers(conn: SQLConnection | Readers) -> Readers:
    """The readers over a connection (a :class:`Readers` is returned as it is)."""
    if isinstance(conn, SQLReaders):
        return conn
    return SQLReaders(conn)  # type: ignore[arg-type]
