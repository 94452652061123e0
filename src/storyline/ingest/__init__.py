"""Ingest: turn input files (text dumps, HTML, JSONL, RSS/Atom, WARC), directories and stdin into
:class:`~storyline.article.Article` records, or :class:`~storyline.errors.InputError` for items
that cannot be read. A bad item never stops the batch.

PLACEHOLDER: only plain UTF-8 text for now.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.article import Article
from storyline.errors import InputError


def read_paths(paths: Iterable[str]) -> Iterator[Article | InputError]:
    """Yield one Article per record in ``paths`` (files, directories recursively, ``-`` = stdin)."""
    for path in paths:
        try:
            data = Path(path).read_bytes()
            yield Article(raw_text=data.decode("utf-8"), source_path=path, raw=data)
        except (OSError, UnicodeDecodeError) as exc:
            yield InputError(path, str(exc))


def read_one(text_or_path: str | Path) -> Article:
    """The first article in a path, or the argument itself as article text."""
    candidate = Path(text_or_path)
    if isinstance(text_or_path, Path) or ("\n" not in str(text_or_path) and candidate.exists()):
        for item in read_paths([str(candidate)]):
            if isinstance(item, InputError):
                raise item
            return item
        raise InputError(str(candidate), "no article found")
    return Article(raw_text=str(text_or_path), raw=str(text_or_path).encode("utf-8"))
