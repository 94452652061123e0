"""The PostgreSQL store beyond the shared Store tests (tests/test_store.py): the parameter
adapter, the whole ingest pipeline against PostgreSQL giving the SQLite export, keyword search
on the tsvector index, semantic search on the stored vectors, the CLI on a postgresql:// URL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storyline.batch import ingest
from storyline.cli import app
from storyline.corpus import Corpus
from storyline.entities.registry import entity_rows, load_registry
from storyline.pipeline import Pipeline
from storyline.queries import Filters
from storyline.search import PassageQueryEmbedder, VectorIndex, keyword_search, search
from storyline.store import Store, has_table, sql_dialect
from storyline.store.postgres import PostgresStore, redact, to_psycopg
from storyline.store.sqlite import SQLiteStore
from storyline.stories.embed import HashingEmbedder, story_text
from storyline.stories.stage import StoryStage

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "articles"
LIGHT = ("language", "clean", "metadata")


def test_placeholders_are_translated_outside_quoted_text() -> None:
    assert to_psycopg("SELECT ? , '?' , \"a?\" , x % 2 FROM t WHERE y = ?") == (
        "SELECT %s , '?' , \"a?\" , x %% 2 FROM t WHERE y = %s"
    )
    assert to_psycopg("SELECT 'it''s ?' WHERE a = ?") == "SELECT 'it''s ?' WHERE a = %s"


def test_password_is_redacted() -> None:
    assert redact("postgresql://u:pw@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert redact("postgresql://u@h/db") == "postgresql://u@h/db"


def test_adapter_speaks_sqlite_style_sql(pg_url: str) -> None:
    with PostgresStore(pg_url) as store:
        conn = store.conn
        assert sql_dialect(conn) == "postgresql" and sql_dialect(object()) == "sqlite"
        assert has_table(conn, "story_members") and not has_table(conn, "nope")
        with store.transaction():
            conn.executemany(
                "INSERT INTO story_df (key, df) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET df = excluded.df",
                [("a", 1), ("b%", 2), ("a", 3)],
            )
        rows = conn.execute("SELECT key, df FROM story_df WHERE key LIKE ? ORDER BY key", ("%",))
        assert rows.fetchall() == [("a", 3), ("b%", 2)]


def _export(store: Store) -> list[dict[str, Any]]:
    return [article.to_dict() for article in store.iter_articles()]


@pytest.mark.slow
def test_full_pipeline_on_postgres_exports_what_sqlite_exports(
    pg_url: str, seed_paths: list[Path], tmp_path: Path
) -> None:
    paths = [*map(str, seed_paths), str(EXAMPLES)]
    exports, registries, summaries = [], [], []
    for store in (SQLiteStore(tmp_path / "lite.db"), PostgresStore(pg_url)):
        with store:
            report = ingest(paths, store, Pipeline(store=store))
            assert report.failed == 0, report.failures
            assert report.ingested == store.count_articles() >= 10
            exports.append(_export(store))
            registries.append(entity_rows(load_registry(store.conn)))
            summary = store.summary()
            summary.pop("database")
            summaries.append(summary)
    # Compared by id: articles of the same date are listed in the wall-clock order they were
    # read (ingested_at, whole seconds), which may differ between the two runs.
    lite, server = (sorted(e, key=lambda a: a["id"]) for e in exports)
    assert [a["id"] for a in server] == [a["id"] for a in lite]
    for a, b in zip(lite, server, strict=True):
        assert b == a, a["id"]
    assert any(a["entities"] for a in server) and any(a["quotes"] for a in server)
    assert len({a["story_id"] for a in server}) < len(server)  # some stories span articles
    assert registries[1] == registries[0]
    assert summaries[1] == summaries[0]
    # A second run over the same input adds nothing, and keeps every story.
    with PostgresStore(pg_url) as store:
        again = ingest(paths, store, Pipeline(store=store))
        assert again.ingested == 0 and again.unchanged == len(server)
        assert sorted(_export(store), key=lambda a: a["id"]) == server


@pytest.fixture
def pg_examples(pg_url: str) -> PostgresStore:
    """The example corpus through the light stages and the story stage (hashing embedder, so no
    model loads), in PostgreSQL."""
    store = PostgresStore(pg_url)
    pipeline = Pipeline(store=store, stages=LIGHT)
    pipeline.stages.append(StoryStage(Corpus(store=store), embedder=HashingEmbedder()))
    report = ingest([str(EXAMPLES)], store, pipeline)
    assert report.failed == 0 and report.ingested >= 8
    return store


def _texts(store: Store, ids: list[str]) -> list[str]:
    return [(store.get_article(i) or pytest.fail(i)).text for i in ids]


def test_keyword_search_on_postgres_finds_the_article(pg_examples: PostgresStore) -> None:
    conn = pg_examples.conn
    ids, match = keyword_search(conn, "cabillaud Barents", Filters())
    assert ids and match == "'cabillaud' & 'Barents'"
    assert "cabillaud" in _texts(pg_examples, ids)[0]
    # Accents folded by unaccent: unaccented words find "douloureuse mais nécessaire", "Tromsø".
    assert keyword_search(conn, "necessaire Tromso", Filters())[0][0] == ids[0]
    # No article has every word: any word may match.
    assert keyword_search(conn, "cabillaud zzzunknownzzz", Filters())[0]
    assert keyword_search(conn, "zzzunknownzzz", Filters()) == ([], "'zzzunknownzzz'")
    # Filters apply (language of the French article, none in Russian).
    assert keyword_search(conn, "cabillaud", Filters(language="fr"))[0]
    assert keyword_search(conn, "cabillaud", Filters(language="ru"))[0] == []


def test_search_page_on_postgres_has_snippets_and_semantic_hits(
    pg_examples: PostgresStore,
) -> None:
    embedder = PassageQueryEmbedder(HashingEmbedder())
    page = search(pg_examples.conn, "cabillaud", embedder=embedder, index=VectorIndex())
    assert page.items and page.extra["notice"] is None
    top = page.items[0]
    assert "keyword" in top["via"] and "cabillaud" in _texts(pg_examples, [top["id"]])[0]
    assert any(seg["hit"] and seg["text"].lower() == "cabillaud" for seg in top["snippet"])
    # The stored vector is the title + lead's: the same text as a query finds it (cosine ~1).
    article = pg_examples.get_article(top["id"])
    assert article is not None
    lead = story_text(article.title, article.text)
    semantic = search(
        pg_examples.conn, lead, mode="semantic", embedder=embedder, index=VectorIndex()
    )
    assert semantic.items[0]["id"] == top["id"] and semantic.items[0]["cosine"] > 0.9


def test_keyword_search_ranks_like_sqlite(pg_examples: PostgresStore, tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "lite.db") as lite:
        ingest([str(EXAMPLES)], lite, Pipeline(store=lite, stages=LIGHT))
        for query in ("cabillaud", "Streik BVG", "quota"):
            lite_ids, _ = keyword_search(lite.conn, query, Filters())
            pg_ids, _ = keyword_search(pg_examples.conn, query, Filters())
            assert set(pg_ids) == set(lite_ids) and pg_ids[:1] == lite_ids[:1], query


def test_cli_works_on_a_postgresql_url(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    env = {"STORYLINE_DB": pg_url, "COLUMNS": "200"}
    result = runner.invoke(
        app, ["ingest", str(EXAMPLES), "--stages", ",".join(LIGHT), "-q"], env=env
    )
    assert result.exit_code == 0, result.output
    exported = runner.invoke(app, ["export", "--db", pg_url])
    rows = [json.loads(line) for line in exported.stdout.splitlines() if line.startswith("{")]
    assert exported.exit_code == 0 and len(rows) >= 8
    listed = runner.invoke(app, ["articles"], env=env)
    assert listed.exit_code == 0 and all(row["id"] in listed.output for row in rows)
    shown = runner.invoke(app, ["show", rows[0]["id"][:10], "--db", pg_url])
    assert shown.exit_code == 0 and rows[0]["id"] in shown.output
    summary = runner.invoke(app, ["summary"], env=env)
    assert summary.exit_code == 0 and "postgresql://" in summary.output
    # serve builds the app over the PostgreSQL store (uvicorn itself is not started here).
    started: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.append(app))
    served = runner.invoke(app, ["serve", "--db", pg_url])
    assert served.exit_code == 0, served.output
    assert isinstance(started[0].state.storyline.store, PostgresStore)
    assert "postgresql://" in served.output


def test_serve_says_when_postgresql_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("uvicorn.run", lambda app, **options: pytest.fail("served"))
    dead = "postgresql://nobody:pw@127.0.0.1:1/none?connect_timeout=2"
    served = CliRunner().invoke(app, ["serve", "--db", dead])
    assert served.exit_code == 1 and "cannot connect to PostgreSQL" in served.output
    assert "pw" not in served.output  # the password is masked


def test_nul_characters_of_an_input_never_reach_postgres(pg_url: str, tmp_path: Path) -> None:
    """PostgreSQL text holds no NUL (tests/test_store.py); the readers' normalisation drops it,
    so an input carrying one ("\\u0000" in JSON) is stored like any other."""
    feed = tmp_path / "wire.jsonl"
    lines = [{"title": "Fine", "text": "A plain article."}, {"title": "Nul", "text": "a\u0000b"}]
    feed.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    with PostgresStore(pg_url) as store:
        report = ingest([str(feed)], store, Pipeline(store=store, stages=LIGHT))
        assert (report.ingested, report.failed) == (2, 0)
        assert all("\x00" not in a.raw_text for a in store.iter_articles())
