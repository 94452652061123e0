"""Quotes and claims of the stored articles, and the contradictions between claims.

Contradictions are linked at read time over every claim in the store (the claims stage links them
within one batch of articles only, so a store ingested in several runs or chunks would miss the
links across them): :func:`contradictions` runs :func:`storyline.claims.stage.link_contradictions`
over all stored claims once per state of the store and caches the result.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import fields
from datetime import date
from typing import Any

import jellyfish

from storyline.article import Article, Claim
from storyline.read._common import Page, RecentChecks, clamp, normalised
from storyline.store import SQLConnection
from storyline.store.readers import NO_FILTERS, Filters, Readers, readers

# A speaker/holder name matches a stored name when each of its words is this close (Jaro-Winkler)
# to a word of the stored name: "Borshak" finds "Alexander Borshchak" (0.956).
NAME_MATCH = 0.92

# The fields of a quote and of a claim as the HTTP API lists them (the CLI prints them all).
API_QUOTE_KEYS = (
    "text",
    "type",
    "speaker",
    "speaker_entity_id",
    "cue",
    "language",
    "article_id",
    "source",
    "published",
)
API_CLAIM_KEYS = (
    "id",
    "text",
    "kind",
    "value",
    "value_max",
    "unit",
    "counted",
    "holder",
    "holder_entity_id",
    "time_ref",
    "contradicts",
    "article_id",
    "source",
    "language",
    "published",
)


def name_matches(query: str | None, *names: str | None) -> bool:
    """Whether every word of ``query`` is close to a word of one of ``names`` (no query: yes)."""
    if not query:
        return True
    q_words = [w.casefold() for w in query.split()]
    for name in names:
        words = [w.casefold() for w in (name or "").replace("-", " ").split()]
        if all(
            any(jellyfish.jaro_winkler_similarity(q, w) >= NAME_MATCH for w in words)
            for q in q_words
        ):
            return True
    return False


# -- contradictions ---------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, tuple[tuple[int, str | None], dict[str, list[str]]]] = {}
_recent = RecentChecks()


def _claims_of(row: dict[str, Any]) -> list[Claim]:
    known = {f.name for f in fields(Claim)}
    claims = [Claim(**{k: v for k, v in c.items() if k in known}) for c in row["claims"]]
    for claim in claims:
        claim.contradicts = []
    return claims


def contradictions(conn: SQLConnection | Readers) -> dict[str, list[str]]:
    """Claim id → the ids of the stored claims it contradicts, over the whole store, cached until
    an analysed article changes (a connection checks at most every
    :data:`~storyline.read._common.CATALOGUE_RECHECK_S` seconds, as for the entity catalogue).

    Cost: the first read after a change loads the text and claims of every article with claims
    and links them (``benchmarks/read.py``: ~2.7 s for 5,000 articles, 2 loaded cores)."""
    from storyline.claims.stage import link_contradictions

    reader = readers(conn)
    with _lock:
        cached = _cache.get(reader.key)
    if cached is not None and _recent.recent(reader.connection):
        return cached[1]
    version = reader.analysed_version()
    if cached is not None and cached[0] == version:
        _recent.mark(reader.connection)
        return cached[1]
    articles: list[Article] = []
    for row in reader.claim_rows():
        text = row.get("text") or ""
        published = date.fromisoformat(str(row["published"])[:10]) if row["published"] else None
        articles.append(
            Article(
                id=row["id"], raw_text=text, text=text, published=published, claims=_claims_of(row)
            )
        )
    claims = [c for a in articles for c in a.claims]
    link_contradictions(claims, articles)
    links = {c.id: list(c.contradicts) for c in claims if c.id and c.contradicts}
    with _lock:
        _cache[reader.key] = (version, links)
    _recent.mark(reader.connection)
    return links


def claim_record(
    claim: dict[str, Any], row: dict[str, Any], links: dict[str, list[str]]
) -> dict[str, Any]:
    """A stored claim with its article (id, source, language, published) and its read-time
    contradictions."""
    out = dict(claim)
    out["contradicts"] = list(links.get(claim.get("id") or "", []))
    out.update(
        article_id=row["id"],
        source=row.get("source"),
        language=row.get("language"),
        published=row.get("published"),
    )
    return out


def api_claim(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record.get(k) for k in API_CLAIM_KEYS}


def iter_claims(
    conn: SQLConnection | Readers,
    filters: Filters = NO_FILTERS,
    kind: str | None = None,
    holder: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Claims (numbers and predictions), newest article first; ``holder`` matches fuzzily."""
    reader = readers(conn)
    links = contradictions(reader)
    for claim, row in reader.items("claims", filters):
        if kind and claim.get("kind") != kind:
            continue
        if not name_matches(holder, claim.get("holder")):
            continue
        yield claim_record(claim, row, links)


