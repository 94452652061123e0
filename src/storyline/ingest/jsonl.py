"""JSON Lines → one Article per line: ``{"url", "title", "text" | "html", "published", "source",
"language", "author"}``, every key optional except one of ``text`` / ``html``.

Fields the input gives are set on the Article directly (stages only fill gaps): ``published``
is parsed to a date (``published_source="jsonl"``), ``language`` is kept as given. An ``html`` body
goes through the HTML extractor (:func:`storyline.ingest.page.read_page`); the line's own fields win
over what the page says. Other scalar keys land in ``hints``. ``record`` is ``"line N"`` (1-based).

The file is streamed line by line, so a JSONL file may be any size; each line is limited to
:data:`~storyline.ingest.sniff.MAX_RECORD_BYTES` and an over-long line is skipped without being
held in memory. A bad line (malformed JSON, not an object, no text) is one
:class:`~storyline.errors.InputError`; the other lines still land.

A file holding one JSON array of such objects (``[{...}, {...}]``, often saved as ``.json``) is
read too, with ``record = "item N"``, and so is one pretty-printed object (one article).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any, BinaryIO

from storyline.article import Article, content_id
from storyline.errors import InputError
from storyline.ingest.encoding import UndecodableError, decode, normalise_text
from storyline.ingest.page import read_page
from storyline.ingest.sniff import MAX_FEED_BYTES, MAX_RECORD_BYTES, too_big

_META_KEYS = ("url", "title", "source", "author", "language")
_BODY_KEYS = ("text", "html")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Read size when skipping the rest of an over-long line.
_CHUNK = 1 << 20

# Confidence of a date the caller's own record gives: taken as true, as every field it sets is.
JSONL_CONFIDENCE = 1.0


def read_jsonl(stream: BinaryIO, *, source_path: str) -> Iterator[Article | InputError]:
    """Yield one Article (or InputError) per non-blank line of ``stream``."""
    first = True
    for number, line in _lines(stream):
        record = f"line {number}"
        if line is None:
            yield InputError(f"{source_path}:{record}", too_big(None))
            first = False
            continue
        if not line.strip():
            continue
        opening = line.lstrip(b"\xef\xbb\xbf \t")
        if first and (opening.startswith(b"[") or opening.rstrip() == b"{"):
            # A JSON array, or one pretty-printed object (a JSON line is never a lone "{").
            yield from _read_document(line, stream, source_path=source_path)
            return
        first = False
        try:
            yield _article_from_line(line, source_path=source_path, record=record)
        except InputError as exc:
            yield exc
        except Exception as exc:  # a library failing on this line's values: only it is lost
            yield _unreadable(f"{source_path}:{record}", exc)


def _unreadable(item: str, exc: Exception) -> InputError:
    message = " ".join(str(exc).split()) or "(no message)"
    return InputError(item, f"cannot read this record: {type(exc).__name__}: {message}")


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, bytes)``; ``None`` for a line over the limit (its bytes are skipped)."""
    number = 0
    while True:
        line = stream.readline(MAX_RECORD_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
            while True:  # drop the rest of the line without holding it
                rest = stream.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line


def _read_document(
    first_line: bytes, stream: BinaryIO, *, source_path: str
) -> Iterator[Article | InputError]:
    """A whole-file JSON document: an array of article objects, or one object."""
    data = first_line + stream.read(MAX_FEED_BYTES)
    if stream.read(1):
        yield InputError(source_path, too_big(None, MAX_FEED_BYTES, "a JSON document"))
        return
    try:
        document = json.loads(decode(data)[0])
    except (UndecodableError, ValueError) as exc:
        yield InputError(source_path, f"malformed JSON: {exc}")
        return
    if not isinstance(document, list):
        try:
            if len(data) > MAX_RECORD_BYTES:
                raise InputError(source_path, too_big(len(data)))
            yield _article_from_object(document, data, source_path=source_path, record=None)
        except InputError as exc:
            yield exc
        return
    for number, obj in enumerate(document, 1):
        record = f"item {number}"
        try:
            raw = json.dumps(obj, ensure_ascii=False).encode("utf-8")
            yield _article_from_object(obj, raw, source_path=source_path, record=record)
        except InputError as exc:
            yield exc
        except Exception as exc:  # as for a line: only this item is lost
            yield _unreadable(f"{source_path}:{record}", exc)


def _article_from_line(line: bytes, *, source_path: str, record: str) -> Article:
    item = f"{source_path}:{record}"
    try:
        decoded, _ = decode(line)
    except UndecodableError as exc:
        raise InputError(item, str(exc)) from exc
    try:
        obj = json.loads(decoded)
    except ValueError as exc:
        raise InputError(item, f"malformed JSON: {exc}") from exc
    return _article_from_object(obj, line.rstrip(b"\r\n"), source_path=source_path, record=record)


def _article_from_object(obj: Any, raw: bytes, *, source_path: str, record: str | None) -> Article:
    item = f"{source_path}:{record}" if record else source_path
    if not isinstance(obj, dict):
        raise InputError(item, f"expected a JSON object, got {type(obj).__name__}")
    body = {key: obj.get(key) for key in _BODY_KEYS}
    for key, value in body.items():
        if value is not None and not isinstance(value, str):
            raise InputError(item, f'"{key}" must be a string, got {type(value).__name__}')
    meta: dict[str, str] = {}
    for key in _META_KEYS:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            meta[key] = " ".join(normalise_text(value).split())
            if key == "language":  # codes are case-insensitive ("EN", "fr-FR")
                meta[key] = meta[key].lower()
        elif value is not None and not isinstance(value, str):
            raise InputError(item, f'"{key}" must be a string, got {type(value).__name__}')
    text, html = body["text"], body["html"]
    if text is not None and text.strip():
        raw_text = normalise_text(text)
        article = Article(raw_text=raw_text, source_path=source_path, record=record)
    elif html is not None and html.strip():
        article = read_page(html, source_path=source_path, url=meta.get("url"), record=record)
    else:
        raise InputError(item, 'no "text" or "html" to read')
    article.input_format = "jsonl"
    article.raw = raw
    article.encoding = "utf-8"
    # The line's own fields win over what the extractor found: the input said so.
    article.url = meta.get("url", article.url)
    article.title = meta.get("title", article.title)
    article.source = meta.get("source", article.source)
    article.author = meta.get("author", article.author)
    article.language = meta.get("language", article.language)
    published = obj.get("published")
    if published not in (None, ""):
        day = parse_date(published)
        if day is None:
            article.hints["published_unparsed"] = str(published)
        else:
            article.published, article.published_source = day, "jsonl"
            article.published_confidence = JSONL_CONFIDENCE
    for key, value in obj.items():
        if key in _BODY_KEYS or key in _META_KEYS or key == "published":
            continue
        if isinstance(value, str | int | float | bool):
            article.hints[key] = str(value)
    article.id = content_id(article.title, article.raw_text)
    return article


def parse_date(value: object) -> date | None:
    """A publication date from an ISO string, a free-form date string or epoch seconds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, tz=UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    if _ISO_DAY.fullmatch(text[:10]):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    # Free-form ("Dec 08, 2017", "2 Aug 2018 14:54"): dateparser, imported only when needed.
    import dateparser

    parsed = dateparser.parse(text, settings={"PREFER_DAY_OF_MONTH": "first"})
    return parsed.date() if parsed is not None else None
