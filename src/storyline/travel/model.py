"""The propagation model of one story: who had it first, who copied, translated or re-ran a wire.

Input: the story's articles as :class:`Report` (outlet, language, publication date or first-seen
order, text, byline, the story stage's title+lead vector, MinHash sketch and name/number keys).
Output: :class:`Travel`: the nodes, the edges with their evidence, the origin(s), the role of each
article and the independent sources, plus quote groups (:mod:`storyline.travel.quotes`) and
claim drift (:mod:`storyline.travel.drift`).

Edges (``kind``, from the later article to its source):

- ``copy-of``: the shorter article's word 5-shingles (:func:`storyline.stories.dedup.shingles`)
  are at least :data:`COPY_CONTAINMENT` contained in the other's — a republished, trimmed or
  lightly edited dispatch; the earlier article is the source. Only pairs whose stored MinHash
  sketches (:mod:`storyline.stories.dedup`) estimate a Jaccard of at least
  :data:`COPY_CANDIDATE_JACCARD` are compared exactly (the cost stays with the few candidates).
- ``translation-of``: two languages, title+lead cosine at least :data:`TRANSLATION_COSINE` and the
  two articles' name keys (:func:`storyline.stories.similarity.name_keys`: entities and
  transliterated capitalised words of the title and first 2,500 characters) covering each other
  at least :data:`TRANSLATION_NAMES` — a translation keeps every actor and place of its source;
  two reports of one event written apart each name people the other does not.
- ``wire-credit``: the article credits an agency (:mod:`storyline.travel.wire`); the target is
  the agency (``agency:AFP``), not an article.
- ``cites``: the article cites a named source ("according to Reuters", "told Rossiya 24").
- ``shares-quote``: the two articles carry a wording of the same quotation (a quote group).

Roles and the one definition of **independent sources** (the story card, the story page, the CLI
and this view all count them here, :func:`independent_sources`):

- an article with a ``copy-of`` or ``translation-of`` edge to another member repeats it
  (role ``copy`` / ``translation``); the others are *originals*;
- an original crediting an agency is a ``wire`` report: it counts as that agency (every original
  crediting AFP is one source, AFP), whatever outlet ran it;
- any other original is ``independent``: it counts as its outlet (an original without an outlet
  counts alone).

The **origin** is the earliest original (by publication date; undated articles by first-seen
order, after the dated ones); originals published the same day as the earliest are origins too
(dates here are days: which came first within a day is unknown).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.travel.evidence import containment_of, for_article, shingle_hashes
from storyline.travel.wire import Cite, Credit

# Containment of the shorter article's shingles in the other's at or above which the later
# article is a copy. Chosen by leave-one-topic-out cross-validation on the travel dev pairs
# (eval/travel.py reports each fold's choice and the held-out F1).
COPY_CONTAINMENT = 0.5
# MinHash-estimated Jaccard below which a pair is not compared exactly: copies on the dev pairs
# start at 0.13 (an edited wire story twice as long as its trimmed copy); 0.1 keeps them all.
COPY_CANDIDATE_JACCARD = 0.1
# Title+lead cosine (raw e5 vectors) at or above which two articles in two languages can be a
# translation; and the mutual coverage of their name keys (|A∩B| / max(|A|, |B|)) they need.
# Both fit on all the dev pairs (eval/travel.py; the leave-one-topic-out folds chose 0.87-0.88
# and 0.35-0.4). Translations there score cosine 0.88-0.93; two different posts of one topic in
# two languages reach 0.92, hence the names (a translation keeps the actors and places).
TRANSLATION_COSINE = 0.87
TRANSLATION_NAMES = 0.35
# A name-key set this small says nothing about coverage (a headline-only item).
MIN_NAME_KEYS = 4
# Up to this many members every pair of sketches is compared (an n × n matrix, ~10 ms at 500);
# beyond, candidates come from MinHash LSH banding: 64 bands of 2 of the 128 hash values, so a
# pair at Jaccard 0.1 meets in a band with probability 1 - (1 - 0.1**2)**64 = 0.47, at 0.3 0.998.
EXACT_PAIRS_MAX = 800
LSH_BANDS, LSH_ROWS = 64, 2
# Rows of the sketch matrix compared at once in jaccard_matrix (memory, not results).
JACCARD_BLOCK = 64


@dataclass
class Report:
    """One article of a story, as the propagation model sees it."""

    id: str
    outlet: str | None = None
    language: str | None = None
    published: str | None = None  # ISO date or datetime
    seen: int = 0  # first-seen order in the store (ties and undated articles)
    title: str | None = None
    text: str = ""
    author: str | None = None
    vector: NDArray[np.float32] | None = None
    sketch: NDArray[np.uint64] | None = None
    keys: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    quotes: list[dict[str, Any]] = field(default_factory=list)
    quote_vectors: dict[int, NDArray[np.float32]] = field(default_factory=dict)
    claims: list[dict[str, Any]] = field(default_factory=list)
    duplicate_of: str | None = None  # the story stage's copy decision at ingest
    # stored travel evidence (storyline.travel.evidence); None: computed from the text on use
    shingles: NDArray[np.uint32] | None = field(default=None, repr=False)
    credits: list[Credit] | None = None
    cites: list[Cite] | None = None


@dataclass(frozen=True)
class Edge:
    kind: str  # copy-of, translation-of, wire-credit, cites, shares-quote
    source: str  # the later article (the one that repeats, credits, cites)
    target: str  # the earlier article it repeats, or agency:NAME / source:NAME
    evidence: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "from": self.source,
            "to": self.target,
            "evidence": self.evidence,
        }


@dataclass
class Travel:
    story_id: str
    nodes: list[dict[str, Any]]
    edges: list[Edge]
    origins: list[str]
    independent_sources: list[str]
    quote_groups: list[dict[str, Any]] = field(default_factory=list)
    claim_drift: list[dict[str, Any]] = field(default_factory=list)

    def cited_sources(self) -> list[dict[str, Any]]:
        """The sources the articles cite (``cites`` edges), most citing articles first: two
        reports citing one interview show up here together."""
        by_target: dict[str, list[str]] = defaultdict(list)
        for edge in self.edges:
            if edge.kind == "cites" and edge.source not in by_target[edge.target]:
                by_target[edge.target].append(edge.source)
        return [
            {"source": target.split(":", 1)[1], "kind": target.split(":", 1)[0], "articles": ids}
            for target, ids in sorted(by_target.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "story_id": self.story_id,
            "nodes": self.nodes,
            "edges": [e.to_dict() for e in self.edges],
            "origins": self.origins,
            "independent_sources": self.independent_sources,
            "independent_source_count": len(self.independent_sources),
            "cited_sources": self.cited_sources(),
            "quote_groups": self.quote_groups,
            "claim_drift": self.claim_drift,
        }


def time_key(report: Report) -> tuple[int, str, int, str]:
    """Earliest first: dated before undated, then date, then first seen, then id."""
    return (report.published is None, report.published or "", report.seen, report.id)


def jaccard_matrix(sketches: NDArray[np.uint64]) -> NDArray[np.float32]:
    """Estimated Jaccard of every pair of MinHash rows (share of equal hash values)."""
    n, width = sketches.shape
    if n and int(sketches.max()) < 2**32:  # 32-bit hash values (datasketch "affine32") stored
        sketches = sketches.astype(np.uint32)  # as uint64: compared at half the memory traffic
    out = np.zeros((n, n), dtype=np.float32)
    # blocks of rows against the rows from the block on (the upper triangle, mirrored): memory
    # stays at JACCARD_BLOCK × n × width booleans (~4 MB at 500 members)
    for start in range(0, n, JACCARD_BLOCK):
        stop = min(start + JACCARD_BLOCK, n)
        block = sketches[start:stop, None, :] == sketches[None, start:, :]
        out[start:stop, start:] = block.sum(axis=2, dtype=np.uint16) / width
    out = np.triu(out, 1)
    return out + out.T


def _copy_candidates(sketches: NDArray[np.uint64]) -> set[tuple[int, int]]:
    """Pairs sharing a LSH band (for stories beyond :data:`EXACT_PAIRS_MAX` members)."""
    pairs: set[tuple[int, int]] = set()
    for band in range(LSH_BANDS):
        rows = sketches[:, band * LSH_ROWS : (band + 1) * LSH_ROWS]
        buckets: dict[bytes, list[int]] = defaultdict(list)
        for i, row in enumerate(rows):
            buckets[row.tobytes()].append(i)
        for members in buckets.values():
            if 1 < len(members) < 200:
                pairs.update((a, b) for k, a in enumerate(members) for b in members[k + 1 :])
    return pairs


def containment(a: Report, b: Report) -> float:
    """Share of the shorter text's word 5-shingles found in the other's."""
    return containment_of(shingles_of(a), shingles_of(b))


def shingles_of(report: Report) -> NDArray[np.uint32]:
    """The report's shingle hashes (:func:`storyline.travel.evidence.shingle_hashes`): stored
    at ingest, else computed from the text once."""
    if report.shingles is None:
        report.shingles = shingle_hashes(report.text)
    return report.shingles


def copy_edges(
    reports: Sequence[Report],
    threshold: float = COPY_CONTAINMENT,
    candidate: float = COPY_CANDIDATE_JACCARD,
) -> list[Edge]:
    """``copy-of`` edges: each later article to the most contained earlier one above
    ``threshold``, among the pairs whose sketches reach ``candidate``."""
    with_sketch = [r for r in reports if r.sketch is not None]
    if len(with_sketch) < 2:
        return []
    ordered = sorted(with_sketch, key=time_key)
    matrix = np.vstack([r.sketch for r in ordered if r.sketch is not None])
    pairs: list[tuple[int, int, float]] = []
    if len(ordered) <= EXACT_PAIRS_MAX:
        sim = jaccard_matrix(matrix)
        rows, cols = np.nonzero(np.triu(sim >= candidate, 1))
        pairs = [(int(i), int(j), float(sim[i, j])) for i, j in zip(rows, cols, strict=True)]
    else:
        for i, j in _copy_candidates(matrix):
            value = float((matrix[i] == matrix[j]).mean())
            if value >= candidate:
                pairs.append((min(i, j), max(i, j), value))
    best: dict[int, tuple[float, int, float]] = {}
    for i, j, estimate in pairs:  # i earlier than j
        value = containment(ordered[i], ordered[j])
        if value >= threshold and (j not in best or value > best[j][0]):
            best[j] = (value, i, estimate)
    return [
        Edge(
            "copy-of",
            ordered[j].id,
            ordered[i].id,
            {"shingle_containment": round(value, 3), "minhash_jaccard": round(estimate, 3)},
        )
        for j, (value, i, estimate) in sorted(best.items())
    ]


def coverage(a: frozenset[str], b: frozenset[str]) -> float:
    """|A∩B| / max(|A|, |B|): 1 when each names what the other does."""
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


def translation_edges(
    reports: Sequence[Report],
    cosine: float = TRANSLATION_COSINE,
    names: float = TRANSLATION_NAMES,
    exclude: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[Edge]:
    """``translation-of`` edges: each later article to its best earlier match in another
    language meeting both thresholds (articles in ``exclude`` — copies — are not considered)."""
    pool = sorted(
        (r for r in reports if r.vector is not None and r.language and r.id not in exclude),
        key=time_key,
    )
    if len(pool) < 2 or len({r.language for r in pool}) < 2:
        return []
    vectors = np.vstack([r.vector for r in pool if r.vector is not None]).astype(np.float32)
    sims = vectors @ vectors.T
    languages = np.array([r.language for r in pool])
    named = np.array([len(r.keys) >= MIN_NAME_KEYS for r in pool])
    hits = np.tril(sims >= cosine, -1)  # [later, earlier]
    hits &= languages[:, None] != languages[None, :]
    hits &= named[:, None] & named[None, :]
    best: dict[int, tuple[float, int, float]] = {}
    for j, i in zip(*np.nonzero(hits), strict=True):
        cover = coverage(pool[int(i)].keys, pool[int(j)].keys)
        if cover >= names and (int(j) not in best or cover > best[int(j)][0]):
            best[int(j)] = (cover, int(i), float(sims[j, i]))
    return [
        Edge(
            "translation-of",
            pool[j].id,
            pool[i].id,
            {"cosine": round(cos, 3), "name_coverage": round(cover, 3)},
        )
        for j, (cover, i, cos) in sorted(best.items())
    ]


def credit_edges(report: Report) -> tuple[list[Credit], list[Cite], list[Edge]]:
    """The report's credits and cites (stored at ingest, else found in its text) as edges."""
    if report.credits is None or report.cites is None:
        fresh = for_article(report.text, report.author, report.language, report.quotes)
        report.credits, report.cites = fresh.credits, fresh.cites
    found, cited = report.credits, report.cites
    edges = [Edge("wire-credit", report.id, f"agency:{c.agency}", c.to_dict()) for c in found]
    edges += [
        Edge("cites", report.id, f"{'agency' if c.agency else 'source'}:{c.name}", c.to_dict())
        for c in cited
    ]
    return found, cited, edges


