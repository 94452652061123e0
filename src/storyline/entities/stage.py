"""Named entities, resolved to canonical entities of the corpus: sets ``entities``.

Reads ``text``, ``language``, ``published``. For each article:

1. NER routed by language (:mod:`storyline.entities.ner`: spaCy en/fr/es with ``nlp.pipe`` over the
   batch
   in :meth:`EntityStage.prepare`, natasha ru with lemmas, capitalised-name fallback + registry
   gazetteer elsewhere); spans cleaned, titles split off person spans;
2. mentions the model missed: alias-table acronyms in the text ("ISIL", "US"), and acronyms a name
   introduces in brackets ("Islamic State (IS, …)");
3. type cues (a title before a person, "in X" before a place, digits in a channel name) and one
   harmonisation: a multi-word name whose last word is a person mention of the same article is a
   person ("Aleksandr Borshak" tagged as a place, "Borshak said" tagged as a person);
4. resolution against the corpus :class:`~storyline.entities.registry.EntityRegistry` (see its
   docstring),
   then each mention takes its entity's type (type votes across all its mentions) and canonical
   name;
5. titles/roles next to persons go to the registry (``registry.titles_of``); aliases stated in text
   ("X, also known as Y", "formerly", "aka", "dit", "также известный как") merge the two entities.

The registry is the corpus's (:attr:`storyline.corpus.Corpus.registry`, loaded from the store
on first use). Each article's registry change — its evidence per (entity, article), the entities
it touched, its merges — is recorded on the corpus (:meth:`~storyline.corpus.Corpus.record`) and
committed by the runner with the article; re-analysing an article first takes its stored
evidence out, so its counts are replaced, not added to. Other stages read the same registry
from the corpus (quotes: ``registry.resolve_role(article, "the diplomat", offset)``,
``registry.titles_of(id)``).

Limits: NER quality is the models' (eval/entities.py has F1 per language); a title-only mention
("the Russian diplomat") is not added as a mention: :meth:`EntityRegistry.resolve_role` resolves it
on demand.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from storyline.article import Article, EntityType, Mention
from storyline.corpus import Corpus
from storyline.entities.lexicon_ner import (
    LexiconNer,
    has_case,
    is_english_word_in_cyrillic,
    is_gazetteer_place,
    load_name_data,
    sentence_initial,
)
from storyline.entities.ner import (
    NerBackend,
    PatternNer,
    backend_for,
    clean_span,
    confirmed_outside,
    heading_lines,
    pipe_docs,
    repair_model_mention,
    split_title,
    title_after,
    title_before,
    type_cue,
)
from storyline.entities.registry import CUE_VOTE, EntityRegistry, is_acronym
from storyline.nlp import doc_text
from storyline.store.registry import RegistryChange, stored_evidence

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Text between two mentions that states they are one entity under two names.
ALIAS_CUES = re.compile(
    r"^[\s,(]*(?:also\s+known\s+as|formerly(?:\s+known\s+as)?|previously|a\.?k\.?a\.?|"
    r"better\s+known\s+as|renamed|dit(?:e|s)?|alias|connu\s+(?:aussi\s+)?sous\s+le\s+nom\s+de|"
    r"anciennement|también\s+conocid[oa]\s+como|antes|также\s+известн\w*\s+как|"
    r"ранее|известн\w*\s+как|bekannt\s+als|vormals)"
    r"[\s,]*(?:the|le|la|l['’]|el)?\s*[\"“«]?\s*$",
    re.IGNORECASE,
)
# Tagged names shorter than this are not propagated to their untagged occurrences: short
# capitalised words are often sentence-initial common words. 4 keeps "Assad", "Trump", "Hama".
PROPAGATE_MIN_CHARS = 4
# An inflection-tolerant registry hit types a name only for an entity seen in this many
# articles: one chance article's name under a coarse key types too many words.
LOOSE_MIN_ARTICLES = 2
# Where EntityStage.precompute leaves the models' raw mentions: (text they index into, mentions).
MODEL_MENTIONS = "model_mentions"
# "Long Name (ACR" introduces an acronym; the bracket may go on ("(IS, formerly ISIS)").
_BRACKET_ACRONYM = re.compile(r"\s*\(\s*([^\W\d_][^\W_]{1,5})\b")


class EntityStage:
    name = "entities"
    requires: tuple[str, ...] = ("text", "language", "published")
    assigns: tuple[str, ...] = ("entities",)
    parallel = False

    def __init__(
        self,
        corpus: Corpus,
        registry: EntityRegistry | None = None,
        backend: NerBackend | None = None,
        *,
        heading_check: bool = True,
        repair_models: bool = True,
    ) -> None:
        self.corpus = corpus
        self.heading_check = heading_check  # off only to measure the rule (eval/headings.py)
        # repairs of model output (ner.repair_model_mention); off only to measure them
        self.repair_models = repair_models
        if registry is not None:
            corpus.use_registry(registry)
        self._backend = backend  # a fixed backend (tests); else routed by language

    @property
    def registry(self) -> EntityRegistry:
        """The corpus registry (:attr:`storyline.corpus.Corpus.registry`)."""
        return self.corpus.registry

    def prepare(self, batch: list[Article]) -> None:
        for language in {a.language for a in batch if a.language and has_case(a.text[:200])}:
            load_name_data(language)
        if self._backend is None:
            pipe_docs(batch)

    def precompute(self, batch: list[Article]) -> None:
        """The models' part, which needs no registry: spaCy parses (kept on the article, see
        :func:`storyline.nlp.parse`) and the raw mentions of spaCy and natasha, kept in
        ``annotations[MODEL_MENTIONS]`` with the text they index into. With ``--engine dask``
        it runs on a worker; the call then reads it instead of running the model."""
        if self._backend is not None:
            return
        pipe_docs(batch)
        for article in batch:
            backend = backend_for(article.language)
            # the fallbacks (LexiconNer, PatternNer) read the registry's names: they run in the call
            if article.text and not isinstance(backend, PatternNer | LexiconNer):
                article.annotations[MODEL_MENTIONS] = (article.text, backend(article))

    def __call__(self, article: Article) -> Article:
        registry = self.registry
        store = self.corpus.store
        registry.begin_article(
            article.id, stored_evidence(store.conn, article.id) if store is not None else None
        )
        try:
            self._resolve(article, registry)
        finally:
            self.corpus.record(article.id, RegistryChange(registry.end_article()))
        return article

    def _resolve(self, article: Article, registry: EntityRegistry) -> None:
        text = article.text
        if not text:
            article.entities = []
            return
        backend = self._backend or backend_for(
            article.language, self._gazetteer, self._loose_gazetteer
        )
        doc: Doc | None = article.annotations.get("doc")
        if doc is not None and doc_text(doc) != text:
            doc = None
        mentions, titles = self._find(article, backend, doc)
        ctx = registry.context(article.id, article.language, article.published)
        lang = article.language or ""
        demonyms: set[int] = set()  # mentions of a people linked to their place: keep the type
        for mention in mentions:
            seen = titles.get(mention.start, [])
            cue = type_cue(text, mention, seen[0] if seen else None)
            if cue is not None:
                mention.type = cue
            entity = registry.resolve(
                mention.text,
                mention.type,
                ctx,
                lemma=mention.lemma,
                weight=CUE_VOTE if cue else 1,
            )
            mention.entity_id = entity.id
            if registry.last_via_demonym:
                demonyms.add(id(mention))
            if mention.type != "PER" and (acr := _bracket_acronym(text, mention.end)):
                registry.note_acronym(ctx, acr, entity.id)
            if entity.type == "PER":
                for title in seen:
                    registry.add_title(entity.id, title, article.language)
        self._learn_aliases(text, mentions, registry)
        for mention in mentions:
            final = registry.get(mention.entity_id or "")
            if final is not None:
                mention.entity_id = final.id
                mention.canonical = final.canonical
                if id(mention) not in demonyms and not _keeps_type(mention, final.type, lang):
                    mention.type = final.type
        article.entities = mentions

    def _gazetteer(self, name: str) -> EntityType | None:
        entity = self.registry.find(name, by_key=False)  # exact names only: a gazetteer
        return entity.type if entity is not None else None

    def _loose_gazetteer(self, name: str) -> EntityType | None:
        """A name the registry knows under another case form or spelling (by name key:
        "Johnsona" → Boris Johnson), trusted only for an entity seen in at least
        :data:`LOOSE_MIN_ARTICLES` articles: the key is coarse."""
        entity = self.registry.find(name)
        if entity is None or len(entity.articles) < LOOSE_MIN_ARTICLES:
            return None
        return entity.type

    def _find(
        self, article: Article, backend: NerBackend, doc: Doc | None
    ) -> tuple[list[Mention], dict[int, list[str]]]:
        """Model mentions, cleaned, plus the acronyms the model missed; titles by start offset."""
        text = article.text
        found: list[Mention] = []
        titles: dict[int, list[str]] = {}
        repair = self.repair_models and not isinstance(backend, PatternNer | LexiconNer)
        midcaps = _midsentence_capitals(text) if repair else frozenset()
        for raw in _model_mentions(article, backend):
            span = clean_span(text, raw.start, raw.end)
            if span is None:
                continue
            start, end = span
            if repair:
                fixed = repair_model_mention(
                    text,
                    Mention(text[start:end], start, end, raw.type),
                    article.language or "",
                    midcaps,
                )
                if fixed is None:
                    continue
                raw = Mention(raw.text, raw.start, raw.end, fixed.type, lemma=raw.lemma)
            title = None
            if raw.type == "PER":
                start, title = split_title(text, start, end)
            lemma = raw.lemma if (start, end) == (raw.start, raw.end) else None
            mention = Mention(text[start:end], start, end, raw.type, lemma=lemma)
            # every mention is tried: a role right before a "place" makes it a person
            # ("the UN’s Syria envoy Staffan de Mistura" tagged as an organisation)
            found_titles = [t for t in (title, title_before(text, start, doc)) if t]
            if raw.type == "PER" or found_titles:
                found_titles.append(title_after(text, end, doc) or "")
            found_titles = list(dict.fromkeys(t for t in found_titles if t))
            if found_titles:
                titles[start] = found_titles
            if repair and is_english_word_in_cyrillic(text, mention.text):
                continue  # natasha types any Latin word in Russian text ("Twitter", "Times")
            found.append(mention)
        found.extend(self._missed_acronyms(text, found))
        found.extend(_propagate(text, found))
        found.sort(key=lambda m: (m.start, -m.end))
        mentions: list[Mention] = []
        for mention in found:
            if mentions and mention.start < mentions[-1].end:
                continue  # overlapping: the earlier (longer) span wins
            mentions.append(mention)
        mentions = self._drop_heading_guesses(text, mentions)
        _harmonise_persons(mentions, surnames_of_full_names=repair)
        return mentions, titles

    def _drop_heading_guesses(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Mentions inside heading lines (:func:`storyline.entities.ner.heading_lines`) stay only
        when the
        running text or the registry confirms the name. Not applied when headings make up most
        of the text (a list of headlines has no running text to confirm anything)."""
        headings = heading_lines(text) if self.heading_check else []
        if not headings or 2 * sum(e - s for s, e in headings) >= len(text):
            return mentions
        starts = [s for s, _ in headings]
        confirmed: dict[str, bool] = {}
        kept = []
        for mention in mentions:
            at = bisect.bisect_right(starts, mention.start) - 1
            if at < 0 or mention.start >= headings[at][1]:  # not in a heading line
                kept.append(mention)
                continue
            if mention.text not in confirmed:
                confirmed[mention.text] = (
                    confirmed_outside(text, mention.text, headings)
                    or self._gazetteer(mention.text) is not None
                )
            if confirmed[mention.text]:
                kept.append(mention)
        return kept

    def _missed_acronyms(self, text: str, found: list[Mention]) -> list[Mention]:
        taken = [(m.start, m.end) for m in found]
        surfaces = self.registry.alias_surfaces()
        # acronyms a name of this article introduces in brackets: "Islamic State (IS, …)"
        for mention in found:
            acr = _bracket_acronym(text, mention.end)
            if acr and mention.type != "PER":
                surfaces.setdefault(acr, "")
        out: list[Mention] = []
        if not surfaces:
            return out
        overlaps = _overlap_test(taken)
        for start, end, surface in find_names(text, surfaces):
            if overlaps(start, end):
                continue
            if _in_compound(text, start, end):
                continue  # "US-Botschaft", "UN-backed": a modifier inside a compound word
            entity = self.registry.get(surfaces[surface]) if surfaces[surface] else None
            type_: EntityType = entity.type if entity is not None else "ORG"
            out.append(Mention(surface, start, end, type_))
        return out

    def _learn_aliases(self, text: str, mentions: list[Mention], registry: EntityRegistry) -> None:
        for left, right in itertools.pairwise(mentions):
            if left.entity_id is None or right.entity_id is None or left.type == "PER":
                continue
            between = text[left.end : right.start]
            if len(between) <= 40 and ALIAS_CUES.match(between):
                registry.merge(left.entity_id, right.entity_id)