def list_claims(
    conn: SQLConnection | Readers,
    filters: Filters = NO_FILTERS,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
    holder: str | None = None,
) -> Page:
    """A page of :func:`iter_claims`, in the HTTP API's shape."""
    limit, offset = clamp(limit, offset)
    items: list[dict[str, Any]] = []
    total = 0
    for record in iter_claims(conn, filters, kind, holder):
        if offset <= total < offset + limit:
            items.append(api_claim(record))
        total += 1
    return Page(items, total, limit, offset)


def contradiction_pairs(claims: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The pairs of ``claims`` (records) that contradict each other, each pair once, in the
    order of the claims."""
    listed = list(claims)
    by_id = {c["id"]: c for c in listed if c.get("id")}
    pairs: list[list[dict[str, Any]]] = []
    done: set[frozenset[str]] = set()
    for claim in listed:
        for other_id in claim["contradicts"]:
            other = by_id.get(other_id)
            key = frozenset((claim.get("id") or "", other_id))
            if other is None or key in done:
                continue
            done.add(key)
            pairs.append([claim, other])
    return pairs


# -- quotes -----------------------------------------------------------------------------------


def quote_record(quote: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """A stored quote with its article; ``language`` is the quote's own, else its article's."""
    return {
        "text": quote.get("text") or "",
        "start": quote.get("start"),
        "end": quote.get("end"),
        "type": quote.get("type"),
        "speaker": quote.get("speaker"),
        "speaker_entity_id": quote.get("speaker_entity_id"),
        "speaker_mention": quote.get("speaker_mention"),
        "cue": quote.get("cue"),
        "language": quote.get("language") or row.get("language"),
        "article_id": row["id"],
        "title": row.get("title"),
        "source": row.get("source"),
        "published": row.get("published"),
    }


def api_quote(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record.get(k) for k in API_QUOTE_KEYS}


def speaker_matches(query: str | None, quote: dict[str, Any]) -> bool:
    """A speaker query matches the quote's speaker entity id exactly, or its speaker's name (or
    the mention that named the speaker) fuzzily (:func:`name_matches`)."""
    if not query:
        return True
    if normalised(query) == normalised(quote.get("speaker_entity_id") or ""):
        return True
    return name_matches(query, quote.get("speaker"), quote.get("speaker_mention"))


def iter_quotes(
    conn: SQLConnection | Readers, filters: Filters = NO_FILTERS, speaker: str | None = None
) -> Iterator[dict[str, Any]]:
    """Quotes, newest article first; ``filters.language`` is the quote's language."""
    reader = readers(conn)
    language = filters.language
    article_filters = Filters(
        source=filters.source,
        since=filters.since,
        until=filters.until,
        entity=filters.entity,
        story=filters.story,
    )
    for quote, row in reader.items("quotes", article_filters):
        record = quote_record(quote, row)
        if language and record["language"] != language:
            continue
        if speaker_matches(speaker, quote):
            yield record


def list_quotes(
    conn: SQLConnection | Readers,
    filters: Filters = NO_FILTERS,
    speaker: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """A page of :func:`iter_quotes`, in the HTTP API's shape."""
    limit, offset = clamp(limit, offset)
    items: list[dict[str, Any]] = []
    total = 0
    for record in iter_quotes(conn, filters, speaker):
        if offset <= total < offset + limit:
            items.append(api_quote(record))
        total += 1
    return Page(items, total, limit, offset)
