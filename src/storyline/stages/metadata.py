"""Publication date, outlet and author.

PLACEHOLDER: passes articles through unchanged until this stage is built.
"""

from __future__ import annotations

from storyline.article import Article
from storyline.stages import Corpus


class MetadataStage:
    name = "metadata"
    requires: tuple[str, ...] = ("removed", "text", "url", "language")
    assigns: tuple[str, ...] = ("published", "published_source", "source", "author")

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    def prepare(self, batch: list[Article]) -> None:
        pass

    def __call__(self, article: Article) -> Article:
        return article
