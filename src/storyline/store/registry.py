"""The entity registry's tables (migrations ``0002_entities`` and ``0006_entity_evidence``).

The SQL both backends speak (``?`` parameters, ``INSERT … ON CONFLICT``), on a
``sqlite3.Connection`` or the PostgreSQL store's adapter
(:class:`~storyline.store.postgres.PGConnection`).

- :func:`load_registry_state` puts what the store holds into an
  :class:`~storyline.entities.registry.EntityRegistry` (after its alias tables);
- :func:`stored_evidence` is what one article contributed, taken out before it is re-analysed;
- :class:`RegistryChange` writes one article's :class:`~storyline.entities.registry.ArticleChange`
  in the article's own transaction: its evidence rows (replacing the earlier ones), the entities
  it touched as they were right after it, its merges (redirects; the merged entity's rows move to
  the kept one).

The per-entity tables (variants, titles, type votes) are the sums of the evidence, written as
of the article that last touched the entity; ``entity_articles`` has one row per (entity,
article), so a commit costs what the article touched, not what the entities hold.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import TYPE_CHECKING

from storyline.errors import StoreError
from storyline.store import SQLConnection, sql_dialect

if TYPE_CHECKING:
    from storyline.entities.registry import ArticleChange, Entity, EntityRegistry, EvidenceKey

_MIGRATIONS = ("0002_entities.sql", "0006_entity_evidence.sql")


def ensure_schema(conn: SQLConnection) -> None:
    """The registry tables on a connection whose store predates them (both files idempotent)."""
    folder = "migrations_pg" if sql_dialect(conn) == "postgresql" else "migrations"
    for name in _MIGRATIONS:
        script = resources.files("storyline.store").joinpath(f"{folder}/{name}")
        try:
            conn.executescript(script.read_text(encoding="utf-8"))
        except sqlite3.Error as exc:
            raise StoreError(f"cannot create the entity tables: {exc}") from exc


def load_registry_state(conn: SQLConnection, registry: EntityRegistry) -> None:
    """Add the stored entities, their counts, articles, surfaces and redirects to ``registry``
    (in id order, so the same store gives the same registry in every process)."""
    from storyline.entities.registry import Entity

    if not _has_tables(conn):
        ensure_schema(conn)
    rows = conn.execute(
        "SELECT id, canonical, type, first_seen, last_seen, from_alias_table FROM entities"
        " ORDER BY id"
    ).fetchall()
    entities: dict[str, Entity] = {}
    for eid, canonical, type_, first, last, trusted in rows:
        entities[eid] = Entity(
            id=eid,
            canonical=canonical,
            type=type_,
            first_seen=date.fromisoformat(first) if first else None,
            last_seen=date.fromisoformat(last) if last else None,
            from_alias_table=bool(trusted),
        )
    for eid, form, lang, n in conn.execute(
        "SELECT entity_id, form, language, count FROM entity_variants"
        " ORDER BY entity_id, form, language"
    ).fetchall():
        if eid in entities:
            entities[eid].variants[(form, lang)] = n
    for eid, title, lang, n in conn.execute(
        "SELECT entity_id, title, language, count FROM entity_titles"
        " ORDER BY entity_id, title, language"
    ).fetchall():
        if eid in entities:
            entities[eid].titles[(title, lang)] = n
    for eid, type_, n in conn.execute(
        "SELECT entity_id, type, votes FROM entity_type_votes ORDER BY entity_id, type"
    ).fetchall():
        if eid in entities:
            entities[eid].type_votes[type_] = n
    for eid, article_id in conn.execute(
        "SELECT entity_id, article_id FROM entity_articles"
    ).fetchall():
        if eid in entities:
            entities[eid].articles.add(article_id)
    for old, new in conn.execute(
        "SELECT old_id, new_id FROM entity_redirects ORDER BY old_id"
    ).fetchall():
        registry.merged[old] = new
        registry._ids.add(old)
    for eid, entity in entities.items():
        if eid in registry.entities:
            # An alias-table entry: keep the table's names, add what the corpus saw.
            table = registry.entities[eid]
            table.variants.update(entity.variants)
            table.titles.update(entity.titles)
            table.type_votes.update(entity.type_votes)
            table.articles |= entity.articles
            table.first_seen, table.last_seen = entity.first_seen, entity.last_seen
            for form, lang in entity.variants:
                registry._index_form(table, form, lang, 0)
            registry.dirty.discard(eid)
        else:
            registry.restore(entity)
    for eid, text in conn.execute(
        "SELECT DISTINCT entity_id, value FROM entity_evidence WHERE kind = 'surface'"
        " ORDER BY entity_id, value"
    ).fetchall():
        registry.add_surface(registry.canonical_id(eid), text)
    registry.dirty.clear()


def stored_evidence(conn: SQLConnection, article_id: str) -> Counter[EvidenceKey]:
    """What ``article_id`` contributed when it was last analysed (empty if never)."""
    if not _has_tables(conn):
        return Counter()
    out: Counter[EvidenceKey] = Counter()
    for eid, kind, value, lang, n in conn.execute(
        "SELECT entity_id, kind, value, language, count FROM entity_evidence WHERE article_id = ?",
        (article_id,),
    ).fetchall():
        out[(eid, kind, value, lang)] += int(n)
    return out


def _has_tables(conn: SQLConnection) -> bool:
    from storyline.store import has_table

    return has_table(conn, "entity_evidence") and has_table(conn, "entities")


@dataclass
class RegistryChange:
    """One article's registry change, as a :class:`storyline.corpus.Change`."""

    change: ArticleChange

    def write(self, conn: SQLConnection) -> None:
        article_id = self.change.article_id
        conn.execute("DELETE FROM entity_evidence WHERE article_id = ?", (article_id,))
        conn.execute("DELETE FROM entity_articles WHERE article_id = ?", (article_id,))
        for old, new in self.change.merges:
            _redirect(conn, old, new)
        for entity in self.change.entities:
            _write_entity(conn, entity)
        conn.executemany(
            "INSERT INTO entity_evidence(article_id, entity_id, kind, value, language, count)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (article_id, eid, kind, value, lang, n)
                for (eid, kind, value, lang), n in sorted(self.change.evidence.items())
            ],
        )
        conn.executemany(
            "INSERT INTO entity_articles(entity_id, article_id) VALUES (?, ?)"
            " ON CONFLICT (entity_id, article_id) DO NOTHING",
            [(eid, article_id) for eid in sorted({key[0] for key in self.change.evidence})],
        )


