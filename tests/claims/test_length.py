"""The claims stage's cost grows linearly with the text's length (issue 12), counted, not timed."""

from __future__ import annotations

import pytest

from _cost import LINEAR_SLACK, lines_executed, long_article
from storyline.claims.stage import contradiction_pairs, extract_claims
from storyline.nlp import parse
from storyline.quotes.stage import extract_quotes


@pytest.mark.parametrize(("language", "one_paragraph"), [("en", False), ("de", True)])
def test_claim_extraction_is_linear(language: str, one_paragraph: bool) -> None:
    counts = []
    for repeats in (10, 40):
        article = long_article(repeats, language, one_paragraph)
        parse(article)
        article.quotes = extract_quotes(article)
        counts.append(lines_executed(lambda a=article: extract_claims(a)))  # type: ignore[misc]
        assert len(extract_claims(article)) >= 2 * repeats
    assert counts[1] < LINEAR_SLACK * counts[0], counts


def test_one_voice_repeating_its_figures_costs_no_comparison() -> None:
    counts = []
    for repeats in (10, 40):
        article = long_article(repeats)
        parse(article)
        article.quotes = extract_quotes(article)
        article.claims = extract_claims(article)
        counts.append(lines_executed(lambda a=article: contradiction_pairs(a.claims, [a])))  # type: ignore[misc]
    assert counts[1] < LINEAR_SLACK * counts[0], counts
