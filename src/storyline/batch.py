"""The ingest runner: read inputs → store them raw → analyse them in chunks → store the results.

Two phases, each crash-safe:

1. **read** — every item from :func:`storyline.ingest.read_paths` is stored as read (raw bytes
   verbatim, status ``pending``) in its own short transaction; an id already stored is
   ``unchanged`` and costs nothing more. Unreadable items become failures naming the item; an
   input read again first loses its failures of earlier runs (:meth:`Store.failures` lists
   what has not been read successfully since).
2. **analyse** — every stored article not yet analysed (this run's and any left ``pending`` or
   ``failed`` by an earlier, interrupted or failing run) is analysed in chunks of
   :data:`CHUNK_SIZE`: the parallel stages over the chunk (:meth:`Pipeline.analyse_parallel`),
   then the corpus stages article by article (:meth:`Pipeline.analyse_corpus`). Each article is
   saved **with its changes to corpus state** (registry evidence, story index rows) in one
   transaction.

Killing the process at any moment therefore loses at most the article being saved — which the
next run finds still ``pending`` — and the store holds exactly the corpus state of the articles
it holds: the rerun continues from there and ends where an uninterrupted run ends (chunks are
fixed slices of the stored order, so it forms the same chunks; ``tests/test_batch.py`` kills runs
and compares). Re-analysing an article (``reanalyse``) replaces its evidence instead of adding
to it.

The whole run holds the store's writer lock (:meth:`Store.writer_lock`): a second ingest on the
same store is refused naming the first, instead of analysing the same articles twice.

A stage raising on one article fails that article only (reported with the stage and the
exception); the in-memory corpus state is then reloaded from the store, and the others land.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Literal, Protocol

from storyline.article import Article
from storyline.corpus import Change, Corpus, Stage
from storyline.errors import InputError
from storyline.extras import loaded
from storyline.ingest import read_paths
from storyline.store import Store

# Articles analysed per Pipeline.run call. Bigger chunks give batch-level stages (the cleaner's
# per-source recurring lines, the story stage's date ordering) more context; smaller ones lose less
# on a kill and hold fewer spaCy docs in memory. 64 seed-sized articles take a few seconds on
# 2 cores with every stage, so a kill loses seconds of work.
CHUNK_SIZE = 64

# What a write raises when the article itself is unstorable (e.g. a lone surrogate from a JSON
# "\ud800" escape cannot be encoded as UTF-8, PostgreSQL text holds no NUL character): that
# article fails, the batch goes on. Anything else from the database (disk full, locked beyond the
# timeout, connection lost) stops the run: nothing is lost.
_BAD_DATA = (UnicodeError, ValueError, sqlite3.DataError, sqlite3.IntegrityError)


def _bad_data() -> tuple[type[Exception], ...]:
    """:data:`_BAD_DATA`, with psycopg's two when a PostgreSQL store has loaded it (psycopg is
    an optional extra, so it is not imported here)."""
    psycopg = loaded("psycopg")
    return (*_BAD_DATA, psycopg.DataError, psycopg.IntegrityError) if psycopg else _BAD_DATA


Phase = Literal["read", "analyse"]
# progress(phase, done, total): total is None while reading (inputs are streamed).
Progress = Callable[[Phase, int, int | None], None]


class Analyser(Protocol):
    """What ingest needs of a :class:`~storyline.pipeline.Pipeline`."""

    corpus: Corpus

    def split(self) -> tuple[list[Stage], list[Stage]]: ...

    def analyse_parallel(
        self, prefix: Sequence[Stage], batch: Sequence[Article], context: Sequence[Article] = ()
    ) -> list[tuple[Article, str | None]]: ...

    def analyse_corpus(
        self, results: Iterable[tuple[Article, str | None]], suffix: Sequence[Stage] | None = None
    ) -> Iterator[tuple[Article, str | None, list[Change]]]: ...


class Engine(Protocol):
    """Where reading and analysis run when not in this process
    (:class:`storyline.engine.DaskEngine`): the items of ``paths`` in input order, as
    :func:`ingest` reads them; the parallel stages over each ``(chunk, context)``, as
    ``(article, error or None)``, chunk after chunk in the order given (the corpus stages run
    here). ``here`` is the runner's pipeline, for what an engine analyses in this process."""

    def read(
        self, paths: Iterable[str], stdin: BinaryIO | None
    ) -> Iterator[Article | InputError]: ...

    def prepare(
        self, chunks: Iterable[tuple[list[Article], list[Article]]], here: Analyser
    ) -> Iterator[list[tuple[Article, str | None]]]: ...


