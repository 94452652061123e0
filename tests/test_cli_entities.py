"""``storyline entities``, ``entity`` and ``resolve`` (thin shells over
storyline.entities.registry)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.article import Article
from storyline.cli import app
from storyline.corpus import Corpus
from storyline.entities.stage import EntityStage
from storyline.store.sqlite import SQLiteStore

runner = CliRunner()


def test_resolve_reads_jsonl_and_keeps_order(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "doc_id": "1", "language": "en", "text": "Sergey Rudskoy", "type": "PER"},
        {
            "id": "b",
            "doc_id": "2",
            "language": "ru",
            "text": "Рудского",
            "type": "PER",
            "lemma": "Рудской",
        },
        {"id": "c", "doc_id": "2", "language": "ru", "text": "ИГИЛ", "type": "ORG"},
    ]
    path = tmp_path / "mentions.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    result = runner.invoke(app, ["resolve", "--mentions", str(path)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in out] == ["a", "b", "c"]
    assert out[0]["entity_id"] == out[1]["entity_id"]
    assert out[2]["entity_id"] == "ORG-islamic-state"
    stdin = runner.invoke(app, ["resolve", "--mentions", "-"], input=path.read_text("utf-8"))
    assert stdin.exit_code == 0 and stdin.stdout == result.stdout


def test_resolve_names_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "doc_id": "x", "text": "A"}\nnot json\n', "utf-8")
    result = runner.invoke(app, ["resolve", "--mentions", str(path)])
    assert result.exit_code == 2
    assert "bad.jsonl:2" in result.output


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "s.db")
    store = SQLiteStore(path)
    stage = EntityStage(Corpus(store=store))
    texts = [
        ("en", "Russia’s ambassador to Syria, Aleksandr Kinshak, spoke in Damascus. Kinshak said."),
        ("fr", "L’ambassadeur russe en Syrie Alexandre Kinchak a parlé à Damas."),
    ]
    for lang, text in texts:
        article = stage(Article(raw_text=text, text=text, language=lang))
        store.save_article(article)
    store.close()
    return path


def test_entities_and_entity_commands(db: str) -> None:
    result = runner.invoke(app, ["entities", "--db", db, "--json", "--type", "PER"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 1 and rows[0]["articles"] == 2 and rows[0]["languages"] == ["en", "fr"]
    shown = runner.invoke(app, ["entity", "Kinchak", "--db", db, "--json"])
    assert shown.exit_code == 0, shown.output
    detail = json.loads(shown.stdout)
    assert {v["form"] for v in detail["variants"] if v["count"]} >= {
        "Aleksandr Kinshak",
        "Alexandre Kinchak",
    }
    assert "Russia’s ambassador to Syria" in {t["title"] for t in detail["titles"]}
    damascus = runner.invoke(
        app, ["entities", "--db", db, "--json", "--lang", "fr", "--type", "LOC"]
    )
    assert {json.loads(x)["canonical"] for x in damascus.stdout.splitlines()} == {
        "Damascus",  # "Damas"
        "Syria",  # "Syrie"
    }
    missing = runner.invoke(app, ["entity", "Nobody Atall", "--db", db])
    assert missing.exit_code == 1
    bad = runner.invoke(app, ["entities", "--db", db, "--type", "THING"])
    assert bad.exit_code == 2


def test_entity_command_prints_bracketed_text_verbatim(tmp_path: Path) -> None:
    """Article text is data, not Rich markup: "[return to peace]" and "[bold]" survive."""
    from storyline.pipeline import Pipeline

    path = str(tmp_path / "q.db")
    store = SQLiteStore(path)
    text = (
        "Talks resume\n\n"
        "Diplomat Maria Olsen spoke in Oslo on Monday about the talks.\n\n"
        "“This [return to peace] will need [bold]patience[/bold] from everyone,” Olsen said."
    )
    article = Pipeline(store=store, stages=("language", "clean", "metadata", "entities", "quotes"))
    store.save_article(article.run([Article(raw_text=text)])[0])
    store.close()
    shown = runner.invoke(app, ["entity", "Olsen", "--db", path], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "This [return to peace] will need [bold]patience[/bold]" in shown.output


def test_entity_command_lists_quotes_by_and_about(tmp_path: Path) -> None:
    from storyline.pipeline import Pipeline

    path = str(tmp_path / "qa.db")
    store = SQLiteStore(path)
    text = (
        "Quota talks resume\n\n"
        "Minister Maria Olsen met the negotiator Ole Hansen in Oslo on Monday.\n\n"
        "“Ole Hansen has never missed a deadline in ten years,” Olsen said."
    )
    stages = ("language", "clean", "metadata", "entities", "quotes")
    store.save_article(Pipeline(store=store, stages=stages).run([Article(raw_text=text)])[0])
    store.close()
    olsen = json.loads(runner.invoke(app, ["entity", "Olsen", "--db", path, "--json"]).stdout)
    hansen = json.loads(runner.invoke(app, ["entity", "Hansen", "--db", path, "--json"]).stdout)
    assert [q["text"] for q in olsen["quotes"]] == [
        "Ole Hansen has never missed a deadline in ten years,"
    ]
    assert olsen["quotes_about"] == [] and hansen["quotes"] == []
    assert [q["speaker"] for q in hansen["quotes_about"]] == ["Maria Olsen"]
    shown = runner.invoke(app, ["entity", "Hansen", "--db", path], env={"COLUMNS": "200"})
    assert "quotes about (1)" in shown.output and "— Maria Olsen" in shown.output