def _keeps_type(mention: Mention, voted: EntityType, language: str) -> bool:
    """True when the corpus-wide type vote may not retype ``mention`` as a person: a place of
    the gazetteer or an acronym typed otherwise is no person, whatever entity a fuzzy
    cross-language match joined it to ("Rusije" merged with "Гери Райс", "МИД")."""
    if voted != "PER" or mention.type == "PER":
        return False
    return is_acronym(mention.text) or (
        mention.type == "LOC" and is_gazetteer_place(mention.text, language)
    )


def _model_mentions(article: Article, backend: NerBackend) -> list[Mention]:
    """The model's mentions: precomputed by :meth:`EntityStage.precompute` when the article
    carries them for its current text, else from ``backend`` now."""
    found: tuple[str, list[Mention]] | None = article.annotations.get(MODEL_MENTIONS)
    if found is not None and found[0] == article.text:
        return found[1]
    return backend(article)


def _propagate(text: str, found: list[Mention]) -> list[Mention]:
    """Occurrences of names the model tagged elsewhere in the article but missed here.

    Models label a name in one sentence and skip it in the next ("Borshchak said" tagged once
    in ten on the seeds); a name is one thing within an article, so every other occurrence of a
    tagged name (and of a person's surname) is a mention too. Names shorter than
    :data:`PROPAGATE_MIN_CHARS` or not capitalised are left alone (too ambiguous).
    """
    names: dict[str, EntityType] = {}
    for mention in found:
        if mention.lemma is not None and mention.lemma != mention.text:
            continue  # an inflected form (natasha): other forms differ anyway
        names.setdefault(mention.text, mention.type)
        words = mention.text.split()
        if mention.type == "PER" and len(words) >= 2:
            names.setdefault(words[-1], "PER")
    names = {n: t for n, t in names.items() if len(n) >= PROPAGATE_MIN_CHARS and n[:1].isupper()}
    if not names:
        return []
    overlaps = _overlap_test([(m.start, m.end) for m in found])
    out = []
    for start, end, name in find_names(text, names):
        if overlaps(start, end):
            continue
        out.append(Mention(name, start, end, names[name]))
    return out


def find_names(text: str, names: Iterable[str]) -> list[tuple[int, int, str]]:
    """Occurrences of ``names`` in ``text`` as whole words (no letter or digit right before or
    after), case-sensitively, left to right without overlaps, the longest name winning where
    several start at one place: (start, end, name).

    What ``re.finditer`` gives for the alternation of the names, longest first, between
    ``(?<![^\\W_])`` and ``(?![^\\W_])``, without compiling that pattern per article (issue 12:
    on news texts the compiles were a fifth of the entities stage's call, because every
    article's names, and its bracketed acronyms, make a new pattern).
    """
    longest: dict[int, str] = {}  # start → the longest name found there
    runs = set(_ALNUM_RUN.findall(text))
    for name in names:
        if not name:
            continue
        lead = _leading_run(name)
        if lead and lead not in runs:
            # a whole-word occurrence starts with a whole run of letters and digits of the text
            continue
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            if (
                not (at > 0 and text[at - 1].isalnum())
                and not (end < len(text) and text[end].isalnum())
                and len(name) > len(longest.get(at, ""))
            ):
                longest[at] = name
            at = text.find(name, at + 1)
    out: list[tuple[int, int, str]] = []
    reached = 0
    for start in sorted(longest):
        if start >= reached:
            name = longest[start]
            reached = start + len(name)
            out.append((start, reached, name))
    return out