@dataclass(frozen=True)
class Failure:
    """One item that could not be read or analysed: ``item`` is ``path`` or ``path:record``."""

    item: str
    reason: str


@dataclass
class IngestReport:
    """What one :func:`ingest` call did. ``read`` counts items read successfully (new or not);
    ``ids`` are their article ids, in input order, each once."""

    ingested: int = 0
    unchanged: int = 0
    failed: int = 0
    read: int = 0
    failures: list[Failure] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    @property
    def nothing_read(self) -> bool:
        """True when not a single item could be read (the CLI exits non-zero)."""
        return self.read == 0


def ingest(
    paths: Iterable[str],
    store: Store,
    pipeline: Analyser,
    *,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    reanalyse: bool = False,
    engine: Engine | None = None,
) -> IngestReport:
    """Ingest ``paths`` (files, directories, ``-`` for ``stdin``) into ``store``.

    Returns counts of articles ingested (newly analysed), unchanged (already stored) and failed,
    with one :class:`Failure` per unreadable item or article that a stage could not analyse.
    ``reanalyse`` analyses already stored articles among ``paths`` again, from their stored input
    (after a stage improved); their ids do not change. ``engine`` runs the analysis elsewhere
    (e.g. on Dask workers) with the same chunks and the same result; default: here.
    """
    paths = list(paths)
    with store.writer_lock():
        for given in paths:
            # a directory that had no files, a path that did not exist: failures of the path
            # itself, which no item read from it now would clear
            if given != "-":
                store.clear_read_failures(given)
        return ingest_items(
            engine.read(paths, stdin) if engine is not None else _read(paths, stdin),
            store,
            pipeline,
            progress=progress,
            chunk_size=chunk_size,
            reanalyse=reanalyse,
            engine=engine,
        )


