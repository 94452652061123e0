"""Article text split into paragraphs of segments, each marked with the entity mention and the
quote it falls in, so the template can highlight them while Jinja2 escapes every character.

Offsets of mentions and quotes index ``article.text`` (see :mod:`storyline.article`). Spans that are
out of range or empty are ignored (a stored record from an older analysis must not break the
page); where mentions overlap, the earlier-starting (then longer) one wins.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import pairwise
from typing import Any


def _valid(span: dict[str, Any], size: int) -> bool:
    start, end = span.get("start"), span.get("end")
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= size


def segments(
    text: str, mentions: Sequence[dict[str, Any]], quotes: Sequence[dict[str, Any]]
) -> list[list[dict[str, Any]]]:
    """Paragraphs (split on line breaks) of ``{text, entity, quote}`` segments."""
    size = len(text)
    chosen: list[dict[str, Any]] = []
    last_end = 0
    for mention in sorted(
        (m for m in mentions if _valid(m, size)), key=lambda m: (m["start"], -m["end"])
    ):
        if mention["start"] >= last_end:
            chosen.append(mention)
            last_end = mention["end"]
    spans = [q for q in quotes if _valid(q, size)]
    cuts = {0, size}
    for span in [*chosen, *spans]:
        cuts.update((span["start"], span["end"]))
    for i, char in enumerate(text):
        if char == "\n":
            cuts.update((i, i + 1))
    points = sorted(cuts)
    starts = [m["start"] for m in chosen]
    paragraphs: list[list[dict[str, Any]]] = [[]]
    for begin, end in pairwise(points):
        piece = text[begin:end]
        if piece == "\n":
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        at = bisect_right(starts, begin) - 1
        entity = chosen[at] if at >= 0 and chosen[at]["end"] >= end else None
        quote = next((q for q in spans if q["start"] <= begin and end <= q["end"]), None)
        paragraphs[-1].append({"text": piece, "entity": entity, "quote": quote})
    return [p for p in paragraphs if any(seg["text"].strip() for seg in p)]
