"""The Store protocol on both backends, SQLite and PostgreSQL (every test runs on each):
migrations and schema_version, idempotent raw storage, exact round-trips, transactions.

The PostgreSQL runs use the throw-away cluster of ``conftest.pg_cluster``, one database per test.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.article import Article, Claim, Mention, Quote, RemovedLine
from storyline.errors import StoreError
from storyline.store import Store, open_store
from storyline.store import postgres as pg
from storyline.store.sqlite import MIGRATIONS_DIR, SQLiteStore, migrations

BACKENDS = ["sqlite", "postgres"]
OpenStore = Callable[..., Any]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def location(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where this test's store lives: a SQLite file, or an empty PostgreSQL database."""
    if backend == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return str(tmp_path / "test.db")


@pytest.fixture
def migrations_dir(backend: str) -> Path:
    return pg.MIGRATIONS_DIR if backend == "postgres" else MIGRATIONS_DIR


@pytest.fixture
def open_at(backend: str, location: str) -> OpenStore:
    """Opens (another) store object on this test's database, optionally with other migrations."""

    def opener(**kw: Any) -> Any:
        return (
            pg.PostgresStore(location, **kw)
            if backend == "postgres"
            else SQLiteStore(location, **kw)
        )

    return opener


@pytest.fixture
def store(open_at: OpenStore) -> Iterator[Any]:
    with open_at() as s:
        yield s


def _raw_connection(backend: str, location: str) -> Any:
    """A second, independent connection to the store's database."""
    if backend == "postgres":
        return psycopg.connect(location, autocommit=True)
    return sqlite3.connect(location)


def _article(body: str = "Body of the article.\nSecond paragraph.", **kw: str) -> Article:
    return Article(raw_text=body, raw=body.encode("utf-8"), source_path="in/a.txt", **kw)  # type: ignore[arg-type]


def test_migrations_apply_in_order_and_record_schema_version(
    open_at: OpenStore, migrations_dir: Path
) -> None:
    files = migrations(migrations_dir)
    assert files[0][0] == 1 and files[0][2].name == "0001_init.sql"
    assert [v for v, _, _ in files] == sorted(v for v, _, _ in files)
    with open_at() as store:
        assert store.schema_version() == files[-1][0]
        names = [r[0] for r in store.conn.execute("SELECT name FROM schema_version ORDER BY 1")]
        assert names[0] == "0001_init"
        assert store.has_table("articles") and store.has_table("failures")
    # Reopening applies nothing again.
    with open_at() as store:
        assert store.migrate(migrations_dir) == []
        assert store.conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(files)


def test_both_backends_have_the_same_migrations_and_tables(pg_url: str, tmp_path: Path) -> None:
    assert [(v, n) for v, n, _ in migrations()] == [
        (v, n) for v, n, _ in migrations(pg.MIGRATIONS_DIR)
    ]
    with SQLiteStore(tmp_path / "s.db") as lite, pg.PostgresStore(pg_url) as server:
        for table in ("articles", "failures", "entities", "entity_variants", "stories"):
            lite_columns = [r[1] for r in lite.conn.execute(f"PRAGMA table_info({table})")]
            server_columns = [
                r[0]
                for r in server.conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
                    " ORDER BY ordinal_position",
                    (table,),
                )
            ]
            # PostgreSQL adds rowid (SQLite's is implicit) and the search tsvector (FTS5 keeps
            # its index in a table of its own).
            extra = {"rowid", "search"} if table == "articles" else set()
            assert [c for c in server_columns if c not in extra] == lite_columns


def test_sqlite_store_is_in_wal_mode(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "w.db") as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_new_migration_is_applied_on_open_and_bad_one_rolls_back(
    open_at: OpenStore, migrations_dir: Path, tmp_path: Path
) -> None:
    mig = tmp_path / "migrations"
    mig.mkdir()
    (mig / "0001_init.sql").write_text((migrations_dir / "0001_init.sql").read_text())
    with open_at(migrations_dir=mig) as store:
        assert store.schema_version() == 1
    (mig / "0002_extra.sql").write_text(
        "CREATE TABLE extra (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'a;b');\n"
        "-- a trailing comment\n"
    )
    with open_at(migrations_dir=mig) as store:
        assert store.schema_version() == 2
        assert store.has_table("extra")
    (mig / "0003_broken.sql").write_text(
        "CREATE TABLE half (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n"
    )
    with pytest.raises(StoreError, match=re.escape("0003_broken.sql")):
        open_at(migrations_dir=mig)
    with open_at(migrations_dir=mig.parent / "none") as store:
        assert store.schema_version() == 2
        assert not store.has_table("half")  # the failed migration left nothing behind


def test_badly_named_migration_is_refused(tmp_path: Path) -> None:
    (tmp_path / "init.sql").write_text("SELECT 1;")
    with pytest.raises(StoreError, match=re.escape("NNNN_name.sql")):
        migrations(tmp_path)


def test_open_store_in_missing_directory_names_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_store(str(tmp_path / "nope" / "x.db"))


def test_open_store_routes_postgresql_urls(pg_url: str) -> None:
    store: Store = open_store(pg_url)
    try:
        assert isinstance(store, pg.PostgresStore) and store.count_articles() == 0
    finally:
        store.close()
    short = pg_url.replace("postgresql://", "postgres://", 1)
    again = open_store(short)
    try:
        assert isinstance(again, pg.PostgresStore)
    finally:
        again.close()