def _redirect(conn: SQLConnection, old: str, new: str) -> None:
    """``old`` merged into ``new``: a redirect, and the rows other articles hold move over."""
    conn.execute(
        "INSERT INTO entity_redirects(old_id, new_id) VALUES (?, ?)"
        " ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id",
        (old, new),
    )
    conn.execute(
        "INSERT INTO entity_evidence(article_id, entity_id, kind, value, language, count)"
        " SELECT article_id, ?, kind, value, language, count FROM entity_evidence"
        " WHERE entity_id = ?"
        " ON CONFLICT (article_id, entity_id, kind, value, language)"
        " DO UPDATE SET count = entity_evidence.count + excluded.count",
        (new, old),
    )
    conn.execute("DELETE FROM entity_evidence WHERE entity_id = ?", (old,))
    conn.execute(
        "INSERT INTO entity_articles(entity_id, article_id)"
        " SELECT ?, article_id FROM entity_articles WHERE entity_id = ?"
        " ON CONFLICT (entity_id, article_id) DO NOTHING",
        (new, old),
    )
    conn.execute("DELETE FROM entity_articles WHERE entity_id = ?", (old,))
    for table in ("entity_variants", "entity_titles", "entity_type_votes"):
        conn.execute(f"DELETE FROM {table} WHERE entity_id = ?", (old,))
    conn.execute("DELETE FROM entities WHERE id = ?", (old,))


def _write_entity(conn: SQLConnection, e: Entity) -> None:
    for table in ("entity_variants", "entity_titles", "entity_type_votes"):
        conn.execute(f"DELETE FROM {table} WHERE entity_id = ?", (e.id,))
    conn.execute(
        "INSERT INTO entities(id, canonical, type, first_seen, last_seen, from_alias_table,"
        " titles) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET canonical = excluded.canonical, type = excluded.type,"
        " first_seen = excluded.first_seen, last_seen = excluded.last_seen,"
        " from_alias_table = excluded.from_alias_table, titles = excluded.titles",
        (
            e.id,
            e.canonical,
            e.type,
            e.first_seen.isoformat() if e.first_seen else None,
            e.last_seen.isoformat() if e.last_seen else None,
            int(e.from_alias_table),
            json.dumps(_titles(e), ensure_ascii=False),
        ),
    )
    conn.executemany(
        "INSERT INTO entity_variants(entity_id, form, language, count) VALUES (?, ?, ?, ?)",
        [(e.id, form, lang, n) for (form, lang), n in sorted(e.variants.items())],
    )
    conn.executemany(
        "INSERT INTO entity_titles(entity_id, title, language, count) VALUES (?, ?, ?, ?)",
        [(e.id, t, lang, n) for (t, lang), n in sorted(e.titles.items()) if n > 0],
    )
    conn.executemany(
        "INSERT INTO entity_type_votes(entity_id, type, votes) VALUES (?, ?, ?)",
        [(e.id, t, n) for t, n in sorted(e.type_votes.items()) if n > 0],
    )


def _titles(e: Entity) -> list[str]:
    """Titles most frequent first, ties by title (the same order in every process)."""
    counts: Counter[str] = Counter()
    for (title, _), n in e.titles.items():
        counts[title] += n
    return [t for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n > 0]
