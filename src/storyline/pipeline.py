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

The pipeline splits in two (:meth:`Pipeline.split`): the **parallel prefix** — language, clean,
metadata (``Stage.parallel``), then the model part of the later stages (``precompute``: entities'
NER, the story embeddings) — needs nothing but the article and its batch, so
``storyline ingest --engine dask`` runs it on workers (:mod:`storyline.engine`); the **corpus
suffix** — entities (registry resolution), quotes, claims, stories — needs the corpus state and
runs in one process, in order. :meth:`run_parallel` then :meth:`run_corpus` give what :meth:`run`
gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from storyline.article import Article
from storyline.claims.stage import ClaimStage
from storyline.clean.stage import CleanStage
from storyline.config import Settings
from storyline.corpus import Corpus, Precomputing, Stage
from storyline.entities.stage import EntityStage
from storyline.language.stage import LanguageStage
from storyline.metadata.stage import MetadataStage
from storyline.quotes.stage import QuoteStage
from storyline.store import Store
from storyline.stories.stage import StoryStage

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
        return _run(self.stages, batch)

    def split(self) -> tuple[list[Stage], list[Stage]]:
        """The parallel prefix (the leading ``parallel`` stages) and the corpus suffix (the rest,
        from the first stage that needs corpus state)."""
        cut = next((i for i, s in enumerate(self.stages) if not s.parallel), len(self.stages))
        return self.stages[:cut], self.stages[cut:]

    def run_parallel(self, batch: Iterable[Article]) -> list[Article]:
        """The prefix, then the suffix stages' ``precompute`` (NER, embeddings): what a worker
        runs. Results stay on the articles (fields, and ``annotations`` for the precomputed)."""
        prefix, suffix = self.split()
        articles = _run(prefix, batch)
        for stage in suffix:
            if isinstance(stage, Precomputing):
                stage.precompute(articles)
        return articles

    def run_corpus(self, batch: Iterable[Article]) -> list[Article]:
        """The suffix, over a batch :meth:`run_parallel` has been through (here or elsewhere)."""
        return _run(self.split()[1], batch)

    def analyze(self, text_or_path: str | Path) -> Article:
        """Analyse one article given as text or as a path to any supported input file.

        A path holding several records (JSONL, feed, WARC) gives its first article; use
        :func:`storyline.ingest.read_paths` and :meth:`run` for all of them.
        """
        from storyline.ingest import read_one

        return self.run([read_one(text_or_path)])[0]


def _run(stages: Sequence[Stage], batch: Iterable[Article]) -> list[Article]:
    articles = list(batch)
    for stage in stages:
        stage.prepare(articles)
        articles = [stage(article) for article in articles]
    return articles
