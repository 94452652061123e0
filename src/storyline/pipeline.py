"""The whole flow on one screen: ingest → the stages below, in order → store → export.

========  ==============================================  =======================================
stage     reads                                           assigns
========  ==============================================  =======================================
language  raw_text                                        language, language_score
clean     raw_text, language, source, title, url, hints   text, title, removed
metadata  raw_text, removed, text, url, language, hints,  published, published_source,
          author, published, source                       published_confidence, source, author
entities  text, language, published                       entities (+ registry evidence)
quotes    text, language, entities                        quotes
claims    text, language, entities, quotes                claims
stories   title, text, language, entities, published,     story_id, thread_id, duplicate_of,
          source                                          translation_of (+ story index rows)
travel    quotes                                          (quote vectors rows, for the travel view)
========  ==============================================  =======================================

Each stage declares what it ``requires`` and ``assigns``; :func:`check_declarations` checks
them when a pipeline is built (``tests/test_pipeline.py`` compares them with what each stage
really reads and writes).

A chunk of articles runs in two parts (:meth:`Pipeline.split`):

- the **parallel prefix** — language, clean, metadata (``Stage.parallel``) — stage by stage over
  the chunk, so a stage may look at the whole chunk first (:meth:`Stage.prepare`: the cleaner
  counts lines recurring per outlet); with ``storyline ingest --engine dask`` it runs on workers
  (:mod:`storyline.engine`), with the model part of the later stages (``precompute``: NER, the
  story embeddings);
- the **corpus suffix** — entities (registry resolution), quotes, claims, stories, travel — needs
  the corpus state, so it runs here, **article by article** (a chunk's articles in publication
  order): each article's changes to corpus state are committed with it (:mod:`storyline.corpus`)
  before the next one is analysed. Chunks are fixed slices of the stored order, so the result
  depends on the input order, never on where a run was interrupted.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields
from pathlib import Path

from storyline.article import Article
from storyline.claims.stage import ClaimStage
from storyline.clean.stage import CleanStage
from storyline.config import Settings
from storyline.corpus import Change, Corpus, Precomputing, Stage
from storyline.entities.stage import EntityStage
from storyline.errors import ConfigError
from storyline.language.stage import LanguageStage
from storyline.metadata.stage import MetadataStage
from storyline.quotes.stage import QuoteStage
from storyline.store import Store
from storyline.stories.stage import StoryStage
from storyline.travel.stage import QuoteVectorStage

# The stages, in the order they run. Each factory takes the shared Corpus.
STAGES: list[tuple[str, Callable[[Corpus], Stage]]] = [
    ("language", LanguageStage),
    ("clean", CleanStage),
    ("metadata", MetadataStage),
    ("entities", EntityStage),
    ("quotes", QuoteStage),
    ("claims", ClaimStage),
    ("stories", StoryStage),
    ("travel", QuoteVectorStage),
]
STAGE_NAMES = tuple(name for name, _ in STAGES)


ARTICLE_FIELDS = frozenset(f.name for f in fields(Article))

# Article fields that ingest fills before any stage runs (the readers and Article.from_input).
INGEST_ASSIGNS: tuple[str, ...] = (
    "id",
    "raw_text",
    "raw",
    "source_path",
    "record",
    "input_format",
    "encoding",
    "url",
    "source",
    "author",
    "title",
    "language",
    "published",
    "published_source",
    "published_confidence",
    "modified",
    "hints",
)

# One analysed article as the runner gets it: the article, why it failed (None if it did not),
# and its changes to corpus state, to commit with it.
Result = tuple[Article, str | None, list[Change]]


class Pipeline:
    """Runs the stages over articles.

    >>> article = Pipeline().analyze("path/to/article.html")  # doctest: +SKIP

    ``stages`` picks a subset by name (kept in pipeline order), e.g. ``("language", "clean")``.
    Every stage's ``requires`` must be assigned by ingest or an earlier stage of the pipeline
    (checked here, as spaCy's ``analyze_pipes`` does): a :class:`ConfigError` names the gap.
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
        check_declarations(self.stages)

    def run(self, batch: Iterable[Article]) -> list[Article]:
        """Analyse a batch in place and return it; a stage's exception propagates. With a
        store, each article is saved with its corpus-state changes as soon as the corpus stages
        are through with it (:func:`storyline.batch.ingest` adds the raw-input phase, chunks,
        and failures that do not stop the batch)."""
        articles = list(batch)
        prefix, suffix = self.split()
        for stage in prefix:
            stage.prepare(articles)
            articles = [stage(article) for article in articles]
        for stage in suffix:
            stage.prepare(articles)
        out = list(articles)
        store = self.corpus.store
        for index in _stream_positions(articles):
            article = articles[index]
            try:
                for stage in suffix:
                    article = stage(article)
            except BaseException:
                self.corpus.reset()
                raise
            changes = self.corpus.take(article.id)
            if store is not None:
                store.save_article(article, changes)
            out[index] = article
        return out  # in the order given, every article (two records of one text included)

    def analyse_parallel(
        self, prefix: Sequence[Stage], batch: Sequence[Article], context: Sequence[Article] = ()
    ) -> list[tuple[Article, str | None]]:
        """The parallel stages over ``batch``, stage by stage: each article with the error that
        stopped it (None when none did). ``context``: the chunk's articles analysed in an earlier
        run, which ``prepare`` sees beside ``batch`` (e.g. lines recurring per outlet), so that a
        rerun after a kill cleans exactly as the uninterrupted run did."""
        results: list[tuple[Article, str | None]] = [(a, None) for a in batch]
        for stage in prefix:
            alive = [a for a, error in results if error is None]
            stage.prepare([*context, *alive])
            results = [_call(stage, a) if error is None else (a, error) for a, error in results]
        return results

    def analyse_corpus(
        self, results: Iterable[tuple[Article, str | None]], suffix: Sequence[Stage] | None = None
    ) -> Iterator[Result]:
        """The corpus stages, article by article, over what the parallel stages left. After a
        failure the in-memory corpus state is dropped (:meth:`Corpus.reset`): it reloads from
        the store, which holds exactly the articles committed so far."""
        stages = self.split()[1] if suffix is None else suffix
        done = list(results)
        alive = _stream_order([a for a, error in done if error is None])
        done = [(a, e) for a, e in done if e is not None] + [(a, None) for a in alive]
        for stage in stages:
            with contextlib.suppress(Exception):  # batched model calls: each call works without
                stage.prepare(alive)
        for article, error in done:
            if error is not None:
                yield article, error, []
                continue
            for stage in stages:
                article, error = _call(stage, article)
                if error is not None:
                    self.corpus.reset()
                    yield article, error, []
                    break
            else:
                yield article, None, self.corpus.take(article.id)

    def split(self) -> tuple[list[Stage], list[Stage]]:
        """The parallel prefix (the leading ``parallel`` stages) and the corpus suffix (the rest,
        from the first stage that needs corpus state)."""
        cut = next((i for i, s in enumerate(self.stages) if not s.parallel), len(self.stages))
        return self.stages[:cut], self.stages[cut:]

    def run_parallel(
        self, batch: Sequence[Article], context: Sequence[Article] = ()
    ) -> list[tuple[Article, str | None]]:
        """The prefix, then the suffix stages' ``precompute`` (NER, embeddings): what a worker
        runs. Results stay on the articles (fields, and ``annotations`` for the precomputed);
        :meth:`analyse_corpus` takes them from there."""
        prefix, suffix = self.split()
        results = self.analyse_parallel(prefix, batch, context)
        alive = [a for a, error in results if error is None]
        for stage in suffix:
            if isinstance(stage, Precomputing):
                # an optimisation only: the stage's own call computes what is missing
                with contextlib.suppress(Exception):
                    stage.precompute(alive)
        return results

    def analyze(self, text_or_path: str | Path) -> Article:
        """Analyse one article given as text or as a path to any supported input file.

        A path holding several records (JSONL, feed, WARC) gives its first article; use
        :func:`storyline.ingest.read_paths` and :meth:`run` for all of them.
        """
        from storyline.ingest import read_one

        return self.run([read_one(text_or_path)])[0]


def check_declarations(stages: Sequence[Stage]) -> None:
    """Every field a stage ``requires`` is assigned by ingest or an earlier stage — or by a
    stage left out of this pipeline (then the caller supplies it: ``stages=("quotes",)`` over
    articles whose entities are set). A field only a *later* stage assigns is an ordering
    error, and a field that :class:`Article` does not have is a typo: both raise."""
    available = set(INGEST_ASSIGNS)
    later = {f for stage in stages for f in stage.assigns}
    for stage in stages:
        for f in (*stage.requires, *stage.assigns):
            if f not in ARTICLE_FIELDS:
                raise ConfigError(f"stage {stage.name!r} declares {f!r}, not an Article field")
        missing = [f for f in stage.requires if f not in available and f in later]
        if missing:
            raise ConfigError(
                f"stage {stage.name!r} requires {', '.join(missing)}, which only a later stage"
                " assigns"
            )
        available.update(stage.assigns)


def describe_failure(stage: str | None, exc: BaseException) -> str:
    """How a stage's exception reads in the report: the stage, the type and message, one line."""
    message = " ".join(str(exc).split()) or "(no message)"
    where = f"stage {stage}" if stage else "analysis"
    return f"{where} failed: {type(exc).__name__}: {message}"


def _stream_positions(articles: Sequence[Article]) -> list[int]:
    """The corpus stages take a chunk's articles in publication order (undated ones after,
    ties by id: :func:`storyline.stories.index.stream_key`), so a story starts with
    its earliest report whatever the file order. A rerun after a kill takes the chunk's
    remaining articles in the same order, the ones committed before being a prefix of it.
    Positions in ``articles``, not ids: two records of one text (one id) both come through, in
    the order given."""
    from storyline.stories.index import stream_key

    return sorted(
        range(len(articles)), key=lambda i: stream_key(articles[i].id, articles[i].published)
    )


def _stream_order(articles: Sequence[Article]) -> list[Article]:
    """``articles`` in processing order (:func:`_stream_positions`)."""
    return [articles[i] for i in _stream_positions(articles)]


def _call(stage: Stage, article: Article) -> tuple[Article, str | None]:
    try:
        return stage(article), None
    except Exception as exc:
        return article, describe_failure(stage.name, exc)
