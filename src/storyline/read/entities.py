"""Entities: the catalogue of resolved entities, one entity's detail, an entity's timeline.

One source for every figure: the entity mentions saved with each analysed article (the export
contract), with ids read through the registry's redirects (an entity merged into another counts
as that one) and the registry's canonical name and type when it has them (else the most frequent
name and type among the mentions, ties by name). So ``storyline entities`` and ``/api/entities``
count the same articles, mentions, variants and languages.

- **articles**: analysed articles with at least one mention of the entity;
- **mentions**: its mentions in them;
- **variants**: distinct (spelling, language) pairs, counted in mentions, a spelling being the
  mention's lemma when it has one (Москве → Москва), else its text; the CLI's ``variants``
  figure is the number of distinct spellings;
- **first/last seen**: the earliest and latest publication date of those articles.

The catalogue is built by scanning every article's mentions once and cached per database until an
analysed article changes (a connection rechecks at most every
:data:`~storyline.read._common.CATALOGUE_RECHECK_S` seconds; a new one always checks).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from storyline.read._common import Page, RecentChecks, clamp, normalised
from storyline.read.claims import (
    api_quote,
    claim_record,
    contradictions,
    name_matches,
    quote_record,
)
from storyline.store import SQLConnection
from storyline.store.readers import SUMMARY_COLUMNS, Readers, readers

ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")
# Quotes and articles listed on an entity page.
ENTITY_QUOTES = 100
ENTITY_ARTICLES = 100
# Redirect chains longer than this are cut (a guard against a cycle).
MAX_REDIRECTS = 10


def resolve_ids(entity_id: str, redirects: dict[str, str]) -> str:
    """The id an entity id now stands for, following the registry's merge redirects."""
    for _ in range(MAX_REDIRECTS):
        new = redirects.get(entity_id)
        if new is None or new == entity_id:
            break
        entity_id = new
    return entity_id


def _most(counts: Counter[str]) -> str:
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


@dataclass
class EntityRecord:
    """One resolved entity as the stored articles show it."""

    id: str
    names: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    variants: Counter[tuple[str, str | None]] = field(default_factory=Counter)
    articles: set[str] = field(default_factory=set)
    dates: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)  # this id and the ids merged into it
    mentions: int = 0
    canonical: str | None = None  # the registry's, when it has the entity
    registry_type: str | None = None

    @property
    def name(self) -> str:
        return self.canonical or _most(self.names)

    @property
    def type(self) -> str:
        return self.registry_type or _most(self.types)

    @property
    def languages(self) -> list[str]:
        return sorted({lang for _, lang in self.variants if lang})

    @property
    def spellings(self) -> int:
        return len({form for form, _ in self.variants})

    def sorted_variants(self) -> list[tuple[str, str | None, int]]:
        """(spelling, language, mentions), most mentioned first, ties by spelling and language."""
        return [
            (form, lang, n)
            for (form, lang), n in sorted(
                self.variants.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1] or "")
            )
        ]

    def api(self) -> dict[str, Any]:
        """``/api/entities``'s item."""
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "article_count": len(self.articles),
            "mention_count": self.mentions,
        }

    def cli(self) -> dict[str, Any]:
        """``storyline entities --json``'s row."""
        return {
            "id": self.id,
            "canonical": self.name,
            "type": self.type,
            "variants": self.spellings,
            "articles": len(self.articles),
            "languages": self.languages,
        }

    def matches(self, wanted: str) -> bool:
        """Whether any of its names or spellings contains ``wanted`` (normalised)."""
        return any(wanted in normalised(n) for n in self.names) or any(
            wanted in normalised(v) for v, _ in self.variants
        )


_lock = threading.Lock()
_catalogues: dict[str, tuple[tuple[int, str | None], dict[str, EntityRecord]]] = {}
_recent = RecentChecks()


