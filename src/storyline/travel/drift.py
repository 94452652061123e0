"""Claim drift: the same quantity reported with different values across a story's articles.

A quantity is a numeric claim's measure: its unit and counted noun ("160 captives", "20 %"),
plus the place its counted phrase names (capitalised words). Claims with the same quantity and
more than one value drift; each value lists who reported it (article, outlet, date, holder).
A quantity one article gives two values of is two quantities, not drift. A claim without a
counted noun is left out: "20 %" of a quota cut and "30 %" of a stock decline
share a unit, not a quantity.

Not the claims stage's contradictions (:func:`storyline.claims.stage.contradiction_pairs`): those
need the same holder and different speakers (two people disagreeing); drift is how a figure
changed as the story was retold, whoever holds it. Counted nouns are compared as written (case
and a plural ``s`` aside), so "captives" and "otages" are two quantities: without a translation
model the drift is found within a language.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storyline.travel.model import Report

_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)
_PLACE_WORD = re.compile(r"(?<![\w])[A-ZÀ-ÖØ-ÞА-ЯЁ][\w-]+")
# Two values within this relative difference are the same value (rounding: "about 1,800" vs 1,834
# is drift; 453,000 vs 453 000 is not).
SAME_VALUE = 0.005


def quantity(claim: dict[str, Any]) -> tuple[str, str, str] | None:
    """(unit, counted noun, place) of a numeric claim; None when it has no value or measure."""
    if claim.get("kind") != "number" or claim.get("value") is None:
        return None
    counted = str(claim.get("counted") or "")
    words = [w.casefold() for w in _WORD.findall(counted) if not w[:1].isupper()]
    noun = words[0].removesuffix("s") if words else ""
    unit = str(claim.get("unit") or "")
    if not noun:  # a unit alone ("20 %", "453,000 tonnes") does not say what was measured
        return None
    place = " ".join(sorted({w.casefold() for w in _PLACE_WORD.findall(counted)}))
    return unit, noun, place


def claim_drift(reports: Sequence[Report]) -> list[dict[str, Any]]:
    """Quantities with more than one value, each value with its reporters; most values first."""
    from storyline.travel.model import time_key

    found: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for report in sorted(reports, key=time_key):
        for claim in report.claims:
            key = quantity(claim)
            if key is None:
                continue
            found[key].append(
                {
                    "value": float(claim["value"]),
                    "value_max": claim.get("value_max"),
                    "text": claim.get("text"),
                    "holder": claim.get("holder"),
                    "article_id": report.id,
                    "outlet": report.outlet,
                    "language": report.language,
                    "published": report.published,
                }
            )
    out: list[dict[str, Any]] = []
    for (unit, noun, place), claims in found.items():
        values: list[dict[str, Any]] = []
        for claim in claims:
            for entry in values:
                if abs(entry["value"] - claim["value"]) <= SAME_VALUE * max(
                    abs(entry["value"]), 1.0
                ):
                    entry["reported_by"].append(claim)
                    break
            else:
                values.append({"value": claim["value"], "reported_by": [claim]})
        # an article giving two of the values measures two things ("a quota of 453,000 tonnes,
        # against a recommended 405,000"): not drift
        per_article: dict[str, int] = defaultdict(int)
        for entry in values:
            for article_id in {c["article_id"] for c in entry["reported_by"]}:
                per_article[article_id] += 1
        if len(values) > 1 and max(per_article.values()) == 1:
            out.append(
                {
                    "unit": unit or None,
                    "counted": noun or None,
                    "place": place or None,
                    "values": values,
                }
            )
    out.sort(key=lambda d: (-len(d["values"]), str(d["counted"] or ""), str(d["unit"] or "")))
    return out
