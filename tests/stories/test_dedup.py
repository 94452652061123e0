from __future__ import annotations

from pathlib import Path

from storyline.stories.dedup import CopyIndex, minhash, shingles


def _body(seed_paths: list[Path], i: int) -> str:
    return seed_paths[i].read_text(encoding="utf-8")


def test_syndicated_copy_with_other_boilerplate_is_found(seed_paths: list[Path]) -> None:
    original = _body(seed_paths, 2)
    # Another outlet runs the same wire text: new headline, own footer, last paragraph cut.
    paragraphs = original.split("\n\n")
    copy = "Syria op over, says Moscow\n\n" + "\n\n".join(paragraphs[1:-1]) + "\n\nShare this story"
    index = CopyIndex()
    first, second = minhash(original), minhash(copy)
    assert first is not None and second is not None
    assert index.find_original(first) is None
    index.add("orig", first)
    assert index.find_original(second) == "orig"


def test_independent_reports_of_one_story_are_not_copies(seed_paths: list[Path]) -> None:
    # 000 (English) and 004 (French) report the same statement but share no wording.
    index = CopyIndex()
    sketches = [minhash(_body(seed_paths, i)) for i in (0, 1, 2, 3)]
    for i, sketch in enumerate(sketches):
        assert sketch is not None
        assert index.find_original(sketch) is None
        index.add(str(i), sketch)
    assert len(index) == 4


def test_short_text_is_never_a_copy() -> None:
    assert minhash("Breaking news: markets fall") is None
    assert shingles("one two three four five six") == {
        "one two three four five",
        "two three four five six",
    }


def test_sketch_round_trips_through_bytes(seed_paths: list[Path]) -> None:
    sketch = minhash(_body(seed_paths, 0))
    assert sketch is not None
    again = CopyIndex.from_bytes(CopyIndex.to_bytes(sketch))
    assert again.jaccard(sketch) == 1.0
    index = CopyIndex()
    index.add("a", sketch)
    index.remove("a")
    assert index.find_original(again) is None
