"""The pipeline's declarations: what each stage says it ``requires`` and ``assigns`` is what it
really reads and writes (recorded on real articles), and the checks at construction."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from storyline.article import Article
from storyline.corpus import Corpus
from storyline.errors import ConfigError
from storyline.ingest import read_one
from storyline.pipeline import ARTICLE_FIELDS, Pipeline, check_declarations
from storyline.store.sqlite import SQLiteStore
from storyline.stories.embed import HashingEmbedder
from storyline.stories.stage import StoryStage

# Fields every stage may touch without declaring them: the identity and the run's scratch space
# (annotations carry a stage's own precomputed model output, never corpus state).
UNDECLARED = {"id", "annotations", "source_path", "record"}


class Recording(Article):
    """An Article that logs the fields read and written while ``log`` is a set."""

    def __getattribute__(self, name: str) -> Any:
        log = object.__getattribute__(self, "__dict__").get("_reads")
        if log is not None and name in ARTICLE_FIELDS:
            log.add(name)
        return object.__getattribute__(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        log = self.__dict__.get("_writes")
        if log is not None and name in ARTICLE_FIELDS:
            log.add(name)
        object.__setattr__(self, name, value)


def _recording(article: Article) -> Recording:
    values = {f.name: getattr(article, f.name) for f in dataclasses.fields(Article)}
    return Recording(**values)


@pytest.fixture(scope="module")
def accesses(seed_paths: list[Path]) -> dict[str, tuple[set[str], set[str]]]:
    return record_accesses(seed_paths)


def record_accesses(seed_paths: list[Path]) -> dict[str, tuple[set[str], set[str]]]:
    pipeline = Pipeline(store=SQLiteStore(":memory:"))
    pipeline.stages = [
        StoryStage(pipeline.corpus, HashingEmbedder()) if s.name == "stories" else s
        for s in pipeline.stages
    ]
    articles = [_recording(read_one(p)) for p in seed_paths]
    seen: dict[str, tuple[set[str], set[str]]] = {}
    for stage in pipeline.stages:
        reads: set[str] = set()
        writes: set[str] = set()
        stage.prepare(list(articles))
        for article in articles:
            article.__dict__["_reads"], article.__dict__["_writes"] = reads, writes
            stage(article)
            del article.__dict__["_reads"], article.__dict__["_writes"]
        seen[stage.name] = (reads, writes)
    return seen


@pytest.mark.slow
def test_every_stage_reads_and_writes_what_it_declares(
    accesses: dict[str, tuple[set[str], set[str]]],
) -> None:
    stages = {s.name: s for s in Pipeline().stages}
    assert set(accesses) == set(stages)
    for name, (reads, writes) in accesses.items():
        stage = stages[name]
        declared = set(stage.requires) | set(stage.assigns)
        assert reads - declared - UNDECLARED == set(), f"{name} reads undeclared fields"
        assert writes - set(stage.assigns) - {"annotations"} == set(), f"{name} writes"
        # nothing declared that the stage never touches
        assert set(stage.requires) <= reads, f"{name} requires fields it never reads"
        assert set(stage.assigns) <= writes | reads, f"{name} assigns fields it never sets"


class _Stage:
    def __init__(self, name: str, requires: tuple[str, ...], assigns: tuple[str, ...]) -> None:
        self.name, self.requires, self.assigns, self.parallel = name, requires, assigns, True

    def prepare(self, batch: list[Article]) -> None:
        pass

    def __call__(self, article: Article) -> Article:
        return article


def test_a_field_only_a_later_stage_assigns_is_an_ordering_error() -> None:
    cleans = _Stage("cleans", (), ("text",))
    reads = _Stage("reads", ("text",), ())
    check_declarations([cleans, reads])
    with pytest.raises(ConfigError, match="'reads' requires text, which only a later stage"):
        check_declarations([reads, cleans])


def test_an_unknown_field_is_a_typo() -> None:
    with pytest.raises(ConfigError, match="'typo' declares 'entites'"):
        check_declarations([_Stage("typo", ("entites",), ())])


def test_stage_subsets_leave_the_missing_fields_to_the_caller() -> None:
    pipeline = Pipeline(stages=("quotes", "claims"))
    assert [s.name for s in pipeline.stages] == ["quotes", "claims"]
    assert isinstance(pipeline.corpus, Corpus)


def test_run_returns_every_article_in_the_order_given_even_two_records_of_one_text() -> None:
    from datetime import date

    from storyline.article import Article
    from storyline.pipeline import Pipeline

    same = "Harbour strike\n\nThe dockers' union said 300 workers stopped work on Monday."
    other = "Rail strike\n\nThe rail union said 120 trains were cancelled on Tuesday morning."
    batch = [
        Article(raw_text=same, source_path="a.txt"),
        Article(raw_text=other, source_path="b.txt", published=date(2020, 1, 1)),
        Article(raw_text=same, source_path="c.txt"),
    ]
    out = Pipeline(stages=("language", "clean", "metadata", "claims")).run(batch)
    assert [a.source_path for a in out] == ["a.txt", "b.txt", "c.txt"]
    assert out[0].id == out[2].id and all(a.claims for a in out)
