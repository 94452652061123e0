"""The pattern recogniser's cost grows linearly with the text's length (issue 12), counted."""

from __future__ import annotations

import pytest

from _cost import LINEAR_SLACK, lines_executed, long_article
from storyline.entities.lexicon_ner import LexiconNer


@pytest.mark.parametrize("one_paragraph", [False, True])
def test_pattern_recogniser_is_linear(one_paragraph: bool) -> None:
    ner = LexiconNer("de")
    counts = []
    for repeats in (10, 40):
        article = long_article(repeats, "de", one_paragraph)
        article.entities = []
        counts.append(lines_executed(lambda a=article: ner(a)))  # type: ignore[misc]
        names = [m.text for m in ner(article)]
        assert names.count("Alexander Kinshak") == repeats  # the names are found
    assert counts[1] < LINEAR_SLACK * counts[0], counts
