"""The corpus entity registry: one canonical entity per person, organisation, place.

Entity mentions from every article and language are resolved against one registry that lives for
the corpus (built from the store on first use, persisted by :class:`RegistryStore`). Resolution of
a mention (:meth:`EntityRegistry.resolve`) tries, in order:

1. **the same article**: an exact (folded) form already resolved in this article; a surname-only
   person mention ("Kinshak", "Assad") links to the full person named in the article; an all-caps
   acronym links to an organisation of the article whose initials it spells or that introduced it
   as "Long Name (ACR)";
2. **aliases**: the packaged alias table (``data/aliases.yaml``, user-extendable) and aliases
   learned from text ("X, also known as Y", "formerly", "aka", "dit", "также известный как");
3. **exact folded form** across the corpus (folding = NFKC + anyascii transliteration + casefold +
   no punctuation, so Рудской = Rudskoy, Choïgou = choigou);
4. **persons by name parts**: surname key (:func:`name_key`, a consonant skeleton that absorbs
   transliteration variants: Kinshak / Kinshchak / Kinchak / Кинщак, Rudskoy / Rudskoi, Poutine /
   Putin, Choïgou / Shoigu) *and* compatible given names (Aleksandr / Alexander / Alexandre /
   Александр); a surname-only mention picks the candidate sharing most co-occurring entities;
5. **other types by key**: the skeleton of the whole name, confirmed by Jaro-Winkler on the folded
   form, for names long enough that a skeleton is specific (:data:`FUZZY_MIN_KEY`).

No false merges: string similarity alone never merges. Keys are exact-match dictionary look-ups
(never all pairs), types must agree (:meth:`Entity.accepts`), person given names must agree, and
different keys never meet: Rudskoy (``rdsk``) ≠ Rudakov (``rdkv``), Syria ≠ Syrian Arab Army,
Daesh ≠ al-Nusra Front.

Inflected forms: resolution uses the mention's lemma when given (natasha lemmatises Russian;
``storyline resolve`` rows may carry ``lemma``). Without a lemma, in a language that declines
names, a surname is also looked up without a case ending (Johnsonem, Джонсоном, Kowalskiego:
:data:`SLAVIC_CASE_ENDINGS`), Czech feminine surnames without -ová (Merkelová); vowel endings are
absorbed by the name key. Words typed in mixed scripts (a Cyrillic С in "СOVID") are read in one
script (:func:`unmix_scripts`).

API for other stages (quotes, claims, stories) — the registry of the article being processed is
``article.annotations["entity_registry"]``:

- ``Mention.entity_id`` / ``Mention.canonical`` on every mention of ``article.entities``;
- :meth:`EntityRegistry.get` (follows merges), :meth:`EntityRegistry.canonical_id`;
- :meth:`EntityRegistry.titles_of` — titles/roles seen with a person ("Russia's ambassador to
  Syria", "Colonel General", "le ministre russe de la Défense");
- :meth:`EntityRegistry.resolve_role` — a role nominal ("the diplomat", "le diplomate", "the
  Russian general") → the most recent preceding person of the article whose titles share the
  role's class (diplomat ⊇ ambassador, envoy; military ⊇ general, colonel, officer; …).
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import psycopg
import yaml
from anyascii import anyascii
from jellyfish import jaro_winkler_similarity

from storyline.article import Article, EntityType
from storyline.errors import ConfigError, StoreError
from storyline.store import SQLConnection, sql_dialect


def _words(text: str) -> frozenset[str]:
    """A word list written as one string (lexicons below)."""
    return frozenset(text.split())


ENTITY_TYPES: tuple[EntityType, ...] = ("PER", "ORG", "LOC", "MISC")

# A whole-name skeleton shorter than this is not specific enough to merge non-person names
# without an exact match or an alias ("sr" would join Syria and Sarah). Calibrated on the seeds'
# place/organisation names; 4 kept every slavicner merge that the folded form alone missed
# (eval/entities.py).
FUZZY_MIN_KEY = 4
# Jaro-Winkler on folded forms that must confirm a skeleton match of non-person names. 0.85 joins
# transliterations (Siriya/Syria level pairs are left to the alias table) and refuses
# Rudskoy/Rudakov (0.87 but a different skeleton anyway).
FUZZY_MIN_JW = 0.85
# An entity whose type has this many votes, all for one type, no longer accepts an exact-name
# mention of a conflicting type (Jordan the country vs Jordan a person); below that, model type
# errors (a person tagged as a place) are corrected by merging and voting.
TYPE_LOCK_VOTES = 3
# A one-word mention that is a word of a multi-word organisation/place name of the same article
# stands for it (see _match step 3b) when at least this long: shorter words are function words
# or too ambiguous.
# slavicner (eval/entities.py): B³ F1 0.877 → 0.883, cross-language recall 0.740 → 0.752.
SHORT_FORM_MIN_CHARS = 4
# Person names whose surname skeletons differ (Barnier / Барние "barnie"): matched when the
# first SURNAME_PREFIX letters of the skeleton agree, a given name matches, and the folded
# surnames reach SURNAME_MIN_JW (slavicner: Barnier/Barnie 0.97; Rudskoy/Rudakov 0.87 fail it).
SURNAME_PREFIX = 3
SURNAME_MIN_JW = 0.9
# Votes from a cue the stage checked (a title before a person, a locative preposition before a
# place, the alias table) outweigh raw model labels, which err on news (see ner.py).
CUE_VOTE = 2

# Name particles that are not the surname itself: "Bashar al-Assad" and "Bashar Assad" are the
# same person; "Staffan de Mistura" is found as "de Mistura" and "Mistura".
PARTICLES = frozenset(
    _words(
        "al el ad as ash at ar an az ibn bin ben abu de del della di da du des la le van "
        "von der den ter ten zu y e"
    )
)

# Role words → role class, for titles/roles seen with persons and for role nominals ("the
# diplomat" → the ambassador named earlier). Languages: en, fr, es, ru (+ a few de).
ROLE_CLASSES: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "ambassador envoy diplomat consul ambassadeur envoyé diplomate embajador enviado "
            "diplomático посол дипломат посланник спецпосланник botschafter diplomat"
        ),
        "diplomat",
    ),
    **dict.fromkeys(
        _words(
            "general colonel officer commander admiral marshal major lieutenant captain "
            "général colonel officier commandant amiral maréchal coronel oficial comandante "
            "almirante генерал полковник офицер командующий адмирал маршал генерал-полковник"
        ),
        "military",
    ),
    **dict.fromkeys(
        _words(
            "president président presidente президент präsident premier chancellor chancelier "
            "канцлер king roi rey король"
        ),
        "head",
    ),
    **dict.fromkeys(
        _words(
            "minister ministre ministro министр secretary secrétaire secretario министър minister"
        ),
        "minister",
    ),
    **dict.fromkeys(
        _words(
            "spokesman spokeswoman spokesperson porte-parole portavoz представитель "
            "пресс-секретарь sprecher"
        ),
        "spokesperson",
    ),
    **dict.fromkeys(
        _words(
            "envoy head chief leader director chef dirigeant directeur jefe líder director "
            "глава руководитель лидер директор"
        ),
        "leader",
    ),
    **dict.fromkeys(
        _words("senator sénateur senador сенатор deputy député diputado депутат mp lawmaker"),
        "legislator",
    ),
}
ROLE_CLASSES["envoy"] = "diplomat"

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_ALNUM_SPACE = re.compile(r"[^0-9a-z]+")


# Central European and Turkish letters spelt as English-based transliterations of Cyrillic spell
# them (Šefčovič = Шефчович = shefchovich, Babiš = Бабиш, Dvořák = Дворжак); anyascii alone
# drops the diacritic (Sefcovic). With the -cki and soft-c key rules, on slavicner
# (eval/entities.py): B³ F1 0.874 → 0.876, cross-language B³ recall 0.733 → 0.739.
_CENTRAL_EUROPEAN = str.maketrans(
    {
        "š": "sh",
        "ś": "sh",
        "ş": "sh",
        "č": "ch",
        "ć": "ch",
        "ç": "ch",
        "ž": "zh",
        "ż": "zh",
        "ź": "zh",
        "ř": "rzh",
        "đ": "dj",
    }
)


# Cyrillic letters that look like Latin ones. A word typed with both scripts ("СOVID" with a
# Cyrillic С, "Рутин" with a Latin P) is read in the script of its other letters, so that it folds
# like the word it shows; anyascii alone turns the Cyrillic С into "s".
_CYRILLIC_LOOKALIKES = "АВЕКМНОРСТХУаеорсхуіјѕ"
_LATIN_LOOKALIKES = "ABEKMHOPCTXYaeopcxyijs"
_TO_LATIN = str.maketrans(_CYRILLIC_LOOKALIKES, _LATIN_LOOKALIKES)
_TO_CYRILLIC = str.maketrans(_LATIN_LOOKALIKES, _CYRILLIC_LOOKALIKES)
_MIXED_WORD = re.compile(r"[^\W\d_]*[a-zA-Z][^\W\d_]*")


def _script_counts(word: str) -> tuple[int, int]:
    """Letters only Latin / only Cyrillic can show (look-alikes count for neither)."""
    latin = sum(1 for ch in word if ch.isascii() and ch.isalpha() and ch not in _LATIN_LOOKALIKES)
    cyrillic = sum(
        1 for ch in word if "\u0400" <= ch <= "\u04ff" and ch not in _CYRILLIC_LOOKALIKES
    )
    return latin, cyrillic


def unmix_scripts(text: str) -> str:
    """Words mixing Latin and Cyrillic letters rewritten in one script (the one of their other
    letters; Latin when undecided, as acronyms and brand names are).

    >>> unmix_scripts("СOVID-19"), unmix_scripts("Pоссия")
    ('COVID-19', 'Россия')
    """
    if text.isascii():
        return text

    def one(match: re.Match[str]) -> str:
        word = match.group(0)
        if not any("\u0400" <= ch <= "\u04ff" for ch in word):
            return word
        latin, cyrillic = _script_counts(word)
        if cyrillic > latin:
            return word.translate(_TO_CYRILLIC)
        return word.translate(_TO_LATIN)

    return _MIXED_WORD.sub(one, text)


def same_shape(a: str, b: str) -> bool:
    """Whether two strings look the same letter for letter whatever the script of look-alikes
    ("ЕС" in Cyrillic and "EC" in Latin)."""
    return a.translate(_TO_LATIN).casefold() == b.translate(_TO_LATIN).casefold()


def fold(text: str) -> str:
    """Script-, case- and accent-free form: NFKC, anyascii, casefold, punctuation → spaces.

    >>> fold("Рудской"), fold("Choïgou"), fold("al-Nusra  Front"), fold("СOVID-19")
    ('rudskoy', 'choigou', 'al nusra front', 'covid 19')
    """
    text = unmix_scripts(unicodedata.normalize("NFKC", text)).casefold()
    text = text.translate(_CENTRAL_EUROPEAN)
    text = anyascii(text)
    # Apostrophes inside words come from soft/hard signs (Merkel' / Dzhons'n): drop, do not split.
    text = re.sub(r"['’`]", "", text)
    return _ALNUM_SPACE.sub(" ", text).strip()


# Spelling variants that transliteration conventions (English, French, German, Polish, Czech…)
# write differently for one sound; applied in order, longest first. "ch" → "sh" is the French
# reading (Kinchak, Choïgou) and matches Russian Ш/Щ romanised as sh/shch.
_SKELETON_RULES: tuple[tuple[str, str], ...] = (
    ("shch", "sh"),
    ("sch", "sh"),
    ("tch", "sh"),
    ("dzh", "j"),
    ("zh", "j"),
    ("dj", "j"),
    ("ch", "sh"),
    ("sz", "sh"),
    ("kh", "h"),
    ("ph", "f"),
    ("th", "t"),
    ("cki", "ski"),  # Polish -cki = -tski (Morawiecki / Моравецки)
    ("cky", "ski"),
    ("ck", "k"),
    ("qu", "k"),
    ("ts", "s"),
    ("tz", "s"),
    ("cz", "sh"),
    ("x", "ks"),
    ("q", "k"),
    ("w", "v"),
    ("c", "k"),
    ("z", "s"),  # voicing differs across transliterations: Tereza / Theresa, Zelensky / Selenskyj
)
_VOWELS = frozenset("aeiouy")
_SOFT_C = re.compile(r"c(?=[eiy])")


def name_key(token: str) -> str:
    """Consonant skeleton of one folded name token: transliteration variants share it.

    >>> [name_key(fold(t)) for t in ("Kinshak", "Kinshchak", "Kinchak", "Кинщак")]
    ['knshk', 'knshk', 'knshk', 'knshk']
    >>> name_key("rudskoy"), name_key("rudakov")
    ('rdsk', 'rdkv')
    """
    token = token.replace(" ", "")
    if not token:
        return ""
    for old, new in _SKELETON_RULES:
        if old == "c":
            # c before a front vowel is ts/s in Slavic and Romance spellings (Cyril, Vince)
            token = _SOFT_C.sub("s", token)
        token = token.replace(old, new)
    first, rest = token[0], token[1:]
    # inside a word j is the glide written y or i elsewhere (Italija / Italiya / Italia)
    consonants = [ch for ch in rest if ch not in _VOWELS and ch != "j" and ch.isalnum()]
    out: list[str] = [first]
    for ch in consonants:
        if ch != out[-1]:
            out.append(ch)
    # A leading vowel is kept (Assad ≠ Sad); y/i/j at the start are one sound in transliteration.
    if out[0] in "yj":
        out[0] = "i"
    return "".join(out)


# Feminine surname endings of Czech/Slovak for foreign names (May → Mayová, Merkel → Merkelová):
# a surname that ends so is also looked up without it. Folded forms, so "ová" is "ova": only
# tried when the exact surname key found nobody (Russian Zakharova stays Zakharova).
FEMININE_ENDINGS = ("ova", "ove", "ovou")


# Case endings of Slavic surnames that leave a consonant in the skeleton (vowel endings — Johnsona,
# Johnsonu, Путине — are absorbed by name_key already): Johnsonem / Джонсоном (instrumental),
# Johnsonowi / Johnsonovi (dative), Kowalskiego / Kowalskiemu / Kowalskim (adjectival surnames).
# Tried only for a mention without a lemma in a language that declines names
# (SLAVIC_CASE_LANGUAGES), after the exact surname key found nobody, and the given names must
# still agree.
SLAVIC_CASE_ENDINGS = ("owi", "ovi", "ego", "emu", "em", "om", "ym", "im")
SLAVIC_CASE_LANGUAGES = frozenset(_words("ru uk be pl cs sk sl hr sr bs"))
# A stem shorter than this after cutting a case ending is not a surname (Tom, Kim, Adam stay).
CASE_STEM_MIN_CHARS = 4


def surname_keys(surname: str, inflected: bool = False) -> list[str]:
    """Keys to look a folded surname up under: its own, then without a feminine ending, then
    (``inflected``: a Slavic text, no lemma) without a case ending.

    >>> surname_keys("johnsonem", inflected=True) == [name_key("johnsonem"), name_key("johnson")]
    True
    """
    keys = [name_key(surname)]
    for ending in FEMININE_ENDINGS:
        if surname.endswith(ending) and len(surname) > len(ending) + 2:
            keys.append(name_key(surname[: -len(ending)]))
            break
    if inflected:
        keys += case_stem_keys(surname)
    return list(dict.fromkeys(keys))


def case_stem_keys(surname: str) -> list[str]:
    """The key of a folded surname without a Slavic case ending, when it has one."""
    for ending in SLAVIC_CASE_ENDINGS:
        stem = surname[: -len(ending)]
        if surname.endswith(ending) and len(stem) >= CASE_STEM_MIN_CHARS:
            return [name_key(stem)]
    return []


def name_tokens(folded: str) -> list[str]:
    """Folded tokens without particles ("bashar al assad" → ["bashar", "assad"])."""
    tokens = folded.split()
    kept = [t for t in tokens if t not in PARTICLES]
    return kept or tokens


def acronym_of(name: str) -> str:
    """Initials of the capitalised words of a multi-word name ("Syrian Democratic Forces" → SDF)."""
    words = [w for w in _WORD.findall(name) if w[:1].isupper()]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def is_acronym(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return 2 <= len(letters) <= 6 and all(ch.isupper() for ch in letters)


@dataclass
class Entity:
    """One canonical entity with everything seen of it."""

    id: str
    canonical: str
    type: EntityType
    variants: Counter[tuple[str, str]] = field(default_factory=Counter)  # (form, language) → n
    titles: Counter[tuple[str, str]] = field(default_factory=Counter)  # (title, language) → n
    type_votes: Counter[str] = field(default_factory=Counter)
    articles: set[str] = field(default_factory=set)
    first_seen: date | None = None
    last_seen: date | None = None
    from_alias_table: bool = False

    def accepts(self, type_: EntityType) -> bool:
        """Whether a mention typed ``type_`` may be this entity (NER types err; see ner.py)."""
        if type_ == self.type or type_ == "MISC" or self.type == "MISC":
            return True
        if "PER" not in (type_, self.type):
            # ORG/LOC confusions are the commonest model error on news (Daesh and Idlib tagged
            # either way): the same name is one entity whatever the label.
            return True
        if self.from_alias_table:
            return False  # the table's person/non-person split wins (Jordan vs a Jordan)
        if self.type_votes[type_] > 0:
            return True
        return sum(self.type_votes.values()) < TYPE_LOCK_VOTES

    def vote(self, type_: EntityType, weight: int = 1) -> None:
        self.type_votes[type_] += weight
        best = max(ENTITY_TYPES, key=lambda t: (self.type_votes[t], t == self.type))
        if not self.from_alias_table:
            self.type = best

    @property
    def languages(self) -> list[str]:
        return sorted({lang for _, lang in self.variants if lang})

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "canonical": self.canonical,
            "type": self.type,
            "variants": [
                {"form": form, "language": lang, "count": n}
                for (form, lang), n in self.variants.most_common()
            ],
            "titles": [
                {"title": t, "language": lang, "count": n}
                for (t, lang), n in self.titles.most_common()
            ],
            "articles": sorted(self.articles),
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
        }


@dataclass
class DocContext:
    """What resolution remembers within one article (or one ``doc_id`` of ``storyline resolve``)."""

    doc_id: str
    language: str | None = None
    published: date | None = None
    by_form: dict[str, str] = field(default_factory=dict)  # folded form → entity id
    persons_by_surname: dict[str, set[str]] = field(default_factory=dict)  # surname key → ids
    acronyms: dict[str, str] = field(default_factory=dict)  # ACR → entity id
    introduced: set[str] = field(default_factory=set)  # acronyms the text spelt out: "Name (ACR)"
    by_token: dict[str, set[str]] = field(default_factory=dict)  # word of a multi-word name → ids
    entity_ids: Counter[str] = field(default_factory=Counter)


@dataclass
class _Given:
    keys: set[str] = field(default_factory=set)
    initials: set[str] = field(default_factory=set)


class EntityRegistry:
    """Canonical entities of a corpus and the indexes that resolve mentions to them.

    Every index is a dict keyed by a normalised form, so resolving a mention costs a few look-ups
    whatever the registry size (see ``benchmarks/entities.py``).
    """

    def __init__(self, preferred_languages: Sequence[str] = ("en",)) -> None:
        self.preferred_languages = list(preferred_languages)
        self.entities: dict[str, Entity] = {}
        self.merged: dict[str, str] = {}  # old id → id it was merged into
        self._by_form: dict[str, set[str]] = {}
        self._by_skeleton: dict[str, set[str]] = {}
        self._by_surname: dict[str, set[str]] = {}
        self._given: dict[str, _Given] = {}
        self._by_surname_prefix: dict[str, set[str]] = {}
        self._surnames: dict[str, set[str]] = {}  # entity id → folded surnames seen
        self._cooccur: dict[str, Counter[str]] = {}
        self._ids: set[str] = set()
        self.dirty: set[str] = set()  # entities changed since the last save
        self._surfaces: dict[str, str] | None = None

    # ----------------------------------------------------------------- alias table
    def load_aliases(self, entries: Iterable[Mapping[str, Any]], origin: str = "aliases") -> None:
        """Add alias-table entries (``canonical``, ``type``, ``aliases``) as trusted entities."""
        for i, entry in enumerate(entries):
            canonical = entry.get("canonical")
            type_ = entry.get("type", "MISC")
            aliases = entry.get("aliases") or []
            if not isinstance(canonical, str) or not canonical.strip():
                raise ConfigError(f"{origin}: entry {i + 1} has no canonical name")
            if type_ not in ENTITY_TYPES:
                raise ConfigError(f"{origin}: {canonical!r} has unknown type {type_!r}")
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise ConfigError(f"{origin}: {canonical!r}: aliases must be a list of names")
            existing = self._find_form(fold(canonical), type_)
            entity = existing or self._new_entity(canonical, type_)
            entity.from_alias_table = True
            entity.type = type_
            self._surfaces = None
            for name in [canonical, *aliases]:
                self._index_form(entity, name)

    def alias_surfaces(self) -> dict[str, str]:
        """Alias-table names to look for in text, case-sensitively: surface → entity id.

        Acronyms ("ISIL", "US") and multi-word names ("Islamic State"): models miss both
        ("Islamic" tagged as a nationality). Single words are left to the models (too ambiguous
        as bare strings: "America", "Nusra").
        """
        if self._surfaces is None:
            out: dict[str, str] = {}
            for entity in self.entities.values():
                if not entity.from_alias_table:
                    continue
                for form, _lang in entity.variants:
                    multiword = " " in form and any(ch.isupper() for ch in form)
                    if (is_acronym(form) and "." not in form) or multiword:
                        out[form] = entity.id
            self._surfaces = out
        return dict(self._surfaces)

    # ----------------------------------------------------------------- look-up API
    def canonical_id(self, entity_id: str) -> str:
        """The id an entity now lives under (merges leave redirects)."""
        seen = set()
        while entity_id in self.merged and entity_id not in seen:
            seen.add(entity_id)
            entity_id = self.merged[entity_id]
        return entity_id

    def get(self, entity_id: str) -> Entity | None:
        return self.entities.get(self.canonical_id(entity_id))

    def find(self, name_or_id: str, by_key: bool = True) -> Entity | None:
        """An entity by id or by any of its names (folded, then by name key unless ``by_key`` is
        False; most frequent wins)."""
        entity = self.get(name_or_id)
        if entity is not None:
            return entity
        folded = fold(name_or_id)
        ids = self._by_form.get(folded, set())
        if not ids and by_key and (tokens := name_tokens(folded)):
            # another spelling: the person by surname key, else the name by skeleton
            ids = self._by_surname.get(name_key(tokens[-1]), set()) or self._by_skeleton.get(
                " ".join(name_key(t) for t in tokens), set()
            )
        found = [e for i in ids if (e := self.get(i)) is not None]
        return max(found, key=lambda e: sum(e.variants.values()), default=None)

    def titles_of(self, entity_id: str) -> list[str]:
        """Titles/roles seen with a person, most frequent first."""
        entity = self.get(entity_id)
        return [title for (title, _), _n in entity.titles.most_common()] if entity else []

    def role_classes_of(self, entity_id: str) -> set[str]:
        entity = self.get(entity_id)
        if entity is None:
            return set()
        return {cls for (title, _), _n in entity.titles.items() for cls in role_classes(title)}

    def resolve_role(self, article: Article, nominal: str, before: int) -> str | None:
        """The person a role nominal ("the diplomat", "le général") at ``before`` refers to.

        The nearest preceding person mention of ``article`` whose titles share a role class with
        the nominal; None when the nominal names no known role or no such person precedes it.
        """
        wanted = role_classes(nominal)
        if not wanted:
            return None
        for mention in sorted(article.entities, key=lambda m: -m.start):
            if mention.start >= before or mention.type != "PER" or mention.entity_id is None:
                continue
            if wanted & self.role_classes_of(mention.entity_id):
                return self.canonical_id(mention.entity_id)
        return None

    # ----------------------------------------------------------------- resolution
    def context(
        self, doc_id: str, language: str | None = None, published: date | None = None
    ) -> DocContext:
        return DocContext(doc_id=doc_id, language=language, published=published)

    def resolve(
        self,
        text: str,
        type_: EntityType,
        ctx: DocContext,
        lemma: str | None = None,
        weight: int = 1,
    ) -> Entity:
        """The entity ``text`` (typed ``type_``, in the article of ``ctx``) refers to.

        Creates the entity when nothing matches, and records the mention (variant, type vote,
        article, dates). ``weight`` is the strength of the type vote (:data:`CUE_VOTE` when a
        checked cue set the type).
        """
        if lemma is not None and lemma.isascii() != text.isascii() and same_shape(lemma, text):
            # the same letters typed in the other script (a Latin "EC" lemma for Cyrillic "ЕС"):
            # the text shows which script was meant
            lemma = None
        form = strip_determiner((lemma or text).strip())
        folded = fold(form)
        if not folded:
            folded = form.casefold()
        inflected = lemma is None and (ctx.language or "") in SLAVIC_CASE_LANGUAGES
        entity = self._match(form, folded, type_, ctx, inflected)
        if entity is None:
            entity = self._new_entity(form, type_)
        self._record(entity, text, form, folded, type_, ctx, weight)
        return entity

    def _match(
        self, form: str, folded: str, type_: EntityType, ctx: DocContext, inflected: bool = False
    ) -> Entity | None:
        # 1. the same article
        local = ctx.by_form.get(folded)
        if local is not None and (entity := self.get(local)) and entity.accepts(type_):
            return entity
        if (
            is_acronym(form)
            and form in ctx.acronyms
            and (form in ctx.introduced or not self._is_table_name(folded))
        ):
            # initials of a name of the article ("Европейский совет" → ЕС) give way to an acronym
            # of the alias table (ЕС = European Union) unless the text introduced them
            entity = self.get(ctx.acronyms[form])
            if entity is not None:
                return entity
        tokens = name_tokens(folded)
        if type_ == "PER" or (len(tokens) == 1 and type_ != "MISC"):
            local_ids: set[str] = set()
            keys = [name_key(tokens[-1])]
            if inflected and type_ == "PER":
                keys += case_stem_keys(tokens[-1])
            for surname in keys:
                ids = ctx.persons_by_surname.get(surname, ())
                if ids:
                    local_ids = {self.canonical_id(i) for i in ids}
                    break
            if len(local_ids) == 1 and (len(tokens) == 1 or type_ == "PER"):
                entity = self.get(local_ids.pop())
                # a non-person label ("De Mistura" tagged ORG) joins the person of the article
                # only on the very surname, not merely its skeleton (Brit ≠ Burt)
                same_surname = entity is not None and (
                    type_ == "PER" or tokens[-1] in self._surnames.get(entity.id, ())
                )
                if (
                    entity is not None
                    and same_surname
                    and self._given_compatible(entity.id, tokens)
                ):
                    return entity
        # 2.-3. aliases and exact forms across the corpus
        entity = self._find_form(folded, type_, ctx)
        if entity is not None and entity.from_alias_table:
            return entity
        # 3. a one-word short form of a multi-word name of this article ("the Commission" after
        # "European Commission", "Unia" after "Unia Europejska"), when unique and not a name of
        # its own
        if type_ != "PER" and len(tokens) == 1 and len(tokens[0]) >= SHORT_FORM_MIN_CHARS:
            owners = {self.canonical_id(i) for i in ctx.by_token.get(tokens[0], ())}
            short = self.get(owners.pop()) if len(owners) == 1 else None
            if short is not None:
                return short
        if entity is not None:
            return entity
        # 4. persons by name parts
        if type_ == "PER":
            return self._match_person(tokens, ctx, inflected)
        # 5. other names by whole-name skeleton, confirmed by Jaro-Winkler
        skeleton = " ".join(name_key(t) for t in tokens)
        if len(skeleton.replace(" ", "")) < FUZZY_MIN_KEY:
            return None
        best: tuple[float, Entity] | None = None
        for eid in self._by_skeleton.get(skeleton, ()):
            cand = self.entities.get(eid)
            if cand is None or cand.type == "PER" or not cand.accepts(type_):
                continue
            sim = max(
                jaro_winkler_similarity(folded, fold(f)) for f, _ in cand.variants or {(folded, "")}
            )
            if sim >= FUZZY_MIN_JW and (best is None or sim > best[0]):
                best = (sim, cand)
        return best[1] if best else None

    def _is_table_name(self, folded: str) -> bool:
        return any(
            (e := self.get(i)) is not None and e.from_alias_table
            for i in self._by_form.get(folded, ())
        )

    def _find_form(
        self, folded: str, type_: EntityType, ctx: DocContext | None = None
    ) -> Entity | None:
        ids = self._by_form.get(folded)
        if not ids:
            return None
        # A curated multi-word table name is trusted whatever the model's label ("Tahrir
        # al-Sham" tagged as a person is the organisation).
        multiword = " " in folded
        cands = [
            e
            for i in ids
            if (e := self.get(i)) is not None
            and (e.accepts(type_) or (multiword and e.from_alias_table))
        ]
        if not cands:
            return None
        return max(cands, key=lambda e: self._affinity(e, ctx))

    def _affinity(self, entity: Entity, ctx: DocContext | None) -> tuple[int, int, int]:
        shared = 0
        if ctx is not None:
            co = self._cooccur.get(entity.id)
            if co:
                shared = sum(1 for eid in ctx.entity_ids if co.get(eid))
        return (shared, int(entity.from_alias_table), sum(entity.variants.values()))

    def _match_person(
        self, tokens: list[str], ctx: DocContext, inflected: bool = False
    ) -> Entity | None:
        for surname in surname_keys(tokens[-1], inflected):
            cands = [
                e
                for i in self._by_surname.get(surname, ())
                if (e := self.get(i)) is not None and e.type == "PER"
            ]
            cands = [e for e in cands if self._given_compatible(e.id, tokens)]
            if cands:
                # Several candidates (a surname-only mention with no full name in the article):
                # the one sharing most co-occurring entities with the article, then the most
                # frequent.
                return max(cands, key=lambda e: self._affinity(e, ctx))
        if len(tokens) < 2:
            return None
        # Full name with a surname spelt beyond the skeleton (Barnier / Барние, a silent final
        # letter): same surname-key prefix, given names that *match* (not merely absent), and
        # close surnames.
        prefix = name_key(tokens[-1])[:SURNAME_PREFIX]
        best: tuple[float, Entity] | None = None
        for eid in self._by_surname_prefix.get(prefix, ()):
            cand = self.get(eid)
            given = self._given.get(eid)
            if cand is None or cand.type != "PER" or given is None or not given.keys:
                continue
            if not any(name_key(t) in given.keys for t in tokens[:-1] if len(t) > 1):
                continue
            sim = max(
                (jaro_winkler_similarity(tokens[-1], s) for s in self._surnames.get(cand.id, ())),
                default=0.0,
            )
            if sim >= SURNAME_MIN_JW and (best is None or sim > best[0]):
                best = (sim, cand)
        return best[1] if best else None

    def _given_compatible(self, entity_id: str, tokens: list[str]) -> bool:
        """Given names agree (or one side has none): Aleksandr ~ Alexander, A. ~ Alexander."""
        if len(tokens) < 2:
            return True
        given = self._given.get(entity_id)
        if given is None or not given.keys:
            return True
        for tok in tokens[:-1]:
            if len(tok) == 1:
                if tok in given.initials:
                    return True
            elif name_key(tok) in given.keys:
                return True
        return False

    # ----------------------------------------------------------------- updates
    def _new_entity(self, name: str, type_: EntityType) -> Entity:
        base = f"{type_}-{'-'.join(fold(name).split())[:48] or 'x'}"
        eid, n = base, 1
        while eid in self._ids:
            n += 1
            eid = f"{base}-{n}"
        self._ids.add(eid)
        entity = Entity(id=eid, canonical=name, type=type_)
        self.entities[eid] = entity
        self.dirty.add(eid)
        return entity

    def _index_form(self, entity: Entity, form: str, language: str = "", count: int = 0) -> None:
        folded = fold(form) or form.casefold()
        self._by_form.setdefault(folded, set()).add(entity.id)
        tokens = name_tokens(folded)
        self._by_skeleton.setdefault(" ".join(name_key(t) for t in tokens), set()).add(entity.id)
        if entity.type == "PER" and tokens:
            self._by_surname.setdefault(name_key(tokens[-1]), set()).add(entity.id)
            self._by_surname_prefix.setdefault(name_key(tokens[-1])[:SURNAME_PREFIX], set()).add(
                entity.id
            )
            self._surnames.setdefault(entity.id, set()).add(tokens[-1])
            last = form.split()[-1] if form.split() else ""
            if last.endswith(("ová", "ové", "ovou")) and len(surname_keys(tokens[-1])) > 1:
                # Czech/Slovak feminine form of a foreign surname (Sturgeonová): also findable
                # by the bare surname seen later in another language
                self._by_surname.setdefault(surname_keys(tokens[-1])[1], set()).add(entity.id)
            given = self._given.setdefault(entity.id, _Given())
            for tok in tokens[:-1]:
                if len(tok) > 1:
                    given.keys.add(name_key(tok))
                given.initials.add(tok[0])
        if (form, language) not in entity.variants:
            entity.variants[(form, language)] = 0
        entity.variants[(form, language)] += count
        self.dirty.add(entity.id)

    def _record(
        self,
        entity: Entity,
        text: str,
        form: str,
        folded: str,
        type_: EntityType,
        ctx: DocContext,
        weight: int,
    ) -> None:
        entity.vote(type_, weight)
        self._index_form(entity, form, ctx.language or "", 1)
        if text != form:
            self._by_form.setdefault(fold(text) or text.casefold(), set()).add(entity.id)
        entity.articles.add(ctx.doc_id)
        if ctx.published is not None:
            if entity.first_seen is None or ctx.published < entity.first_seen:
                entity.first_seen = ctx.published
            if entity.last_seen is None or ctx.published > entity.last_seen:
                entity.last_seen = ctx.published
        self._update_canonical(entity)
        ctx.by_form[folded] = entity.id
        if entity.type == "PER" or type_ == "PER":
            tokens = name_tokens(folded)
            if tokens:
                ctx.persons_by_surname.setdefault(name_key(tokens[-1]), set()).add(entity.id)
        if type_ != "PER" and (acr := acronym_of(form)):
            ctx.acronyms.setdefault(acr, entity.id)
        if entity.type != "PER":
            words = name_tokens(folded)
            if len(words) >= 2:
                for word in words:
                    ctx.by_token.setdefault(word, set()).add(entity.id)
        if entity.id not in ctx.entity_ids:
            co = self._cooccur.setdefault(entity.id, Counter())
            for other in ctx.entity_ids:
                co[other] += 1
                self._cooccur.setdefault(other, Counter())[entity.id] += 1
        ctx.entity_ids[entity.id] += 1
        self.dirty.add(entity.id)

    def _update_canonical(self, entity: Entity) -> None:
        if entity.from_alias_table:
            return
        totals: Counter[str] = Counter()
        preferred: set[str] = set()
        for (form, lang), n in entity.variants.items():
            totals[form] += n
            if lang in self.preferred_languages:
                preferred.add(form)

        tokens = {form: set(name_tokens(fold(form))) for form in totals}

        def rank(form: str) -> tuple[int, int, int, int, int, int]:
            words = tokens[form]
            return (
                # not a short form of another variant ("Army" of "Syrian Arab Army")
                int(not any(words < other for other in tokens.values())),
                int(entity.type != "PER" or len(words) >= 2),  # a person's full name
                int(form in preferred),
                int(form.isascii()),
                totals[form],
                -len(form),
            )

        entity.canonical = max(totals, key=rank)

    def add_title(self, entity_id: str, title: str, language: str | None) -> None:
        entity = self.get(entity_id)
        if entity is not None:
            entity.titles[(title, language or "")] += 1
            self.dirty.add(entity.id)

    def note_acronym(self, ctx: DocContext, acronym: str, entity_id: str) -> None:
        """Remember that ``acronym`` stands for ``entity_id`` in this article ("Name (ACR)")."""
        ctx.acronyms[acronym] = self.canonical_id(entity_id)
        ctx.introduced.add(acronym)

    def merge(self, keep_id: str, other_id: str) -> Entity | None:
        """Merge entity ``other_id`` into ``keep_id`` (a learned alias); returns the kept one.

        Refused (None) when the types are incompatible; both stay separate then.
        """
        keep, other = self.get(keep_id), self.get(other_id)
        if keep is None or other is None:
            return None
        if keep.id == other.id:
            return keep
        if other.from_alias_table and not keep.from_alias_table:
            keep, other = other, keep
        if not keep.accepts(other.type) and not other.accepts(keep.type):
            return None
        if other.from_alias_table and keep.from_alias_table:
            # two trusted table entries are distinct by construction: learned text never joins them
            return None
        for (form, lang), n in other.variants.items():
            self._index_form(keep, form, lang, n)
        keep.titles.update(other.titles)
        keep.type_votes.update(other.type_votes)
        keep.articles |= other.articles
        for d in (other.first_seen, other.last_seen):
            if d is not None:
                keep.first_seen = min(keep.first_seen or d, d)
                keep.last_seen = max(keep.last_seen or d, d)
        surnames = self._surnames.pop(other.id, set())
        if keep.type == "PER":
            self._surnames.setdefault(keep.id, set()).update(surnames)
        for ids in (self._by_form, self._by_skeleton, self._by_surname, self._by_surname_prefix):
            for key in self._keys_of(other):
                bucket = ids.get(key)
                if bucket is not None and other.id in bucket:
                    bucket.discard(other.id)
                    bucket.add(keep.id)
        co = self._cooccur.pop(other.id, Counter())
        self._cooccur.setdefault(keep.id, Counter()).update(co)
        given = self._given.pop(other.id, None)
        if given is not None and keep.type == "PER":
            mine = self._given.setdefault(keep.id, _Given())
            mine.keys |= given.keys
            mine.initials |= given.initials
        del self.entities[other.id]
        self.merged[other.id] = keep.id
        self._update_canonical(keep)
        self.dirty.update({keep.id, other.id})
        return keep

    def _keys_of(self, entity: Entity) -> Iterator[str]:
        for form, _ in entity.variants:
            folded = fold(form) or form.casefold()
            tokens = name_tokens(folded)
            yield folded
            yield " ".join(name_key(t) for t in tokens)
            if tokens:
                yield name_key(tokens[-1])
                yield name_key(tokens[-1])[:SURNAME_PREFIX]

    def __len__(self) -> int:
        return len(self.entities)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self.entities.values())

    def restore(self, entity: Entity) -> None:
        """Put a stored entity back (indexes rebuilt from its variants)."""
        self._ids.add(entity.id)
        self.entities[entity.id] = entity
        for form, lang in list(entity.variants):
            self._index_form(entity, form, lang, 0)
        self.dirty.discard(entity.id)


# Articles that news text puts before names ("the United States", "le Pentagone"); not part of
# the name for matching.
DETERMINERS = _words("the le la les l' l’ el los las der die das")


def strip_determiner(form: str) -> str:
    """ "the United States" → "United States"; single words are left alone."""
    low = form.casefold()
    for det in DETERMINERS:
        cut = len(det) if det.endswith(("'", "’")) else len(det) + 1
        if low.startswith(det if cut == len(det) else det + " ") and len(form) > cut + 1:
            return form[cut:].lstrip()
    return form


def role_classes(text: str) -> set[str]:
    """Role classes named in a title or nominal ("the Russian diplomat" → {"diplomat"})."""
    words = [w.casefold() for w in _WORD.findall(text)]
    return {ROLE_CLASSES[w] for w in words if w in ROLE_CLASSES}


def packaged_alias_table() -> list[dict[str, Any]]:
    raw = resources.files("storyline.data").joinpath("aliases.yaml").read_text(encoding="utf-8")
    loaded = yaml.safe_load(raw) or []
    if not isinstance(loaded, list):
        raise ConfigError("storyline/data/aliases.yaml: expected a list of entries")
    return loaded


def read_alias_file(path: str | Path) -> list[dict[str, Any]]:
    try:
        loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read alias table: {exc}") from exc
    if not isinstance(loaded, list):
        raise ConfigError(f"{path}: expected a list of entries (canonical, type, aliases)")
    return loaded


def new_registry(
    aliases_file: str | Path | None = None, preferred_languages: Sequence[str] = ("en",)
) -> EntityRegistry:
    """A registry with the packaged alias table (and the user's, when given)."""
    registry = EntityRegistry(preferred_languages)
    registry.load_aliases(packaged_alias_table(), "storyline/data/aliases.yaml")
    if aliases_file:
        registry.load_aliases(read_alias_file(aliases_file), str(aliases_file))
    return registry


class RegistryStore:
    """Persists a registry in the store's SQL tables (migration ``0002_entities``).

    Works on a ``sqlite3.Connection`` or the PostgreSQL store's connection adapter
    (:class:`storyline.store.postgres.PGConnection`): the statements are the SQL both speak
    (``?`` parameters, ``INSERT … ON CONFLICT``). The 0002 migration of the connection's backend is
    idempotent, so it also runs before the store's migration runner has applied it.

    Limit: one writing process per registry. Each save rewrites the entities changed since the
    last save, so two processes analysing in parallel, each with its own in-memory registry,
    overwrite each other's updates of an entity both touched (last writer wins).
    """

    def __init__(
        self,
        conn: SQLConnection,
        transaction: Callable[[], AbstractContextManager[Any]] | None = None,
    ) -> None:
        self.conn = conn
        self._transaction = transaction  # the store's (SQLiteStore.transaction), when there is one
        if transaction is None and sql_dialect(conn) == "postgresql":
            self._transaction = getattr(conn, "transaction", None)
        folder = "migrations_pg" if sql_dialect(conn) == "postgresql" else "migrations"
        migration = resources.files("storyline.store").joinpath(f"{folder}/0002_entities.sql")
        try:
            conn.executescript(migration.read_text(encoding="utf-8"))
        except (sqlite3.Error, psycopg.Error) as exc:
            raise StoreError(f"cannot create the entity tables: {exc}") from exc

    def load(self, registry: EntityRegistry) -> None:
        cur = self.conn
        rows = cur.execute(
            "SELECT id, canonical, type, first_seen, last_seen, from_alias_table FROM entities"
        ).fetchall()
        entities: dict[str, Entity] = {}
        for eid, canonical, type_, first, last, trusted in rows:
            entities[eid] = Entity(
                id=eid,
                canonical=canonical,
                type=type_,
                first_seen=date.fromisoformat(first) if first else None,
                last_seen=date.fromisoformat(last) if last else None,
                from_alias_table=bool(trusted),
            )
        for eid, form, lang, n in cur.execute(
            "SELECT entity_id, form, language, count FROM entity_variants"
        ):
            if eid in entities:
                entities[eid].variants[(form, lang)] = n
        for eid, title, lang, n in cur.execute(
            "SELECT entity_id, title, language, count FROM entity_titles"
        ):
            if eid in entities:
                entities[eid].titles[(title, lang)] = n
        for eid, type_, n in cur.execute("SELECT entity_id, type, votes FROM entity_type_votes"):
            if eid in entities:
                entities[eid].type_votes[type_] = n
        for eid, article_id in cur.execute("SELECT entity_id, article_id FROM entity_articles"):
            if eid in entities:
                entities[eid].articles.add(article_id)
        for old, new in cur.execute("SELECT old_id, new_id FROM entity_redirects"):
            registry.merged[old] = new
            registry._ids.add(old)
        for eid, entity in entities.items():
            if eid in registry.entities:
                # An alias-table entry: keep the table's names, add what the corpus saw.
                stored = registry.entities[eid]
                stored.variants.update(entity.variants)
                stored.titles.update(entity.titles)
                stored.type_votes.update(entity.type_votes)
                stored.articles |= entity.articles
                stored.first_seen, stored.last_seen = entity.first_seen, entity.last_seen
                for form, lang in entity.variants:
                    registry._index_form(stored, form, lang, 0)
                registry.dirty.discard(eid)
            else:
                registry.restore(entity)

    def save(self, registry: EntityRegistry) -> int:
        """Write the entities changed since the last save; returns how many."""
        dirty = sorted(registry.dirty)
        try:
            with self._write():
                for eid in dirty:
                    self._delete(eid)
                    if eid in registry.merged:
                        self.conn.execute(
                            "INSERT INTO entity_redirects(old_id, new_id) VALUES (?, ?)"
                            " ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id",
                            (eid, registry.merged[eid]),
                        )
                        continue
                    entity = registry.entities.get(eid)
                    if entity is not None:
                        self._insert(entity)
        except (sqlite3.Error, psycopg.Error) as exc:
            raise StoreError(f"cannot save the entity registry: {exc}") from exc
        registry.dirty.clear()
        return len(dirty)

    @contextmanager
    def _write(self) -> Iterator[None]:
        if self._transaction is not None:
            with self._transaction():
                yield
            return
        assert isinstance(self.conn, sqlite3.Connection)  # PostgreSQL has its _transaction
        if self.conn.isolation_level is None:  # autocommit connection: one explicit transaction
            self.conn.execute("BEGIN")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            return
        with self.conn:
            yield

    def _delete(self, eid: str) -> None:
        for table in ("entity_variants", "entity_titles", "entity_type_votes", "entity_articles"):
            self.conn.execute(f"DELETE FROM {table} WHERE entity_id = ?", (eid,))
        self.conn.execute("DELETE FROM entities WHERE id = ?", (eid,))

    def _insert(self, e: Entity) -> None:
        self.conn.execute(
            "INSERT INTO entities(id, canonical, type, first_seen, last_seen, from_alias_table,"
            " titles) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                e.id,
                e.canonical,
                e.type,
                e.first_seen.isoformat() if e.first_seen else None,
                e.last_seen.isoformat() if e.last_seen else None,
                int(e.from_alias_table),
                json.dumps([t for (t, _), _n in e.titles.most_common()], ensure_ascii=False),
            ),
        )
        self.conn.executemany(
            "INSERT INTO entity_variants(entity_id, form, language, count) VALUES (?, ?, ?, ?)",
            [(e.id, form, lang, n) for (form, lang), n in e.variants.items()],
        )
        self.conn.executemany(
            "INSERT INTO entity_titles(entity_id, title, language, count) VALUES (?, ?, ?, ?)",
            [(e.id, t, lang, n) for (t, lang), n in e.titles.items()],
        )
        self.conn.executemany(
            "INSERT INTO entity_type_votes(entity_id, type, votes) VALUES (?, ?, ?)",
            [(e.id, t, n) for t, n in e.type_votes.items()],
        )
        self.conn.executemany(
            "INSERT INTO entity_articles(entity_id, article_id) VALUES (?, ?)",
            [(e.id, a) for a in sorted(e.articles)],
        )