def roles(
    reports: Sequence[Report], edges: Sequence[Edge]
) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(role per article, source key per original, origins) — the definitions in the module
    docstring."""
    ids = {r.id for r in reports}
    repeats = {e.source: e.kind for e in edges if e.kind in ("copy-of", "translation-of")}
    repeats = {k: v for k, v in repeats.items() if k in ids}
    agencies: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        if e.kind == "wire-credit":
            agencies[e.source].append(e.target.removeprefix("agency:"))
    role: dict[str, str] = {}
    key: dict[str, str] = {}
    for r in reports:
        if r.id in repeats:
            role[r.id] = "copy" if repeats[r.id] == "copy-of" else "translation"
        elif agencies.get(r.id):
            role[r.id] = "wire"
            key[r.id] = f"agency:{sorted(agencies[r.id])[0]}"
        else:
            role[r.id] = "independent"
            key[r.id] = f"outlet:{r.outlet}" if r.outlet else f"article:{r.id}"
    originals = sorted((r for r in reports if r.id in key), key=time_key)
    origins: list[str] = []
    if originals:
        first = originals[0]
        day = (first.published or "")[:10]
        origins = [
            r.id for r in originals if r.id == first.id or (day and (r.published or "")[:10] == day)
        ]
    return role, key, origins


def independent_sources(reports: Sequence[Report], edges: Sequence[Edge]) -> list[str]:
    """The distinct sources of the story's originals (module docstring), sorted."""
    _, key, _ = roles(reports, edges)
    return sorted(set(key.values()))


