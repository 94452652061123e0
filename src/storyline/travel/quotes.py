"""Quote tracking: the same quotation across the articles and languages of a story.

Two quotes are one quotation when they have the same speaker and their content matches:

- the speaker: the resolved speaker entity (the registry links "Borshak", "Borchak" and
  "Боршак"), else the transliterated phonetic key of the speaker's name as written
  (:func:`storyline.stories.similarity.name_key`), so that an unresolved speaker still meets
  the same name in another script;
- the content: within one language, token-set similarity (rapidfuzz) at least
  :data:`SAME_LANGUAGE_SIMILARITY`; across languages, the cosine of the quotes' multilingual e5
  vectors (computed at ingest by :class:`storyline.travel.stage.QuoteVectorStage`) at least
  :data:`CROSS_LANGUAGE_COSINE`.

Matches are joined transitively (single link). Each group keeps every wording with its article,
outlet, language and date, earliest first, and flags how a wording differs in meaning from the
earliest one: ``changed number`` (other numbers), ``dropped negation`` / ``added negation``
(a negation word of the language — ``negations`` in ``data/lexicons/<lang>.yaml`` — on one side
only), ``trimmed`` (same language, at most :data:`TRIMMED_SHARE` of the words, all taken from the
earlier wording).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from storyline.stories.similarity import name_key, numbers
from storyline.text.cues import lexicon

if TYPE_CHECKING:
    from storyline.travel.model import Edge, Report

# rapidfuzz token_set_ratio (0-100) at or above which two same-language quotes of one speaker are
# one quotation. Chosen by leave-one-topic-out cross-validation of quote-group B³ F1 on the
# hand-grouped dev quotes (eval/travel.py).
SAME_LANGUAGE_SIMILARITY = 70.0
# Cosine of two quotes' e5 vectors (raw, L2-normalised) at or above which two quotes of one
# speaker in two languages are one quotation; chosen as above. 0.86 with float32 vectors; the
# quote vectors are int8 since session 14 (storyline.travel.stage.QUOTE_ENGINE, pair cosines
# within ±0.01 of float32's, sd 0.004), and then every fold chose 0.85 or 0.8 (held-out B³ F1
# 0.963 either way; 0.86 on all fell from 0.963 to 0.958). Checked on the quote groups of 200
# CL-TLS dev texts (not hand-grouped): int8 at 0.85 gives float32-at-0.86's groups, quote for
# quote; int8 at 0.86 moved 2 of 253 quotes.
CROSS_LANGUAGE_COSINE = 0.85
# Quotes shorter than this many words are not tracked ("yes", a one-word scare quote).
MIN_QUOTE_WORDS = 3
# A same-language wording with at most this share of the earliest wording's words, all of them
# found in it (partial_ratio ≥ TRIMMED_OVERLAP), is a trimmed re-quote.
TRIMMED_SHARE = 0.75
TRIMMED_OVERLAP = 90.0

_WORD = re.compile(r"\w+", re.UNICODE)
# the numbers of a wording, once per distinct text (every wording is compared with its group's
# earliest)
_numbers = lru_cache(maxsize=8192)(numbers)


@lru_cache(maxsize=8192)  # a story's wordings repeat (copies): each is split once
def normalised(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def speaker_key(quote: dict[str, Any]) -> str | None:
    """The speaker entity id, else a phonetic key of the speaker's last name word."""
    if quote.get("speaker_entity_id"):
        return f"E:{quote['speaker_entity_id']}"
    name = quote.get("speaker") or ""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", name) if w[:1].isupper()]
    return f"N:{name_key(words[-1])}" if words else None


@cache
def _negation(language: str) -> re.Pattern[str] | None:
    words = [str(w) for w in lexicon(language).get("negations") or []]
    if not words:
        return None
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=8192)  # wordings repeat across a story's copies
def has_negation(text: str, language: str | None) -> bool | None:
    """Whether ``text`` holds a negation word of ``language`` (None: no word list for it)."""
    pattern = _negation(language) if language else None
    return None if pattern is None else bool(pattern.search(text))