def ingest_items(
    items: Iterable[Article | InputError],
    store: Store,
    pipeline: Analyser,
    *,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    reanalyse: bool = False,
    engine: Engine | None = None,
    only_read: bool = False,
) -> IngestReport:
    """:func:`ingest` for items already being read (e.g. :func:`storyline.ingest.read_stream`
    over an HTTP upload): store each, then analyse everything pending — or, with
    ``only_read``, only the articles among ``items`` (an HTTP request analyses what it was sent,
    not what an interrupted CLI run left pending)."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    with store.writer_lock():
        return _ingest_locked(
            items,
            store,
            pipeline,
            progress=progress,
            chunk_size=chunk_size,
            reanalyse=reanalyse,
            engine=engine,
            only_read=only_read,
        )


def _ingest_locked(
    items: Iterable[Article | InputError],
    store: Store,
    pipeline: Analyser,
    *,
    progress: Progress | None,
    chunk_size: int,
    reanalyse: bool,
    engine: Engine | None,
    only_read: bool = False,
) -> IngestReport:
    report = IngestReport()
    notify: Progress = progress or (lambda phase, done, total: None)

    seen: set[str] = set()
    sources: set[str] = set()
    for done, item in enumerate(items, start=1):
        source = item.source if isinstance(item, InputError) else item.source_path
        if source is not None and source not in sources:
            # read again: its failures from earlier runs go; what still fails is recorded below
            sources.add(source)
            store.clear_read_failures(source)
        if isinstance(item, InputError):
            report.failed += 1
            report.failures.append(Failure(item.item, item.reason))
            store.record_failure(item.item, item.reason)
        else:
            report.read += 1
            status = store.status(item.id)
            if item.id in seen:
                report.unchanged += 1  # the same article twice in this run (a copy, a re-post)
            elif status is None:
                try:
                    store.add_raw(item)
                except _bad_data() as exc:
                    report.failed += 1
                    report.failures.append(Failure(item.label, f"cannot store: {exc}"))
                    store.record_failure(item.label, f"cannot store: {exc}")
            elif status == "analysed" and reanalyse:
                store.mark_pending([item.id])  # counted as ingested once analysed again
            elif status == "analysed":
                report.unchanged += 1
            # else pending/failed from an earlier run: phase 2 retries it and counts it there.
            if item.id not in seen:
                report.ids.append(item.id)
            seen.add(item.id)
        notify("read", done, None)

    todo = store.unfinished_ids()
    if only_read:
        wanted = set(report.ids)
        todo = [i for i in todo if i in wanted]
    notify("analyse", 0, len(todo))
    corpus = pipeline.corpus
    # The state this pipeline loaded may be older than the store (another process ingested
    # since, e.g. the CLI while the HTTP server kept its pipeline): it reloads under the lock.
    corpus.reset()
    if reanalyse and todo and store.count_articles("analysed") == 0:
        # The whole store is analysed again: its corpus state is rebuilt from scratch, so the
        # result is that of a first run. (Re-analysing some articles replaces their evidence in
        # the state the others built.)
        store.clear_corpus_state()
        corpus.reset()
    chunks = _chunks(store, todo, chunk_size)
    if engine is not None:
        parallel = engine.prepare(chunks, pipeline)
    else:
        prefix = pipeline.split()[0]
        parallel = (pipeline.analyse_parallel(prefix, chunk, ctx) for chunk, ctx in chunks)
    done = 0
    for results in parallel:
        for article, error, changes in pipeline.analyse_corpus(results):
            done += 1
            if error is None:
                try:
                    store.save_article(article, changes)
                except _bad_data() as exc:
                    error = f"cannot store the analysis: {exc}"
                    corpus.reset()  # its corpus-state changes were not committed either
                else:
                    report.ingested += 1
                    continue
            report.failed += 1
            report.failures.append(Failure(article.label, error))
            store.mark_failed(article.id, article.label, error)
        notify("analyse", done, len(todo))
    return report


def _chunks(
    store: Store, todo: list[str], size: int
) -> Iterator[tuple[list[Article], list[Article]]]:
    """The unfinished articles in chunks, with each chunk's context.

    Chunks are fixed slices of the store's whole article order (positions ``k*size`` to
    ``(k+1)*size``), not of what is left to do, so an interrupted run's rerun forms the same
    chunks; the chunk's articles analysed earlier come along as context (read, not analysed
    again) for the stages that look at the whole chunk.
    """
    pending = set(todo)
    order = store.article_order()
    for start in range(0, len(order), size):
        ids = order[start : start + size]
        if not pending.intersection(ids):
            continue
        chunk = [a for i in ids if i in pending and (a := store.input_article(i))]
        context = [a for i in ids if i not in pending and (a := store.input_article(i))]
        yield chunk, context


def _read(paths: Iterable[str], stdin: BinaryIO | None) -> Iterator[Article | InputError]:
    """:func:`read_paths`, one given path at a time, so a reader crashing on one input (a bug,
    not an :class:`InputError`) costs only the rest of that path, reported as its failure."""
    kwargs: dict[str, Any] = {"stdin": stdin} if stdin is not None else {}
    for path in paths:
        try:
            yield from read_paths([path], **kwargs)
        except Exception as exc:
            message = " ".join(str(exc).split()) or "(no message)"
            yield InputError(path, f"reading stopped: {type(exc).__name__}: {message}")