def catalogue(conn: SQLConnection | Readers) -> dict[str, EntityRecord]:
    """Every resolved entity (see the module docstring), cached per database."""
    reader = readers(conn)
    db = reader.key
    with _lock:
        cached = _catalogues.get(db)
    if cached is not None and _recent.recent(reader.connection):
        return cached[1]
    version = reader.analysed_version()
    if cached is not None and cached[0] == version:
        _recent.mark(reader.connection)
        return cached[1]
    redirects = reader.redirects()
    entities: dict[str, EntityRecord] = {}
    for article_id, language, published, mentions in reader.mention_rows():
        for mention in mentions:
            original = mention.get("entity_id")
            if not original:
                continue
            entity_id = resolve_ids(original, redirects)
            entity = entities.get(entity_id) or entities.setdefault(
                entity_id, EntityRecord(entity_id, ids={entity_id})
            )
            entity.ids.add(original)
            text = mention.get("text") or ""
            entity.names[mention.get("canonical") or text] += 1
            entity.types[mention.get("type") or "MISC"] += 1
            # The lemma when the mention has one (an inflected Russian form counts as its base
            # form, as the registry records it), else the spelling in the text.
            entity.variants[(mention.get("lemma") or text, language)] += 1
            if article_id not in entity.articles:
                entity.articles.add(article_id)
                if published:
                    entity.dates.append(str(published)[:10])
            entity.mentions += 1
    for entity_id, (canonical, entity_type) in reader.registry_entities().items():
        if entity_id in entities:
            entities[entity_id].canonical = canonical
            entities[entity_id].registry_type = entity_type
    for old in redirects:  # ids merged away still name their entity
        new = resolve_ids(old, redirects)
        if new in entities:
            entities[new].ids.add(old)
    with _lock:
        _catalogues[db] = (version, entities)
    _recent.mark(reader.connection)
    return entities


def entity_records(
    conn: SQLConnection | Readers,
    name: str | None = None,
    type: str | None = None,
    language: str | None = None,
) -> list[EntityRecord]:
    """Entities, most widely reported first (articles, then mentions, then name, then id);
    ``name`` matches any spelling (substring, case-insensitive), ``type`` is PER, ORG, LOC or
    MISC, ``language`` keeps those with a mention in that language."""
    if type is not None and type.upper() not in ENTITY_TYPES:
        raise ValueError(f"unknown entity type {type!r}; known: {', '.join(ENTITY_TYPES)}")
    wanted = normalised(name) if name else None
    out = [
        e
        for e in catalogue(conn).values()
        if (type is None or e.type == type.upper())
        and (language is None or language in e.languages)
        and (wanted is None or e.matches(wanted))
    ]
    out.sort(key=lambda e: (-len(e.articles), -e.mentions, e.name, e.id))
    return out