def changes(
    earliest: dict[str, Any], wording: dict[str, Any], same_language: dict[str, Any] | None = None
) -> list[str]:
    """How ``wording`` differs in meaning from the group's ``earliest`` wording (numbers) and from
    the earliest wording in its own language, ``same_language`` (negation, trimming: negation
    words do not translate one for one — French "ne … plus que" restricts, it does not deny)."""
    out = []
    a, b = _numbers(earliest["text"]), _numbers(wording["text"])
    if a and b and a != b:
        out.append("changed number")
    if same_language is None or same_language is wording:
        return out
    earliest = same_language
    neg_a = has_negation(earliest["text"], earliest["language"])
    neg_b = has_negation(wording["text"], wording["language"])
    if neg_a is not None and neg_b is not None and neg_a != neg_b:
        out.append("dropped negation" if neg_a else "added negation")
    if earliest["language"] == wording["language"]:
        words_a, words_b = normalised(earliest["text"]), normalised(wording["text"])
        if (
            len(words_b.split()) <= TRIMMED_SHARE * len(words_a.split())
            and fuzz.partial_ratio(words_b, words_a) >= TRIMMED_OVERLAP
        ):
            out.append("trimmed")
    return out


class _Sets:
    """Union-find over quote indexes that never joins two quotes of one article (an article does
    not re-quote itself: without this, single links chain two quotations of one speaker through
    their translations)."""

    def __init__(self, articles: Sequence[str]) -> None:
        self.parent = list(range(len(articles)))
        self.articles: list[set[str]] = [{a} for a in articles]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def merge(self, a: int, b: int) -> None:
        """Join two items whatever their articles."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            low, high = min(ra, rb), max(ra, rb)
            self.parent[high] = low
            self.articles[low] |= self.articles[high]

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb and not self.articles[ra] & self.articles[rb]:
            low, high = min(ra, rb), max(ra, rb)
            self.parent[high] = low
            self.articles[low] |= self.articles[high]


def group_quotes(
    items: Sequence[dict[str, Any]],
    vectors: Sequence[np.ndarray | None],
    same_language: float = SAME_LANGUAGE_SIMILARITY,
    cross_language: float = CROSS_LANGUAGE_COSINE,
) -> list[int]:
    """A group label per item (``{"text", "language", "speaker_key"}``), single link over the
    matches of the module docstring; items without a speaker key stay alone."""
    sets = _Sets([str(item.get("article_id", i)) for i, item in enumerate(items)])
    # overlapping spans of one article are one quotation extracted twice (a nested partial quote)
    spans: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        if item.get("start") is not None and item.get("end") is not None:
            spans[str(item.get("article_id"))].append(i)
    for members in spans.values():
        for k, a in enumerate(members):
            for b in members[k + 1 :]:
                if items[a]["start"] < items[b]["end"] and items[b]["start"] < items[a]["end"]:
                    sets.merge(a, b)
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        if item.get("speaker_key"):
            by_speaker[item["speaker_key"]].append(i)
    for members in by_speaker.values():
        if len(members) < 2:
            continue
        by_language: dict[str, list[int]] = defaultdict(list)
        for i in members:
            by_language[items[i].get("language") or "?"].append(i)
        for same in by_language.values():
            if len(same) < 2:
                continue
            # one score per distinct wording (copies repeat a quote verbatim), spread back to
            # every pair: the same matrix as scoring all pairs, for a fraction of the cost
            distinct, back = np.unique(
                np.array([normalised(items[i]["text"]) for i in same], dtype=object),
                return_inverse=True,
            )
            texts = [str(t) for t in distinct]
            unique = cdist(texts, texts, scorer=fuzz.token_set_ratio, dtype=np.float32, workers=1)
            scores = unique[np.ix_(back, back)]
            rows, cols = np.nonzero(np.triu(scores >= same_language, 1))
            best = np.argsort(-scores[rows, cols], kind="stable")  # best matches first
            index = np.asarray(same)
            for a, b in zip(index[rows[best]].tolist(), index[cols[best]].tolist(), strict=True):
                sets.union(a, b)
        with_vector = [i for i in members if vectors[i] is not None]
        if len(by_language) > 1 and len(with_vector) > 1:
            matrix = np.vstack([np.asarray(vectors[i]) for i in with_vector]).astype(np.float32)
            sims = matrix @ matrix.T
            langs = np.array([items[i].get("language") or "?" for i in with_vector])
            cross = langs[:, None] != langs[None, :]
            rows, cols = np.nonzero(np.triu((sims >= cross_language) & cross, 1))
            best = np.argsort(-sims[rows, cols], kind="stable")  # best matches first
            index = np.asarray(with_vector)
            for a, b in zip(index[rows[best]].tolist(), index[cols[best]].tolist(), strict=True):
                sets.union(a, b)
    return [sets.find(i) for i in range(len(items))]


def group_id(article_id: str, start: int, text: str) -> str:
    """A stable id for a quote group: its earliest wording's article and position."""
    digest = hashlib.sha1(f"{article_id}:{start}:{text}".encode()).hexdigest()[:10]
    return f"q-{digest}"


