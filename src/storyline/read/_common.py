"""What every part of the read model shares: a page of results, the page limits, name matching."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

# How long a cached whole-store figure (the entity catalogue, the contradiction links) is served
# to the same connection without checking the store again: the check counts the analysed articles
# (~40 ms on 100k), so a server's entity and story pages may lag a fresh ingest by this many
# seconds. A new connection (each CLI command opens one) always checks.
CATALOGUE_RECHECK_S = 5.0
# Connections remembered by :class:`RecentChecks` (a server has one per thread or pooled reader).
RECENT_CONNECTIONS = 64
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


class RecentChecks:
    """Which connections checked a cached figure against the store in the last
    :data:`CATALOGUE_RECHECK_S` seconds. Keyed by the connection object itself, held while listed
    (so its id cannot be reused by another connection), at most :data:`RECENT_CONNECTIONS`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: OrderedDict[int, tuple[object, float]] = OrderedDict()

    def recent(self, conn: object) -> bool:
        with self._lock:
            item = self._seen.get(id(conn))
        return (
            item is not None
            and item[0] is conn
            and time.monotonic() - item[1] < CATALOGUE_RECHECK_S
        )

    def mark(self, conn: object) -> None:
        with self._lock:
            self._seen[id(conn)] = (conn, time.monotonic())
            self._seen.move_to_end(id(conn))
            while len(self._seen) > RECENT_CONNECTIONS:
                self._seen.popitem(last=False)
