"""Numeric claims and predictions.

PLACEHOLDER: passes articles through unchanged until this stage is built.
"""

from __future__ import annotations

from storyline.article import Article
from storyline.stages import Corpus


class ClaimStage:
    name = "claims"
    requires: tuple[str, ...] = ("text", "language", "entities", "quotes")
    assigns: tuple[str, ...] = ("claims",)

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    def prepare(self, batch: list[Article]) -> None:
        pass

    def __call__(self, article: Article) -> Article:
        return article
