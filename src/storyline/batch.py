"""The ingest runner: read inputs → store them raw → analyse them in chunks → store the results.

Two phases, each crash-safe:

1. **read** — every item from :func:`storyline.ingest.read_paths` is stored as read (raw bytes
   verbatim, status ``pending``) in its own short transaction; an id already stored is
   ``unchanged`` and costs nothing more. Unreadable items become failures naming the item.
2. **analyse** — every stored article not yet analysed (this run's and any left ``pending`` or
   ``failed`` by an earlier, interrupted or failing run) is analysed in chunks of
   :data:`CHUNK_SIZE`, stage by stage (:meth:`Pipeline.run`), and each result is saved in its own
   transaction.

Killing the process therefore loses at most the chunk being analysed — which the next run finds
still ``pending`` and finishes — and never anything already read.

A stage raising on one article must not sink the batch: when a chunk fails, its articles are run
again one by one from their stored input, so only the culprit is reported failed (with the
exception) and the others land. Limit: in that fallback each article is analysed without its
chunk's batch context (e.g. lines recurring across the batch's articles of one source).
"""

from __future__ import annotations

import sqlite3
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal, Protocol

import psycopg

from storyline.article import Article
from storyline.errors import InputError
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
_BAD_DATA = (
    UnicodeError,
    ValueError,
    sqlite3.DataError,
    sqlite3.IntegrityError,
    psycopg.DataError,
    psycopg.IntegrityError,
)

Phase = Literal["read", "analyse"]
# progress(phase, done, total): total is None while reading (inputs are streamed).
Progress = Callable[[Phase, int, int | None], None]


class Analyser(Protocol):
    """What ingest needs of a :class:`~storyline.pipeline.Pipeline`: analyse a batch in place."""

    def run(self, batch: Iterable[Article]) -> list[Article]: ...


class Engine(Protocol):
    """Where reading and analysis run when not in this process
    (:class:`storyline.engine.DaskEngine`): the items of ``paths`` in input order, as
    :func:`ingest` reads them; each chunk's ``(article, error or None)`` results, chunk after
    chunk in the order given."""

    def read(
        self, paths: Iterable[str], stdin: BinaryIO | None
    ) -> Iterator[Article | InputError]: ...

    def analyse(
        self, chunks: Iterable[list[Article]]
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
) -> IngestReport:
    """:func:`ingest` for items already being read (e.g. :func:`storyline.ingest.read_stream`
    over an HTTP upload): store each, then analyse everything pending."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    report = IngestReport()
    notify: Progress = progress or (lambda phase, done, total: None)

    seen: set[str] = set()
    for done, item in enumerate(items, start=1):
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
                except _BAD_DATA as exc:
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
    notify("analyse", 0, len(todo))
    starts = range(0, len(todo), chunk_size)
    chunks = (
        [a for i in todo[start : start + chunk_size] if (a := store.input_article(i))]
        for start in starts
    )
    analysed = (
        engine.analyse(chunks)
        if engine is not None
        else (_analyse_chunk(chunk, store, pipeline) for chunk in chunks)
    )
    for start, results in zip(starts, analysed, strict=True):
        for article, error in results:
            if error is None:
                try:
                    store.save_article(article)
                except _BAD_DATA as exc:
                    error = f"cannot store the analysis: {exc}"
                else:
                    report.ingested += 1
                    continue
            report.failed += 1
            report.failures.append(Failure(article.label, error))
            store.mark_failed(article.id, article.label, error)
        notify("analyse", min(start + chunk_size, len(todo)), len(todo))
    return report


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


def _analyse_chunk(
    chunk: list[Article], store: Store, pipeline: Analyser
) -> list[tuple[Article, str | None]]:
    """Run the pipeline over a chunk; on an exception, rerun it article by article from the
    stored input (stages mutate articles in place, so the failed run's objects are not reused)."""
    if not chunk:
        return []
    try:
        return [(article, None) for article in pipeline.run(chunk)]
    except Exception:
        pass
    results: list[tuple[Article, str | None]] = []
    for original in chunk:
        article = store.input_article(original.id) or original
        try:
            results.append((pipeline.run([article])[0], None))
        except Exception as exc:
            results.append((article, _describe(exc)))
    return results


def _describe(exc: BaseException) -> str:
    """How a stage's exception reads in the report: the stage (from the traceback), the
    exception type and its message, on one line."""
    message = " ".join(str(exc).split()) or "(no message)"
    where = "analysis"
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        parts = Path(frame.filename).parts
        if len(parts) >= 3 and parts[-1] == "stage.py" and "storyline" in parts:
            where = f"stage {parts[-2]}"  # a capability package's stage module
            break
    return f"{where} failed: {type(exc).__name__}: {message}"
