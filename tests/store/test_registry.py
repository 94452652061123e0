"""The registry's tables (storyline.store.registry): per-article evidence, snapshots, merges."""

from __future__ import annotations

import sqlite3

from storyline.entities.registry import new_registry
from storyline.store.registry import (
    RegistryChange,
    ensure_schema,
    load_registry_state,
    stored_evidence,
)


def _conn() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    ensure_schema(conn)
    return conn


def test_round_trip_restores_counts_titles_and_articles() -> None:
    conn = _conn()
    first = new_registry()
    first.begin_article("a1")
    ctx = first.context("a1", "en")
    kinshak = first.resolve("Aleksandr Kinshak", "PER", ctx)
    first.add_title(kinshak.id, "ambassador", "en")
    first.resolve("Daesh", "ORG", ctx)
    RegistryChange(first.end_article()).write(conn)
    second = new_registry()
    load_registry_state(conn, second)
    restored = second.get(kinshak.id)
    assert restored is not None
    assert second.titles_of(kinshak.id) == ["ambassador"]
    assert restored.articles == {"a1"}
    assert restored.variants[("Aleksandr Kinshak", "en")] == 1
    # the restored indexes resolve a new spelling to the stored entity
    again = second.resolve("Kinchak", "PER", second.context("a2", "fr"))
    assert again.id == kinshak.id
    daesh = second.find("Daesh")
    assert daesh is not None and daesh.articles == {"a1"}


def _analyse(registry, article_id: str, names: list[str], conn: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    registry.begin_article(article_id, stored_evidence(conn, article_id))
    ctx = registry.context(article_id, "en")
    for name in names:
        entity = registry.resolve(name, "PER", ctx)
        registry.add_title(entity.id, "minister", "en")
    RegistryChange(registry.end_article()).write(conn)


def _dump(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for table in ("entities", "entity_variants", "entity_titles", "entity_type_votes",
                  "entity_articles", "entity_evidence"):  # fmt: skip
        rows += sorted((table, *r) for r in conn.execute(f"SELECT * FROM {table}"))
    return rows


def test_reanalysing_an_article_replaces_its_evidence() -> None:
    conn = _conn()
    registry = new_registry()
    _analyse(registry, "a1", ["Sergey Lavrov", "Lavrov"], conn)
    _analyse(registry, "a2", ["Sergey Lavrov"], conn)
    before = _dump(conn)
    entity = registry.find("Sergey Lavrov")
    assert entity is not None and sum(entity.variants.values()) == 3
    # the same article again, in the same process and from a reloaded registry: no change
    _analyse(registry, "a1", ["Sergey Lavrov", "Lavrov"], conn)
    assert _dump(conn) == before
    reloaded = new_registry()
    load_registry_state(conn, reloaded)
    _analyse(reloaded, "a2", ["Sergey Lavrov"], conn)
    assert _dump(conn) == before
    again = reloaded.find("Sergey Lavrov")
    assert again is not None and sum(again.variants.values()) == 3
    assert again.titles[("minister", "en")] == 3


def test_a_merge_moves_the_other_articles_rows() -> None:
    conn = _conn()
    registry = new_registry()
    _analyse(registry, "a1", ["Islamic State"], conn)
    registry.begin_article("a2")
    ctx = registry.context("a2", "en")
    daesh = registry.resolve("Daeshx Group", "ORG", ctx)
    state = registry.find("Islamic State")
    assert state is not None and daesh.id != state.id
    kept = registry.merge(state.id, daesh.id)
    assert kept is not None
    RegistryChange(registry.end_article()).write(conn)
    ids = {r[0] for r in conn.execute("SELECT entity_id FROM entity_evidence")}
    assert ids == {kept.id}
    articles = set(conn.execute("SELECT entity_id, article_id FROM entity_articles"))
    assert articles == {(kept.id, "a1"), (kept.id, "a2")}
    reloaded = new_registry()
    load_registry_state(conn, reloaded)
    assert reloaded.canonical_id(daesh.id) == kept.id
