"""The article-size limit: an oversized text is refused by name, the rest of the batch lands."""

from __future__ import annotations

import json
from pathlib import Path

from storyline.errors import InputError
from storyline.ingest import read_paths
from storyline.ingest.sniff import MAX_ARTICLE_CHARS


def test_a_text_over_the_limit_is_refused_by_name_and_the_next_file_is_read(
    tmp_path: Path,
) -> None:
    sentence = "The minister said the budget would grow by 3 percent next year. "
    (tmp_path / "a_huge.txt").write_text(sentence * (MAX_ARTICLE_CHARS // len(sentence) + 2))
    (tmp_path / "b_small.txt").write_text("Small article\n\n" + sentence * 3)
    items = list(read_paths([str(tmp_path)]))
    assert len(items) == 2
    error, article = items
    assert isinstance(error, InputError)
    assert error.item.endswith("a_huge.txt") and "longer than the limit of 1,000,000" in str(error)
    assert not isinstance(article, InputError) and article.source_path.endswith("b_small.txt")


def test_a_jsonl_record_over_the_limit_is_named_by_its_line(tmp_path: Path) -> None:
    lines = [
        {"text": "Fine article text about the harbour strike. " * 5},
        {"text": "x " * (MAX_ARTICLE_CHARS // 2 + 1)},
        {"text": "Another fine article about the harbour strike. " * 5},
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    items = list(read_paths([str(path)]))
    assert [isinstance(i, InputError) for i in items] == [False, True, False]
    assert items[1].item == f"{path}:line 2"  # type: ignore[union-attr]
