"""WARC and WARC.gz files → one Article per HTML response record (warcio).

Records read: ``response`` records with a 2xx HTTP status and an HTML content type, and
``resource`` records with an HTML content type. Everything else (warcinfo, request, metadata,
redirects, images, CSS) is skipped silently: a crawl holds far more of those than articles.

Per record: the HTTP payload (de-chunked and decompressed by warcio) goes through the HTML
extractor (:func:`storyline.ingest.page.read_page`) with ``url`` = ``WARC-Target-URI``;
``WARC-Date`` becomes ``published`` (``published_source="warc"``) only when the page itself gives
no date, since it is the crawl date, not the publication date. ``record`` = ``"record N"`` (the
N-th WARC record of the file, 1-based, counting every type); ``raw`` = the HTTP payload;
``hints["warc_record_id"]`` = ``WARC-Record-ID``.

The file is streamed record by record, so it may be any size; each HTML payload is limited to
:data:`~storyline.ingest.sniff.MAX_RECORD_BYTES`. A truncated or damaged file: the records before
the damage land, then one :class:`~storyline.errors.InputError` names the record where reading
stopped. warcio is silent or raises its own errors on most cuts, so three checks back it: a
record whose payload is short of the length it promised, a record header without WARC-Type or
length (cut inside the header), and the end of the data inside a gzip member or, in a plain
WARC, bytes after the last record that warcio did not read as one.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, BinaryIO

from storyline.article import Article
from storyline.errors import InputError
from storyline.ingest.page import read_page
from storyline.ingest.sniff import MAX_RECORD_BYTES, too_big

# Confidence of a crawl date taken as the publication date (a page with no date of its own): the
# crawl day is the publication day only for a page fetched the day it appeared. Not measured (no
# dev WARC data with gold dates); a low figure, so that filtering on confidence drops it first.
WARC_CONFIDENCE = 0.1

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Read size when draining a record that is not read as an article.
_CHUNK = 1 << 16
# What may follow the last record of a plain WARC without being a record: its "\r\n\r\n".
_RECORD_SEPARATOR_BYTES = 4


def read_warc(stream: BinaryIO, *, source_path: str) -> Iterator[Article | InputError]:
    """Yield one Article (or InputError) per HTML response record of the WARC in ``stream``."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    number = 0
    found = 0
    watch = _GzipWatch(stream)
    archive = ArchiveIterator(watch)
    records = iter(archive)
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except ArchiveLoadFailed as exc:
            yield _damaged(source_path, number + 1, f"{type(exc).__name__}: {exc}")
            return
        except Exception as exc:
            # warcio parsing a record cut inside its headers fails in its own code (e.g.
            # AttributeError on a missing WARC-Target-URI): damaged input, not our bug.
            yield _damaged(source_path, number + 1, f"{type(exc).__name__}: {exc}")
            return
        number += 1
        label = f"record {number}"
        declared = (record.rec_headers.get_header("Content-Length") or "").strip()
        if record.format == "warc" and (record.rec_type is None or not declared.isdigit()):
            # warcio takes a header cut off by the end of the file for a whole one
            yield _damaged(source_path, number, "a record header without WARC-Type or length")
            return
        if record.format == "arc" and "://" not in (record.rec_headers.get_header("uri") or ""):
            # warcio reads any line as an old-style ARC header; real ones start with a URI.
            yield _damaged(source_path, number, "no WARC or ARC record header")
            return
        try:
            payload = _html_payload(record)
            _drain(record)
        except Exception as exc:  # as above: warcio on a damaged record
            yield _damaged(source_path, number, f"{type(exc).__name__}: {exc}")
            return
        missing = getattr(record.raw_stream, "limit", 0) or 0
        if missing > 0:
            promised = record.length or 0
            yield _damaged(
                source_path,
                number,
                f"the record ends after {promised - missing} of {promised} bytes",
            )
            return
        if payload is None:
            continue
        found += 1
        if len(payload) > MAX_RECORD_BYTES:
            yield InputError(f"{source_path}:{label}", too_big(None))
            continue
        try:
            yield _article(record, payload, source_path=source_path, record_label=label)
        except InputError as exc:
            yield exc
    if watch.truncated:
        # warcio ends silently when a gzip member stops short (a download cut off, a full
        # disk): the record it was in, and every one after it, never came.
        # One gzip member per record is the WARC convention: the first incomplete member is the
        # damaged record (warcio may have yielded it, or not).
        members = watch.members_done
        damaged = min(number + 1, members + 1) if members else number + 1
        yield _damaged(source_path, damaged, "the gzip data stops in the middle of a record")
        return
    unread = watch.bytes_read - (getattr(archive, "offset", None) or watch.bytes_read)
    if not watch.gzip and unread > _RECORD_SEPARATOR_BYTES:
        # A plain WARC cut inside a record's header: warcio stops without yielding it.
        yield _damaged(source_path, number + 1, f"{unread} bytes at the end are not a record")
        return
    if not found and number:
        yield InputError(source_path, f"no HTML response records among its {number} WARC records")
    elif not number:
        yield InputError(source_path, "no WARC records")