def quote_groups(reports: Sequence[Report]) -> list[dict[str, Any]]:
    """The story's quotations, each with every wording (earliest first) and its changes; biggest
    group first (ties: earliest first). Quotations carried by one article only are included (the
    quote page shows them too); ``articles`` says how many carried each."""
    from storyline.travel.model import time_key

    order = {r.id: i for i, r in enumerate(sorted(reports, key=time_key))}
    items: list[dict[str, Any]] = []
    vectors: list[np.ndarray | None] = []
    for report in reports:
        for index, quote in enumerate(report.quotes):
            text = str(quote.get("text") or "")
            if len(_WORD.findall(text)) < MIN_QUOTE_WORDS:
                continue
            items.append(
                {
                    "article_id": report.id,
                    "outlet": report.outlet,
                    "language": quote.get("language") or report.language,
                    "published": report.published,
                    "text": text,
                    "start": quote.get("start"),
                    "end": quote.get("end"),
                    "type": quote.get("type"),
                    "speaker": quote.get("speaker"),
                    "speaker_entity_id": quote.get("speaker_entity_id"),
                    "speaker_key": speaker_key(quote),
                    "_order": (order[report.id], index),
                }
            )
            vectors.append(report.quote_vectors.get(index))
    labels = group_quotes(items, vectors)
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for label, item in zip(labels, items, strict=True):
        grouped[label].append(item)
    groups = []
    for wordings in grouped.values():
        wordings.sort(key=lambda w: w["_order"])
        first = wordings[0]
        speakers = [w["speaker"] for w in wordings if w["speaker"]]
        groups.append(
            {
                "id": group_id(first["article_id"], int(first["start"] or 0), first["text"]),
                "speaker": speakers[0] if speakers else None,
                "speaker_entity_id": next(
                    (w["speaker_entity_id"] for w in wordings if w["speaker_entity_id"]), None
                ),
                "articles": len({w["article_id"] for w in wordings}),
                "languages": sorted({w["language"] or "?" for w in wordings}),
                "wordings": [
                    {
                        **{k: v for k, v in w.items() if not k.startswith("_")},
                        "changes": changes(
                            first,
                            w,
                            next(x for x in wordings if x["language"] == w["language"]),
                        )
                        if i
                        else [],
                    }
                    for i, w in enumerate(wordings)
                ],
                "_order": first["_order"],
            }
        )
    groups.sort(key=lambda g: (-g["articles"], g["_order"]))
    for g in groups:
        del g["_order"]
        for w in g["wordings"]:
            del w["speaker_key"]
            w.pop("end", None)
    return groups


def shared_quote_edges(groups: Sequence[dict[str, Any]]) -> list[Edge]:
    """``shares-quote``: each later article carrying a quotation to its earliest carrier (one
    edge per article pair, naming the groups)."""
    from storyline.travel.model import Edge

    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for group in groups:
        first = group["wordings"][0]["article_id"]
        for wording in group["wordings"][1:]:
            if (
                wording["article_id"] != first
                and group["id"] not in pairs[(wording["article_id"], first)]
            ):
                pairs[(wording["article_id"], first)].append(group["id"])
    return [
        Edge("shares-quote", later, earlier, {"quote_groups": ids})
        for (later, earlier), ids in pairs.items()
    ]
