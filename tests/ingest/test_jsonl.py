"""JSON Lines ingest: fields, dates, streaming, bad lines."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from storyline.article import Article
from storyline.errors import InputError
from storyline.ingest import read_paths
from storyline.ingest import sniff as sniff_module
from storyline.ingest.jsonl import parse_date, read_jsonl


def _items(data: bytes, name: str = "a.jsonl") -> list[Article | InputError]:
    return list(read_jsonl(io.BytesIO(data), source_path=name))


def test_fields_given_by_the_line_are_set() -> None:
    line = {
        "url": "https://example.org/a",
        "title": "Talks\u00a0resume",
        "text": "Talks resumed\r\nin Geneva.",
        "published": "2018-08-02T14:54:00+03:00",
        "source": "Example News",
        "language": "en",
        "author": "Jane Roe",
        "id": 17,
    }
    [article] = _items(json.dumps(line).encode())
    assert isinstance(article, Article)
    assert article.raw_text == "Talks resumed\nin Geneva."
    assert article.title == "Talks resume"
    assert (article.url, article.source, article.language, article.author) == (
        "https://example.org/a",
        "Example News",
        "en",
        "Jane Roe",
    )
    assert (article.published, article.published_source) == (date(2018, 8, 2), "jsonl")
    assert (article.record, article.input_format, article.source_path) == (
        "line 1",
        "jsonl",
        "a.jsonl",
    )
    assert article.raw == json.dumps(line).encode()
    assert article.hints["id"] == "17"


def test_only_text_is_required() -> None:
    [article] = _items(b'{"text": "Just a body."}\n')
    assert isinstance(article, Article)
    assert article.raw_text == "Just a body."
    assert article.title is None and article.published is None and article.language is None


def test_bad_lines_fail_alone_and_name_their_line() -> None:
    data = b"\n".join(
        [
            b'{"text": "first"}',
            b"",
            b'{"text": "broken',
            b'{"title": "no body"}',
            b'{"text": "  "}',
            b'["not", "an", "object"]',
            b'{"text": 42}',
            b'{"text": "last", "published": "not a date at all"}',
        ]
    )
    items = _items(data)
    assert [type(i).__name__ for i in items] == ["Article"] + ["InputError"] * 5 + ["Article"]
    errors = [i for i in items if isinstance(i, InputError)]
    assert [e.item for e in errors] == [f"a.jsonl:line {n}" for n in (3, 4, 5, 6, 7)]
    assert "malformed JSON" in errors[0].reason
    assert 'no "text" or "html"' in errors[1].reason
    assert 'no "text" or "html"' in errors[2].reason
    assert "expected a JSON object" in errors[3].reason
    assert '"text" must be a string' in errors[4].reason
    last = items[-1]
    assert isinstance(last, Article) and last.record == "line 8"
    assert last.published is None and last.hints["published_unparsed"] == "not a date at all"


def test_over_long_line_is_skipped_and_the_next_lines_land(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("storyline.ingest.jsonl.MAX_RECORD_BYTES", 100)
    monkeypatch.setattr(sniff_module, "MAX_RECORD_BYTES", 100)
    long_line = json.dumps({"text": "x" * 5000}).encode()
    items = _items(b'{"text": "a"}\n' + long_line + b'\n{"text": "b"}\n')
    assert [getattr(i, "raw_text", None) for i in items] == ["a", None, "b"]
    error = items[1]
    assert isinstance(error, InputError) and error.item == "a.jsonl:line 2"
    assert "limit" in error.reason


def test_json_array_file(tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([{"text": "one"}, {"title": "none"}, {"text": "three"}]))
    items = list(read_paths([str(path)]))
    assert [getattr(i, "raw_text", None) for i in items] == ["one", None, "three"]
    assert isinstance(items[1], InputError) and items[1].item == f"{path}:item 2"


def test_one_pretty_printed_object(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"text": "Body.", "title": "T", "language": "FR"}, indent=2))
    [article] = list(read_paths([str(path)]))
    assert isinstance(article, Article)
    assert (article.raw_text, article.title, article.language) == ("Body.", "T", "fr")
    assert article.record is None and article.label == str(path)
    path.write_text('{\n  "text": "unfinished",\n')
    [error] = list(read_paths([str(path)]))
    assert isinstance(error, InputError) and error.item == str(path)
    assert error.reason.startswith("malformed JSON")


def test_html_field_goes_through_the_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []

    def fake_read_page(data: bytes | str, **kwargs: object) -> Article:
        calls.append({"data": data, **kwargs})
        return Article(
            raw_text="Body from the page.", title="Page title", url="https://page", source="Site"
        )

    monkeypatch.setattr("storyline.ingest.jsonl.read_page", fake_read_page)
    line = {"html": "<p>Body from the page.</p>", "title": "Given title", "url": "https://given"}
    [article] = _items(json.dumps(line).encode())
    assert isinstance(article, Article)
    assert calls[0]["data"] == line["html"] and calls[0]["url"] == "https://given"
    assert calls[0]["record"] == "line 1"
    # the line's own fields win; the page fills the gaps
    assert (article.title, article.url, article.source) == ("Given title", "https://given", "Site")
    assert article.input_format == "jsonl" and article.raw_text == "Body from the page."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-12-08", date(2017, 12, 8)),
        ("2017-12-08T10:00:00Z", date(2017, 12, 8)),
        ("2017-12-08 23:59:59.123+05:00", date(2017, 12, 8)),
        ("Dec 08, 2017", date(2017, 12, 8)),
        ("2 Aug 2018 14:54", date(2018, 8, 2)),
        (1512691200, date(2017, 12, 8)),
        ("yesterday-ish", None),
        ("2017-13-45", None),
        (True, None),
    ],
)
def test_parse_date(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected
