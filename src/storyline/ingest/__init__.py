"""Ingest: turn input files (text dumps, HTML, JSONL, RSS/Atom, WARC), directories and stdin into
:class:`~storyline.article.Article` records, or :class:`~storyline.errors.InputError` for items
that cannot be read. A bad item never stops the batch.

- Paths are files, directories (walked recursively in sorted order, hidden files and folders
  skipped) or ``-`` for stdin (labelled ``<stdin>``).
- The format comes from the file name when it is clear (:func:`.sniff.format_from_name`), else
  from the first bytes (:func:`.sniff.sniff_format`); a whole HTML page saved as ``.txt`` is read
  as HTML, and XML that is neither a feed nor a page is refused. gzip, xz and bzip2
  files of any format are decompressed on the fly (``page.html.gz``, ``feed.xml.xz``); a
  ``.warc.gz`` is read by warcio itself.
- One module per format: :mod:`.text`, :mod:`.jsonl`, :mod:`.feed`, :mod:`.warc`; HTML bodies go
  through :mod:`.page` (the extractor in :mod:`.html`). Every text is normalised by
  :mod:`.encoding`, so offsets downstream index into normalised text; ``raw`` keeps the bytes.
- Size: one article record is at most :data:`~storyline.ingest.sniff.MAX_RECORD_BYTES`, and its
  text at most :data:`~storyline.ingest.sniff.MAX_ARTICLE_CHARS` characters; JSONL and WARC files
  are streamed, so they may be larger as long as each record is within the limits.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, cast

from storyline.article import Article, InputFormat
from storyline.errors import InputError
from storyline.ingest.sniff import (
    MAX_ARTICLE_CHARS,
    MAX_FEED_BYTES,
    MAX_RECORD_BYTES,
    SNIFF_BYTES,
    format_from_name,
    is_html_document,
    sniff_format,
    too_big,
)

__all__ = ["STDIN_LABEL", "read_one", "read_paths", "read_stream"]

# How stdin is named in source_path and in error messages.
STDIN_LABEL = "<stdin>"

_COMPRESSED: tuple[tuple[bytes, str, str], ...] = (
    (b"\x1f\x8b", "gzip", ".gz"),
    (b"\xfd7zXZ\x00", "xz", ".xz"),
    (b"BZh", "bzip2", ".bz2"),
)
# What a damaged compressed stream raises while it is being read.
_DAMAGED = (EOFError, zlib.error, lzma.LZMAError, gzip.BadGzipFile)


def read_paths(
    paths: Iterable[str], stdin: BinaryIO | None = None
) -> Iterator[Article | InputError]:
    """Yield one Article per record in ``paths`` (files, directories recursively, ``-`` = stdin).

    Every unreadable item (file, JSON line, feed entry, WARC record) is yielded as an
    :class:`InputError` naming it and saying what is wrong; the rest of the batch still lands.
    """
    for given in paths:
        if given == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _contained(read_stream(stream, label=STDIN_LABEL), STDIN_LABEL)
            continue
        path = Path(given)
        if path.is_dir():
            files = list(_walk(given))
            if not files:
                yield InputError(given, "no files in this directory (hidden files are skipped)")
            for file in files:
                yield from _read_file(file)
        elif path.is_file():
            yield from _read_file(given)
        elif path.exists():
            yield InputError(given, "not a regular file or directory")
        else:
            yield InputError(given, "no such file or directory")


def read_one(text_or_path: str | Path) -> Article:
    """The first article in a path, or the argument itself as article text."""
    candidate = Path(text_or_path)
    if isinstance(text_or_path, Path) or ("\n" not in str(text_or_path) and candidate.exists()):
        for item in read_paths([str(candidate)]):
            if isinstance(item, InputError):
                raise item
            return item
        raise InputError(str(candidate), "no article found")
    from storyline.ingest.encoding import normalise_text

    return Article(
        raw_text=normalise_text(str(text_or_path)), raw=str(text_or_path).encode("utf-8")
    )


def read_stream(
    stream: BinaryIO, *, label: str, name: str | None = None, size: int | None = None
) -> Iterator[Article | InputError]:
    """Articles from an open binary stream; ``name`` (a file name) hints the format.

    ``label`` names the input in ``source_path`` and errors; ``size`` is the byte size when known.
    """
    reader = _peekable(stream)
    head = reader.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    if not head:
        yield InputError(label, "empty file" if label != STDIN_LABEL else "empty input")
        return
    fmt = format_from_name(name) if name else None
    if fmt == "text" and is_html_document(head):
        fmt = "html"  # a page saved as .txt: its markup must not reach the cleaner as text
    if fmt != "warc":
        for magic, kind, suffix in _COMPRESSED:
            if head.startswith(magic) and sniff_format(head) != "warc":
                inner = _decompressor(kind, reader)
                inner_name = name[: -len(suffix)] if name and name.endswith(suffix) else None
                yield from _guard(
                    read_stream(inner, label=label, name=inner_name), label, f"damaged {kind} data"
                )
                return
    if fmt is None:
        fmt = sniff_format(head)
        if fmt == "text" and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
            # A sitemap, an office document, an API response: tags, not an article.
            yield InputError(label, "an XML document that is neither an RSS/Atom feed nor a page")
            return
    yield from _within_limit(_read_format(fmt, reader, label=label, size=size))


def _within_limit(items: Iterator[Article | InputError]) -> Iterator[Article | InputError]:
    """Articles whose text is longer than :data:`~storyline.ingest.sniff.MAX_ARTICLE_CHARS`
    become an InputError naming the record."""
    for item in items:
        if isinstance(item, Article) and len(item.raw_text) > MAX_ARTICLE_CHARS:
            where = item.source_path or "article"
            yield InputError(
                f"{where}:{item.record}" if item.record else where,
                f"text of {len(item.raw_text):,} characters is longer than the limit of"
                f" {MAX_ARTICLE_CHARS:,} (storyline.ingest.sniff.MAX_ARTICLE_CHARS): split it"
                " into articles",
            )
        else:
            yield item


def _read_format(
    fmt: InputFormat, reader: io.BufferedReader, *, label: str, size: int | None
) -> Iterator[Article | InputError]:
    if fmt == "jsonl":
        from storyline.ingest.jsonl import read_jsonl

        yield from read_jsonl(reader, source_path=label)
    elif fmt == "warc":
        from storyline.ingest.warc import read_warc

        yield from read_warc(reader, source_path=label)
    elif fmt == "feed":
        data = reader.read(MAX_FEED_BYTES + 1)
        if len(data) > MAX_FEED_BYTES:
            yield InputError(label, too_big(size, MAX_FEED_BYTES, "a feed file"))
            return
        from storyline.ingest.feed import read_feed

        yield from read_feed(data, source_path=label)
    else:
        data = reader.read(MAX_RECORD_BYTES + 1)
        if len(data) > MAX_RECORD_BYTES:
            yield InputError(label, too_big(size))
            return
        try:
            if fmt == "html":
                from storyline.ingest.page import read_page

                yield read_page(data, source_path=label)
            else:
                from storyline.ingest.text import read_text

                yield read_text(data, source_path=label)
        except InputError as exc:
            yield exc


def _read_file(path: str) -> Iterator[Article | InputError]:
    try:
        size = os.path.getsize(path)
        if size == 0:
            yield InputError(path, "empty file")
            return
        with open(path, "rb", buffering=SNIFF_BYTES) as stream:
            yield from _contained(
                read_stream(stream, label=path, name=Path(path).name, size=size), path
            )
    except OSError as exc:
        yield InputError(path, f"cannot read: {exc.strerror or exc}")


def _contained(items: Iterator[Article | InputError], label: str) -> Iterator[Article | InputError]:
    """Pass a file's items through; a reader raising on it (a parser library's bug on damaged
    input, or ours) ends that file with one InputError, and the next file is read."""
    count = 0
    try:
        for item in items:
            count += 1
            yield item
    except OSError:
        raise  # reported as "cannot read" by the caller
    except Exception as exc:
        message = " ".join(str(exc).split()) or "(no message)"
        after = f" after {count} item(s)" if count else ""
        yield InputError(label, f"reading stopped{after}: {type(exc).__name__}: {message}")


def _walk(root: str) -> Iterator[str]:
    """Files under ``root``, recursively, sorted, skipping hidden files and folders."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(files):
            if not file.startswith("."):
                yield os.path.join(folder, file)


def _peekable(stream: BinaryIO) -> io.BufferedReader:
    if isinstance(stream, io.BufferedReader):
        return stream
    return io.BufferedReader(stream, buffer_size=SNIFF_BYTES)  # type: ignore[arg-type]


def _decompressor(kind: str, reader: io.BufferedReader) -> BinaryIO:
    # The stdlib decompressors are BufferedIOBase, which typeshed does not count as BinaryIO.
    if kind == "gzip":
        return cast(BinaryIO, gzip.GzipFile(fileobj=reader, mode="rb"))
    if kind == "xz":
        return cast(BinaryIO, lzma.LZMAFile(reader, mode="rb"))
    return cast(BinaryIO, bz2.BZ2File(reader, mode="rb"))


def _guard(
    items: Iterator[Article | InputError], label: str, reason: str
) -> Iterator[Article | InputError]:
    """Pass items through; a damaged stream ends with one InputError instead of an exception."""
    count = 0
    try:
        for item in items:
            count += 1
            yield item
    except _DAMAGED as exc:
        after = f" after {count} item(s)" if count else ""
        yield InputError(label, f"{reason}{after}: {exc}")
