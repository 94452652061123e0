"""The local engine (storyline.engine.ProcessEngine): chunks' model work in forked worker
processes, the corpus stages here; the export equals the in-process export, a broken pool loses
nothing, and a one-chunk corpus starts no worker."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from _dev_corpus import write_dev_corpus
from storyline import engine as engine_module
from storyline.batch import IngestReport, ingest
from storyline.engine import ProcessEngine
from storyline.pipeline import Pipeline
from storyline.store.sqlite import SQLiteStore

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"
LIGHT = ("language", "clean", "metadata")


def _ingest(
    paths: list[str],
    db: Path,
    workers: int | None,
    stages: tuple[str, ...] | None = None,
    chunk_size: int = 16,
    **options: Any,
) -> tuple[IngestReport, list[dict[str, Any]]]:
    with SQLiteStore(db) as store:
        pipeline = Pipeline(store=store, stages=stages)
        where = ProcessEngine(pipeline, workers, **options) if workers else None
        report = ingest(paths, store, pipeline, engine=where, chunk_size=chunk_size)
        export = sorted((a.to_dict() for a in store.iter_articles()), key=lambda r: str(r["id"]))
    return report, export


@pytest.mark.slow
def test_export_equals_the_in_process_run(tmp_path: Path) -> None:
    """Every stage over the examples and 60 dev articles (en, es, fr, it), in chunks of 16: the
    registry, the story index and the travel vectors all span chunks done by both workers."""
    corpus = write_dev_corpus(tmp_path / "dev.jsonl", ecbplus=20, crisis=40)
    paths = [str(EXAMPLES), str(corpus)]
    here, here_export = _ingest(paths, tmp_path / "here.db", None)
    pool, pool_export = _ingest(paths, tmp_path / "pool.db", 2)
    assert here.ingested > 4 * 16 and here.failed == 0
    assert (pool.ingested, pool.unchanged, pool.failed) == (here.ingested, here.unchanged, 0)
    assert sum(len(r["entities"]) for r in pool_export) > 300
    assert sum(len(r["quotes"]) for r in pool_export) > 10
    assert pool_export == here_export


def _dying_worker() -> Pipeline:
    os._exit(3)  # a worker killed (out of memory, a signal) as it starts


def _texts(folder: Path, n: int) -> list[str]:
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i:03}.txt").write_text(
            f"Headline {i} of the day\n\nArticle {i} reports on the harbour of town {i}."
        )
    return [str(folder)]


def test_a_broken_pool_loses_nothing(tmp_path: Path) -> None:
    """Every worker dies: the chunks are analysed here instead, with the in-process result."""
    paths = _texts(tmp_path / "in", 50)
    here, here_export = _ingest(paths, tmp_path / "here.db", None, LIGHT, chunk_size=8)
    pool, pool_export = _ingest(
        paths, tmp_path / "pool.db", 2, LIGHT, chunk_size=8, worker_pipeline=_dying_worker
    )
    assert here.ingested == pool.ingested == 50 and pool.failed == 0
    assert pool_export == here_export


def test_one_chunk_starts_no_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    monkeypatch.setattr(engine_module, "_init_local_worker", lambda: started.append(1))
    import concurrent.futures

    real = concurrent.futures.ProcessPoolExecutor

    def counting(*args: Any, **kwargs: Any) -> Any:
        started.append(0)
        return real(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counting)
    report, _ = _ingest(_texts(tmp_path / "in", 6), tmp_path / "one.db", 2, LIGHT, chunk_size=8)
    assert report.ingested == 6
    assert started == []
    report, _ = _ingest(_texts(tmp_path / "in2", 20), tmp_path / "two.db", 2, LIGHT, chunk_size=8)
    assert report.ingested == 20
    assert started == [0]  # three chunks: one pool