# A maximal run of letters and digits ([^\W_] is str.isalnum, as in find_names' boundaries).
_ALNUM_RUN = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1 << 14)
def _leading_run(name: str) -> str:
    """The letters and digits ``name`` starts with ("" when it starts with another character)."""
    m = _ALNUM_RUN.match(name)
    return m.group() if m else ""


def _overlap_test(spans: Sequence[tuple[int, int]]) -> Callable[[int, int], bool]:
    """A test of whether ``[start, end)`` overlaps one of ``spans`` (``s < end and start < e``
    for some span), in O(log n) per call: the spans sorted by start, with the greatest end of
    each prefix."""
    ordered = sorted(spans)
    starts = [s for s, _ in ordered]
    reach = list(itertools.accumulate((e for _, e in ordered), max))

    def overlaps(start: int, end: int) -> bool:
        k = bisect.bisect_left(starts, end)
        return k > 0 and reach[k - 1] > start

    return overlaps


_WORD = re.compile(r"[^\W\d_][^\W_]*")


def _midsentence_capitals(text: str) -> frozenset[str]:
    """Capitalised words written so somewhere inside a sentence of ``text``."""
    return frozenset(
        m.group()
        for m in _WORD.finditer(text)
        if m.group()[:1].isupper() and not sentence_initial(text, m.start())
    )


