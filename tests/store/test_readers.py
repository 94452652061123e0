"""storyline.store.readers beyond the API and agreement tests (which run them on both stores):
the windowed walk that orders stories by their latest article."""

from __future__ import annotations

import sqlite3

from storyline.store.readers import NO_FILTERS, STORY_WINDOW_PER_STORY, SQLReaders


def test_latest_story_ids_grows_its_window_past_a_big_story() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE articles (id TEXT, status TEXT, published TEXT, story_id TEXT)")
    rows = [(f"a{i:02d}", "analysed", f"2024-01-{30 - i:02d}", "s-big") for i in range(12)]
    rows += [("b00", "analysed", "2024-01-01", "s-old"), ("c00", "analysed", "2024-01-01", "s-tie")]
    rows += [("d00", "analysed", None, "s-undated")]
    conn.executemany("INSERT INTO articles VALUES (?, ?, ?, ?)", rows)
    reader = SQLReaders(conn)
    # The big story fills the first window: the walk reads a bigger one.
    assert 2 * STORY_WINDOW_PER_STORY < 12
    assert reader.latest_story_ids(NO_FILTERS, 2) == ["s-big", "s-old"]
    # Same date: ties by article id; undated stories last.
    assert reader.latest_story_ids(NO_FILTERS, 10) == ["s-big", "s-old", "s-tie", "s-undated"]
    assert reader.latest_story_ids(NO_FILTERS, 1) == ["s-big"]