class _GzipWatch:
    """The WARC file's bytes as warcio reads them, checked as they pass: ``truncated`` is True
    once the stream has ended inside a gzip member. warcio's own decompressor does not notice a
    member cut short (zlib returns what it has), so a truncated ``.warc.gz`` would otherwise
    lose its last records without a word. Costs one more streaming inflate of the file."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._member: Any = None  # zlib.decompressobj of the member being read
        self._in_member = False
        self.members_done = 0
        self._gzip: bool | None = None  # decided by the first bytes
        self._ended = False
        self.bytes_read = 0

    @property
    def gzip(self) -> bool:
        return bool(self._gzip)

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.bytes_read += len(data)
        if not data:
            self._ended = True
        elif self._gzip is None:
            self._gzip = data.startswith(b"\x1f\x8b")
        if self._gzip and data:
            self._feed(data)
        return data

    def readline(self, size: int = -1) -> bytes:  # warcio reads plain WARCs line by line
        data = self._stream.readline(size)
        self.bytes_read += len(data)
        if not data:
            self._ended = True
        elif self._gzip is None:
            self._gzip = data.startswith(b"\x1f\x8b")
        return data

    def _feed(self, data: bytes) -> None:
        while data:
            if self._member is None:
                self._member = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                self._member.decompress(data)
            except zlib.error:
                self._member, self._in_member = None, False
                return  # corrupt, not short: warcio reports that itself
            self._in_member = True
            if not self._member.eof:
                return
            data = self._member.unused_data
            self._member, self._in_member = None, False
            self.members_done += 1

    @property
    def truncated(self) -> bool:
        """Whether the data ended inside a gzip member (only known at the end of the stream)."""
        if not self._ended:
            # warcio stopped before the end (the last record had no successor to look for):
            # read what is left, so a cut in it is seen.
            while self.read(_CHUNK):
                pass
        return bool(self._gzip and self._in_member)


def _html_payload(record: Any) -> bytes | None:
    """The HTML payload of a record that holds a page (at most one byte over the limit)."""
    if record.rec_type == "response":
        headers = record.http_headers
        if headers is None:
            return None
        status = headers.get_statuscode() or ""
        content_type = headers.get_header("Content-Type") or ""
        if not status.startswith("2"):
            return None
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return None
    if content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
        return None
    data: bytes = record.content_stream().read(MAX_RECORD_BYTES + 1)
    return data


def _drain(record: Any) -> None:
    """Read the rest of a record, so a short one is noticed (its stream's limit stays above 0)."""
    while record.raw_stream.read(_CHUNK):
        pass


def _article(record: Any, payload: bytes, *, source_path: str, record_label: str) -> Article:
    url = record.rec_headers.get_header("WARC-Target-URI")
    crawled = warc_date(record.rec_headers.get_header("WARC-Date"))
    article = read_page(
        payload,
        source_path=source_path,
        url=url,
        record=record_label,
        input_format="warc",
        crawled=crawled,
    )
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    if record_id:
        article.hints["warc_record_id"] = record_id
    if article.published is None and crawled is not None:
        article.published, article.published_source = crawled, "warc"
        article.published_confidence = WARC_CONFIDENCE
    return article


def warc_date(value: str | None) -> date | None:
    """The day of a ``WARC-Date`` (ISO 8601, UTC)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _damaged(source_path: str, number: int, why: str) -> InputError:
    if number == 1:
        return InputError(source_path, f"not a readable WARC file ({why})")
    return InputError(
        f"{source_path}:record {number}",
        f"truncated or damaged WARC from here on ({why}); the records before it were read",
    )
