"""How a story travelled, on dev data: copy / translation / wire-credit edges, origin direction,
quote groups (writes its section of docs/evaluation.md).

Run: ``.venv/bin/python eval/travel.py`` (``--candidates`` prints the pairs proposed for
labelling, see ``eval/gold/travel/README.md``). Embeddings are cached as in ``eval/stories.py``.

Articles come from ``../shared/data`` (CL-TLS ML-Crisis, ECB+, SemEval-2022 task 8) and
``examples/articles``; they go through the language, clean and metadata stages (as at ingest),
then the travel model (:mod:`storyline.travel.model`) decides every gold pair. Thresholds are
chosen by leave-one-topic-out cross-validation: for each topic, the threshold maximising F1 on
the other topics is applied to the held-out topic; the pooled held-out predictions give the
reported figures.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import ROOT, write_section

from stories import CACHE_DIR, cache_for, load_cltls, load_ecbplus, load_semeval
from storyline.stories.dedup import minhash, shingles
from storyline.stories.embed import story_text
from storyline.stories.similarity import KEY_CHARS, name_keys, numbers
from storyline.travel import model
from storyline.travel.model import Report
from storyline.travel.wire import credits

GOLD = ROOT / "eval" / "gold" / "travel"
# SemEval-2022 cross-language pairs read for the gold: those rated at most this "Overall"
# (1 = same story, 4 = unrelated): same-story and related-story reports in two languages.
SEMEVAL_MAX_OVERALL = 3.0
EXAMPLES = ROOT / "examples" / "articles"


@dataclass
class Item:
    id: str
    topic: str
    language: str | None
    published: str | None
    title: str
    text: str
    outlet: str | None = None
    author: str | None = None


def _clean(items: list[Item]) -> list[Item]:
    """The language, clean and metadata stages over the items, as ingest runs them."""
    from storyline.article import Article
    from storyline.pipeline import Pipeline

    pipeline = Pipeline(stages=("language", "clean", "metadata"))
    articles = []
    for item in items:
        article = Article(raw_text=f"{item.title}\n\n{item.text}", title=item.title or None)
        article.language = item.language
        articles.append(article)
    out = []
    for item, article in zip(items, pipeline.run(articles), strict=True):
        out.append(
            Item(
                item.id,
                item.topic,
                article.language or item.language,
                item.published,
                article.title or item.title,
                article.text,
                article.source or item.outlet,
                article.author,
            )
        )
    return out


def load_items() -> dict[str, Item]:
    """Every dev article the gold pairs can name, by id."""
    items: list[Item] = []
    for (_lang, topic), (docs, _) in load_cltls().items():
        for doc, day in docs:
            items.append(
                Item(
                    f"cltls:{doc.id}",
                    f"cltls-{topic}",
                    doc.language,
                    day.isoformat(),
                    doc.title,
                    doc.text,
                )
            )
    for topic, _label, doc in load_ecbplus():
        items.append(Item(f"ecb:{topic}/{doc.id}", f"ecb-{topic}", "en", None, doc.title, doc.text))
    for pair in load_semeval():
        if pair.a.language != pair.b.language and pair.overall <= SEMEVAL_MAX_OVERALL:
            for doc in (pair.a, pair.b):  # one line: the whole text reads as the title
                items.append(
                    Item(
                        f"semeval:{doc.id}",
                        "semeval",
                        doc.language,
                        None,
                        "",
                        f"{doc.title}\n\n{doc.text}".strip(),
                    )
                )
    from storyline.ingest import read_paths

    for article in read_paths([str(EXAMPLES)]):
        name = Path(article.source_path or "").name
        items.append(
            Item(
                f"examples:{name}:{article.record or ''}",
                "examples",
                article.language,
                article.published.isoformat() if article.published else None,
                article.title or "",
                article.raw_text,
                article.source,
                article.author,
            )
        )
    unique = {i.id: i for i in items}
    return unique


# -- gold -------------------------------------------------------------------------------------


def read_gold() -> tuple[list[dict[str, str]], dict[str, set[str]], list[dict[str, str]]]:
    """(pairs, credited agencies per article, quotes)."""
    with (GOLD / "pairs.tsv").open(encoding="utf-8") as handle:
        pairs = list(
            csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        )
    agencies: dict[str, set[str]] = {}
    with (GOLD / "credits.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(
            (line for line in handle if not line.startswith("#")), delimiter="\t"
        ):
            agencies[row["article"]] = {a for a in row["agencies"].split(",") if a and a != "-"}
    quotes: list[dict[str, str]] = []
    path = GOLD / "quotes.tsv"
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            quotes = list(
                csv.DictReader(
                    (line for line in handle if not line.startswith("#")), delimiter="\t"
                )
            )
    return pairs, agencies, quotes


# -- features ---------------------------------------------------------------------------------


def reports(items: dict[str, Item], ids: set[str]) -> dict[str, Report]:
    from storyline.stories.embed import CachedEmbedder, E5Embedder

    wanted = sorted(ids)
    e5 = E5Embedder()
    embedder = CachedEmbedder(e5, cache_for(e5.engine))
    cleaned = {i.id: i for i in _clean([items[i] for i in wanted])}
    vectors = embedder.embed([story_text(cleaned[i].title, cleaned[i].text) for i in wanted])
    out = {}
    for seen, (item_id, vector) in enumerate(zip(wanted, vectors, strict=True)):
        item = cleaned[item_id]
        sketch = minhash(item.text)
        head = f"{item.title}\n{item.text[:KEY_CHARS]}"
        out[item_id] = Report(
            id=item_id,
            outlet=item.outlet,
            language=item.language,
            published=item.published,
            seen=seen,
            title=item.title,
            text=item.text,
            author=item.author,
            vector=np.asarray(vector, dtype=np.float32),
            sketch=None if sketch is None else sketch.hashvalues.astype(np.uint64),
            keys=name_keys(head),
            numbers=numbers(head),
        )
    return out


def pair_features(a: Report, b: Report) -> dict[str, float]:
    jac = (
        float((a.sketch == b.sketch).mean())
        if a.sketch is not None and b.sketch is not None
        else 0.0
    )
    contained = model.containment(a, b) if jac >= model.COPY_CANDIDATE_JACCARD else 0.0
    cos = (
        float(np.dot(a.vector, b.vector)) if a.vector is not None and b.vector is not None else 0.0
    )
    cover = model.coverage(a.keys, b.keys)
    small = min(len(a.keys), len(b.keys)) < model.MIN_NAME_KEYS
    return {
        "jaccard": jac,
        "containment": contained,
        "cosine": cos,
        "names": 0.0 if small else cover,
        "cross": float(a.language != b.language),
    }


def predict(feats: dict[str, float], copy_t: float, cos_t: float, names_t: float) -> str:
    """The model's decision for one pair, as :func:`storyline.travel.model.source_edges` takes
    it (copy first; a translation needs two languages)."""
    if feats["containment"] >= copy_t:
        return "copy"
    if feats["cross"] and feats["cosine"] >= cos_t and feats["names"] >= names_t:
        return "translation"
    return "none"


def prf(pred: list[str], gold: list[str], label: str) -> tuple[float, float, float, int]:
    tp = sum(p == label and g == label for p, g in zip(pred, gold, strict=True))
    fp = sum(p == label and g != label for p, g in zip(pred, gold, strict=True))
    fn = sum(p != label and g == label for p, g in zip(pred, gold, strict=True))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0, tp + fn


COPY_GRID = [round(float(x), 2) for x in np.arange(0.3, 0.95, 0.05)]
COS_GRID = [round(float(x), 2) for x in np.arange(0.80, 0.97, 0.01)]
NAMES_GRID = [round(float(x), 2) for x in np.arange(0.2, 0.85, 0.05)]


def _macro(pred: list[str], gold: list[str]) -> float:
    return float(np.mean([prf(pred, gold, k)[2] for k in ("copy", "translation")]))


def fit(rows: list[tuple[dict[str, float], str]]) -> tuple[float, float, float]:
    """The thresholds maximising mean copy/translation F1 on ``rows`` (copy first, then the two
    translation thresholds given it); ties: the value nearest the grid's middle."""
    gold = [g for _, g in rows]
    best_copy = max(
        COPY_GRID,
        key=lambda t: (prf([predict(f, t, 2, 2) for f, _ in rows], gold, "copy")[2], -abs(t - 0.6)),
    )
    best = max(
        ((c, n) for c in COS_GRID for n in NAMES_GRID),
        key=lambda cn: (
            _macro([predict(f, best_copy, *cn) for f, _ in rows], gold),
            -abs(cn[0] - 0.88) - abs(cn[1] - 0.5),
        ),
    )
    return best_copy, best[0], best[1]


