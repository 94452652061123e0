"""Plain-text dumps (like text scraped from a page and saved as ``.txt``) → one Article each.

``raw_text`` is the decoded, normalised text (:mod:`storyline.ingest.encoding`). The title is NOT
picked here: the clean stage picks the first real headline line, because it knows which leading
lines are navigation junk ("You are here") rather than the headline.
"""

from __future__ import annotations

from storyline.article import Article
from storyline.errors import InputError
from storyline.ingest.encoding import UndecodableError, decode_text
from storyline.ingest.sniff import MAX_RECORD_BYTES, too_big


def read_text(data: bytes, *, source_path: str, record: str | None = None) -> Article:
    """One article from the bytes of a text dump; raises :class:`InputError` naming the item."""
    item = f"{source_path}:{record}" if record else source_path
    if not data:
        raise InputError(item, "empty file")
    if len(data) > MAX_RECORD_BYTES:
        raise InputError(item, too_big(len(data)))
    try:
        text, encoding = decode_text(data)
    except UndecodableError as exc:
        raise InputError(item, str(exc)) from exc
    if not text.strip():
        raise InputError(item, "no text (only whitespace)")
    return Article(
        raw_text=text,
        source_path=source_path,
        record=record,
        input_format="text",
        raw=data,
        encoding=encoding,
    )
