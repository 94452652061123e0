"""The quotes stage's cost grows linearly with the text's length (issue 12), counted, not timed."""

from __future__ import annotations

import pytest

from _cost import LINEAR_SLACK, lines_executed, long_article
from storyline.nlp import parse
from storyline.quotes.stage import extract_quotes


@pytest.mark.parametrize(("language", "one_paragraph"), [("en", False), ("de", True)])
def test_quote_extraction_is_linear(language: str, one_paragraph: bool) -> None:
    counts = []
    for repeats in (10, 40):
        article = long_article(repeats, language, one_paragraph)
        parse(article)  # the parse is the speed owner's (storyline.nlp), not counted here
        counts.append(lines_executed(lambda a=article: extract_quotes(a)))  # type: ignore[misc]
        assert len(extract_quotes(article)) >= 2 * repeats  # the quotes are found
    assert counts[1] < LINEAR_SLACK * counts[0], counts
