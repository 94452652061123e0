"""The Dask engine (storyline.engine): the export equals the single-process export, a stage
raising fails only its article, a dead worker or a failing task is re-run, and the CLI."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cloudpickle
import pytest
from distributed import Client, LocalCluster
from typer.testing import CliRunner

from _dev_corpus import write_dev_corpus
from storyline.article import Article
from storyline.batch import IngestReport, ingest
from storyline.cli import app
from storyline.engine import DaskEngine
from storyline.pipeline import Pipeline
from storyline.store.sqlite import SQLiteStore

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"
LIGHT = ("language", "clean", "metadata")
# Workers unpickle this module's factories and stages by value (they need not import tests/).
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _ingest(
    paths: list[str],
    db: Path,
    client: Client | None = None,
    stages: tuple[str, ...] | None = None,
    **engine_options: Any,
) -> tuple[IngestReport, list[dict[str, Any]], list[tuple[str, int, int | None]]]:
    """Ingest into a new store, locally or on ``client``; (report, export, progress calls)."""
    calls: list[tuple[str, int, int | None]] = []
    with SQLiteStore(db) as store:
        pipeline = engine_options.pop("pipeline", None) or Pipeline(store=store, stages=stages)
        engine = DaskEngine(client, pipeline, **engine_options) if client else None
        report = ingest(
            paths,
            store,
            pipeline,
            engine=engine,
            progress=lambda phase, done, total: calls.append((phase, done, total)),
        )
        return report, _export(store), calls


def _export(store: SQLiteStore) -> list[dict[str, Any]]:
    """The export, by id: the store lists articles by publication date, then by the wall-clock
    time they were read (which differs between two runs), then by id."""
    return sorted((a.to_dict() for a in store.iter_articles()), key=lambda r: str(r["id"]))


@pytest.mark.slow
def test_dask_export_equals_single_process(tmp_path: Path, client: Client) -> None:
    """Every stage, ~200 articles (the examples, ECB+ en, CL-TLS es/fr/it): 4 chunks, so the
    cleaner's per-source context, the registry and the story index all span chunks."""
    corpus = write_dev_corpus(tmp_path / "dev.jsonl", ecbplus=70, crisis=130)
    paths = [str(EXAMPLES), str(corpus)]
    local, local_export, local_calls = _ingest(paths, tmp_path / "local.db")
    dask, dask_export, dask_calls = _ingest(paths, tmp_path / "dask.db", client)
    assert local.ingested > 3 * 64 and local.failed == 0  # 4 chunks
    assert (dask.ingested, dask.unchanged, dask.failed) == (local.ingested, local.unchanged, 0)
    assert dask_calls == local_calls  # the progress bar sees the same steps
    assert {r["language"] for r in dask_export} >= {"en", "fr", "es", "it", "ru", "de"}
    assert sum(len(r["entities"]) for r in dask_export) > 1000
    assert sum(len(r["quotes"]) + len(r["claims"]) for r in dask_export) > 100
    assert len({r["story_id"] for r in dask_export}) < len(dask_export)  # some stories join
    assert dask_export == local_export


class RaisingStage:
    """A stage raising on articles whose raw text holds ``marker``; ``parallel`` says where."""

    requires: tuple[str, ...] = ("raw_text",)
    assigns: tuple[str, ...] = ()

    def __init__(self, marker: str, parallel: bool) -> None:
        self.name = f"raise-{'parallel' if parallel else 'corpus'}"
        self.marker = marker
        self.parallel = parallel

    def prepare(self, batch: list[Article]) -> None:
        pass

    def __call__(self, article: Article) -> Article:
        if self.marker in article.raw_text:
            raise ValueError(f"cannot digest {self.marker!r}")
        return article


def _with_stage(stage: RaisingStage, store: SQLiteStore | None = None) -> Pipeline:
    pipeline = Pipeline(store=store, stages=LIGHT)
    pipeline.stages.insert(1 if stage.parallel else len(pipeline.stages), stage)
    return pipeline


def _prefix_with(stage: RaisingStage) -> Pipeline:
    return _with_stage(stage)


def _corpus(directory: Path, bad: dict[int, str]) -> list[str]:
    directory.mkdir()
    for i in range(150):
        body = f"Article {i} reports on the harbour of town number {i}, its quays and boats."
        (directory / f"a{i:03}.txt").write_text(
            f"Headline {i} of the day\n\n{body} {bad.get(i, '')}"
        )
    return [str(directory)]


