"""The whole flow on one screen: ingest → the stages below, in order → store → export.

========  ========================================  ===========================================
stage     reads                                     assigns
========  ========================================  ===========================================
language  raw_text                                  language, language_score
clean     raw_text, language, source                text, title, removed
metadata  removed, text, url, language              published, published_source, source, author
entities  text, language                            entities (+ the corpus entity registry)
quotes    text, language, entities                  quotes
claims    text, language, entities, quotes          claims
stories   title, text, language, entities, published story_id, thread_id, duplicate_of, ...
========  ========================================  ===========================================

Stages run stage by stage over a batch (:meth:`Pipeline.run`), so a stage may look at the whole
batch first (:meth:`Stage.prepare`): the cleaner counts lines recurring per source, the story stage
orders articles by publication date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from storyline.article import Article
from storyline.config import Settings
from storyline.stages import Corpus, Stage
from storyline.stages.claims import ClaimStage
from storyline.stages.clean import CleanStage
from storyline.stages.entities import EntityStage
from storyline.stages.language import LanguageStage
from storyline.stages.metadata import MetadataStage
from storyline.stages.quotes import QuoteStage
from storyline.stages.stories import StoryStage
from storyline.store import Store

# The stages, in the order they run. Each factory takes the shared Corpus.
STAGES: list[tuple[str, Callable[[Corpus], Stage]]] = [
    ("language", LanguageStage),
    ("clean", CleanStage),
    ("metadata", MetadataStage),
    ("entities", EntityStage),
    ("quotes", QuoteStage),
    ("claims", ClaimStage),
    ("stories", StoryStage),
]
STAGE_NAMES = tuple(name for name, _ in STAGES)


class Pipeline:
    """Runs the stages over articles.

    >>> article = Pipeline().analyze("path/to/article.html")  # doctest: +SKIP

    ``stages`` picks a subset by name (kept in pipeline order), e.g. ``("language", "clean")``.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        store: Store | None = None,
        stages: Sequence[str] | None = None,
    ) -> None:
        unknown = set(stages or ()) - set(STAGE_NAMES)
        if unknown:
            raise ValueError(f"unknown stages {sorted(unknown)}; known: {', '.join(STAGE_NAMES)}")
        self.corpus = Corpus(settings=settings or Settings(), store=store)
        wanted = set(stages) if stages is not None else set(STAGE_NAMES)
        self.stages: list[Stage] = [make(self.corpus) for name, make in STAGES if name in wanted]

    def run(self, batch: Iterable[Article]) -> list[Article]:
        """Analyse a batch in place, stage by stage; returns the batch."""
        articles = list(batch)
        for stage in self.stages:
            stage.prepare(articles)
            articles = [stage(article) for article in articles]
        return articles

    def analyze(self, text_or_path: str | Path) -> Article:
        """Analyse one article given as text or as a path to any supported input file.

        A path holding several records (JSONL, feed, WARC) gives its first article; use
        :func:`storyline.ingest.read_paths` and :meth:`run` for all of them.
        """
        from storyline.ingest import read_one

        return self.run([read_one(text_or_path)])[0]
