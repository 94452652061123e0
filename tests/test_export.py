"""The export contract: every format carries exactly Article.to_dict(), lossless and in order."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from storyline.article import Article, Claim, Mention, Quote, RemovedLine
from storyline.export import FIELDS, NESTED_FIELDS, export, write_csv, write_jsonl, write_parquet

CONTRACT = [
    "id",
    "source_path",
    "record",
    "url",
    "source",
    "author",
    "title",
    "language",
    "published",
    "modified",
    "published_source",
    "published_confidence",
    "text",
    "removed",
    "entities",
    "quotes",
    "claims",
    "story_id",
    "thread_id",
    "duplicate_of",
    "translation_of",
]


def _articles() -> list[Article]:
    full = Article(raw_text="raw one", source_path="in/one.html", title="Ministre: «non»")
    full.text = 'Le ministre a dit "non",\npuis il est parti.'
    full.language, full.published, full.published_source = "fr", date(2024, 2, 29), "meta"
    full.removed = [RemovedLine("Partager, sur Facebook", "share widget")]
    full.entities = [Mention("ministre", 3, 11, "PER", entity_id="e1", canonical="Le ministre")]
    full.quotes = [Quote("non", 22, 25, "direct", speaker="Le ministre", cue="dit")]
    full.claims = [Claim("2 fois", 0, 6, "number", value=2.0)]
    full.story_id = "s1"
    bare = Article(raw_text="raw two", source_path="-")
    return [full, bare]


def test_fields_are_the_documented_contract() -> None:
    assert list(FIELDS) == CONTRACT
    assert list(_articles()[0].to_dict()) == CONTRACT
    doc = (Path(__file__).resolve().parents[1] / "docs" / "schema.md").read_text()
    for name in CONTRACT:
        assert f"`{name}`" in doc, f"{name} is not documented in docs/schema.md"


def test_jsonl_is_one_to_dict_per_line() -> None:
    out = io.StringIO()
    assert write_jsonl(_articles(), out) == 2
    lines = out.getvalue().splitlines()
    assert len(lines) == 2  # newlines inside text stay escaped
    assert [json.loads(line) for line in lines] == [a.to_dict() for a in _articles()]
    assert "«non»" in lines[0]  # UTF-8, not \\u escapes


def test_csv_flattens_lists_as_json() -> None:
    out = io.StringIO()
    assert write_csv(_articles(), out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == CONTRACT
    for row, article in zip(rows, _articles(), strict=True):
        expected = article.to_dict()
        for name in CONTRACT:
            if name in NESTED_FIELDS:
                assert json.loads(row[name]) == expected[name]
            else:
                assert row[name] == ("" if expected[name] is None else expected[name])


def test_parquet_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    assert write_parquet(_articles(), path) == 2
    table = pq.read_table(path)
    assert table.column_names == CONTRACT
    assert str(table.schema.field("published").type) == "date32[day]"
    rows = table.to_pylist()
    for row, article in zip(rows, _articles(), strict=True):
        expected = article.to_dict()
        for name in NESTED_FIELDS:
            row[name] = json.loads(row[name])
        row["published"] = row["published"].isoformat() if row["published"] else None
        assert row == expected


def test_empty_exports_are_valid(tmp_path: Path) -> None:
    assert write_parquet([], tmp_path / "e.parquet") == 0
    assert pq.read_table(tmp_path / "e.parquet").num_rows == 0
    out = io.StringIO()
    write_csv([], out)
    assert out.getvalue().strip() == ",".join(CONTRACT)


def test_export_dispatch_and_errors(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    assert export(_articles(), "csv", path=target) == 2
    assert target.read_text(encoding="utf-8").startswith("id,source_path")
    with pytest.raises(ValueError, match="parquet"):
        export(_articles(), "parquet", out=io.StringIO())
    with pytest.raises(ValueError, match="unknown export format"):
        export(_articles(), "xml", out=io.StringIO())  # type: ignore[arg-type]