def list_entities(
    conn: SQLConnection | Readers,
    name: str | None = None,
    type: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """A page of :func:`entity_records` in the HTTP API's shape."""
    limit, offset = clamp(limit, offset)
    matches = entity_records(conn, name, type)
    items = [e.api() for e in matches[offset : offset + limit]]
    return Page(items, len(matches), limit, offset)


def resolve_entity_id(conn: SQLConnection | Readers, entity_id: str) -> str:
    """The current id of an entity: the registry leaves a redirect when it merges two entities,
    so links and bookmarks to the old id keep working."""
    return resolve_ids(entity_id, readers(conn).redirects())


def find_entity_id(conn: SQLConnection | Readers, name_or_id: str) -> str | None:
    """The entity an id (merged ids too) or a name (canonical or any spelling, whole and
    case-insensitive; else each word close to a word of a name) stands for; of several named
    alike, the most widely reported."""
    entities = catalogue(conn)
    current = resolve_entity_id(conn, name_or_id)
    if current in entities:
        return current
    wanted = normalised(name_or_id)
    named = [
        e
        for e in entities.values()
        if wanted == normalised(e.name)
        or any(wanted == normalised(n) for n in e.names)
        or any(wanted == normalised(v) for v, _ in e.variants)
    ]
    if not named:
        # No whole name: every word close to a word of one of its names ("Borchak").
        named = [
            e
            for e in entities.values()
            if name_matches(name_or_id, e.name, *e.names, *(v for v, _ in e.variants))
        ]
    if not named:
        return None
    return min(named, key=lambda e: (-len(e.articles), -e.mentions, e.name, e.id)).id


@dataclass
class EntityDetail:
    """An entity with its articles (earliest first) and the quotes by and about it."""

    record: EntityRecord
    roles: list[tuple[str, str | None, int]]  # (title, language, times)
    rows: list[dict[str, Any]]
    quotes_by: list[dict[str, Any]]  # quote records
    quotes_about: list[dict[str, Any]]

    @property
    def first_seen(self) -> str | None:
        return min(self.record.dates) if self.record.dates else None

    @property
    def last_seen(self) -> str | None:
        return max(self.record.dates) if self.record.dates else None

    def api(self) -> dict[str, Any]:
        """``/api/entities/{id}``."""
        out = self.record.api()
        out["variants"] = [
            {"spelling": s, "language": lang, "count": n}
            for s, lang, n in self.record.sorted_variants()
        ]
        out["roles"] = list(dict.fromkeys(title for title, _, _ in self.roles))
        per_day = Counter(str(r["published"])[:10] for r in self.rows if r.get("published"))
        out["timeline"] = [
            {"day": day, "series": "articles", "count": n} for day, n in sorted(per_day.items())
        ]
        out["quotes_by"] = [api_quote(q) for q in self.quotes_by[:ENTITY_QUOTES]]
        out["quotes_about"] = [api_quote(q) for q in self.quotes_about[:ENTITY_QUOTES]]
        newest = sorted(
            self.rows,
            key=lambda r: (r.get("published") is None, _negated(r.get("published")), r["id"]),
        )
        out["articles"] = [{c: r[c] for c in SUMMARY_COLUMNS} for r in newest[:ENTITY_ARTICLES]]
        return out

    def cli(self) -> dict[str, Any]:
        """``storyline entity NAME --json``."""

        def quote(q: dict[str, Any]) -> dict[str, Any]:
            return {
                "article": q["article_id"],
                "text": q["text"],
                "cue": q["cue"],
                "language": q["language"],
                "speaker": q["speaker"],
            }

        return {
            "id": self.record.id,
            "canonical": self.record.name,
            "type": self.record.type,
            "variants": [
                {"form": s, "language": lang, "count": n}
                for s, lang, n in self.record.sorted_variants()
            ],
            "titles": [{"title": t, "language": lang, "count": n} for t, lang, n in self.roles],
            "articles": sorted(self.record.articles),
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "quotes": [quote(q) for q in self.quotes_by],
            "quotes_about": [quote(q) for q in self.quotes_about],
        }


def _negated(published: Any) -> tuple[int, ...]:
    """A sort key putting later dates first."""
    return tuple(-ord(c) for c in str(published or ""))


def get_entity_detail(conn: SQLConnection | Readers, entity_id: str) -> EntityDetail | None:
    """An entity by its current id (see :func:`resolve_entity_id`), None when no article
    mentions it."""
    reader = readers(conn)
    record = catalogue(reader).get(entity_id)
    if record is None:
        return None
    registry = reader.registry_entity(entity_id) or {}
    rows = reader.articles(sorted(record.articles))
    redirects = reader.redirects()
    quotes_by: list[dict[str, Any]] = []
    quotes_about: list[dict[str, Any]] = []
    for row in rows:
        starts = [
            m.get("start", -1)
            for m in row.get("entities") or []
            if m.get("entity_id") and resolve_ids(m["entity_id"], redirects) == entity_id
        ]
        for quote in row.get("quotes") or []:
            speaker = quote.get("speaker_entity_id")
            if speaker and resolve_ids(speaker, redirects) == entity_id:
                quotes_by.append(quote_record(quote, row))
            elif any((quote.get("start") or 0) <= s < (quote.get("end") or 0) for s in starts):
                quotes_about.append(quote_record(quote, row))
    return EntityDetail(record, registry.get("titles", []), rows, quotes_by, quotes_about)


def get_entity(conn: SQLConnection | Readers, entity_id: str) -> dict[str, Any] | None:
    """An entity: canonical name, spelling variants per language, quotes by and about it, the
    articles mentioning it and its mentions over time (the HTTP API's and web's shape)."""
    detail = get_entity_detail(conn, entity_id)
    return detail.api() if detail is not None else None


def entity_timeline(conn: SQLConnection | Readers, name_or_id: str) -> list[dict[str, Any]]:
    """The timeline (:func:`storyline.read.stories.timeline`) of the articles mentioning an
    entity given by id or name."""
    from storyline.read.stories import timeline  # stories reads entities: imported late

    entity_id = find_entity_id(conn, name_or_id)
    if entity_id is None:
        return []
    reader = readers(conn)
    rows = reader.articles(sorted(catalogue(reader)[entity_id].articles))
    links = contradictions(reader)
    claims = [claim_record(c, r, links) for r in rows for c in r.get("claims") or []]
    return timeline(rows, claims)