def edge_figures(
    items: dict[str, Item], pairs: list[dict[str, str]]
) -> tuple[list[str], dict[str, Any]]:
    ids = {p["a"] for p in pairs} | {p["b"] for p in pairs}
    found = reports(items, ids)
    pairs = [p for p in pairs if p["label"] != "junk"]
    rows = [(pair_features(found[p["a"]], found[p["b"]]), p["label"]) for p in pairs]
    topics = [p["topic"] for p in pairs]
    held_pred: list[str] = [""] * len(rows)
    chosen = []
    for topic in sorted(set(topics)):
        train = [r for r, t in zip(rows, topics, strict=True) if t != topic]
        thresholds = fit(train)
        chosen.append((topic, thresholds))
        for i, t in enumerate(topics):
            if t == topic:
                held_pred[i] = predict(rows[i][0], *thresholds)
    gold = [g for _, g in rows]
    shipped = (model.COPY_CONTAINMENT, model.TRANSLATION_COSINE, model.TRANSLATION_NAMES)
    dev_pred = [predict(f, *shipped) for f, _ in rows]
    lines = [
        "| edge | pairs (gold) | held-out P | R | F1 | shipped thresholds on all: P | R | F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label in ("copy", "translation"):
        p, r, f, n = prf(held_pred, gold, label)
        p2, r2, f2, _ = prf(dev_pred, gold, label)
        lines.append(
            f"| {label}-of | {n} | {p:.3f} | {r:.3f} | {f:.3f} | {p2:.3f} | {r2:.3f} | {f2:.3f} |"
        )
    return lines, {"chosen": chosen, "found": found, "rows": rows, "all": fit(rows)}


def credit_figures(found: dict[str, Report], agencies: dict[str, set[str]]) -> list[str]:
    tp = fp = fn = 0
    misses = []
    for article, gold in sorted(agencies.items()):
        if article not in found:
            continue
        report = found[article]
        got = {c.agency for c in credits(report.text, report.author)}
        tp += len(got & gold)
        fp += len(got - gold)
        fn += len(gold - got)
        if got != gold:
            misses.append(f"{article}: gold {sorted(gold)} got {sorted(got)}")
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    print("credit errors:", *misses[:30], sep="\n  ")
    return [
        f"| wire-credit | {tp + fn} credits in {len(agencies)} articles | {p:.3f} | {r:.3f} "
        f"| {f:.3f} | (no threshold) | | |"
    ]


def read_origins() -> list[dict[str, str]]:
    path = GOLD / "origins.tsv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return list(
            csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        )


