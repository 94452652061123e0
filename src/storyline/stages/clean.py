"""Removal of scrape junk from already-extracted text.

PLACEHOLDER: passes articles through unchanged until this stage is built.
"""

from __future__ import annotations

from storyline.article import Article
from storyline.stages import Corpus


class CleanStage:
    name = "clean"
    requires: tuple[str, ...] = ("raw_text", "language", "source")
    assigns: tuple[str, ...] = ("text", "title", "removed")

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    def prepare(self, batch: list[Article]) -> None:
        pass

    def __call__(self, article: Article) -> Article:
        return article
