"""Lookups of character spans (quotes, mentions, paragraphs) by position in O(log n + k).

The quotes and claims stages ask, for every quote or number, which spans of the article overlap
or contain a position. A scan over all spans per question made the stages quadratic in the text's
length (issue 12). :class:`SpanIndex` answers the same questions from spans sorted by start with
:mod:`bisect`, in the order the spans were given, so that "the first mention that overlaps" stays
the same one. Hand-written on :mod:`bisect` rather than an interval tree (``intervaltree``): the
queries need the input order back, and the spans here are short, so a window of the longest span
bounds the scan.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class SpanIndex(Generic[T]):
    """Items with ``[start, end)`` character spans, queried by position.

    Results come in the order the items were given. A query looks at the items starting within
    the longest span's length of the position, so its cost is O(log n) plus the number of items
    starting in that window."""

    def __init__(self, items: Iterable[tuple[int, int, T]]) -> None:
        rows = sorted((s, k, e, item) for k, (s, e, item) in enumerate(items))
        self._starts = [r[0] for r in rows]
        self._rows = rows
        self._longest = max((r[2] - r[0] for r in rows), default=0)

    def __len__(self) -> int:
        return len(self._rows)

    def _window(self, lo: int, hi: int) -> list[tuple[int, int, int, T]]:
        """Rows whose start is in [lo, hi]."""
        return self._rows[bisect_left(self._starts, lo) : bisect_right(self._starts, hi)]

    def overlapping(self, a: int, b: int) -> list[tuple[int, int, T]]:
        """(start, end, item) of the items with ``start < b`` and ``end > a``, in input order."""
        rows = [r for r in self._window(a - self._longest, b - 1) if r[0] < b and r[2] > a]
        rows.sort(key=lambda r: r[1])
        return [(r[0], r[2], r[3]) for r in rows]

    def containing(self, a: int, b: int, slack: int = 0) -> list[tuple[int, int, T]]:
        """Items with ``start - slack <= a`` and ``b <= end + slack``, in input order."""
        lo = b - slack - self._longest
        rows = [r for r in self._window(lo, a + slack) if r[0] - slack <= a and b <= r[2] + slack]
        rows.sort(key=lambda r: r[1])
        return [(r[0], r[2], r[3]) for r in rows]

    def starting_in(self, lo: int, hi: int) -> list[tuple[int, int, T]]:
        """Items with ``lo <= start < hi``, in input order."""
        rows = self._rows[bisect_left(self._starts, lo) : bisect_left(self._starts, hi)]
        rows = sorted(rows, key=lambda r: r[1])
        return [(r[0], r[2], r[3]) for r in rows]


def spans_index(spans: Sequence[tuple[int, int]]) -> SpanIndex[None]:
    """A :class:`SpanIndex` of bare ``(start, end)`` spans."""
    return SpanIndex((s, e, None) for s, e in spans)


__all__ = ["SpanIndex", "spans_index"]
