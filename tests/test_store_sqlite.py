"""SQLiteStore: migrations and schema_version, WAL, idempotent raw storage, exact round-trips."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.article import Article, Claim, Mention, Quote, RemovedLine
from storyline.errors import StoreError
from storyline.store import open_store
from storyline.store.sqlite import MIGRATIONS_DIR, SQLiteStore, migrations


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with SQLiteStore(tmp_path / "test.db") as s:
        yield s


def _article(body: str = "Body of the article.\nSecond paragraph.", **kw: str) -> Article:
    return Article(raw_text=body, raw=body.encode("utf-8"), source_path="in/a.txt", **kw)  # type: ignore[arg-type]


def test_migrations_apply_in_order_and_record_schema_version(tmp_path: Path) -> None:
    files = migrations()
    assert files[0][0] == 1 and files[0][2].name == "0001_init.sql"
    assert [v for v, _, _ in files] == sorted(v for v, _, _ in files)
    db = tmp_path / "m.db"
    with SQLiteStore(db) as store:
        assert store.schema_version() == files[-1][0]
        names = [r[0] for r in store.conn.execute("SELECT name FROM schema_version ORDER BY 1")]
        assert names[0] == "0001_init"
        assert store.has_table("articles") and store.has_table("failures")
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # Reopening applies nothing again.
    with SQLiteStore(db) as store:
        assert store.migrate() == []
        assert store.conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(files)


def test_new_migration_is_applied_on_open_and_bad_one_rolls_back(tmp_path: Path) -> None:
    mig = tmp_path / "migrations"
    mig.mkdir()
    (mig / "0001_init.sql").write_text((MIGRATIONS_DIR / "0001_init.sql").read_text())
    db = tmp_path / "x.db"
    with SQLiteStore(db, migrations_dir=mig) as store:
        assert store.schema_version() == 1
    (mig / "0002_extra.sql").write_text(
        "CREATE TABLE extra (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'a;b');\n"
        "-- a trailing comment\n"
    )
    with SQLiteStore(db, migrations_dir=mig) as store:
        assert store.schema_version() == 2
        assert store.has_table("extra")
    (mig / "0003_broken.sql").write_text(
        "CREATE TABLE half (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n"
    )
    with pytest.raises(StoreError, match=re.escape("0003_broken.sql")):
        SQLiteStore(db, migrations_dir=mig)
    with SQLiteStore(db, migrations_dir=mig.parent / "none") as store:
        assert store.schema_version() == 2
        assert not store.has_table("half")  # the failed migration left nothing behind


def test_badly_named_migration_is_refused(tmp_path: Path) -> None:
    (tmp_path / "init.sql").write_text("SELECT 1;")
    with pytest.raises(StoreError, match=re.escape("NNNN_name.sql")):
        migrations(tmp_path)


def test_open_store_in_missing_directory_names_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_store(str(tmp_path / "nope" / "x.db"))


def test_same_input_twice_adds_nothing(store: SQLiteStore) -> None:
    assert store.add_raw(_article()) is True
    assert store.add_raw(_article()) is False
    # Whitespace and case differences do not make a new article (normalised content hash).
    assert store.add_raw(_article("body of the  article.\nSecond   paragraph.")) is False
    assert store.count_articles() == 1
    assert store.status(_article().id) == "pending"


def test_raw_is_kept_verbatim(store: SQLiteStore) -> None:
    raw = "Le ministre a déclaré\u00a0: «\u00a0non\u00a0»\r\n".encode("cp1251", errors="replace")
    raw += b"\x00\xff trailing bytes"
    article = Article(
        raw_text="Le ministre a déclaré : « non »",
        raw=raw,
        encoding="cp1251",
        input_format="html",
        source_path="p.html",
    )
    store.add_raw(article)
    assert store.get_raw(article.id) == raw
    article.text = "cleaned"
    store.save_article(article)
    assert store.get_raw(article.id) == raw  # analysis never rewrites the input
    again = store.get_article(article.id)
    assert again is not None and again.raw == raw and again.encoding == "cp1251"


def test_analysed_article_round_trips_exactly(store: SQLiteStore) -> None:
    article = _article(title="Minister speaks", url="https://example.org/a", language="en")
    article.published = date(2024, 3, 5)
    article.published_source = "meta"
    article.text = "Minister Ana Ruiz said “we will act”."
    article.removed = [RemovedLine("Subscribe now", "call to action")]
    article.entities = [Mention("Ana Ruiz", 9, 17, "PER", entity_id="e1", canonical="Ana Ruiz")]
    article.quotes = [Quote("we will act", 24, 35, "direct", speaker="Ana Ruiz", cue="said")]
    article.claims = [Claim("3 ships", 0, 7, "number", value=3.0, unit="ship", contradicts=["c2"])]
    article.story_id, article.thread_id = "s1", "t1"
    article.hints = {"sitename": "Example"}
    assert store.save_article(article) is True
    assert store.save_article(article) is False
    loaded = store.get_article(article.id)
    assert loaded == article
    assert loaded is not None and loaded.to_dict() == article.to_dict()


def test_input_article_keeps_what_was_read_not_what_was_analysed(store: SQLiteStore) -> None:
    article = _article(title="From the feed", source="Feed Co")
    store.add_raw(article)
    article.title, article.source, article.text = "Changed", "Other", "analysed text"
    store.save_article(article)
    original = store.input_article(article.id)
    assert original is not None
    assert (original.title, original.source, original.text) == ("From the feed", "Feed Co", "")
    assert original.id == article.id and original.raw_text == article.raw_text


def test_status_failed_then_unfinished(store: SQLiteStore) -> None:
    a, b = _article("first article"), _article("second article")
    store.add_raw(a)
    store.add_raw(b)
    store.mark_failed(a.id, a.label, "stage quotes failed: ValueError: x")
    assert store.status(a.id) == "failed"
    assert store.last_error(a.id) == "stage quotes failed: ValueError: x"
    assert store.unfinished_ids() == [a.id, b.id]
    assert list(store.iter_articles()) == []  # only analysed ones by default
    assert len(list(store.iter_articles(status=None))) == 2
    store.save_article(a)
    assert store.last_error(a.id) is None
    assert store.unfinished_ids() == [b.id]


def test_find_article_by_prefix(store: SQLiteStore) -> None:
    articles = [_article(f"article number {i}") for i in range(40)]
    for article in articles:
        store.save_article(article)
    target = articles[7]
    found = store.find_article(target.id[:10])
    assert found is not None and found.id == target.id
    assert store.find_article(target.id.upper()) is not None
    assert store.find_article("zz") is None
    first_chars = [a.id[0] for a in articles]
    shared = next(c for c in first_chars if first_chars.count(c) > 1)
    with pytest.raises(StoreError, match="ambiguous"):
        store.find_article(shared)


def test_transaction_rolls_back_and_nests(store: SQLiteStore) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_raw(_article("inside a failed transaction"))
        raise RuntimeError("abort")
    assert store.count_articles() == 0
    with store.transaction() as conn, store.transaction():
        conn.execute("INSERT INTO failures (item, reason, at) VALUES ('x', 'y', 'z')")
    assert store.conn.execute("SELECT count(*) FROM failures").fetchone()[0] == 1


def test_committed_rows_are_visible_to_another_connection(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    with SQLiteStore(db) as store:
        store.save_article(_article())
        other = sqlite3.connect(db)
        assert other.execute("SELECT status FROM articles").fetchone()[0] == "analysed"
        other.close()


def test_summary_counts(store: SQLiteStore) -> None:
    for i, lang in enumerate(["en", "en", "fr"]):
        article = _article(f"text {i}", language=lang, source=f"S{i % 2}")
        article.published = date(2024, 1, 1 + i)
        article.quotes = [Quote("q", 0, 1, "direct")]
        store.save_article(article)
    store.add_raw(_article("still pending"))
    store.record_failure("bad.txt", "empty file")
    data = store.summary()
    assert data["status"] == {"analysed": 3, "pending": 1}
    assert data["languages"] == {"en": 2, "fr": 1}
    assert data["sources"] == {"S0": 2, "S1": 1}
    assert (data["published_from"], data["published_to"]) == ("2024-01-01", "2024-01-03")
    assert data["quotes"] == 3 and data["unreadable_items"] == 1


def test_iter_articles_pages_in_publication_order(store: SQLiteStore) -> None:
    with store.transaction():  # one transaction: 1,200 articles in well under a second
        for i in range(1200):
            article = _article(f"paged article {i}")
            article.published = date(2020, 1, 1 + i % 28) if i % 5 else None
            store.save_article(article)
    seen = list(store.iter_articles())
    assert len(seen) == 1200 and len({a.id for a in seen}) == 1200
    dated = [a.published for a in seen if a.published]
    assert dated == sorted(dated)
    assert all(a.published is None for a in seen[len(dated) :])


_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)


@settings(max_examples=60, deadline=None)
@given(title=st.none() | _TEXT, body=_TEXT, raw=st.binary(max_size=200), removed=st.lists(_TEXT))
def test_any_unicode_round_trips_exactly(
    title: str | None, body: str, raw: bytes, removed: list[str]
) -> None:
    with SQLiteStore(":memory:") as store:
        article = Article(raw_text=body, raw=raw, title=title, source_path="p")
        article.text = body
        article.removed = [RemovedLine(line, "reason") for line in removed]
        assert store.add_raw(article)
        store.save_article(article)
        loaded = store.get_article(article.id)
        assert loaded == article
        assert store.get_raw(article.id) == raw