def all_copy_edges(reports: Sequence[Report]) -> list[Edge]:
    """:func:`copy_edges`, plus the story stage's ``duplicate_of`` of a member the model did not
    pair (a store whose sketches are missing): the stage's copy rule (Jaccard ≥ 0.6,
    :mod:`storyline.stories.dedup`) is stricter than this one, so it only adds."""
    edges = copy_edges(reports)
    ids = {r.id for r in reports}
    paired = {e.source for e in edges}
    for r in reports:
        if r.duplicate_of in ids and r.id not in paired and r.duplicate_of != r.id:
            edges.append(Edge("copy-of", r.id, str(r.duplicate_of), {"story_stage": True}))
    return edges


def source_edges(reports: Sequence[Report]) -> list[Edge]:
    """The edges that decide roles and independent sources: copies, translations, credits."""
    copies = all_copy_edges(reports)
    copied = {e.source for e in copies}
    edges: list[Edge] = [*copies, *translation_edges(reports, exclude=copied)]
    for report in reports:
        edges += [e for e in credit_edges(report)[2] if e.kind == "wire-credit"]
    return edges


def build(story_id: str, reports: Sequence[Report]) -> Travel:
    """The whole travel view of one story."""
    from storyline.travel.drift import claim_drift
    from storyline.travel.quotes import quote_groups, shared_quote_edges

    copies = all_copy_edges(reports)
    copied = {e.source for e in copies}
    edges: list[Edge] = [*copies, *translation_edges(reports, exclude=copied)]
    credit_of: dict[str, list[dict[str, Any]]] = {}
    cites_of: dict[str, list[dict[str, Any]]] = {}
    for report in reports:
        found, cited, more = credit_edges(report)
        credit_of[report.id] = [c.to_dict() for c in found]
        cites_of[report.id] = [c.to_dict() for c in cited]
        edges += more
    groups = quote_groups(reports)
    edges += shared_quote_edges(groups)
    role, key, origins = roles(reports, edges)
    repeats = {e.source: e.target for e in edges if e.kind in ("copy-of", "translation-of")}
    nodes = [
        {
            "id": r.id,
            "title": r.title,
            "outlet": r.outlet,
            "language": r.language,
            "published": r.published,
            "first_seen": r.seen,
            "role": role[r.id],
            "repeats": repeats.get(r.id),
            "source_key": key.get(r.id),
            "origin": r.id in origins,
            "credits": credit_of[r.id],
            "cites": cites_of[r.id],
        }
        for r in sorted(reports, key=time_key)
    ]
    return Travel(
        story_id=story_id,
        nodes=nodes,
        edges=edges,
        origins=origins,
        independent_sources=sorted(set(key.values())),
        quote_groups=groups,
        claim_drift=claim_drift(reports),
    )
