"""read_paths / read_one: files, directories, stdin, format detection, seeds and bad input."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.article import Article
from storyline.errors import InputError
from storyline.ingest import STDIN_LABEL, read_one, read_paths
from storyline.ingest.sniff import MAX_RECORD_BYTES, format_from_name, sniff_format

FRENCH = (
    "Moscou : l’élimination des terroristes est achevée.\n\n"
    "Le ministre a déclaré jeudi que « tout est prêt »."
)
RUSSIAN = "Москва заявила о завершении операции.\n\n«Все готово», — сказал министр в четверг."


def _labels(items: list[Article | InputError]) -> list[str]:
    return [i.label if isinstance(i, Article) else f"ERROR {i.item}" for i in items]


def test_seeds_land_as_normalised_text(seed_paths: list[Path]) -> None:
    items = list(read_paths([str(p) for p in seed_paths]))
    assert all(isinstance(i, Article) for i in items) and len(items) == 5
    articles = [i for i in items if isinstance(i, Article)]
    for path, article in zip(seed_paths, articles, strict=True):
        assert article.source_path == str(path)
        assert article.input_format == "text" and article.encoding == "utf-8"
        assert article.raw == path.read_bytes()
        assert "\u00a0" not in article.raw_text and "\r" not in article.raw_text
        assert article.title is None  # the clean stage picks the headline
    # seed 001 has 153 no-break spaces in its bytes: all became plain spaces, nothing else moved
    raw_001 = articles[1].raw
    assert raw_001 is not None and raw_001.count("\u00a0".encode()) == 153
    assert articles[1].raw_text == raw_001.decode("utf-8").replace("\u00a0", " ")
    assert articles[3].raw_text.startswith("You are here\n")
    assert len({a.id for a in articles}) == 5


def test_directory_is_walked_sorted_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("two")
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / "b" / "1.txt").write_text("one in b")
    (tmp_path / ".hidden.txt").write_text("secret")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("git internals")
    items = list(read_paths([str(tmp_path)]))
    assert [getattr(i, "raw_text", None) for i in items] == ["one", "one in b", "two"]
    assert items[1].source_path == os.path.join(str(tmp_path), "b", "1.txt")  # type: ignore[union-attr]


def test_missing_path_and_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    items = list(read_paths([str(tmp_path / "nope.txt"), str(tmp_path / "empty")]))
    assert all(isinstance(i, InputError) for i in items)
    assert [i.reason for i in items if isinstance(i, InputError)] == [
        "no such file or directory",
        "no files in this directory (hidden files are skipped)",
    ]


def test_stdin_is_sniffed() -> None:
    jsonl = b'{"text": "from a pipe", "title": "T"}\n{"text": "second"}\n'
    items = list(read_paths(["-"], stdin=io.BytesIO(jsonl)))
    assert [getattr(i, "raw_text", None) for i in items] == ["from a pipe", "second"]
    assert items[0].source_path == STDIN_LABEL and items[0].record == "line 1"  # type: ignore[union-attr]
    [text] = list(read_paths(["-"], stdin=io.BytesIO(RUSSIAN.encode("cp1251"))))
    assert isinstance(text, Article) and text.raw_text == RUSSIAN and text.encoding == "cp1251"
    [empty] = list(read_paths(["-"], stdin=io.BytesIO(b"")))
    assert isinstance(empty, InputError) and empty.item == STDIN_LABEL


def test_cp1251_and_latin1_files(tmp_path: Path) -> None:
    ru = tmp_path / "ru.txt"
    ru.write_bytes(RUSSIAN.replace("\n", "\r\n").encode("cp1251"))
    fr = tmp_path / "fr.txt"
    fr.write_bytes(FRENCH.replace("’", "'").encode("latin-1"))
    ru_article, fr_article = read_paths([str(ru), str(fr)])
    assert isinstance(ru_article, Article) and isinstance(fr_article, Article)
    assert ru_article.raw_text == RUSSIAN and ru_article.encoding == "cp1251"
    assert fr_article.raw_text == FRENCH.replace("’", "'")
    assert fr_article.raw == fr.read_bytes()


def test_bad_input_fails_alone(tmp_path: Path) -> None:
    good = tmp_path / "01-good.txt"
    good.write_text("A real article.")
    (tmp_path / "02-empty.txt").write_bytes(b"")
    (tmp_path / "03-blank.txt").write_text(" \n\t\n")
    (tmp_path / "04-image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    (tmp_path / "05-archive.txt").write_bytes(b"PK\x03\x04" + os.urandom(2000))
    (tmp_path / "06-nul.txt").write_bytes(b"text\x00\x00\x00\x00" * 300)
    (tmp_path / "07-garbage.txt").write_bytes(bytes(range(128, 256)) * 50)
    big = tmp_path / "08-big.txt"
    with big.open("wb") as out:
        chunk = b"All work and no play makes a 50 MB article.\n" * 23_831  # ~1 MB
        for _ in range(50):
            out.write(chunk)
    assert big.stat().st_size > 50_000_000
    (tmp_path / "09-last.txt").write_text("Another real article.")
    items = list(read_paths([str(tmp_path)]))
    assert [getattr(i, "raw_text", None) for i in items] == [
        "A real article.",
        *[None] * 7,
        "Another real article.",
    ]
    reasons = {Path(i.item).name: i.reason for i in items if isinstance(i, InputError)}
    assert reasons["02-empty.txt"] == "empty file"
    assert "only whitespace" in reasons["03-blank.txt"]
    assert "binary" in reasons["04-image.png"]
    assert "binary" in reasons["05-archive.txt"]
    assert "NUL" in reasons["06-nul.txt"]
    assert "not valid UTF-8" in reasons["07-garbage.txt"]
    assert reasons["08-big.txt"] == "over the 10 MB limit for one article (50.0 MB)"


def test_xml_that_is_no_feed_is_refused(tmp_path: Path) -> None:
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text('<?xml version="1.0"?>\n<urlset><url><loc>https://x</loc></url></urlset>')
    [error] = list(read_paths([str(sitemap)]))
    assert isinstance(error, InputError) and "neither an RSS/Atom feed nor a page" in error.reason


def test_compressed_files_are_opened(tmp_path: Path) -> None:
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(FRENCH.encode()))
    (tmp_path / "b.jsonl.xz").write_bytes(lzma.compress(b'{"text": "xz line"}\n'))
    (tmp_path / "c.bz2").write_bytes(bz2.compress(RUSSIAN.encode("cp1251")))
    varied = "".join(f"{n}: {FRENCH}\n" for n in range(3000)).encode()
    (tmp_path / "d.txt.gz").write_bytes(gzip.compress(varied)[:2000])
    items = list(read_paths([str(tmp_path)]))
    texts = [getattr(i, "raw_text", None) for i in items]
    assert texts == [FRENCH, "xz line", RUSSIAN, None]
    error = items[3]
    assert isinstance(error, InputError) and error.item.endswith("d.txt.gz")
    assert "damaged gzip data" in error.reason


def test_read_one_takes_text_or_path(tmp_path: Path) -> None:
    article = read_one("Putin\u00a0said on Friday.\r\nSecond line.")
    assert article.raw_text == "Putin said on Friday.\nSecond line."
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"text": "first"}) + "\n" + json.dumps({"text": "second"}) + "\n")
    assert read_one(path).raw_text == "first"
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(InputError, match="empty file"):
        read_one(tmp_path / "empty.txt")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", "text"),
        ("A.HTM", "html"),
        ("x.jsonl", "jsonl"),
        ("news.rss", "feed"),
        ("crawl.warc.gz", "warc"),
        ("crawl.warc", "warc"),
        ("data.xml", None),
        ("data.json", None),
        ("README", None),
    ],
)
def test_format_from_name(name: str, expected: str | None) -> None:
    assert format_from_name(name) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<?xml version="1.0"?>\n<!-- x -->\n<rss version="2.0"><channel>', "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
        (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x">', "feed"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html><head>", "html"),
        (b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', "html"),
        (b"  <div><p>fragment</p></div>", "html"),
        (b'\n{"text": "x"}\n', "jsonl"),
        (b'[{"text": "x"}]', "jsonl"),
        (b"WARC/1.1\r\nWARC-Type: warcinfo", "warc"),
        (gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n", mtime=0), "warc"),
        (b"You are here\n\nHeadline <b>not html</b>", "text"),
        (b"<<< breaking >>> headline", "text"),
    ],
)
def test_sniff_format(head: bytes, expected: str) -> None:
    assert sniff_format(head) == expected


def test_record_limit_is_ten_megabytes() -> None:
    assert MAX_RECORD_BYTES == 10 * 1024 * 1024


PAGE = (
    "<!DOCTYPE html><html><head><title>Talks resume | Example</title></head><body>"
    "<nav>Home | World</nav><article><h1>Talks resume</h1>"
    "<p>The minister told reporters on Thursday that the negotiations would continue next week"
    " in Geneva, after two days of talks both delegations called constructive.</p>"
    "<p>\u201cWe are ready for a dialogue,\u201d he said, adding that a new round was planned"
    " for the autumn and that observers would attend.</p></article></body></html>"
)


def test_html_files_go_through_the_extractor(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(PAGE.replace("Talks resume", "Talks end"), encoding="utf-8")
    broken = PAGE[: PAGE.index("</p>") + 4]  # cut mid-document: unclosed article, body, html
    (tmp_path / "c-broken.html").write_text(broken, encoding="utf-8")
    (tmp_path / "d-no-body.html").write_text("<html><head><title>t</title></head></html>")
    (tmp_path / "e-binary.html").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(500))
    items = list(read_paths([str(tmp_path)]))
    assert [type(i).__name__ for i in items] == ["Article"] * 3 + ["InputError"] * 2
    a, b, c = (i for i in items if isinstance(i, Article))
    assert a.input_format == "html" and b.input_format == "html"  # b.txt: a saved page
    assert "negotiations would continue next week in Geneva" in a.raw_text
    assert "Home | World" not in a.raw_text and a.title == "Talks resume"
    assert a.raw == PAGE.encode("utf-8") and a.encoding == "utf-8"
    assert b.title == "Talks end"
    # broken HTML still yields the text it holds
    assert c.raw_text.endswith(
        "\n\nThe minister told reporters on Thursday that the negotiations"
        " would continue next week in Geneva, after two days of talks both delegations called"
        " constructive."
    )
    errors = [i for i in items if isinstance(i, InputError)]
    assert errors[0].item.endswith("d-no-body.html") and "no article text" in errors[0].reason
    assert errors[1].item.endswith("e-binary.html") and "binary" in errors[1].reason


def test_cp1251_html_page(tmp_path: Path) -> None:
    page = PAGE.replace("<head>", '<head><meta charset="windows-1251">')
    page = page.replace("Thursday", "в четверг").replace("Talks resume", "Переговоры")
    path = tmp_path / "ru.html"
    path.write_bytes(page.encode("cp1251"))
    [article] = list(read_paths([str(path)]))
    assert isinstance(article, Article)
    assert "в четверг" in article.raw_text and article.title == "Переговоры"
    assert article.raw == path.read_bytes()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=600)
    | st.text(max_size=300).map(lambda t: t.encode("utf-8"))
    | st.sampled_from([b'{"text": 1}\n{', b"<rss><item>", b"WARC/1.0\r\n\r\n", b"\x1f\x8b\x08"]),
    suffix=st.sampled_from([".txt", ".jsonl", ".rss", ".warc", ".warc.gz", ".gz", ".json", ""]),
)
def test_any_bytes_give_articles_or_errors_never_exceptions(
    tmp_path: Path, data: bytes, suffix: str
) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    for item in read_paths([str(path)]):
        assert isinstance(item, Article | InputError)
        if isinstance(item, Article):
            assert item.raw_text.strip() and "\u00a0" not in item.raw_text
        else:
            assert item.item.startswith(str(path)) and item.reason