def origin_figures(items: dict[str, Item], stories: list[dict[str, str]]) -> str:
    """The model's origins of each gold story (its members only, as the travel view builds
    them): a hit when the known first report is among the origins, exact when it is the only
    one (the model marks every original of the earliest day: dates are days)."""
    ids = {m for s in stories for m in s["members"].split(",")}
    found = reports(items, ids)
    hit = exact = 0
    details = []
    for story in stories:
        members = [found[m] for m in story["members"].split(",")]
        _, _, origins = model.roles(members, model.source_edges(members))
        hit += story["first"] in origins
        exact += origins == [story["first"]]
        details.append(f"{story['story']} ({len(members)} articles): {len(origins)} origin(s)")
    n = max(len(stories), 1)
    return (
        f"{len(stories)} stories whose first report is known from publication times of day in "
        f"the sources' metadata or text (`eval/gold/travel/origins.tsv`): first report among "
        f"the origins {hit}/{len(stories)} = {hit / n:.3f}, the only origin {exact}/"
        f"{len(stories)} = {exact / n:.3f} ({'; '.join(details)})."
    )


def candidates(items: dict[str, Item]) -> None:
    """Pairs proposed for labelling: within a topic, same language with shingle Jaccard ≥ 0.1
    (copies and near misses), across languages the 3 nearest by title+lead cosine per article
    (translations and same-story reports), SemEval cross-language same-story pairs."""
    by_topic: dict[str, list[Item]] = defaultdict(list)
    for item in items.values():
        by_topic[item.topic].append(item)
    for topic, members in sorted(by_topic.items()):
        for a, b in itertools.combinations(members, 2):
            if a.language == b.language:
                sa, sb = shingles(a.text), shingles(b.text)
                j = len(sa & sb) / max(1, len(sa | sb))
                if j >= 0.1:
                    print(f"{topic}\t{a.id}\t{b.id}\tjaccard={j:.2f}")
            elif topic.startswith(("semeval", "examples")):
                print(f"{topic}\t{a.id}\t{b.id}\tcross")


