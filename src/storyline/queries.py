"""Read-side queries over the store, shared by the HTTP API, the web UI and the CLI.

Plain functions over a store connection — a ``sqlite3.Connection`` or the PostgreSQL store's
``PGConnection`` adapter (``?`` parameters on both) — returning plain data (dicts and lists that
serialise to JSON as they are). They read the ``articles`` table of migration 0001, whose
analysed record carries entities, quotes and claims as JSON and ``story_id`` (the export
contract, ``docs/schema.md``), and use the tables later migrations add when present
(``stories`` from 0004 for the story list, ``entity_*`` from the entity registry). A store that
has not got a table yet still answers: the pages show what the store has.

The SQL is the dialect both backends speak; the few places that differ (a substring test, a
JSON array lookup, the keyword index, the table catalogue) are the small ``_sql_*`` helpers
below and :mod:`storyline.store`'s catalogue functions, chosen by :func:`sql_dialect`.

Limits: the entity catalogue without a registry table is built by scanning every article's
entities once and cached until the articles change (seconds on 100k articles; the registry tables
are the fast path). Story pages list at most :data:`STORY_ARTICLE_LIMIT` articles.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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
# A story page lists up to this many articles (earliest first) and aggregates quotes, claims and
# entities over them: a story that big is a running topic, and a page beyond this stops being read.
STORY_ARTICLE_LIMIT = 500
# Entities shown on a story card (home page) and on the story page.
CARD_ENTITIES = 5
STORY_ENTITIES = 20
# Quotes and articles listed on an entity page.
ENTITY_QUOTES = 100
ENTITY_ARTICLES = 100
MAX_PAGE = 200
# The story list reads the newest articles in windows of this many per story wanted, each next
# window this many times bigger: the seeds and examples have 1-3 articles a story, so the first
# window nearly always holds enough stories and a second costs at most the growth factor again.
STORY_WINDOW_PER_STORY = 4
STORY_WINDOW_GROWTH = 4


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


@dataclass
class Page:
    """One page of a listing: ``items`` from ``offset``, out of ``total``."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            **self.extra,
        }


def has_table(conn: SQLConnection, name: str) -> bool:
    return store_has_table(conn, name)


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
    ``search`` tsvector column on PostgreSQL (see :mod:`storyline.search`)."""
    if sql_dialect(conn) == "postgresql":
        return "search" in table_columns(conn, "articles")
    return has_table(conn, "articles_fts")


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _json(value: str | None, default: Any) -> Any:
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


def _clamp(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_PAGE)), max(0, offset)


# -- articles ---------------------------------------------------------------------------------


def list_articles(
    conn: SQLConnection, filters: Filters = NO_FILTERS, limit: int = 50, offset: int = 0
) -> Page:
    """Analysed articles, newest first (undated last)."""
    limit, offset = _clamp(limit, offset)
    where, params = filters.where(dialect=sql_dialect(conn))
    total = conn.execute(f"SELECT count(*) FROM articles a WHERE {where}", params).fetchone()[0]
    columns = ", ".join(f"a.{c}" for c in SUMMARY_COLUMNS)
    items = _rows(
        conn.execute(
            f"SELECT {columns} FROM articles a WHERE {where}"
            " ORDER BY a.published IS NULL, a.published DESC, a.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    )
    return Page(items, int(total), limit, offset)


def get_article(conn: SQLConnection, article_id: str) -> dict[str, Any] | None:
    """One stored article with its analysis (the export contract plus ``status``)."""
    cursor = conn.execute(
        "SELECT id, status, error, source_path, record, input_format, url, source, author, title,"
        " language, language_score, published, published_source, published_confidence, modified,"
        " text, raw_text, removed, entities, quotes, claims, story_id, thread_id, duplicate_of,"
        " translation_of, ingested_at, analysed_at FROM articles WHERE id = ?",
        (article_id,),
    )
    rows = _rows(cursor)
    if not rows:
        return None
    article = rows[0]
    for name in ("removed", "entities", "quotes", "claims"):
        article[name] = _json(article[name], [])
    if article["status"] != "analysed" and not article["text"]:
        article["text"] = article["raw_text"]
    del article["raw_text"]
    return article


# -- stories ----------------------------------------------------------------------------------


def _story_title(rows: Sequence[dict[str, Any]], preferred: Sequence[str]) -> str | None:
    """The headline of the earliest article in the most preferred language that has one."""
    rank = {lang: i for i, lang in enumerate(preferred)}
    titled = [r for r in rows if r.get("title")]
    if not titled:
        return None
    best = min(
        titled,
        key=lambda r: (
            rank.get(r.get("language") or "", len(rank)),
            r.get("duplicate_of") is not None,
            r.get("published") is None,
            r.get("published") or "",
        ),
    )
    return str(best["title"])


def _independent_sources(rows: Iterable[dict[str, Any]]) -> int:
    """Distinct outlets among the articles that are not copies of another one; an article whose
    outlet is unknown counts as its own source (it cannot be shown to be a copy)."""
    return len({r.get("source") or f"id:{r['id']}" for r in rows if not r.get("duplicate_of")})


def _languages(rows: Iterable[dict[str, Any]]) -> list[tuple[str | None, int]]:
    counts = Counter(r.get("language") for r in rows)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or ""))


def _top_entities(articles: Iterable[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Entities mentioned in the most articles (each article counts once per entity)."""
    per_article: Counter[str] = Counter()
    names: dict[str, Counter[str]] = defaultdict(Counter)
    types: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        seen: set[str] = set()
        for mention in article.get("entities") or []:
            entity_id = mention.get("entity_id")
            if not entity_id:
                continue
            names[entity_id][mention.get("canonical") or mention.get("text") or ""] += 1
            types[entity_id][mention.get("type") or "MISC"] += 1
            seen.add(entity_id)
        per_article.update(seen)
    return [
        {
            "id": entity_id,
            "name": names[entity_id].most_common(1)[0][0],
            "type": types[entity_id].most_common(1)[0][0],
            "count": count,
        }
        for entity_id, count in per_article.most_common(limit)
    ]


