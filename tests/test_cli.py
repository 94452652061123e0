"""The CLI through typer's CliRunner: ingest (dir, stdin, bad items, exit codes), articles, show,
export round-trips in every format, summary. Ingest runs the light stages (language, clean,
metadata) to stay fast; the model stages have their own tests."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.export import FIELDS
from storyline.ingest import STDIN_LABEL
from storyline.pipeline import Pipeline

LIGHT = ["--stages", "language,clean,metadata", "--quiet"]
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def seeded_db(
    tmp_path_factory: pytest.TempPathFactory, seed_paths: list[Path], runner: CliRunner
) -> Path:
    """A store holding the five seeds, ingested once for the read-only tests of this module."""
    directory = tmp_path_factory.mktemp("seeds")
    for path in seed_paths:
        shutil.copy(path, directory / path.name)
    db = directory / "seeds.db"
    result = runner.invoke(app, ["ingest", str(directory), "--db", str(db), *LIGHT])
    assert result.exit_code == 0, result.output
    return db


def test_ingest_reports_counts_and_is_idempotent(
    tmp_path: Path, seed_paths: list[Path], runner: CliRunner
) -> None:
    db = tmp_path / "s.db"
    args = ["ingest", *map(str, seed_paths[:2]), "--db", str(db), *LIGHT]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "ingested" in first.output and "│        2 │         0 │      0 │" in first.output
    second = runner.invoke(app, args)
    assert second.exit_code == 0
    assert "│        0 │         2 │      0 │" in second.output


def test_db_from_environment(tmp_path: Path, seed_paths: list[Path], runner: CliRunner) -> None:
    db = tmp_path / "env.db"
    result = runner.invoke(
        app, ["ingest", str(seed_paths[0]), *LIGHT], env={"STORYLINE_DB": str(db)}
    )
    assert result.exit_code == 0, result.output
    assert db.exists()


def test_bad_items_are_named_and_exit_codes(tmp_path: Path, runner: CliRunner) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(
        "A headline for the test\n\nThe minister said on Monday that the plan would go ahead.\n"
    )
    (src / "empty.txt").write_bytes(b"")
    (src / "lines.jsonl").write_text('{"title": "x"\n')
    db = str(tmp_path / "b.db")
    result = runner.invoke(app, ["ingest", str(src), "--db", db, *LIGHT])
    assert result.exit_code == 0, result.output  # something was read: not an error by default
    assert f"failed {src / 'empty.txt'}:" in result.output
    assert "lines.jsonl:" in result.output
    assert "│        1 │         0 │      2 │" in result.output
    strict = runner.invoke(app, ["ingest", str(src), "--db", db, "--strict", *LIGHT])
    assert strict.exit_code == 1
    nothing = runner.invoke(
        app, ["ingest", str(src / "empty.txt"), str(tmp_path / "nope.txt"), "--db", db, *LIGHT]
    )
    assert nothing.exit_code == 1
    assert "nothing could be read" in nothing.output


def test_unknown_stage_is_a_usage_error(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["ingest", "x", "--db", str(tmp_path / "u.db"), "--stages", "language,astrology"]
    )
    assert result.exit_code == 2
    assert "astrology" in result.output


def test_ingest_from_stdin(tmp_path: Path, runner: CliRunner) -> None:
    db = str(tmp_path / "stdin.db")
    text = "Harbour reopens after storm\n\nThe harbour reopened on Tuesday, officials said.\n"
    result = runner.invoke(app, ["ingest", "-", "--db", db, *LIGHT], input=text)
    assert result.exit_code == 0, result.output
    exported = runner.invoke(app, ["export", "--db", db])
    [record] = [json.loads(line) for line in exported.stdout.splitlines()]
    assert record["source_path"] == STDIN_LABEL
    assert "harbour reopened" in record["text"]


def test_articles_lists_the_seeds(seeded_db: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["articles", "--db", str(seeded_db)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "2018-08-02" in result.output and "2017-12-08" in result.output
    assert result.output.count(" en ") == 4 and result.output.count(" fr ") == 1
    limited = runner.invoke(app, ["articles", "--db", str(seeded_db), "-n", "2"])
    assert limited.output.count(" en ") + limited.output.count(" fr ") == 2


def test_show_by_prefix_with_removed_lines(seeded_db: Path, runner: CliRunner) -> None:
    exported = runner.invoke(app, ["export", "--db", str(seeded_db)])
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    target = next(r for r in records if r["published"] == "2018-08-02")
    result = runner.invoke(
        app, ["show", target["id"][:8], "--db", str(seeded_db)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert target["id"] in result.output
    assert "2018-08-02 (dateline)" in result.output
    assert "Rudskoy said" in result.output  # the cleaned text
    assert f"removed lines ({len(target['removed'])})" in result.output
    for removed in target["removed"]:
        assert removed["reason"] in result.output
    as_json = runner.invoke(app, ["show", target["id"][:8], "--json", "--db", str(seeded_db)])
    assert json.loads(as_json.stdout) == target
    missing = runner.invoke(app, ["show", "ffffffffffff", "--db", str(seeded_db)])
    assert missing.exit_code == 1


def test_export_round_trips_in_every_format(
    seeded_db: Path, tmp_path: Path, runner: CliRunner
) -> None:
    db = ["--db", str(seeded_db)]
    jsonl = runner.invoke(app, ["export", *db])
    assert jsonl.exit_code == 0, jsonl.output
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert len(records) == 5 and all(list(r) == list(FIELDS) for r in records)
    by_id = {r["id"]: r for r in records}

    csv_out = runner.invoke(app, ["export", "--format", "csv", *db])
    rows = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    assert {row["id"] for row in rows} == set(by_id)
    for row in rows:
        assert row["text"] == by_id[row["id"]]["text"]
        assert json.loads(row["removed"]) == by_id[row["id"]]["removed"]

    target = tmp_path / "out.parquet"
    parquet = runner.invoke(app, ["export", "-f", "parquet", "-o", str(target), *db])
    assert parquet.exit_code == 0, parquet.output
    table = pq.read_table(target).to_pylist()
    assert {row["id"] for row in table} == set(by_id)
    for row in table:
        assert row["title"] == by_id[row["id"]]["title"]
        published = row["published"].isoformat() if row["published"] else None
        assert published == by_id[row["id"]]["published"]

    to_file = tmp_path / "out.jsonl"
    runner.invoke(app, ["export", "-o", str(to_file), *db])
    assert to_file.read_text(encoding="utf-8").splitlines() == jsonl.stdout.splitlines()


def test_export_usage_errors(seeded_db: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["export", "-f", "parquet", "--db", str(seeded_db)]).exit_code == 2
    assert runner.invoke(app, ["export", "-f", "xml", "--db", str(seeded_db)]).exit_code == 2


def test_summary(seeded_db: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["summary", "--db", str(seeded_db)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "5 articles analysed" in result.output
    assert "published 2017-12-08 … 2018-08-02 (2 dated)" in result.output
    assert "language" in result.output and "source" in result.output


def test_store_error_is_one_clean_line(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["articles", "--db", str(tmp_path / "no" / "such" / "dir.db")])
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert "Traceback" not in result.output


def test_example_corpus_ingests_cleanly(tmp_path: Path, runner: CliRunner) -> None:
    """The bundled sample corpus: every file and record in the five formats reads and lands."""
    db = str(tmp_path / "ex.db")
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--db", db, "--strict", *LIGHT])
    assert result.exit_code == 0, result.output
    records = [
        json.loads(line) for line in runner.invoke(app, ["export", "--db", db]).stdout.splitlines()
    ]
    assert len(records) >= 10
    assert {"en", "fr", "ru", "es", "de"} <= {r["language"] for r in records}
    formats = {Path(r["source_path"]).parent.name for r in records}
    assert formats == {"text", "html", "jsonl", "feeds", "warc"}
    assert all(r["published"] for r in records)


def test_pipeline_analyze_text_and_path(seed_paths: list[Path]) -> None:
    pipeline = Pipeline(stages=("language", "clean", "metadata"))
    from_path = pipeline.analyze(seed_paths[2])
    assert from_path.language == "en" and str(from_path.published) == "2018-08-02"
    assert from_path.source_path == str(seed_paths[2])
    from_text = pipeline.analyze(seed_paths[4].read_text(encoding="utf-8"))
    assert from_text.language == "fr" and from_text.text


def test_ctrl_c_during_ingest_says_how_to_finish(
    tmp_path: Path, seed_paths: list[Path], runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.batch

    real = storyline.batch.ingest

    class Interrupted:
        def run(self, batch: object) -> list[object]:
            raise KeyboardInterrupt

    def interrupted_ingest(
        paths: list[str], store: object, pipeline: object, **kw: object
    ) -> object:
        return real(paths, store, Interrupted(), **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(storyline.batch, "ingest", interrupted_ingest)
    db = str(tmp_path / "i.db")
    result = runner.invoke(app, ["ingest", *map(str, seed_paths), "--db", db, *LIGHT])
    assert result.exit_code == 130
    assert "5 articles are pending" in result.output
    monkeypatch.undo()
    finished = runner.invoke(app, ["ingest", str(seed_paths[0]), "--db", db, *LIGHT])
    assert "│        5 │         0 │      0 │" in finished.output  # the rerun finishes all five


def test_articles_by_status(tmp_path: Path, runner: CliRunner) -> None:
    from storyline.article import Article
    from storyline.store.sqlite import SQLiteStore

    db = tmp_path / "st.db"
    with SQLiteStore(db) as store:
        bad = Article(raw_text="body", title="Broken one", source_path="b.txt")
        store.add_raw(bad)
        store.mark_failed(bad.id, bad.label, "stage quotes failed: TypeError: x")
    wide = {"COLUMNS": "200"}
    failed = runner.invoke(app, ["articles", "--status", "failed", "--db", str(db)], env=wide)
    assert bad.id in failed.output and "stage quotes failed" in failed.output
    empty = runner.invoke(app, ["articles", "--db", str(db)])
    assert empty.exit_code == 0 and "no analysed articles" in empty.output
    assert runner.invoke(app, ["articles", "--status", "x", "--db", str(db)]).exit_code == 2


def test_unreadable_inputs_are_listed_until_read_successfully(
    tmp_path: Path, runner: CliRunner
) -> None:
    """Issue 17: `articles --status failed` said "no failed articles" while `summary` counted
    unreadable inputs, and no command listed them."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "lines.jsonl").write_text('{"text": "A good line of text here."}\n{"text": \n')
    (src / "good.txt").write_text("A headline\n\nA body of text.\n")
    db = str(tmp_path / "f.db")
    wide = {"COLUMNS": "200"}
    assert runner.invoke(app, ["ingest", str(src), "--db", db, *LIGHT]).exit_code == 0
    listed = runner.invoke(app, ["articles", "--status", "failed", "--db", db], env=wide)
    assert listed.exit_code == 0
    assert "no failed articles" not in listed.output
    assert f"{src / 'empty.txt'}: empty file" in listed.output
    assert f"{src / 'lines.jsonl'}:line 2: malformed JSON" in listed.output
    as_json = runner.invoke(app, ["failures", "--json", "--db", db])
    assert as_json.exit_code == 0
    found = json.loads(as_json.stdout)
    assert [(f["kind"], f["item"]) for f in found] == [
        ("unreadable", str(src / "empty.txt")),
        ("unreadable", f"{src / 'lines.jsonl'}:line 2"),
    ]
    assert all(f["reason"] for f in found)
    # fixed inputs leave the list once read; what still fails stays (once, not per run)
    (src / "lines.jsonl").write_text('{"text": "A good line of text here."}\n')
    assert runner.invoke(app, ["ingest", str(src), "--db", db, *LIGHT]).exit_code == 0
    found = json.loads(runner.invoke(app, ["failures", "--json", "--db", db]).stdout)
    assert [f["item"] for f in found] == [str(src / "empty.txt")]
    summary = runner.invoke(app, ["summary", "--db", db])
    assert "1 unreadable inputs" in summary.output
    (src / "empty.txt").write_text("Now a headline\n\nAnd a body.\n")
    assert runner.invoke(app, ["ingest", str(src), "--db", db, *LIGHT]).exit_code == 0
    assert json.loads(runner.invoke(app, ["failures", "--json", "--db", db]).stdout) == []
    text = runner.invoke(app, ["failures", "--db", db])
    assert text.exit_code == 0 and "no failures" in text.output


def test_second_ingest_on_a_busy_store_is_refused_naming_the_holder(
    tmp_path: Path, runner: CliRunner
) -> None:
    import os

    from storyline.store.sqlite import SQLiteStore

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("A headline\n\nA body of text.\n")
    db = tmp_path / "busy.db"
    with SQLiteStore(db) as holder, holder.writer_lock():
        result = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", str(db), *LIGHT])
    assert result.exit_code == 1
    assert "another ingest is writing to this store" in result.output
    assert f"pid {os.getpid()}" in result.output and "started" in result.output
    assert "Traceback" not in result.output
    again = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", str(db), *LIGHT])
    assert again.exit_code == 0 and "│        1 │" in again.output
