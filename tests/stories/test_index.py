from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np

from storyline.stories.embed import HashingEmbedder
from storyline.stories.index import WINDOW_DAYS, StoryIndex, stream_order
from storyline.stories.similarity import Evidence, build_evidence

EVENTS = [
    "Five surfers drowned off Scheveningen near The Hague on Monday, Dutch police said.",
    "Apple unveiled the iPhone 11 in Cupertino on Tuesday with three cameras and a faster chip.",
    "Lionel Messi scored twice as Barcelona beat Sevilla 4-0 at Camp Nou on Sunday night.",
]


def _stream() -> list[dict[str, object]]:
    """Three events, each reported four times with small rewordings, on nearby days."""
    rows = []
    for e, event in enumerate(EVENTS):
        for r in range(4):
            rows.append(
                {
                    "id": f"{e}-{r}",
                    "title": event.split(",")[0] + ("" if r % 2 else " (update)"),
                    "text": event + f" Report {r}: more details followed later.",
                    "published": date(2020, 3, 1 + e * 3 + r % 2),
                    "language": "en",
                }
            )
    return rows


def _cluster(rows: list[dict[str, object]]) -> dict[str, str]:
    evidence = {e.id: e for e in build_evidence(rows, HashingEmbedder())}
    index = StoryIndex(dim=384)
    order = stream_order((e.id, e.published) for e in evidence.values())
    return {i: index.assign(evidence[i]).story_id for i in order}


def _partition(assigned: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for article, story in assigned.items():
        groups.setdefault(story, set()).add(article)
    return {frozenset(g) for g in groups.values()}


def test_reports_of_one_event_form_one_story_each() -> None:
    partition = _partition(_cluster(_stream()))
    expected = {frozenset(f"{e}-{r}" for r in range(4)) for e in range(3)}
    assert partition == expected


def test_result_does_not_depend_on_input_order() -> None:
    rows = _stream()
    first = _cluster(rows)
    for seed in range(3):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        assert _cluster(shuffled) == first  # same stories, same ids


def test_stream_order_puts_undated_articles_last() -> None:
    order = stream_order(
        [("b", None), ("c", date(2020, 1, 2)), ("a", date(2020, 1, 2)), ("d", date(2019, 5, 1))]
    )
    assert order == ["d", "a", "c", "b"]


def _evidence(i: int, day: date) -> Evidence:
    rng = np.random.default_rng(i)
    vector = rng.normal(size=16).astype(np.float32)
    vector /= np.linalg.norm(vector)
    return Evidence(f"a{i}", vector, frozenset({f"N:K{i}"}), frozenset(), day, "en")


def test_old_stories_leave_the_ann_window() -> None:
    index = StoryIndex(dim=16)
    start = date(2020, 1, 1)
    for i in range(400):
        index.assign(_evidence(i, start + timedelta(days=i)))
    # One unrelated story a day: only the window's stories stay searchable and in memory.
    assert index.active() <= WINDOW_DAYS + 1
    assert len(index.stories) == index.active()
    assert index.evicted >= 400 - WINDOW_DAYS - 1


def test_a_later_near_repeat_opens_a_story_in_the_same_thread() -> None:
    index = StoryIndex(dim=16)
    first = _evidence(1, date(2020, 1, 1))
    follow_up = Evidence("later", first.vector, first.keys, first.numbers, date(2020, 1, 25), "en")
    unrelated = _evidence(2, date(2020, 1, 26))
    a = index.assign(first)
    b = index.assign(follow_up)
    c = index.assign(unrelated)
    assert b.new_story and b.story_id != a.story_id
    assert b.thread_id == a.thread_id
    assert c.thread_id not in {a.thread_id}