def _story_members(
    conn: SQLConnection, story_ids: Sequence[str], with_analysis: bool = False
) -> dict[str, list[dict[str, Any]]]:
    if not story_ids:
        return {}
    columns = ", ".join(SUMMARY_COLUMNS)
    if with_analysis:
        columns += ", entities"
    marks = ",".join("?" * len(story_ids))
    rows = _rows(
        conn.execute(
            f"SELECT {columns} FROM articles WHERE status = 'analysed' AND story_id IN ({marks})"
            " ORDER BY published IS NULL, published, id",
            list(story_ids),
        )
    )
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if with_analysis:
            row["entities"] = _json(row["entities"], [])
        out[row["story_id"]].append(row)
    return out


def _story_summary(
    story_id: str, members: list[dict[str, Any]], preferred: Sequence[str]
) -> dict[str, Any]:
    dates = [m["published"] for m in members if m.get("published")]
    return {
        "id": story_id,
        "title": _story_title(members, preferred),
        "article_count": len(members),
        "source_count": _independent_sources(members),
        "languages": _languages(members),
        "first": min(dates) if dates else None,
        "last": max(dates) if dates else None,
    }


def list_stories(
    conn: SQLConnection,
    filters: Filters = NO_FILTERS,
    limit: int = 20,
    offset: int = 0,
    preferred_languages: Sequence[str] = ("en",),
    with_entities: bool = True,
) -> Page:
    """Stories, latest first (by their last article's publication date), undated ones last."""
    limit, offset = _clamp(limit, offset)
    where, params = filters.where(dialect=sql_dialect(conn))
    where = f"a.story_id IS NOT NULL AND {where}"
    if filters == NO_FILTERS:
        # Only analysed articles get a story id, so the covering story index alone counts them
        # (10k articles: 9 ms, against 53 ms when the status filter forces a table scan).
        total = conn.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone()[0]
    else:
        total = conn.execute(
            f"SELECT count(DISTINCT a.story_id) FROM articles a WHERE {where}", params
        ).fetchone()[0]
    ids = _latest_story_ids(conn, where, params, offset + limit)[offset:]
    members = _story_members(conn, ids, with_analysis=with_entities)
    items = []
    for story_id in ids:
        rows = members.get(story_id, [])
        summary = _story_summary(story_id, rows, preferred_languages)
        if with_entities:
            summary["entities"] = _top_entities(rows, CARD_ENTITIES)
        items.append(summary)
    return Page(items, int(total), limit, offset)