def test_unreachable_server_is_a_store_error_without_the_password() -> None:
    # Port 9 (discard) on loopback: nothing listens there, the connection is refused at once.
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL") as caught:
        open_store("postgresql://reader:s3cret@127.0.0.1:9/news")
    assert "s3cret" not in str(caught.value) and "reader:***@" in str(caught.value)


def test_same_input_twice_adds_nothing(store: Store) -> None:
    assert store.add_raw(_article()) is True
    assert store.add_raw(_article()) is False
    # Whitespace and case differences do not make a new article (normalised content hash).
    assert store.add_raw(_article("body of the  article.\nSecond   paragraph.")) is False
    assert store.count_articles() == 1
    assert store.status(_article().id) == "pending"


def test_raw_is_kept_verbatim(store: Store) -> None:
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


def test_analysed_article_round_trips_exactly(store: Store) -> None:
    article = _article(title="Minister speaks", url="https://example.org/a", language="en")
    article.published = date(2024, 3, 5)
    article.published_source = "meta"
    article.published_confidence = 0.91
    article.modified = date(2024, 3, 7)
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


def test_input_article_keeps_what_was_read_not_what_was_analysed(store: Store) -> None:
    article = _article(title="From the feed", source="Feed Co")
    store.add_raw(article)
    article.title, article.source, article.text = "Changed", "Other", "analysed text"
    store.save_article(article)
    original = store.input_article(article.id)
    assert original is not None
    assert (original.title, original.source, original.text) == ("From the feed", "Feed Co", "")
    assert original.id == article.id and original.raw_text == article.raw_text


def test_status_failed_then_unfinished(store: Store) -> None:
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


def test_find_article_by_prefix(store: Store) -> None:
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


def test_transaction_rolls_back_and_nests(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_raw(_article("inside a failed transaction"))
        raise RuntimeError("abort")
    assert store.count_articles() == 0
    with store.transaction() as conn, store.transaction():
        conn.execute("INSERT INTO failures (item, reason, at) VALUES ('x', 'y', 'z')")
    assert store.conn.execute("SELECT count(*) FROM failures").fetchone()[0] == 1


def test_committed_rows_are_visible_to_another_connection(
    store: Store, backend: str, location: str
) -> None:
    other = _raw_connection(backend, location)
    try:
        with store.transaction():
            store.save_article(_article())
            assert other.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        assert other.execute("SELECT status FROM articles").fetchone()[0] == "analysed"
    finally:
        other.close()


def test_summary_counts(store: Store) -> None:
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


def test_iter_articles_pages_in_publication_order(store: Store) -> None:
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


# PostgreSQL text cannot hold NUL (U+0000); on that backend an article carrying one fails to
# store (psycopg.DataError, a per-article failure of the ingest runner: test below).
_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=200)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=st.none() | _TEXT, body=_TEXT, raw=st.binary(max_size=200), removed=st.lists(_TEXT))
def test_any_unicode_round_trips_exactly(
    store: Store, title: str | None, body: str, raw: bytes, removed: list[str]
) -> None:
    store.conn.execute("DELETE FROM articles")  # one store for every example: start empty
    article = Article(raw_text=body, raw=raw, title=title, source_path="p")
    article.text = body
    article.removed = [RemovedLine(line, "reason") for line in removed]
    assert store.add_raw(article)
    store.save_article(article)
    loaded = store.get_article(article.id)
    assert loaded == article
    assert store.get_raw(article.id) == raw


def test_sqlite_keeps_nul_characters() -> None:
    with SQLiteStore(":memory:") as store:
        article = Article(raw_text="a\x00b", source_path="p")
        article.text = "a\x00b"
        store.save_article(article)
        assert store.get_article(article.id) == article


def test_postgres_refuses_nul_characters_as_bad_data(pg_url: str) -> None:
    with pg.PostgresStore(pg_url) as store:
        with pytest.raises(psycopg.DataError):
            store.add_raw(Article(raw_text="a\x00b", source_path="p"))
        assert store.count_articles() == 0  # the failed write left nothing behind
        store.add_raw(_article())  # and the connection is usable again
        assert store.count_articles() == 1


def test_failures_list_what_was_not_read_or_analysed_until_read_again(store: Store) -> None:
    store.record_failure("in/a.jsonl:line 2", "malformed JSON")
    store.record_failure("in/a.jsonl:line 2", "malformed JSON, again")  # a second run
    store.record_failure("in/a.jsonl.bak", "empty file")  # another input sharing the prefix
    store.record_failure("in/empty.txt", "empty file")
    bad = _article()
    store.add_raw(bad)
    store.mark_failed(bad.id, bad.label, "stage quotes failed: TypeError: x")
    assert [(f["kind"], f["item"], f["reason"]) for f in store.failures()] == [
        ("unreadable", "in/a.jsonl.bak", "empty file"),
        ("unreadable", "in/a.jsonl:line 2", "malformed JSON, again"),
        ("unreadable", "in/empty.txt", "empty file"),
        ("analysis", "in/a.txt", "stage quotes failed: TypeError: x"),
    ]
    assert store.clear_read_failures("in/a.jsonl") == 2  # itself and its records only
    assert store.clear_read_failures("in/empty.txt") == 1
    bad.text = bad.raw_text
    store.save_article(bad)  # analysed at last: no longer failed
    assert [f["item"] for f in store.failures()] == ["in/a.jsonl.bak"]
    assert store.summary()["unreadable_items"] == 1
