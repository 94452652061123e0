"""What every part of the read model shares: a page of results, the page limits, name matching."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Largest page of any listing the HTTP API serves (the CLI reads as many pages as it needs).
MAX_PAGE = 200


@dataclass
class Page:
    """One page of a listing: ``items`` from ``offset``, out of ``total``."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            **self.extra,
        }


def clamp(limit: int, offset: int, most: int | None = MAX_PAGE) -> tuple[int, int]:
    """A page size of at least 1 (and at most ``most``, unless None) and an offset of at least 0."""
    limit = max(1, limit)
    return (min(limit, most) if most is not None else limit), max(0, offset)


def normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def day_counts(published: list[str | None]) -> list[tuple[str, int]]:
    """(day, count) of the dated values, by day."""
    counts: dict[str, int] = {}
    for value in published:
        if value:
            day = str(value)[:10]
            counts[day] = counts.get(day, 0) + 1
    return sorted(counts.items())