def _row_type(value: object) -> EntityType:
    """Row types beyond the four (slavicner EVT, PRO; spaCy GPE) map onto them."""
    text = str(value or "").upper()
    for type_ in ENTITY_TYPES:
        if text == type_:
            return type_
    aliases: dict[str, EntityType] = {"PERSON": "PER", "GPE": "LOC", "FAC": "LOC"}
    return aliases.get(text, "MISC")


def resolve_rows(
    rows: Iterable[Mapping[str, Any]], registry: EntityRegistry | None = None
) -> Iterator[dict[str, Any]]:
    """``storyline resolve``: mention rows (no NER) → the same rows plus ``entity_id``, in order.

    Each row: ``id``, ``doc_id``, ``language``, ``text``, ``type`` and optionally ``lemma``.
    Mentions of one ``doc_id`` share a document context (surname-only mentions, acronyms).
    Raises ``ValueError`` naming the row when ``text`` or ``doc_id`` is missing.
    """
    registry = registry or new_registry()
    contexts: dict[str, DocContext] = {}
    for n, row in enumerate(rows, 1):
        text, doc_id = row.get("text"), row.get("doc_id")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"row {n} (id {row.get('id')!r}): 'text' must be a non-empty string")
        if doc_id is None:
            raise ValueError(f"row {n} (id {row.get('id')!r}): 'doc_id' is missing")
        language = row.get("language")
        ctx = contexts.get(str(doc_id))
        if ctx is None:
            ctx = contexts[str(doc_id)] = registry.context(
                str(doc_id), str(language) if language else None
            )
        lemma = row.get("lemma")
        entity = registry.resolve(
            text, _row_type(row.get("type")), ctx, lemma=lemma if isinstance(lemma, str) else None
        )
        yield {**row, "entity_id": entity.id}