def _latest_story_ids(conn: SQLConnection, where: str, params: list[Any], wanted: int) -> list[str]:
    """The first ``wanted`` distinct story ids in order of their latest article.

    Reads the articles newest first along the ``published`` index in growing ``LIMIT`` windows
    and stops once enough stories are found, instead of grouping every article by story (on 100k
    articles: ~2 ms for the first page against ~150 ms for GROUP BY ... ORDER BY
    max(published)). Windows rather than a cursor read lazily: psycopg fetches a whole result at
    once, so on PostgreSQL only the LIMIT keeps the read small."""
    ids: list[str] = []
    # Ties broken by id, so both backends (and every page) agree on the order; SQLite still walks
    # the published index, sorting only within one date ("temp b-tree for right part").
    for dated in (
        "a.published IS NOT NULL ORDER BY a.published DESC, a.id",
        "a.published IS NULL ORDER BY a.id",
    ):
        before = list(ids)
        window = wanted * STORY_WINDOW_PER_STORY
        while True:
            rows = conn.execute(
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


def get_story(
    conn: SQLConnection, story_id: str, preferred_languages: Sequence[str] = ("en",)
) -> dict[str, Any] | None:
    """A story with its articles, timeline counts, quotes by speaker, claims and top entities."""
    columns = ", ".join(SUMMARY_COLUMNS)
    rows = _rows(
        conn.execute(
            f"SELECT {columns}, entities, quotes, claims FROM articles"
            " WHERE status = 'analysed' AND story_id = ?"
            " ORDER BY published IS NULL, published, id LIMIT ?",
            (story_id, STORY_ARTICLE_LIMIT),
        )
    )
    if not rows:
        return None
    for row in rows:
        for name in ("entities", "quotes", "claims"):
            row[name] = _json(row[name], [])
    story = _story_summary(story_id, rows, preferred_languages)
    story["article_count"] = conn.execute(
        "SELECT count(*) FROM articles WHERE status = 'analysed' AND story_id = ?", (story_id,)
    ).fetchone()[0]
    story["timeline"] = timeline_counts(rows)
    story["quotes_by_speaker"] = _quotes_by_speaker(rows)
    claims, contradictions = _story_claims(rows)
    story["claims"] = claims
    story["contradictions"] = contradictions
    story["entities"] = _top_entities(rows, STORY_ENTITIES)
    story["articles"] = [{c: row[c] for c in SUMMARY_COLUMNS} for row in rows]
    return story


def timeline_counts(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Articles per publication day per language: ``[{day, series, count}]`` sorted by day."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        if row.get("published"):
            counts[(str(row["published"])[:10], row.get("language") or "?")] += 1
    return [
        {"day": day, "series": series, "count": n} for (day, series), n in sorted(counts.items())
    ]


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def _quote_item(quote: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    return {
        "text": quote.get("text") or "",
        "type": quote.get("type"),
        "speaker": quote.get("speaker"),
        "speaker_entity_id": quote.get("speaker_entity_id"),
        "cue": quote.get("cue"),
        "language": quote.get("language") or row.get("language"),
        "article_id": row["id"],
        "source": row.get("source"),
        "published": row.get("published"),
    }


def _quotes_by_speaker(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Quotes grouped by speaker (resolved entity, else the speaker's name), biggest group first;
    the same words carried by several outlets are listed once."""
    groups: dict[str, dict[str, Any]] = {}
    seen: set[tuple[str, str]] = set()
    for row in rows:
        for quote in row.get("quotes") or []:
            speaker = quote.get("speaker") or "Unattributed"
            key = quote.get("speaker_entity_id") or f"name:{_normalised(speaker)}"
            text_key = (key, _normalised(quote.get("text") or ""))
            if text_key in seen:
                continue
            seen.add(text_key)
            group = groups.setdefault(
                key,
                {"speaker": speaker, "entity_id": quote.get("speaker_entity_id"), "quotes": []},
            )
            group["quotes"].append(_quote_item(quote, row))
    return sorted(
        groups.values(), key=lambda g: (g["speaker"] == "Unattributed", -len(g["quotes"]))
    )


def _claim_item(claim: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    item = {
        k: claim.get(k)
        for k in (
            "id",
            "text",
            "kind",
            "value",
            "value_max",
            "unit",
            "counted",
            "holder",
            "holder_entity_id",
            "time_ref",
        )
    }
    item["contradicts"] = list(claim.get("contradicts") or [])
    item.update(
        article_id=row["id"],
        source=row.get("source"),
        language=row.get("language"),
        published=row.get("published"),
    )
    return item


def _story_claims(
    rows: Iterable[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """The story's claims, and the pairs of them that contradict each other (side by side)."""
    claims = [_claim_item(c, row) for row in rows for c in row.get("claims") or []]
    by_id = {c["id"]: c for c in claims if c.get("id")}
    pairs: list[list[dict[str, Any]]] = []
    done: set[frozenset[str]] = set()
    for claim in claims:
        for other_id in claim["contradicts"]:
            other = by_id.get(other_id)
            key = frozenset((claim.get("id") or "", other_id))
            if other is None or key in done:
                continue
            done.add(key)
            pairs.append([claim, other])
    return claims, pairs


# -- quotes and claims ------------------------------------------------------------------------


def _flatten(
    conn: SQLConnection, column: str, filters: Filters, chunk: int = 500
) -> Iterable[tuple[dict[str, Any], dict[str, Any]]]:
    where, params = filters.where(dialect=sql_dialect(conn))
    columns = ", ".join(f"a.{c}" for c in SUMMARY_COLUMNS)
    cursor = conn.execute(
        f"SELECT {columns}, a.{column} AS items FROM articles a WHERE {where}"
        f" AND a.{column} != '[]' ORDER BY a.published IS NULL, a.published DESC, a.id",
        params,
    )
    names = [d[0] for d in cursor.description]
    while batch := cursor.fetchmany(chunk):
        for values in batch:
            row = dict(zip(names, values, strict=True))
            for item in _json(row.pop("items"), []):
                yield item, row


def list_quotes(
    conn: SQLConnection,
    filters: Filters = NO_FILTERS,
    speaker: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Quotes, newest article first; ``speaker`` matches the speaker's entity id or name."""
    limit, offset = _clamp(limit, offset)
    wanted = _normalised(speaker) if speaker else None
    items: list[dict[str, Any]] = []
    total = 0
    for quote, row in _flatten(conn, "quotes", filters):
        if wanted and wanted not in (
            _normalised(quote.get("speaker") or ""),
            _normalised(quote.get("speaker_entity_id") or ""),
        ):
            continue
        if offset <= total < offset + limit:
            items.append(_quote_item(quote, row))
        total += 1
    return Page(items, total, limit, offset)


def list_claims(
    conn: SQLConnection,
    filters: Filters = NO_FILTERS,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Claims (numbers and predictions), newest article first."""
    limit, offset = _clamp(limit, offset)
    items: list[dict[str, Any]] = []
    total = 0
    for claim, row in _flatten(conn, "claims", filters):
        if kind and claim.get("kind") != kind:
            continue
        if offset <= total < offset + limit:
            items.append(_claim_item(claim, row))
        total += 1
    return Page(items, total, limit, offset)


# -- entities ---------------------------------------------------------------------------------


@dataclass
class _Entity:
    id: str
    names: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    variants: Counter[tuple[str, str | None]] = field(default_factory=Counter)
    articles: set[str] = field(default_factory=set)
    mentions: int = 0
    # The registry's canonical name and type (migration 0002), when the store has them.
    canonical: str | None = None
    registry_type: str | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.canonical or self.names.most_common(1)[0][0],
            "type": self.registry_type or self.types.most_common(1)[0][0],
            "article_count": len(self.articles),
            "mention_count": self.mentions,
        }


_catalogue_lock = threading.Lock()
_catalogues: dict[tuple[Any, ...], dict[str, _Entity]] = {}
# db → (when its catalogue was last checked against the articles, the catalogue's key).
_catalogue_checked: dict[str, tuple[float, tuple[Any, ...]]] = {}
# How long a checked catalogue is served without checking again: the check scans every article
# (~40 ms on 100k), so entity pages may lag a fresh ingest by this many seconds.
CATALOGUE_RECHECK_S = 5.0


def _entity_catalogue(conn: SQLConnection) -> dict[str, _Entity]:
    """Every resolved entity with its names, variants and articles, built from the mentions in
    the articles and cached until the articles change (count or last update)."""
    db = database_key(conn)
    now = time.monotonic()
    with _catalogue_lock:
        checked = _catalogue_checked.get(db)
        if checked is not None and now - checked[0] < CATALOGUE_RECHECK_S:
            return _catalogues[checked[1]]
    count, updated = conn.execute(
        "SELECT count(*), max(updated_at) FROM articles WHERE status = 'analysed'"
    ).fetchone()
    key = (db, count, updated)
    with _catalogue_lock:
        if key in _catalogues:
            _catalogue_checked[db] = (now, key)
            return _catalogues[key]
    catalogue: dict[str, _Entity] = {}
    cursor = conn.execute(
        # In id order: ties between names (Counter.most_common) fall the same way on both
        # backends, whatever order the rows lie in on disk.
        "SELECT id, language, entities FROM articles WHERE status = 'analysed' AND entities != '[]'"
        " ORDER BY id"
    )
    while batch := cursor.fetchmany(1000):
        for article_id, language, entities in batch:
            for mention in _json(entities, []):
                entity_id = mention.get("entity_id")
                if not entity_id:
                    continue
                entity = catalogue.get(entity_id) or catalogue.setdefault(
                    entity_id, _Entity(entity_id)
                )
                text = mention.get("text") or ""
                entity.names[mention.get("canonical") or text] += 1
                entity.types[mention.get("type") or "MISC"] += 1
                entity.variants[(text, language)] += 1
                entity.articles.add(article_id)
                entity.mentions += 1
    if has_table(conn, "entities"):
        for entity_id, canonical, entity_type in conn.execute(
            "SELECT id, canonical, type FROM entities"
        ):
            if entity_id in catalogue:
                catalogue[entity_id].canonical = canonical
                catalogue[entity_id].registry_type = entity_type
    with _catalogue_lock:
        # One cached catalogue per database: an older key for the same file is stale.
        for stale in [k for k in _catalogues if k[0] == db]:
            del _catalogues[stale]
        _catalogues[key] = catalogue
        _catalogue_checked[db] = (now, key)
    return catalogue


def list_entities(
    conn: SQLConnection,
    name: str | None = None,
    type: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Resolved entities, most widely reported first; ``name`` matches any spelling (substring,
    case-insensitive), ``type`` is PER, ORG, LOC or MISC."""
    limit, offset = _clamp(limit, offset)
    wanted = _normalised(name) if name else None
    matches = []
    for entity in _entity_catalogue(conn).values():
        summary = entity.summary()
        if type and summary["type"] != type:
            continue
        if (
            wanted
            and not any(wanted in _normalised(n) for n in entity.names)
            and not any(wanted in _normalised(v) for v, _ in entity.variants)
        ):
            continue
        matches.append(summary)
    matches.sort(key=lambda e: (-e["article_count"], -e["mention_count"], e["name"], e["id"]))
    return Page(matches[offset : offset + limit], len(matches), limit, offset)


def resolve_entity_id(conn: SQLConnection, entity_id: str) -> str:
    """The current id of an entity: the registry leaves a redirect when it merges two entities,
    so links and bookmarks to the old id keep working."""
    if not has_table(conn, "entity_redirects"):
        return entity_id
    for _ in range(10):  # chains of merges; bounded against a cycle
        row = conn.execute(
            "SELECT new_id FROM entity_redirects WHERE old_id = ?", (entity_id,)
        ).fetchone()
        if row is None or row[0] == entity_id:
            break
        entity_id = row[0]
    return entity_id


def _registry_entity(conn: SQLConnection, entity_id: str) -> _Entity | None:
    """The entity as the registry tables (migration 0002) record it: indexed lookups, so an
    entity page costs milliseconds on a big store instead of a scan of every article."""
    if not has_table(conn, "entity_articles"):
        return None
    row = conn.execute("SELECT canonical, type FROM entities WHERE id = ?", (entity_id,)).fetchone()
    if row is None:
        return None
    entity = _Entity(entity_id, canonical=row[0], registry_type=row[1])
    entity.names[row[0]] += 1
    entity.types[row[1]] += 1
    for form, language, count in conn.execute(
        "SELECT form, language, count FROM entity_variants WHERE entity_id = ?", (entity_id,)
    ):
        entity.variants[(form, language or None)] += count
        entity.mentions += count
    entity.articles.update(
        r[0]
        for r in conn.execute(
            "SELECT article_id FROM entity_articles WHERE entity_id = ?", (entity_id,)
        )
    )
    return entity if entity.articles else None


def get_entity(conn: SQLConnection, entity_id: str) -> dict[str, Any] | None:
    """An entity: canonical name, spelling variants per language, quotes by and about it, the
    articles mentioning it and its mentions over time."""
    entity = _registry_entity(conn, entity_id) or _entity_catalogue(conn).get(entity_id)
    if entity is None:
        return None
    out = entity.summary()
    out["variants"] = [
        {"spelling": spelling, "language": language, "count": n}
        for (spelling, language), n in sorted(
            entity.variants.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1] or "")
        )
    ]
    out["roles"] = _entity_roles(conn, entity_id)
    ids = sorted(entity.articles)
    rows: list[dict[str, Any]] = []
    columns = ", ".join(SUMMARY_COLUMNS)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows += _rows(
            conn.execute(
                f"SELECT {columns}, entities, quotes FROM articles WHERE id IN ({marks})", chunk
            )
        )
    rows.sort(key=lambda r: (r.get("published") is None, r.get("published") or "", r["id"]))
    out["timeline"] = [
        {"day": t["day"], "series": "articles", "count": t["count"]} for t in _per_day(rows)
    ]
    quotes_by: list[dict[str, Any]] = []
    quotes_about: list[dict[str, Any]] = []
    for row in rows:
        mentions = [m for m in _json(row.pop("entities"), []) if m.get("entity_id") == entity_id]
        for quote in _json(row.pop("quotes"), []):
            if quote.get("speaker_entity_id") == entity_id:
                quotes_by.append(_quote_item(quote, row))
            elif any(
                (quote.get("start") or 0) <= m.get("start", -1) < (quote.get("end") or 0)
                for m in mentions
            ):
                quotes_about.append(_quote_item(quote, row))
    out["quotes_by"] = quotes_by[:ENTITY_QUOTES]
    out["quotes_about"] = quotes_about[:ENTITY_QUOTES]
    newest = sorted(rows, key=lambda r: r.get("published") or "", reverse=True)
    newest.sort(key=lambda r: r.get("published") is None)  # stable: undated last
    out["articles"] = [{c: r[c] for c in SUMMARY_COLUMNS} for r in newest[:ENTITY_ARTICLES]]
    return out


def _per_day(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    counts = Counter(str(r["published"])[:10] for r in rows if r.get("published"))
    return [{"day": day, "count": n} for day, n in sorted(counts.items())]


def _entity_roles(conn: SQLConnection, entity_id: str) -> list[str]:
    """Titles and roles the entity registry recorded for the entity, when it records them."""
    if not has_table(conn, "entities"):
        return []
    columns = table_columns(conn, "entities")
    for column in ("roles", "titles"):
        if column in columns and "id" in columns:
            row = conn.execute(
                f"SELECT {column} FROM entities WHERE id = ?", (entity_id,)
            ).fetchone()
            if row and row[0]:
                value = _json(row[0], None)
                if isinstance(value, list):
                    return [str(v) for v in value]
                if isinstance(value, dict):
                    return [str(k) for k in value]
                return [str(row[0])]
    return []


# -- health -----------------------------------------------------------------------------------


def health(conn: SQLConnection) -> dict[str, Any]:
    """Counts per article status, stories, schema version and which optional tables exist."""
    statuses = dict(
        conn.execute("SELECT status, count(*) FROM articles GROUP BY status").fetchall()
    )
    stories = conn.execute(
        "SELECT count(DISTINCT story_id) FROM articles WHERE story_id IS NOT NULL"
    ).fetchone()[0]
    version = (
        conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        if has_table(conn, "schema_version")
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
        "keyword_search": has_keyword_index(conn),
        "semantic_search": has_table(conn, "story_members"),
    }
