"""Corpus state committed with its article (storyline.corpus): a run killed with SIGKILL after N
analysed articles, then rerun, ends in exactly the state of an uninterrupted run, and
``--reanalyse`` of unchanged input changes nothing. Real stages (spaCy/natasha NER, registry,
quotes, claims, stories) on the examples corpus plus ECB+ and CL-TLS dev articles; the story
embedder is the model-free HashingEmbedder so the processes stay quick."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from _dev_corpus import write_dev_corpus
from storyline.batch import ingest
from storyline.corpus import Corpus
from storyline.entities.registry import entity_rows
from storyline.export import export
from storyline.pipeline import Pipeline
from storyline.store.sqlite import SQLiteStore
from storyline.stories.embed import HashingEmbedder
from storyline.stories.stage import StoryStage

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"
CHUNK = 8  # small chunks, so the kills fall inside chunks and across them

# The run a subprocess makes: the same pipeline as pipeline() below, killed with SIGKILL (no
# cleanup, no rollback, no atexit) once KILL_AFTER articles are saved.
SCRIPT = """
import os, signal, sys
from storyline.batch import ingest
from storyline.pipeline import Pipeline
from storyline.store.sqlite import SQLiteStore
from storyline.stories.embed import HashingEmbedder
from storyline.stories.stage import StoryStage

db, inputs, kill_after, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
store = SQLiteStore(db)
saved = 0
save = store.save_article

def save_then_die(article, changes=()):
    global saved
    new = save(article, changes)
    saved += 1
    if saved == kill_after:
        os.kill(os.getpid(), signal.SIGKILL)
    return new

store.save_article = save_then_die
pipeline = Pipeline(store=store)
pipeline.stages = [
    StoryStage(pipeline.corpus, HashingEmbedder()) if s.name == "stories" else s
    for s in pipeline.stages
]
ingest([inputs], store, pipeline, chunk_size=chunk)
"""


def pipeline(store: SQLiteStore) -> Pipeline:
    made = Pipeline(store=store)
    made.stages = [
        StoryStage(made.corpus, HashingEmbedder()) if s.name == "stories" else s
        for s in made.stages
    ]
    return made


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inputs")
    shutil.copytree(EXAMPLES, root / "examples")
    write_dev_corpus(root / "dev.jsonl", ecbplus=12, crisis=12)
    return root


def state(store: SQLiteStore) -> dict[str, Any]:
    """Everything a user reads: the entity table, the story partition, the export."""
    out = io.StringIO()
    export(store.iter_articles(), "jsonl", out=out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    for record in records:
        for key in ("analysed_at", "ingested_at", "updated_at"):
            record.pop(key, None)
    stories: dict[str, set[str]] = {}
    for record in records:
        stories.setdefault(record.get("story_id") or "", set()).add(record["id"])
    return {
        "entities": entity_rows(Corpus(store=store).registry),
        "stories": sorted(sorted(ids) for ids in stories.values()),
        "export": sorted(records, key=lambda r: r["id"]),
    }


@pytest.fixture(scope="module")
def uninterrupted(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("whole") / "whole.db"
    with SQLiteStore(db) as store:
        report = ingest([str(inputs)], store, pipeline(store), chunk_size=CHUNK)
        assert report.ingested >= 30 and report.failed == 0
        return state(store)


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [5, 13])
def test_a_killed_run_then_a_rerun_ends_as_an_uninterrupted_run(
    inputs: Path, uninterrupted: dict[str, Any], tmp_path: Path, kill_after: int
) -> None:
    db = tmp_path / "killed.db"
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(SCRIPT),
            str(db),
            str(inputs),
            str(kill_after),
            str(CHUNK),
        ],
        capture_output=True,
        timeout=600,
    )
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    with SQLiteStore(db) as store:
        assert store.count_articles("analysed") == kill_after
        ingest([str(inputs)], store, pipeline(store), chunk_size=CHUNK)
        after = state(store)
    assert after["entities"] == uninterrupted["entities"]
    assert after["stories"] == uninterrupted["stories"]
    diffs = [
        (a["id"], key)
        for a, b in zip(after["export"], uninterrupted["export"], strict=True)
        for key in a
        if a[key] != b.get(key)
    ]
    assert diffs == []


@pytest.mark.slow
def test_reanalysing_unchanged_input_changes_nothing(
    inputs: Path, uninterrupted: dict[str, Any], tmp_path: Path
) -> None:
    with SQLiteStore(tmp_path / "again.db") as store:
        ingest([str(inputs)], store, pipeline(store), chunk_size=CHUNK)
        first = state(store)
        report = ingest([str(inputs)], store, pipeline(store), chunk_size=CHUNK, reanalyse=True)
        assert report.ingested == len(first["export"])
        again = state(store)
    assert again["entities"] == first["entities"] == uninterrupted["entities"]
    assert again["stories"] == first["stories"]
    assert again["export"] == first["export"]
