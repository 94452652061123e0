"""The export contract: one object per article, exactly :meth:`Article.to_dict` (docs/schema.md).

Formats:

- ``jsonl`` — one JSON object per line, UTF-8, nested lists as JSON arrays;
- ``csv`` — one row per article, columns in contract order; lists (``removed``, ``entities``,
  ``quotes``, ``claims``) are JSON strings, null is the empty cell;
- ``parquet`` — same columns (pyarrow); ``published`` is a ``date32``, lists are JSON strings so
  the schema stays fixed while later stages add fields to mentions, quotes and claims.

Writers stream: articles are written as they come, never collected whole in memory (parquet
writes row groups of :data:`PARQUET_ROW_GROUP` articles).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, Literal, TextIO

from storyline.article import Article

ExportFormat = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[ExportFormat, ...] = ("jsonl", "csv", "parquet")

# The contract's fields, in order, taken from Article.to_dict itself so the two cannot drift.
FIELDS: tuple[str, ...] = tuple(Article(raw_text="", id="-").to_dict())
# Fields holding lists/objects: JSON strings in CSV and parquet.
NESTED_FIELDS: frozenset[str] = frozenset({"removed", "entities", "quotes", "claims"})

# Rows per parquet row group: 1,000 analysed articles with their text are ~5–10 MB in memory,
# well inside what a reader wants per group, and small enough to stream a large corpus.
PARQUET_ROW_GROUP = 1000


def records(articles: Iterable[Article]) -> Iterator[dict[str, Any]]:
    """The contract objects for ``articles``, in order."""
    for article in articles:
        yield article.to_dict()


def write_jsonl(articles: Iterable[Article], out: TextIO) -> int:
    """Write one JSON object per line; returns how many articles were written."""
    count = 0
    for record in records(articles):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def flat(record: dict[str, Any]) -> dict[str, Any]:
    """A contract object with its nested fields as JSON strings (for CSV and parquet)."""
    return {
        name: json.dumps(value, ensure_ascii=False) if name in NESTED_FIELDS else value
        for name, value in record.items()
    }


def write_csv(articles: Iterable[Article], out: TextIO) -> int:
    """Write a header and one row per article; returns how many articles were written."""
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for record in records(articles):
        writer.writerow(flat(record))
        count += 1
    return count


def parquet_schema() -> Any:
    import pyarrow as pa

    types = {name: pa.string() for name in FIELDS}
    types["published"] = pa.date32()
    types["modified"] = pa.date32()
    types["published_confidence"] = pa.float64()
    return pa.schema([(name, types[name]) for name in FIELDS])


def write_parquet(articles: Iterable[Article], path: str | Path) -> int:
    """Write a parquet file at ``path``; returns how many articles were written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    count = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        rows: list[dict[str, Any]] = []
        for record in records(articles):
            row = flat(record)
            for day in ("published", "modified"):
                row[day] = date.fromisoformat(row[day]) if row[day] else None
            rows.append(row)
            if len(rows) >= PARQUET_ROW_GROUP:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                count += len(rows)
                rows = []
        # Always write the last (possibly empty) group, so an empty export is a valid file.
        writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        count += len(rows)
    return count


def export(
    articles: Iterable[Article],
    fmt: ExportFormat,
    out: TextIO | None = None,
    path: Path | None = None,
) -> int:
    """Write ``articles`` as ``fmt`` to the text stream ``out`` (jsonl, csv) or to ``path``.

    Parquet is binary and needs ``path``. Returns how many articles were written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    if fmt == "parquet":
        if path is None:
            raise ValueError("parquet export needs an output file")
        return write_parquet(articles, path)
    if path is not None:
        with open(path, "w", encoding="utf-8", newline="") as stream:
            return export(articles, fmt, out=stream)
    if out is None:
        raise ValueError(f"{fmt} export needs an output stream or file")
    return write_jsonl(articles, out) if fmt == "jsonl" else write_csv(articles, out)
