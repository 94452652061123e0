"""WARC / WARC.gz ingest: HTML responses only, target URI, WARC-Date fallback, truncation."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.article import Article
from storyline.errors import InputError
from storyline.ingest import read_paths
from storyline.ingest.warc import WARC_CONFIDENCE

PAGE = """<!DOCTYPE html><html><head><title>{title} | Example</title>{meta}</head>
<body><nav>Home | World | Sport</nav><article><h1>{title}</h1>
<p>{title}: the minister told reporters on Thursday that the negotiations would continue
next week in Geneva, after two days of talks that both delegations called constructive.</p>
<p>"We are ready for a dialogue," he said, adding that a new round was planned for the autumn
and that observers from both sides would attend the meetings in the Swiss city.</p>
</article><footer>© Example Media</footer></body></html>"""

DATED = '<meta property="article:published_time" content="2018-08-02T14:54:00+03:00">'


def _warc(records: list[tuple[str, str, str, bytes]], *, gz: bool) -> bytes:
    """WARC bytes from (type, uri, content type or "404 …" status, payload) tuples."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for rec_type, uri, content_type, payload in records:
        status = "200 OK"
        if content_type.startswith("404"):
            status, content_type = content_type, "text/html"
        if rec_type == "response":
            http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(payload),
                http_headers=http,
                warc_headers_dict={"WARC-Date": "2020-05-06T07:08:09Z"},
            )
        else:
            record = writer.create_warc_record(
                uri,
                rec_type,
                payload=io.BytesIO(payload),
                warc_content_type=content_type,
                warc_headers_dict={"WARC-Date": "2020-05-06T07:08:09Z"},
            )
        writer.write_record(record)
    return out.getvalue()


def _page(title: str, meta: str = "") -> bytes:
    return PAGE.format(title=title, meta=meta).encode("utf-8")


CRAWL = [
    ("request", "https://news.example.org/a", "application/http; msgtype=request", b"GET /a"),
    ("response", "https://news.example.org/a", "text/html; charset=utf-8", _page("Alpha", DATED)),
    ("response", "https://news.example.org/logo.png", "image/png", b"\x89PNG\r\n\x1a\n"),
    ("response", "https://news.example.org/gone", "404 Not Found", _page("Gone")),
    ("response", "https://news.example.org/b", "text/html", _page("Beta")),
    ("resource", "https://news.example.org/c", "text/html", _page("Gamma")),
]


@pytest.mark.parametrize("gz", [False, True])
def test_html_responses_become_articles(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(_warc(CRAWL, gz=gz))
    items = list(read_paths([str(path)]))
    assert all(isinstance(i, Article) for i in items), items
    articles = [i for i in items if isinstance(i, Article)]
    assert [a.url for a in articles] == [
        "https://news.example.org/a",
        "https://news.example.org/b",
        "https://news.example.org/c",
    ]
    assert [a.record for a in articles] == ["record 2", "record 5", "record 6"]
    alpha, beta, _ = articles
    assert "negotiations would continue next week" in alpha.raw_text
    assert "Home | World" not in alpha.raw_text
    assert alpha.input_format == "warc" and alpha.raw == _page("Alpha", DATED)
    # the page's own date wins; the crawl date only fills the gap
    assert (alpha.published, alpha.published_source) == (date(2018, 8, 2), "meta")
    assert (beta.published, beta.published_source) == (date(2020, 5, 6), "warc")
    assert beta.published_confidence == WARC_CONFIDENCE
    assert alpha.published_confidence is not None and alpha.published_confidence > WARC_CONFIDENCE
    assert beta.hints["warc_record_id"].startswith("<urn:uuid:")


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_warc_keeps_the_records_before_the_damage(tmp_path: Path, gz: bool) -> None:
    data = _warc(CRAWL[:2] + CRAWL[4:5], gz=gz)
    whole = _warc(CRAWL[:2], gz=gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(data[: len(whole) + (len(data) - len(whole)) // 2])  # cut inside record 3
    items = list(read_paths([str(path)]))
    assert [type(i).__name__ for i in items] == ["Article", "InputError"]
    assert items[0].url == "https://news.example.org/a"  # type: ignore[union-attr]
    error = items[1]
    assert isinstance(error, InputError) and error.item == f"{path}:record 3"
    assert "truncated or damaged WARC" in error.reason


@pytest.mark.parametrize("gz", [False, True])
def test_a_warc_cut_anywhere_reports_the_damage(tmp_path: Path, gz: bool) -> None:
    """Cut at every 37th byte (inside headers, payloads, gzip members and between records):
    the reader never raises, and either every page lands or an InputError names the file or
    the record where the damage starts. Cuts inside a record header used to raise warcio's
    AttributeError, and cuts inside a gzip member or a plain record header ended silently."""
    data = _warc(CRAWL[:2] + CRAWL[4:5], gz=gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    for cut in range(1, len(data), 37):
        path.write_bytes(data[:cut])
        items = list(read_paths([str(path)]))
        articles = [i for i in items if isinstance(i, Article)]
        errors = [i for i in items if isinstance(i, InputError)]
        if len(articles) == 2 and not errors:
            assert cut >= len(data) - 4, cut  # only the final record separator is missing
            continue
        assert len(errors) == 1, (cut, items)
        assert errors[0].item == str(path) or errors[0].item.startswith(f"{path}:record "), cut
    path.write_bytes(data)
    assert [type(i).__name__ for i in read_paths([str(path)])] == ["Article", "Article"]


def test_garbage_after_records(tmp_path: Path) -> None:
    path = tmp_path / "junk.warc"
    path.write_bytes(_warc(CRAWL[1:2], gz=False) + b"this is not a WARC record\r\n\r\n" * 3)
    items = list(read_paths([str(path)]))
    assert [type(i).__name__ for i in items] == ["Article", "InputError"]
    assert isinstance(items[1], InputError) and items[1].item == f"{path}:record 2"


def test_warc_without_pages_and_page_without_text(tmp_path: Path) -> None:
    (tmp_path / "a.warc").write_bytes(_warc([CRAWL[0], CRAWL[2]], gz=False))
    empty_page = b"<html><head><title>t</title></head><body><script>x()</script></body></html>"
    (tmp_path / "b.warc").write_bytes(
        _warc([("response", "https://x.example/", "text/html", empty_page)], gz=False)
    )
    first, second = read_paths([str(tmp_path)])
    assert isinstance(first, InputError) and "no HTML response records among its 2" in first.reason
    assert isinstance(second, InputError) and second.item == f"{tmp_path / 'b.warc'}:record 1"


def test_oversized_record_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("storyline.ingest.warc.MAX_RECORD_BYTES", 1000)
    big = _page("Big") + b"<!--" + b"x" * 5000 + b"-->"
    path = tmp_path / "big.warc.gz"
    path.write_bytes(
        _warc([("response", "https://x.example/big", "text/html", big), *CRAWL[4:5]], gz=True)
    )
    items = list(read_paths([str(path)]))
    assert [type(i).__name__ for i in items] == ["InputError", "Article"]
    assert "limit" in items[0].reason  # type: ignore[union-attr]


def test_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_bytes(b"Just some text that is not a WARC file.\n")
    [error] = list(read_paths([str(path)]))
    assert isinstance(error, InputError) and error.item == str(path)
    assert error.reason.startswith("not a readable WARC file")


def test_stdin_warc_is_sniffed() -> None:
    items = list(read_paths(["-"], stdin=io.BytesIO(_warc(CRAWL[4:5], gz=True))))
    assert [getattr(i, "url", None) for i in items] == ["https://news.example.org/b"]
