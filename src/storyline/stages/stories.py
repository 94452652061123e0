"""Story clustering across outlets and languages.

PLACEHOLDER: passes articles through unchanged until this stage is built.
"""

from __future__ import annotations

from storyline.article import Article
from storyline.stages import Corpus


class StoryStage:
    name = "stories"
    requires: tuple[str, ...] = ("title", "text", "language", "entities", "published")
    assigns: tuple[str, ...] = ("story_id", "thread_id", "duplicate_of", "translation_of")

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    def prepare(self, batch: list[Article]) -> None:
        pass

    def __call__(self, article: Article) -> Article:
        return article
