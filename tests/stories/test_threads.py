"""Story readers (storyline.stories.threads) on a store a writer left half-done."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from storyline.cli import app
from storyline.store.sqlite import SQLiteStore
from storyline.stories.threads import list_stories, story_timeline


def _memberless_story(db: Path) -> None:
    """A story row without members, as two concurrent ingests left before the writer lock."""
    with SQLiteStore(db) as store, store.transaction() as conn:
        conn.execute(
            "INSERT INTO stories (id, thread_id, ann_key, n_articles, first_published,"
            " last_published, clock, centroid_sum, languages, first_member)"
            " VALUES ('s-empty', 't-empty', 1, 1, '2024-03-01', '2024-03-01', '2024-03-01',"
            " ?, '{\"en\": 1}', 'gone')",
            (b"\x00" * 16,),
        )


def test_a_story_without_members_is_skipped_not_a_crash(tmp_path: Path) -> None:
    """Issue 17: `storyline stories` crashed with `max() arg is an empty sequence`."""
    db = tmp_path / "s.db"
    _memberless_story(db)
    with SQLiteStore(db) as store:
        assert list_stories(store.conn, store.get_article) == []
        assert story_timeline(store.conn, store.get_article, "s-empty") is None
    result = CliRunner().invoke(app, ["stories", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "s-empty" not in result.output
    as_json = CliRunner().invoke(app, ["stories", "--json", "--db", str(db)])
    assert as_json.exit_code == 0 and as_json.stdout == ""