def _in_compound(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is joined by a hyphen to a word before or after it."""
    after = text[end : end + 2]
    before = text[max(0, start - 2) : start]
    return (len(after) == 2 and after[0] == "-" and after[1].isalpha()) or (
        len(before) == 2 and before[1] == "-" and before[0].isalpha()
    )


def _bracket_acronym(text: str, end: int) -> str | None:
    m = _BRACKET_ACRONYM.match(text, end)
    if m is None or not is_acronym(m.group(1)):
        return None
    return m.group(1)


def _harmonise_persons(mentions: list[Mention], surnames_of_full_names: bool = False) -> None:
    """A multi-word name ending in the surname of a person mention of the article is a person,
    and (``surnames_of_full_names``, for model output) so is a lone word that is the surname of
    a full person name of the article. Not for the lexicon recogniser: its multi-word "persons"
    are less sure ("Нафтогаз України"), and its second pass types surnames already."""
    surnames = {m.text.casefold() for m in mentions if m.type == "PER" and len(m.text.split()) == 1}
    # surnames of the article's full person names ("Alejandro Toledo" … "Toledo dijo")
    full = {
        m.text.split()[-1].casefold()
        for m in mentions
        if m.type == "PER" and 2 <= len(m.text.split()) <= 4
    }
    for mention in mentions:
        words = mention.text.split()
        in_article = bool(words) and words[-1].casefold() in surnames
        multi = mention.type in ("LOC", "MISC") and 2 <= len(words) <= 3 and in_article
        lone = (
            surnames_of_full_names
            and mention.type != "PER"
            and len(words) == 1
            and words[0].casefold() in full
        )
        if multi or lone:
            mention.type = "PER"