def entity_rows(
    registry: EntityRegistry,
    type_: str | None = None,
    language: str | None = None,
    include_unseen: bool = False,
) -> list[dict[str, Any]]:
    """``storyline entities``: canonical, type, #variants, #articles, languages; most reported
    first. Alias-table entries never seen in an article are left out unless ``include_unseen``."""
    if type_ is not None and type_.upper() not in ENTITY_TYPES:
        raise ValueError(f"unknown entity type {type_!r}; known: {', '.join(ENTITY_TYPES)}")
    rows: list[dict[str, Any]] = []
    for entity in registry:
        seen = {(form, lang): n for (form, lang), n in entity.variants.items() if n > 0}
        if not seen and not include_unseen:
            continue
        if type_ is not None and entity.type != type_.upper():
            continue
        languages = sorted({lang for _, lang in seen if lang})
        if language is not None and language not in languages:
            continue
        rows.append(
            {
                "id": entity.id,
                "canonical": entity.canonical,
                "type": entity.type,
                "variants": len({form for form, _ in seen}),
                "articles": len(entity.articles),
                "languages": languages,
                "articles_list": entity.articles,
                "n_variants": len({form for form, _ in seen}),
            }
        )
    rows.sort(key=lambda r: (-len(r["articles_list"]), -r["n_variants"], r["canonical"]))
    return [
        {k: v for k, v in row.items() if k not in ("articles_list", "n_variants")} for row in rows
    ]


def load_registry(
    conn: SQLConnection | None = None,
    aliases_file: str | Path | None = None,
    preferred_languages: Sequence[str] = ("en",),
) -> EntityRegistry:
    """The packaged (and user) alias table plus what a store's registry tables hold."""
    registry = new_registry(aliases_file, preferred_languages)
    if conn is not None:
        RegistryStore(conn).load(registry)
    return registry