# -- quote groups -----------------------------------------------------------------------------


def quote_store() -> Path:
    """The examples corpus and the seeds, ingested by the full pipeline (cached)."""
    from storyline.batch import ingest
    from storyline.pipeline import Pipeline
    from storyline.store.sqlite import SQLiteStore

    path = CACHE_DIR / "travel-quotes.db"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    seeds = sorted(str(p) for p in (ROOT.parent / "shared" / "seeds").glob("*.txt"))
    with SQLiteStore(path) as store:
        ingest([str(EXAMPLES), *seeds], store, Pipeline(store=store))
    return path


SIM_GRID = [60.0, 65.0, 70.0, 75.0, 80.0, 85.0, 90.0]
CROSS_GRID = [round(float(x), 2) for x in np.arange(0.80, 0.95, 0.01)]


def quote_section(gold_rows: list[dict[str, str]]) -> list[str]:
    from stories import b_cubed
    from storyline.read.travel import reports as stored_reports
    from storyline.store.readers import readers
    from storyline.store.sqlite import SQLiteStore
    from storyline.travel.quotes import MIN_QUOTE_WORDS, group_quotes, speaker_key

    with SQLiteStore(quote_store()) as store:
        reader = readers(store.conn)
        members = reader.articles([r["article"] for r in gold_rows])
        found = stored_reports(reader, members, reader.redirects())
        story = {m["id"]: m.get("story_id") or m["id"] for m in members}
    items: list[dict[str, Any]] = []
    vectors: list[Any] = []
    for report in found:
        for index, quote in enumerate(report.quotes):
            if len(str(quote.get("text", "")).split()) < MIN_QUOTE_WORDS:
                continue
            items.append(
                {
                    **quote,
                    "article_id": report.id,
                    "language": quote.get("language") or report.language,
                    "speaker_key": speaker_key(quote),
                }
            )
            vectors.append(report.quote_vectors.get(index))
    gold: dict[int, str] = {}
    for row in gold_rows:
        for i, item in enumerate(items):
            if item["article_id"] == row["article"] and item["start"] == int(row["start"]):
                gold[i] = row["group"]
    topics = {i: story[items[i]["article_id"]] for i in gold}

    def score(indexes: list[int], sim: float, cross: float) -> tuple[float, float, float]:
        labels = group_quotes(
            [items[i] for i in indexes], [vectors[i] for i in indexes], sim, cross
        )
        predicted = {str(i): str(labels[k]) for k, i in enumerate(indexes)}
        return b_cubed(predicted, {str(i): gold[i] for i in indexes})

    every = sorted(gold)
    held: dict[str, str] = {}
    chosen = []
    for topic in sorted(set(topics.values())):
        train = [i for i in every if topics[i] != topic]
        test = [i for i in every if topics[i] == topic]
        best = max(
            ((a, b) for a in SIM_GRID for b in CROSS_GRID),
            key=lambda ab: (score(train, *ab)[2], -abs(ab[0] - 70) / 100 - abs(ab[1] - 0.86)),
        )
        chosen.append(best)
        labels = group_quotes([items[i] for i in test], [vectors[i] for i in test], *best)
        held.update({str(i): f"{topic}:{labels[k]}" for k, i in enumerate(test)})
    p, r, f = b_cubed(held, {str(i): gold[i] for i in every})
    from storyline.travel import quotes as q

    p2, r2, f2 = score(every, q.SAME_LANGUAGE_SIMILARITY, q.CROSS_LANGUAGE_COSINE)
    groups = len(set(gold.values()))
    shared = sum(1 for g in set(gold.values()) if sum(v == g for v in gold.values()) > 1)
    return [
        f"Quote groups: {len(gold)} of the {len(gold_rows)} hand-grouped quotations found among "
        f"the pipeline's quotes (examples corpus and seeds, {groups} groups, {shared} with more "
        "than one wording, across en/fr/ru/es). B³ over the quotations; held-out: leave one "
        "story out for the two thresholds.",
        "",
        "| quote groups | B³ P | R | F1 |",
        "|---|---|---|---|",
        f"| held-out (leave one story out) | {p:.3f} | {r:.3f} | {f:.3f} |",
        f"| shipped thresholds ({q.SAME_LANGUAGE_SIMILARITY:g}, {q.CROSS_LANGUAGE_COSINE}) on all "
        f"| {p2:.3f} | {r2:.3f} | {f2:.3f} |",
        "",
        "Per-fold (same-language similarity, cross-language cosine): "
        + ", ".join(f"({a:g}, {b})" for a, b in chosen),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--candidates", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    items = load_items()
    if args.candidates:
        candidates(items)
        return
    pairs, agencies, quotes = read_gold()
    missing = [p for p in pairs if p["a"] not in items or p["b"] not in items]
    if missing:
        raise SystemExit(f"gold pairs naming unknown articles: {missing[:3]}")
    lines, info = edge_figures(items, pairs)
    found = info["found"]
    credit_ids = set(agencies) - set(found)
    if credit_ids:
        found.update(reports(items, credit_ids & set(items)))
    lines += credit_figures(found, agencies)
    origin = origin_figures(items, read_origins())
    from collections import Counter

    counts = Counter(p["label"] for p in pairs)
    topics = len({p["topic"] for p in pairs})
    body = [
        f"Gold: {len(pairs)} hand-labelled article pairs over {topics} topics "
        f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}) and the agency credits "
        f"of {len(agencies)} articles (`eval/gold/travel/`, README there says how they were "
        "made). Pairs go through the language, clean and metadata stages first, as at ingest.",
        "",
        "Held-out: leave one topic out — each topic's pairs decided with the thresholds that "
        "maximise mean copy/translation F1 on the other topics. Wire credits have no threshold "
        "(lexicon and position rules).",
        "",
        *lines,
        "",
        f"Thresholds fit on all pairs: copy containment {info['all'][0]}, translation cosine "
        f"{info['all'][1]}, name coverage {info['all'][2]}; shipped: {model.COPY_CONTAINMENT}, "
        f"{model.TRANSLATION_COSINE}, {model.TRANSLATION_NAMES}. Per-fold choices: "
        + "; ".join(f"{t} {c}" for t, c in info["chosen"]),
        "",
        f"Origin accuracy: {origin} The origin is by definition the earliest original "
        "(storyline.travel.model); publication dates are days, so every original of the "
        "earliest day is an origin.",
    ]
    if quotes:
        body += ["", *quote_section(quotes)]
    text = "\n".join(body)
    print(text)
    if not args.no_write:
        write_section(
            "travel", "How a story travelled (copy, translation, wire credit, quotes)", text
        )


if __name__ == "__main__":
    main()


def _debug() -> None:
    items = load_items()
    pairs, _, _ = read_gold()
    ids = {p["a"] for p in pairs} | {p["b"] for p in pairs}
    found = reports(items, ids)
    for p in pairs:
        f = pair_features(found[p["a"]], found[p["b"]])
        print(p["topic"], p["label"], " ".join(f"{k}={v:.2f}" for k, v in f.items()))