@pytest.mark.parametrize("parallel", [True, False], ids=["worker-stage", "client-stage"])
def test_a_stage_raising_fails_only_its_article(
    tmp_path: Path, client: Client, parallel: bool
) -> None:
    """On a worker (prefix) or here (suffix): the chunk is rerun article by article, the culprit
    alone fails, with the same report and export as the single-process path."""
    paths = _corpus(tmp_path / "in", {7: "BOOM", 100: "BOOM"})
    stage = RaisingStage("BOOM", parallel)
    results = []
    for name, dask in (("local", None), ("dask", client)):
        with SQLiteStore(tmp_path / f"{name}.db") as store:
            pipeline = _with_stage(stage, store)
            engine = DaskEngine(dask, pipeline, lambda: _prefix_with(stage)) if dask else None
            report = ingest(paths, store, pipeline, engine=engine)
            export = _export(store)
            failed = sorted(row.id for row in store.iter_articles(status="failed"))
        results.append((report, export, failed))
    (local, local_export, local_failed), (dask, dask_export, dask_failed) = results
    assert (dask.ingested, dask.failed) == (148, 2) == (local.ingested, local.failed)
    assert sorted(f.item for f in dask.failures) == sorted(f.item for f in local.failures)
    assert all("cannot digest 'BOOM'" in f.reason for f in dask.failures)
    assert dask_failed == local_failed and len(dask_failed) == 2
    assert dask_export == local_export


def _dies_once(marker: Path) -> Pipeline:
    """The worker pipeline factory: the first worker to build it dies on the spot."""
    if not marker.exists():
        marker.touch()
        os._exit(1)  # a hard crash: no exception, the process is gone
    return Pipeline(stages=LIGHT)


def _raises_once(marker: Path) -> Pipeline:
    if not marker.exists():
        marker.touch()
        raise RuntimeError("transient failure on the worker")
    return Pipeline(stages=LIGHT)


@pytest.mark.parametrize("factory", [_dies_once, _raises_once], ids=["worker-dies", "task-raises"])
def test_a_failed_partition_is_rerun_and_nothing_lost(tmp_path: Path, factory: Any) -> None:
    paths = _corpus(tmp_path / "in", {})
    marker = tmp_path / "failed-once"
    _, local_export, _ = _ingest(paths, tmp_path / "local.db", stages=LIGHT)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        report, export, _ = _ingest(
            paths,
            tmp_path / "dask.db",
            client,
            stages=LIGHT,
            worker_pipeline=lambda: factory(marker),
        )
    assert marker.exists()  # the failure did happen
    assert (report.ingested, report.failed) == (150, 0)
    assert export == local_export


def test_cli_engine_dask(tmp_path: Path) -> None:
    runner = CliRunner()
    light = ["--stages", ",".join(LIGHT), "--quiet"]
    exports = []
    for name, engine in (("local", []), ("dask", ["--engine", "dask", "--workers", "2"])):
        db = str(tmp_path / f"{name}.db")
        result = runner.invoke(app, ["ingest", str(EXAMPLES), "--db", db, *light, *engine])
        assert result.exit_code == 0, result.output
        assert "│       11 │         0 │      0 │" in result.output
        exports.append(runner.invoke(app, ["export", "--db", db]).stdout)
    # Compared by id: articles of the same date are listed in the wall-clock order they were read
    # (ingested_at, whole seconds), which may differ between the two runs (as in the PostgreSQL
    # export comparison).
    local, dask = (sorted(e.splitlines()) for e in exports)
    assert local == dask and len(local) == 11
    assert json.loads(dask[0])["language"]


@pytest.mark.parametrize(
    "options",
    [
        ["--workers", "2"],
        ["--engine", "spark"],
        ["--engine", "dask", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
    ],
)
def test_cli_engine_options_are_checked(tmp_path: Path, options: list[str]) -> None:
    result = CliRunner().invoke(
        app, ["ingest", str(EXAMPLES), "--db", str(tmp_path / "x.db"), "--quiet", *options]
    )
    assert result.exit_code == 2, result.output


def test_reading_on_workers_reports_as_here(tmp_path: Path, client: Client) -> None:
    """Files read on the workers, in input order; a missing path, an empty directory and a bad
    file are reported as the single-process reader reports them."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad.jsonl").write_text('{"text": "fine one"}\n{not json\n', encoding="utf-8")
    paths = [str(tmp_path / "missing"), str(EXAMPLES), str(tmp_path / "empty")]
    paths.append(str(tmp_path / "bad.jsonl"))
    local, local_export, _ = _ingest(paths, tmp_path / "local.db", stages=LIGHT)
    dask, dask_export, _ = _ingest(paths, tmp_path / "dask.db", client, stages=LIGHT)
    assert dask.failures == local.failures and len(local.failures) == 3
    assert dask.ids == local.ids and (dask.ingested, dask.read) == (local.ingested, local.read)
    assert dask_export == local_export


def test_cli_dask_run_that_stops_says_what_is_pending(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk lost past its retries stops the run with one clear line, not a traceback."""
    import storyline.batch
    import storyline.cli.articles as cli_articles

    def ingest_then_lose_the_cluster(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("all workers lost")

    monkeypatch.setattr(cli_articles, "_dask_engine", lambda *a: object())
    monkeypatch.setattr(storyline.batch, "ingest", ingest_then_lose_the_cluster)
    db = str(tmp_path / "stop.db")
    args = ["ingest", str(EXAMPLES), "--db", db, "--quiet", "--stages", ",".join(LIGHT)]
    result = CliRunner().invoke(app, [*args, "--engine", "dask", "--workers", "2"])
    assert result.exit_code == 1
    assert "the Dask run stopped: RuntimeError: all workers lost" in result.output
    assert "articles are pending" in result.output and "Traceback" not in result.output
