"""Per-article travel evidence, computed once at ingest and stored with the article
(``travel_evidence``, migration 0009) so that the travel view only reads it.

Three things of one article's text the propagation model (:mod:`storyline.travel.model`) needs
for every member of a story, whatever the other members are:

- its wire credits (:func:`storyline.travel.wire.credits`, text and byline);
- the sources it cites (:func:`storyline.travel.wire.cites`, given its credits, language and the
  speakers of its quotes);
- its word 5-shingles (:data:`storyline.stories.dedup.SHINGLE_WORDS`) as a sorted array of
  distinct 32-bit hashes: the exact shingle containment of a copy candidate becomes one
  intersection of two sorted arrays instead of re-splitting two texts per request.

A row carries a hash of the text and byline it was computed from (:func:`source_hash`): a row
that no longer matches its article is ignored and the evidence computed from the text
(:func:`for_article`), as for an article analysed before the migration.

Shingle hashes: each distinct word gets 64 bits of BLAKE2b, a shingle the polynomial
``sum(word_k * M**k) mod 2**64`` of its five word hashes, kept as its top 32 bits. Two different
shingles of two 1,000-shingle articles collide with probability ~1,000² / 2³² ≈ 2·10⁻⁴ per pair:
containment is unchanged at the precision the thresholds use.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.stories.dedup import SHINGLE_WORDS
from storyline.travel.wire import Cite, Credit, cites, credits, speaker_stem

# The words storyline.stories.dedup.shingles splits on.
_WORD = re.compile(r"\w+", re.UNICODE)
# Odd 64-bit multiplier of the shingle polynomial (any odd constant with mixed bits works).
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def source_hash(text: str, author: str | None) -> str:
    """What a stored row was computed from (text and byline)."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(text.encode("utf-8"))
    digest.update(b"\x00")
    digest.update((author or "").encode("utf-8"))
    return digest.hexdigest()


def shingle_hashes(text: str, size: int = SHINGLE_WORDS) -> NDArray[np.uint32]:
    """The distinct word ``size``-shingles of ``text`` (casefolded ``\\w+`` words, as
    :func:`storyline.stories.dedup.shingles`) as sorted 32-bit hashes."""
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return np.zeros(0, dtype=np.uint32)
    vocabulary, index = np.unique(np.array(words, dtype=object), return_inverse=True)
    word_hash = np.array(
        [
            int.from_bytes(hashlib.blake2b(str(w).encode("utf-8"), digest_size=8).digest(), "big")
            for w in vocabulary
        ],
        dtype=np.uint64,
    )[index]
    count = len(words) - size + 1
    combined = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(size):
            combined = combined * _MULTIPLIER + word_hash[k : k + count]
    return np.unique((combined >> np.uint64(32)).astype(np.uint32))


def containment_of(a: NDArray[np.uint32], b: NDArray[np.uint32]) -> float:
    """Share of the smaller shingle set found in the other (0 when either is empty)."""
    if not len(a) or not len(b):
        return 0.0
    shared = np.intersect1d(a, b, assume_unique=True).size
    return float(shared) / min(len(a), len(b))


@dataclass
class Evidence:
    """One article's stored travel evidence."""

    credits: list[Credit]
    cites: list[Cite]
    shingles: NDArray[np.uint32]


def speakers_of(quotes: Sequence[dict[str, Any]]) -> frozenset[str]:
    """:func:`storyline.travel.wire.speaker_stem` of every word of the quotes' speakers."""
    return frozenset(speaker_stem(w) for q in quotes for w in str(q.get("speaker") or "").split())


def for_article(
    text: str,
    author: str | None,
    language: str | None,
    quotes: Sequence[dict[str, Any]],
) -> Evidence:
    """The evidence of one article, from its text (what the ingest stage stores)."""
    found = credits(text, author)
    cited = cites(text, language, frozenset(c.agency for c in found), speakers_of(quotes))
    return Evidence(found, cited, shingle_hashes(text))


def to_row(evidence: Evidence) -> tuple[str, str, bytes]:
    """(credits JSON, cites JSON, shingle bytes) as stored."""
    return (
        json.dumps([c.to_dict() for c in evidence.credits], ensure_ascii=False),
        json.dumps([c.to_dict() for c in evidence.cites], ensure_ascii=False),
        evidence.shingles.astype("<u4").tobytes(),
    )


def from_row(credit_json: str, cite_json: str, blob: bytes) -> Evidence:
    """The stored row back as :class:`Evidence`."""
    return Evidence(
        [Credit(**c) for c in json.loads(credit_json or "[]")],
        [Cite(**c) for c in json.loads(cite_json or "[]")],
        np.frombuffer(bytes(blob), dtype="<u4").astype(np.uint32),
    )


@dataclass
class EvidenceChange:
    """One article's travel evidence, replacing whatever the store had for it."""

    article_id: str
    digest: str
    row: tuple[str, str, bytes]

    def write(self, conn: object) -> None:
        execute = conn.execute  # type: ignore[attr-defined]
        execute("DELETE FROM travel_evidence WHERE article_id = ?", (self.article_id,))
        execute(
            "INSERT INTO travel_evidence (article_id, source_hash, credits, cites, shingles)"
            " VALUES (?, ?, ?, ?, ?)",
            (self.article_id, self.digest, *self.row),
        )
