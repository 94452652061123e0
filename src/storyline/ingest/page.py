"""Every HTML body (HTML files, JSONL ``html`` fields, full-page feed entries, WARC responses) goes
through :func:`read_page`, a thin wrapper over :func:`storyline.ingest.html.read_html` (the
trafilatura/htmldate extraction) that makes its result an ingest record like any other:

- ``raw_text`` and ``title`` normalised like text dumps (:func:`.encoding.normalise_text`), so
  offsets downstream index into the same kind of text whatever the input format;
- ``raw`` = the input bytes verbatim, ``encoding`` recorded, ``input_format`` = the container;
- the content id recomputed over the normalised text;
- a page with no extractable body, or on which the extractor fails, becomes one
  :class:`~storyline.errors.InputError` naming the item; it never stops the batch.
"""

from __future__ import annotations

from datetime import date

from storyline.article import Article, InputFormat, content_id
from storyline.errors import InputError
from storyline.ingest.encoding import UndecodableError, decode, looks_binary, normalise_text
from storyline.ingest.sniff import MAX_RECORD_BYTES, too_big


def read_page(
    data: bytes | str,
    *,
    source_path: str,
    url: str | None = None,
    record: str | None = None,
    input_format: InputFormat = "html",
    crawled: date | None = None,
) -> Article:
    """One article from an HTML page; raises :class:`InputError` naming the item."""
    item = f"{source_path}:{record}" if record else source_path
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not raw.strip():
        raise InputError(item, "empty HTML page")
    if len(raw) > MAX_RECORD_BYTES:
        raise InputError(item, too_big(len(raw)))
    if isinstance(data, bytes):
        reason = looks_binary(data)
        if reason:
            raise InputError(item, reason)
    # Imported here: html.py pulls in trafilatura/htmldate (~1 s), which text-only runs never need.
    from storyline.ingest.html import read_html

    try:
        article = read_html(data, source_path=source_path, url=url, record=record, crawled=crawled)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            item, f"cannot extract the HTML page: {type(exc).__name__}: {exc}"
        ) from exc
    text = normalise_text(article.raw_text or "")
    if not text.strip():
        raise InputError(item, "no article text found in the HTML page")
    article.raw_text = text
    if article.title is not None:
        article.title = " ".join(normalise_text(article.title).split()) or None
    article.source_path = source_path
    article.record = record
    article.input_format = input_format
    article.raw = raw
    if article.url is None:
        article.url = url
    if article.encoding is None:
        article.encoding = _encoding_of(data)
    article.id = content_id(article.title, article.raw_text)
    return article


def _encoding_of(data: bytes | str) -> str | None:
    """What the page bytes are encoded in (the extractor decoded them; this only records it)."""
    if isinstance(data, str):
        return None
    try:
        return decode(data)[1]
    except UndecodableError:
        return None
