"""Story model on dev data: semeval2022-task8 pairs and ECB+ topics (writes docs/evaluation.md).

Run: ``.venv/bin/python eval/stories.py``. Embeddings are cached under ``.eval-cache/`` so a rerun
takes seconds; the first run embeds ~1,950 title+lead texts (~2 minutes on 2 cores).
"""

from __future__ import annotations

import csv
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import DATA, ROOT, open_maybe_xz

CACHE = ROOT / ".eval-cache" / "embeddings.sqlite"


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


def semeval_features(pairs: list[Pair], embedder: object) -> tuple[np.ndarray, np.ndarray]:
    from storyline.similarity import DocumentFrequencies, build_evidence, features

    docs: dict[str, Doc] = {}
    for pair in pairs:
        docs.setdefault(pair.a.id, pair.a)
        docs.setdefault(pair.b.id, pair.b)
    records = [
        {"id": d.id, "title": d.title, "text": d.text, "language": d.language}
        for d in docs.values()
    ]
    evidence = {e.id: e for e in build_evidence(records, embedder)}  # type: ignore[arg-type]
    idf = DocumentFrequencies()
    for item in evidence.values():
        idf.add(item.keys | item.numbers)
    x = np.array([features(evidence[p.a.id], evidence[p.b.id], idf) for p in pairs])
    y = np.array([p.overall for p in pairs])
    return x, y


def fit_logistic(x: np.ndarray, target: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    """Soft-label logistic regression by Newton steps (target in [0, 1])."""
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -50, 50)))
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


def cross_validated(x: np.ndarray, overall: np.ndarray, folds: int = 5) -> np.ndarray:
    """Out-of-fold scores: each pair scored by weights fit without its fold (fixed folds)."""
    target = (4 - overall) / 3
    out = np.zeros(len(overall))
    fold_of = np.arange(len(overall)) % folds
    for fold in range(folds):
        w = fit_logistic(x[fold_of != fold], target[fold_of != fold])
        out[fold_of == fold] = 1 / (1 + np.exp(-(x[fold_of == fold] @ w)))
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
    from storyline.similarity import build_evidence
    from storyline.story_index import StoryIndex, stream_order

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

    from storyline.similarity import build_evidence
    from storyline.story_index import StoryIndex, stream_order

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


def main() -> None:
    import argparse

    from storyline.embed import CachedEmbedder, E5Embedder
    from storyline.similarity import SAME_STORY_THRESHOLD, WEIGHTS, combine

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    embedder = CachedEmbedder(E5Embedder(), CACHE)

    pairs = load_semeval()
    x, overall = semeval_features(pairs, embedder)
    shipped = np.array([combine(row) for row in x])  # undated: time factor is 1
    target = 4 - overall
    pearson = float(np.corrcoef(shipped, target)[0, 1])
    p, r, f = pr_at(shipped, overall, SAME_STORY_THRESHOLD)
    oof = cross_validated(x, overall)
    cv_pearson = float(np.corrcoef(oof, target)[0, 1])
    cv_p, cv_r, cv_f = pr_at(oof, overall, best_threshold(oof, overall))
    refit = fit_logistic(x, (4 - overall) / 3)
    refit_threshold = best_threshold(np.array([combine(row, refit) for row in x]), overall)
    cosine_only = float(np.corrcoef(x[:, 1], target)[0, 1])
    names_only = float(np.corrcoef(x[:, 2], target)[0, 1])
    by_lang: dict[str, list[int]] = {}
    for i, pair in enumerate(pairs):
        by_lang.setdefault(f"{pair.a.language}-{pair.b.language}", []).append(i)
    print(
        f"semeval: Pearson {pearson:.3f} (5-fold CV {cv_pearson:.3f});"
        f" P/R/F {p:.3f}/{r:.3f}/{f:.3f}"
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
    joint = " | ".join(f"{ecb[k]:.3f}" for k in ("joint_p", "joint_r", "joint_f"))
    topic = " | ".join(f"{ecb[k]:.3f}" for k in ("topic_p", "topic_r", "topic_f"))
    body = f"""Pair model (`storyline.similarity`; `storyline pairs` and the clustering use it):
title+lead e5-small embedding cosine, IDF-weighted name-key and number overlaps, a cross-language
flag, logistic weights `{list(WEIGHTS)}`, same-story threshold {SAME_STORY_THRESHOLD}.

**SemEval-2022 task 8, 749 dev pairs** (`semeval2022-task8-hfl-sample`; no dates, so no time decay)

| measure | value | goal |
|---|---|---|
| Pearson(score, 4 − Overall), shipped weights (fit on these same pairs) | {pearson:.3f} | ≥ 0.80 |
| Pearson, 5-fold CV (all 5 weights refit freely without each fold) | {cv_pearson:.3f} | |
| Pearson of the embedding cosine alone | {cosine_only:.3f} | |
| Pearson of the name-key overlap alone | {names_only:.3f} | |
| same-story P / R / F1 (gold ≤ 1.5 vs ≥ 3), shipped threshold | {prf} | ≥ 0.80 |
| same-story P / R / F1, cross-validated | {cv_prf} | |

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

Caveats: the name and number weights were picked on this same ECB+ set (a 6 × 3 grid; with both
at 0 the one-stream B³ F1 is 0.863), so the ECB+ figure is tuned on two parameters; the SemEval
weights are fit on these same pairs (the cross-validated row shows the held-out figure). The
Pearson goal of 0.80 is not reached: the e5-small embedding carries most of the signal (cosine
alone 0.743) and name/number overlap adds little on SemEval; Arabic (no capitals: no name keys)
and Polish/German are the weakest pairs.
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
