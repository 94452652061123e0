"""The corpus entity registry: one canonical entity per person, organisation, place.

Entity mentions from every article and language are resolved against one registry that lives for
the corpus (built from the store on first use; each article's change is written with it by
:mod:`storyline.store.registry`). Resolution of
a mention (:meth:`EntityRegistry.resolve`) tries, in order:

1. **the same article**: an exact (folded) form already resolved in this article; a surname-only
   person mention ("Borshak", "Assad") links to the full person named in the article; a given
   name alone ("Тереза") links to the one person of the article named so in full; an all-caps
   acronym links to an organisation of the article whose initials it spells or that introduced it
   as "Long Name (ACR)";
2. **aliases**: the packaged alias table (``data/aliases.yaml``, user-extendable; world knowledge
   no rule derives: exonyms, acronyms of other languages, Daesh = ISIS) and aliases learned from
   text ("X, also known as Y", "formerly", "aka", "dit", "также известный как");
3. **exact folded form** across the corpus, in every romanisation (:func:`romanisations`:
   anyascii, and for Cyrillic the standard scheme of the text's language through iuliia —
   Russian Wikipedia, Ukrainian national 2010, Bulgarian streamlined 2009 — so Гайко in Ukrainian
   is also "haiko");
4. **acronyms** of multi-word names seen in any article (ОК = Обединеното кралство, ZK =
   Združeno kraljestvo; :func:`initials_of`);
5. **demonyms and place adjectives** (Polacy, Britové, британци, российский) → the place whose
   stem they are built on (:func:`demonym_stem`, :func:`place_stem`), among places known;
6. **persons by name parts**: surname keys (:func:`name_keys`: a consonant skeleton that absorbs
   transliteration variants — Borshak / Borshchak / Borchak / Борщак, Gorskoy / Gorskoi, Poutine /
   Putin — plus the keys of other readings: soft g, Г = h, ch = Х, w = У, silent h) *and*
   compatible given names (Aleksandr / Alexander / Alexandre / Александр); a surname-only mention
   picks the candidate sharing most co-occurring entities (the story's other entities);
7. **other types by key**: the skeleton of the whole name, confirmed by Jaro-Winkler on the folded
   forms, for names long enough that a skeleton is specific (:data:`FUZZY_MIN_KEY`), or the
   word-order-free skeleton of a multi-word name (Partia Konserwatywna = Консервативна партия).

Deterministic: index buckets are insertion-ordered, so the same mentions in the same order give
the same ids in every process whatever ``PYTHONHASHSEED`` is.

No false merges: string similarity alone never merges. Keys are exact-match dictionary look-ups
(never all pairs), types must agree (:meth:`Entity.accepts`), person given names must agree, and
different keys never meet: Gorskoy (``grsk``) ≠ Gorakov (``grkv``), Syria ≠ Syrian Arab Army,
Daesh ≠ al-Nusra Front.

Inflected forms: resolution uses the mention's lemma when given (natasha lemmatises Russian;
``storyline resolve`` rows may carry ``lemma``). Without a lemma, in a language that declines
names, a surname is also looked up without a case ending (Johnsonem, Джонсоном, Kowalskiego:
:data:`SLAVIC_CASE_ENDINGS`), Czech feminine surnames without -ová (Merkelová); vowel endings are
absorbed by the name key. Words typed in mixed scripts (a Cyrillic С in "СOVID") are read in one
script (:func:`unmix_scripts`).

API for other stages (quotes, claims, stories) — the corpus registry is
:attr:`storyline.corpus.Corpus.registry`:

- ``Mention.entity_id`` / ``Mention.canonical`` on every mention of ``article.entities``;
- :meth:`EntityRegistry.get` (follows merges), :meth:`EntityRegistry.canonical_id`;
- :meth:`EntityRegistry.titles_of` — titles/roles seen with a person ("Russia's ambassador to
  Syria", "Colonel General", "le ministre russe de la Défense");
- :meth:`EntityRegistry.resolve_role` — a role nominal ("the diplomat", "le diplomate", "the
  Russian general") → the most recent preceding person of the article whose titles share the
  role's class (diplomat ⊇ ambassador, envoy; military ⊇ general, colonel, officer; …).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import iuliia
import yaml
from anyascii import anyascii
from iuliia.schema import TranslitSchema
from jellyfish import jaro_winkler_similarity

from storyline.article import Article, EntityType
from storyline.errors import ConfigError

# Index buckets are insertion-ordered dicts (id → None), never sets: candidates are met in the
# order they were first indexed, so ties between them break the same way in every process
# (set order of strings follows PYTHONHASHSEED: two runs gave B³ 0.857 and 0.859).
Bucket = dict[str, None]


def _words(text: str) -> frozenset[str]:
    """A word list written as one string (lexicons below)."""
    return frozenset(text.split())


ENTITY_TYPES: tuple[EntityType, ...] = ("PER", "ORG", "LOC", "MISC")

# A whole-name skeleton shorter than this is not specific enough to merge non-person names
# without an exact match or an alias ("sr" would join Syria and Sarah). Calibrated on the seeds'
# place/organisation names; 4 kept every slavicner merge that the folded form alone missed
# (eval/entities.py).
FUZZY_MIN_KEY = 4
# Jaro-Winkler on folded forms that must confirm a skeleton match of non-person names (Gorskoy /
# Gorakov, 0.87, have different skeletons anyway). Chosen by leave-one-topic-out on slavicner
# among 0.75, 0.8, 0.85, 0.9 (eval/entities.py): 0.8 won on every fold.
FUZZY_MIN_JW = 0.8
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
# surnames reach SURNAME_MIN_JW (slavicner: Barnier/Barnie 0.97; Gorskoy/Gorakov 0.87 fail it).
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


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Script-, case- and accent-free form: NFKC, anyascii, casefold, punctuation → spaces.

    >>> fold("Горской"), fold("Choïgou"), fold("al-Nusra  Front"), fold("СOVID-19")
    ('gorskoy', 'choigou', 'al nusra front', 'covid 19')
    """
    text = unmix_scripts(unicodedata.normalize("NFKC", text)).casefold()
    text = text.translate(_CENTRAL_EUROPEAN)
    text = anyascii(text)
    # Apostrophes inside words come from soft/hard signs (Merkel' / Dzhons'n): drop, do not split.
    text = re.sub(r"['’`]", "", text)
    return _ALNUM_SPACE.sub(" ", text).strip()


# Spelling variants that transliteration conventions (English, French, German, Polish, Czech…)
# write differently for one sound; applied in order, longest first. "ch" → "sh" is the French
# reading (Borchak, Choïgou) and matches Russian Ш/Щ romanised as sh/shch.
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


@lru_cache(maxsize=1 << 16)
def name_key(token: str) -> str:
    """Consonant skeleton of one folded name token: transliteration variants share it.

    >>> [name_key(fold(t)) for t in ("Borshak", "Borshchak", "Borchak", "Борщак")]
    ['brshk', 'brshk', 'brshk', 'brshk']
    >>> name_key("gorskoy"), name_key("gorakov")
    ('grsk', 'grkv')
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


# Other readings of one spelling that transliterations into and out of Cyrillic give a name; a
# token is indexed and looked up under each (applied one at a time to the folded token, never
# combined). On ne-transliteration-wikidata en → ru dev (eval/entities.py) the share of pairs with
# a shared key rises with each; on slavicner they join Фараж / Farage, Гайко / Heiko.
_ALTERNATE_READINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    # English/Italian soft g (George = Джордж, Farage = Фарадж/Фараж, Gentilini = Джентилини)
    (re.compile(r"g(?=[eiy])"), "j"),
    # Cyrillic Г for a Latin h (Гамбург, Гарри, Ukrainian Г read h: Гайко = Heiko)
    (re.compile(r"g"), "h"),
    # Czech, Polish, German ch = Х (Chavkina = Хавкина, Bach = Бах)
    (re.compile(r"ch"), "h"),
    # English w before a vowel written У in Cyrillic (Winehouse = Уайнхаус, Wallace = Уоллес)
    (re.compile(r"^u(?=[aeio])"), "v"),
    # a silent h after a vowel, not written in Cyrillic (Johnson = Джонсон, Graham = Грэм)
    (re.compile(r"(?<=[aeiou])h"), ""),
)
_DOUBLED = re.compile(r"([a-z])\1+")


@lru_cache(maxsize=1 << 16)
def name_keys(token: str) -> tuple[str, ...]:
    """Every key of one folded name token: :func:`name_key` first, then the key of each other
    reading (:data:`_ALTERNATE_READINGS`) and of the token with doubled letters single.

    >>> name_keys("farage")[0], name_key(fold("Фараж")) in name_keys("farage")
    ('frg', True)
    """
    keys = [name_key(token)]
    for pattern, repl in _ALTERNATE_READINGS:
        other = pattern.sub(repl, token)
        if other != token:
            keys.append(name_key(other))
    single = _DOUBLED.sub(r"\1", token)
    if single != token:
        keys.append(name_key(single))
    return tuple(dict.fromkeys(k for k in keys if k))


# Standard romanisations of Cyrillic by language, compared besides anyascii's (which reads every
# Cyrillic text as Russian): iuliia's Wikipedia scheme for Russian, and in iuliia's engine the
# Ukrainian national system (2010: Г = h, И = y, Ї = yi) and the Bulgarian streamlined system
# (2009: Щ = sht, Ъ = a). iuliia ships only Russian schemes; these two are the published tables.
_UKRAINIAN_2010 = TranslitSchema(
    name="ukrainian-national-2010",
    mapping={
        **dict(zip("абвгґдезиійклмнопрстуф", "abvhgdezyiiklmnoprstuf", strict=True)),
        "ж": "zh",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "є": "ie",
        "ї": "i",
        "ю": "iu",
        "я": "ia",
        "ь": "",
        "'": "",
        "’": "",
        "ʼ": "",
    },
    prev_mapping={"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya", "зг": "gh"},
)
_BULGARIAN_2009 = TranslitSchema(
    name="bulgarian-streamlined-2009",
    mapping={
        **dict(zip("абвгдезийклмнопрстуф", "abvgdeziyklmnoprstuf", strict=True)),
        "ж": "zh",
        "х": "h",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sht",
        "ъ": "a",
        "ь": "y",
        "ю": "yu",
        "я": "ya",
    },
    ending_mapping={"ия": "ia"},
)
_SCHEMES: dict[str, Any] = {"uk": _UKRAINIAN_2010, "bg": _BULGARIAN_2009}
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@lru_cache(maxsize=1 << 16)
def romanisations(form: str, language: str = "") -> tuple[str, ...]:
    """Folded forms of a name: :func:`fold` (anyascii) first, then, for Cyrillic, the standard
    romanisation of its language (Russian Wikipedia scheme for ru and for unknown languages).

    >>> romanisations("Гайко", "uk")
    ('gayko', 'haiko')
    """
    folded = fold(form)
    if not _CYRILLIC.search(form):
        return (folded,)
    scheme = _SCHEMES.get(language, iuliia.WIKIPEDIA)
    other = fold(scheme.translate(unmix_scripts(unicodedata.normalize("NFKC", form))))
    return tuple(dict.fromkeys(f for f in (folded, other) if f))


# Languages whose name mentions without a lemma are lemmatised by pymorphy3 (its OpenCorpora
# Russian and Ukrainian dictionaries ship in pip packages); the other Slavic languages keep the
# suffix rules below (SLAVIC_CASE_ENDINGS): no analyser for them ships in a pip package here.
MORPH_LANGUAGES = frozenset({"ru", "uk"})
# pymorphy3 tags of proper names: a parse carrying one is preferred to a likelier common-noun
# reading (a genitive surname in -а that pymorphy3 also reads as a feminine common noun).
NAME_GRAMMEMES = frozenset({"Surn", "Name", "Patr", "Geox", "Orgn", "Trad"})
# Longest mention (in words) worth lemmatising word by word.
MORPH_MAX_WORDS = 4
_ANALYSERS: dict[str, Any] = {}


def _analyser(language: str) -> Any:
    if language not in _ANALYSERS:
        import pymorphy3  # loaded on first use: ~1 s and ~20 MB per language

        _ANALYSERS[language] = pymorphy3.MorphAnalyzer(lang=language)
    return _ANALYSERS[language]


@lru_cache(maxsize=1 << 16)
def name_lemma(form: str, language: str) -> str | None:
    """The nominative of a Russian or Ukrainian name mention ("Джонсоном" → "Джонсон",
    "Жарского" → "Жарский"… as pymorphy3 reads it, gender and number kept: "Захаровой" →
    "Захарова"); None for other languages, non-Cyrillic or long mentions."""
    words = form.split()
    if language not in MORPH_LANGUAGES or not _CYRILLIC.search(form):
        return None
    if not words or len(words) > MORPH_MAX_WORDS:
        return None
    analyser = _analyser(language)
    out = []
    for word in words:
        if not word.isalpha() or word.isupper() or not _CYRILLIC.search(word):
            out.append(word)  # acronyms, numbers, hyphenated and Latin words as written
            continue
        parses = analyser.parse(word)
        best = next((p for p in parses if NAME_GRAMMEMES & p.tag.grammemes), parses[0])
        nominative = best.inflect({"nomn"}) if "nomn" not in best.tag else best
        lemma = nominative.word if nominative is not None else word.casefold()
        out.append(lemma[:1].upper() + lemma[1:] if word[:1].isupper() else lemma)
    return " ".join(out)


def surname_keys_of(form: str, language: str = "", inflected: bool = False) -> list[str]:
    """Keys to look the surname (last name token) of ``form`` up under, in every romanisation
    and reading: exact keys first, then without feminine/case endings, then other readings."""
    first: list[str] = []
    rest: list[str] = []
    for folded in romanisations(form, language):
        tokens = name_tokens(folded)
        if not tokens:
            continue
        first += surname_keys(tokens[-1], inflected, language)
        rest += name_keys(tokens[-1])[1:]
    return list(dict.fromkeys(first + rest))


@lru_cache(maxsize=1 << 16)
def skeletons_of(form: str, language: str = "") -> tuple[str, ...]:
    """Whole-name skeletons of ``form`` (the key of every token) in every romanisation, each
    alternate reading applied to all tokens at once."""
    out: list[str] = []
    for folded in romanisations(form, language) or (form.casefold(),):
        tokens = name_tokens(folded)
        keys = [name_keys(t) for t in tokens]
        out.append(" ".join(k[0] for k in keys))
        for pattern, repl in _ALTERNATE_READINGS:
            out.append(" ".join(name_key(pattern.sub(repl, t)) for t in tokens))
        if len(tokens) >= 2 and all(len(k[0]) >= ORDER_FREE_MIN_KEY for k in keys):
            # word order differs across languages ("Partia Konserwatywna" = "Консервативна
            # партия"): the keys' beginnings in any order, for long words only
            out.append(ORDER_FREE + " ".join(sorted(k[0][:ORDER_FREE_MIN_KEY] for k in keys)))
    return tuple(dict.fromkeys(out))


# Marks the word-order-free skeleton of a multi-word name; its words' keys must be at least
# ORDER_FREE_MIN_KEY letters long and are compared on that many (Jaro-Winkler cannot confirm a
# reordered name). Chosen by leave-one-topic-out on slavicner among 3, 4 (eval/entities.py).
ORDER_FREE = "~"
ORDER_FREE_MIN_KEY = 3


# Demonyms and place adjectives, folded (so Cyrillic ones are in their anyascii spelling):
# endings that make the people or the adjective of a place from its stem (Polska → Polacy,
# Británie → Britové, Россия → россияне, российский). Per language; the union is used for
# texts of other or unknown languages. Longest first.
_DEMONYM_ENDINGS: dict[str, tuple[str, ...]] = {
    "pl": (
        "yjczycy",
        "yjczyk",
        "ejczycy",
        "ejczyk",
        "czycy",
        "czyk",
        "janie",
        "anie",
        "anin",
        "acy",
        "icy",
        "cy",
        "ki",
        "ka",
        "ak",
    ),
    "cs": ("ove", "ane", "ani", "anka", "an", "ci", "ka", "ak", "ky"),
    "sk": ("ove", "ania", "ania", "an", "ci", "ka", "ak"),
    "sl": ("anci", "ci", "ani", "ec", "ka", "i"),
    "bg": ("antsi", "yatsi", "natsi", "eytsi", "tsi", "yani", "ani", "ets", "ski", "ska"),
    "ru": (
        "iyskiy",
        "iyskaya",
        "iyskoe",
        "iyskie",
        "anskiy",
        "anskaya",
        "antsy",
        "iyane",
        "yane",
        "skiy",
        "skaya",
        "skoe",
        "skie",
        "tsy",
        "ane",
        "ets",
    ),
    "uk": ("iyskyi", "skyi", "ska", "ske", "antsi", "iany", "yany", "tsi", "any", "ets"),
    "en": ("ians", "ian", "ans", "ish", "ese"),
}
_ALL_DEMONYM_ENDINGS = tuple(
    sorted({e for endings in _DEMONYM_ENDINGS.values() for e in endings}, key=lambda e: -len(e))
)
# Endings of one-word place names cut to get the stem a demonym is built on (Rosja → ros,
# Polska → pol, Ukraina → ukrain, Německo → nemec). Longest first.
_PLACE_ENDINGS = ("iya", "ija", "ia", "ja", "ya", "sko", "ska", "ko", "a", "e", "i", "o", "y", "u")
# Shortest stem a demonym and its place must share (Polacy / Polska share "pol"). Chosen by
# leave-one-topic-out on slavicner among 3, 4, 5 (eval/entities.py): 3.
DEMONYM_MIN_STEM = 3
# Places are indexed under this many first letters of their stems (≤ DEMONYM_MIN_STEM candidates).
PLACE_STEM_INDEX = 3


def place_stem(token: str) -> str:
    """A one-word place name without its ending ("polska" → "pol", "rusija" → "rus")."""
    for ending in _PLACE_ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= PLACE_STEM_INDEX:
            return token[: -len(ending)]
    return token if len(token) >= PLACE_STEM_INDEX and token.isalpha() else ""


def demonym_stem(folded: str, language: str = "") -> str | None:
    """The place stem a folded one-word demonym or place adjective is built on, or None when it
    has no demonym ending ("brytyjczycy" → "bryt", "americhani" → "amerik")."""
    if " " in folded or not folded.isalpha():
        return None
    for ending in _DEMONYM_ENDINGS.get(language, _ALL_DEMONYM_ENDINGS):
        if folded.endswith(ending) and len(folded) - len(ending) >= PLACE_STEM_INDEX:
            stem = folded[: -len(ending)]
            # Slavic palatalisation before the ending: Amerika → Američani, Афика → африканци
            return stem[:-2] + "k" if stem.endswith("ch") else stem
    return None


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
# German genitive of names (Merkels Partei, Deutschlands Regierung): the same rule, German endings.
GERMAN_CASE_ENDINGS = ("s",)
CASE_LANGUAGES = SLAVIC_CASE_LANGUAGES | {"de"}
# A stem shorter than this after cutting a case ending is not a surname (Tom, Kim, Adam stay).
CASE_STEM_MIN_CHARS = 4


def surname_keys(surname: str, inflected: bool = False, language: str = "") -> list[str]:
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
        keys += case_stem_keys(surname, language)
    return list(dict.fromkeys(keys))


# Vowel case endings of one-word Slavic place and organisation names (Londynu, Moskwy, Praze is
# beyond rules); consonant endings are those of SLAVIC_CASE_ENDINGS.
SLAVIC_VOWEL_CASE_ENDINGS = ("u", "a", "y", "i", "e", "ie")


def case_stems(token: str, language: str = "") -> list[str]:
    """Folded stems a one-word inflected name may have (the word without one case ending)."""
    if language == "de":
        endings: tuple[str, ...] = GERMAN_CASE_ENDINGS
    else:
        endings = SLAVIC_CASE_ENDINGS + SLAVIC_VOWEL_CASE_ENDINGS
    return [
        token[: -len(e)]
        for e in endings
        if token.endswith(e) and len(token) - len(e) >= CASE_STEM_MIN_CHARS
    ]


def case_stem_keys(surname: str, language: str = "") -> list[str]:
    """The key of a folded surname without a case ending (Slavic; the German genitive -s in a
    German text: Merkels, Scholz'), when it has one."""
    for ending in GERMAN_CASE_ENDINGS if language == "de" else SLAVIC_CASE_ENDINGS:
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


# Words that acronyms skip ("Organizacja Narodów Zjednoczonych" = ONZ, "Съд на ЕС"): articles,
# conjunctions and prepositions of the languages storyline reads.
ACRONYM_SKIP = _words(
    "of the and for on in de la le les des du et y del und der die das für von "
    "на и за по в во о от w i z na do a v ve za pro o od s se ze in pri "
    "із з та у й"
)


@lru_cache(maxsize=1 << 16)
def initials_of(form: str) -> str:
    """Folded initials of a multi-word name, every word counted but :data:`ACRONYM_SKIP`
    ("Združeno kraljestvo" → "zk", "Европейски съюз" → "es"); "" for one word or an acronym."""
    words = [w for w in _WORD.findall(form) if w.casefold() not in ACRONYM_SKIP]
    if len(words) < 2 or len(words) > 6 or any(w[0].isdigit() for w in words):
        return ""
    return fold("".join(w[0] for w in words))


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
        self.retype()

    def retype(self) -> None:
        """The type with most votes (the current one on a tie); the alias table's is fixed."""
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
    persons_by_surname: dict[str, Bucket] = field(default_factory=dict)  # surname key → ids
    persons_by_given: dict[str, Bucket] = field(default_factory=dict)  # folded given name → ids
    acronyms: dict[str, str] = field(default_factory=dict)  # ACR → entity id
    introduced: set[str] = field(default_factory=set)  # acronyms the text spelt out: "Name (ACR)"
    by_token: dict[str, Bucket] = field(default_factory=dict)  # word of a multi-word name → ids
    entity_ids: Counter[str] = field(default_factory=Counter)


@dataclass
class _Given:
    keys: set[str] = field(default_factory=set)
    initials: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # folded given names as spelt


# One row of registry evidence: (entity id, kind, value, language). Kinds: "variant" (a form),
# "title" (a role seen with a person), "vote" (a type, counted by weight), "surface" (an
# inflected text form that resolved to the entity).
EvidenceKey = tuple[str, str, str, str]


@dataclass
class ArticleChange:
    """What one article changed in the registry: its evidence (replacing any it had before),
    the entities it touched as they now are, and the merges it made (old id → kept id).
    Written in the article's transaction by :class:`storyline.store.registry.RegistryChange`."""

    article_id: str
    evidence: Counter[EvidenceKey] = field(default_factory=Counter)
    entities: list[Entity] = field(default_factory=list)
    merges: list[tuple[str, str]] = field(default_factory=list)


class EntityRegistry:
    """Canonical entities of a corpus and the indexes that resolve mentions to them.

    Every index is a dict keyed by a normalised form, so resolving a mention costs a few look-ups
    whatever the registry size (see ``benchmarks/entities.py``).
    """

    def __init__(self, preferred_languages: Sequence[str] = ("en",)) -> None:
        self.preferred_languages = list(preferred_languages)
        self.entities: dict[str, Entity] = {}
        self.merged: dict[str, str] = {}  # old id → id it was merged into
        self._by_form: dict[str, Bucket] = {}
        self._by_skeleton: dict[str, Bucket] = {}
        self._by_surname: dict[str, Bucket] = {}
        self._given: dict[str, _Given] = {}
        self._by_surname_prefix: dict[str, Bucket] = {}
        self._surnames: dict[str, set[str]] = {}  # entity id → folded surnames seen
        self._current: ArticleChange | None = None  # the article being resolved (evidence)
        self._by_place_stem: dict[str, Bucket] = {}  # first letters of a place stem → places
        self._by_initials: dict[str, Bucket] = {}  # folded initials of multi-word names → ids
        self._via_demonym = False  # the last _match went through a demonym
        self._place_stems: dict[str, set[str]] = {}  # place id → stems of its one-word names
        self._ids: set[str] = set()
        # (entity id, form, language, type) already indexed by _index_keys
        self._indexed: set[tuple[str, str, str, str]] = set()
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
        if entity_id not in self.merged:  # most ids were never merged: no redirect chain
            return self.entities.get(entity_id)
        return self.entities.get(self.canonical_id(entity_id))

    def find(self, name_or_id: str, by_key: bool = True) -> Entity | None:
        """An entity by id or by any of its names (folded, then by name key unless ``by_key`` is
        False; most frequent wins)."""
        entity = self.get(name_or_id)
        if entity is not None:
            return entity
        folded = fold(name_or_id)
        ids = self._by_form.get(folded, {})
        if not ids and by_key and (tokens := name_tokens(folded)):
            # another spelling: the person by surname key, else the name by skeleton
            ids = self._by_surname.get(name_key(tokens[-1]), {}) or self._by_skeleton.get(
                " ".join(name_key(t) for t in tokens), {}
            )
        found = [e for i in sorted(ids) if (e := self.get(i)) is not None]
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
        return self.role_resolver(article)(nominal, before)

    def role_resolver(self, article: Article) -> Callable[[str, int], str | None]:
        """:meth:`resolve_role` for many nominals of one ``article``: the person mentions are
        indexed by role class once, so each call costs O(log n) instead of a pass over every
        mention (issue 12: cost linear in the text's length). The registry must not change
        between the calls."""
        by_class: dict[str, list[tuple[int, int, str]]] = {}
        classes_of: dict[str, set[str]] = {}
        for order, mention in enumerate(article.entities):
            if mention.type != "PER" or mention.entity_id is None:
                continue
            eid = mention.entity_id
            if eid not in classes_of:
                classes_of[eid] = self.role_classes_of(eid)
            for cls in classes_of[eid]:
                # the latest start first; among equal starts the first mention of the article
                by_class.setdefault(cls, []).append((mention.start, -order, eid))
        for rows in by_class.values():
            rows.sort()

        def resolve(nominal: str, before: int) -> str | None:
            best: tuple[int, int, str] | None = None
            for cls in role_classes(nominal):
                rows = by_class.get(cls, [])
                k = bisect.bisect_left(rows, (before, -len(article.entities) - 1, "")) - 1
                if k >= 0 and (best is None or rows[k][:2] > best[:2]):
                    best = rows[k]
            return self.canonical_id(best[2]) if best is not None else None

        return resolve

    # ----------------------------------------------------------------- resolution
    def context(
        self, doc_id: str, language: str | None = None, published: date | None = None
    ) -> DocContext:
        return DocContext(doc_id=doc_id, language=language, published=published)

    @property
    def last_via_demonym(self) -> bool:
        """True when the last :meth:`resolve` matched a place through a demonym ("Polacy" →
        Polska): the mention names the people, not the place."""
        return self._via_demonym

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
        inflected = lemma is None and (ctx.language or "") in CASE_LANGUAGES
        if lemma is None and ctx.language in MORPH_LANGUAGES:
            # the analyser guesses unknown names, so the suffix rules stay on (inflected)
            lemma = name_lemma(text.strip(), ctx.language)
        form = strip_determiner((lemma or text).strip())
        folded = fold(form)
        if not folded:
            folded = form.casefold()
        self._via_demonym = False
        entity = self._match(form, folded, type_, ctx, inflected)
        if entity is not None and self._via_demonym:
            # the mention's person label is not a vote against the place its demonym names
            type_ = entity.type
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
        language = ctx.language or ""
        tokens = name_tokens(folded)
        if type_ == "PER" or (len(tokens) == 1 and type_ != "MISC"):
            local_ids: set[str] = set()
            keys = surname_keys_of(form, language, inflected and type_ == "PER")
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
            if type_ == "PER" and len(tokens) == 1 and not local_ids:
                # a given name alone ("Тереза", "Boris") for the one person of the article
                # named so in full
                owners = {
                    self.canonical_id(i)
                    for given_name in romanisations(form, language)
                    for i in ctx.persons_by_given.get(given_name, ())
                }
                if len(owners) == 1 and (entity := self.get(owners.pop())) is not None:
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
        if inflected and type_ != "PER" and len(tokens) == 1:
            # an inflected one-word place or organisation (Deutschlands, Londynu): its case
            # stem as a name already seen ("londyn")
            for stem in case_stems(tokens[0], language):
                entity = self._find_form(stem, type_, ctx)
                if entity is not None:
                    return entity
        if len(forms := romanisations(form, language)) > 1:
            # the same name in another standard romanisation (Ukrainian Г = h, Bulgarian Щ = sht)
            for other in forms[1:]:
                entity = self._find_form(other, type_, ctx)
                if entity is not None:
                    return entity
        # 4. an acronym of a multi-word name seen in any article (ОК = Обединеното кралство,
        # ZK = Združeno kraljestvo, KE = Komisja Europejska)
        if type_ != "PER" and is_acronym(form):
            cands = [
                e
                for i in self._by_initials.get(folded, ())
                if (e := self.get(i)) is not None and e.type != "PER" and e.accepts(type_)
            ]
            if cands:
                return max(cands, key=lambda e: self._affinity(e, ctx))
        # 5. the people or adjective of a place stand for the place ("Brytyjczycy", "британци",
        # "российский"), before a surname key, whose Czech feminine and case endings would cut
        # "Britové" to a person Brit
        if type_ != "ORG" and len(tokens) == 1 and (place := self._match_demonym(form, ctx)):
            self._via_demonym = True
            return place
        # 6. persons by name parts
        if type_ == "PER":
            return self._match_person(form, tokens, ctx, inflected)
        # 7. other names by whole-name skeleton, confirmed by Jaro-Winkler
        best: tuple[float, Entity] | None = None
        for skeleton in skeletons_of(form, language):
            if len(skeleton.replace(" ", "")) < FUZZY_MIN_KEY:
                continue
            for eid in self._by_skeleton.get(skeleton, ()):
                cand = self.entities.get(eid)
                if cand is None or cand.type == "PER" or not cand.accepts(type_):
                    continue
                sim = (
                    1.0
                    if skeleton.startswith(ORDER_FREE)
                    else max(
                        jaro_winkler_similarity(mine, theirs)
                        for mine in forms
                        for f, lang in cand.variants or {(folded, "")}
                        for theirs in romanisations(f, lang)
                    )
                )
                if sim >= FUZZY_MIN_JW and (best is None or sim > best[0]):
                    best = (sim, cand)
        return best[1] if best else None

    def _match_demonym(self, form: str, ctx: DocContext) -> Entity | None:
        """The place whose people or adjective a one-word mention names (Polacy → Polska,
        Britové → Británie, россияне → Россия), among places already known; None otherwise."""
        if " " in form.strip():
            return None
        best: tuple[tuple[int, ...], Entity] | None = None
        for folded in romanisations(form, ctx.language or ""):
            stem = demonym_stem(folded, ctx.language or "")
            if stem is None or len(stem) < DEMONYM_MIN_STEM:
                continue
            for eid in self._by_place_stem.get(stem[:PLACE_STEM_INDEX], ()):
                cand = self.get(eid)
                if cand is None or cand.type != "LOC":
                    continue
                stems = self._place_stems.get(cand.id, set())
                if not any(
                    min(len(stem), len(theirs)) >= DEMONYM_MIN_STEM
                    and (stem.startswith(theirs) or theirs.startswith(stem))
                    for theirs in stems
                ):
                    continue
                rank = (int(stem in stems), *self._affinity(cand, ctx))
                if best is None or rank > best[0]:
                    best = (rank, cand)
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
            for i in sorted(ids)  # sorted: ties go the same way in every process
            if (e := self.get(i)) is not None
            and (e.accepts(type_) or (multiword and e.from_alias_table))
        ]
        if not cands:
            return None
        return max(cands, key=lambda e: self._affinity(e, ctx))

    def _affinity(self, entity: Entity, ctx: DocContext | None) -> tuple[int, int, int]:
        shared = 0
        if ctx is not None:
            # co-occurring entities: those sharing an article with the candidate (derived from
            # the stored article sets, so a registry reloaded after a kill decides the same)
            for eid in ctx.entity_ids:
                other = self.get(eid)
                if other is not None and not other.articles.isdisjoint(entity.articles):
                    shared += 1
        return (shared, int(entity.from_alias_table), sum(entity.variants.values()))

    def _match_person(
        self, form: str, tokens: list[str], ctx: DocContext, inflected: bool = False
    ) -> Entity | None:
        for surname in surname_keys_of(form, ctx.language or "", inflected):
            cands = [
                e
                for i in sorted(self._by_surname.get(surname, ()))
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
        for eid in sorted(self._by_surname_prefix.get(prefix, ())):
            cand = self.get(eid)
            given = self._given.get(eid)
            if cand is None or cand.type != "PER" or given is None or not given.keys:
                continue
            if not any(
                key in given.keys for t in tokens[:-1] if len(t) > 1 for key in name_keys(t)
            ):
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
            elif any(key in given.keys for key in name_keys(tok)):
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
        indexed = (entity.id, form, language, entity.type)
        if indexed not in self._indexed:
            self._indexed.add(indexed)
            self._index_keys(entity, form, language)
        if (form, language) not in entity.variants:
            entity.variants[(form, language)] = 0
        entity.variants[(form, language)] += count
        self.dirty.add(entity.id)

    def _index_keys(self, entity: Entity, form: str, language: str) -> None:
        """Index ``entity`` under every key of ``form``. Indexes only grow for a live entity
        (buckets keep their first order, the sets add), and what is indexed depends on the
        entity's id and type and on the form and language alone (a given name alone is no
        surname: ``given.names`` only grows, so a form skipped once stays skipped), so a second
        call with the same four is a no-op, which :meth:`_index_form` skips (``_indexed``): each
        mention of a known name used to index it again."""
        forms = romanisations(form, language) or (form.casefold(),)
        for folded in forms:
            self._by_form.setdefault(folded, {})[entity.id] = None
        for skeleton in skeletons_of(form, language):
            self._by_skeleton.setdefault(skeleton, {})[entity.id] = None
        if entity.type == "PER" and (tokens := name_tokens(forms[0])):
            given = self._given.setdefault(entity.id, _Given())
            if len(tokens) == 1 and tokens[0] in given.names:
                # a given name alone ("Тереза" of Theresa May) is no surname of hers: "Торисы"
                # must not find her by its key
                tokens = []
        if entity.type == "PER" and tokens:
            for key in surname_keys_of(form, language):
                self._by_surname.setdefault(key, {})[entity.id] = None
            self._by_surname_prefix.setdefault(name_key(tokens[-1])[:SURNAME_PREFIX], {})[
                entity.id
            ] = None
            for folded in forms:
                tokens = name_tokens(folded)
                self._surnames.setdefault(entity.id, set()).add(tokens[-1])
                for tok in tokens[:-1]:
                    if len(tok) > 1:
                        given.keys.update(name_keys(tok))
                        given.names.add(tok)
                    given.initials.add(tok[0])
        if entity.type != "PER" and (initials := initials_of(form)):
            self._by_initials.setdefault(initials, {})[entity.id] = None
        if entity.type == "LOC":
            for folded in forms:
                # one-word names only: the last word of "Irlandia Północna" is an adjective
                if " " not in folded and (stem := place_stem(folded)):
                    self._place_stems.setdefault(entity.id, set()).add(stem)
                    self._by_place_stem.setdefault(stem[:PLACE_STEM_INDEX], {})[entity.id] = None

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
            self._by_form.setdefault(fold(text) or text.casefold(), {})[entity.id] = None
        entity.articles.add(ctx.doc_id)
        if ctx.published is not None:
            if entity.first_seen is None or ctx.published < entity.first_seen:
                entity.first_seen = ctx.published
            if entity.last_seen is None or ctx.published > entity.last_seen:
                entity.last_seen = ctx.published
        self._update_canonical(entity)
        ctx.by_form[folded] = entity.id
        if entity.type == "PER" or type_ == "PER":
            given = self._given.get(entity.id)
            if not (given and " " not in folded and folded in given.names):
                for key in surname_keys_of(form, ctx.language or ""):
                    ctx.persons_by_surname.setdefault(key, {})[entity.id] = None
            for folded_form in romanisations(form, ctx.language or ""):
                # the given names as spelt (a key would join Torysi to Tereza)
                for tok in name_tokens(folded_form)[:-1]:
                    if len(tok) > 1:
                        ctx.persons_by_given.setdefault(tok, {})[entity.id] = None
        if type_ != "PER" and (acr := acronym_of(form)):
            ctx.acronyms.setdefault(acr, entity.id)
        if entity.type != "PER":
            words = name_tokens(folded)
            if len(words) >= 2:
                for word in words:
                    ctx.by_token.setdefault(word, {})[entity.id] = None
        ctx.entity_ids[entity.id] += 1
        self.dirty.add(entity.id)
        if self._current is not None and self._current.article_id == ctx.doc_id:
            evidence = self._current.evidence
            evidence[(entity.id, "variant", form, ctx.language or "")] += 1
            evidence[(entity.id, "vote", type_, "")] += weight
            if text != form:
                evidence[(entity.id, "surface", text, "")] += 1

    def _update_canonical(self, entity: Entity) -> None:
        if entity.from_alias_table:
            return
        totals: Counter[str] = Counter()
        preferred: set[str] = set()
        for (form, lang), n in entity.variants.items():
            totals[form] += n
            if lang in self.preferred_languages:
                preferred.add(form)

        shape = _form_shapes(frozenset(totals))

        def rank(form: str) -> tuple[int, int, int, int, int, int]:
            full, n_words = shape[form]
            return (
                int(full),  # not a short form of another variant ("Army" of "Syrian Arab Army")
                int(entity.type != "PER" or n_words >= 2),  # a person's full name
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
            if self._current is not None:
                self._current.evidence[(entity.id, "title", title, language or "")] += 1

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
        self._place_stems.pop(other.id, None)
        for ids in (
            self._by_form,
            self._by_skeleton,
            self._by_surname,
            self._by_surname_prefix,
            self._by_place_stem,
            self._by_initials,
        ):
            for key in self._keys_of(other):
                bucket = ids.get(key)
                if bucket is not None and other.id in bucket:
                    del bucket[other.id]
                    bucket[keep.id] = None
        given = self._given.pop(other.id, None)
        if given is not None and keep.type == "PER":
            mine = self._given.setdefault(keep.id, _Given())
            mine.keys |= given.keys
            mine.initials |= given.initials
            mine.names |= given.names
        del self.entities[other.id]
        self.merged[other.id] = keep.id
        self._update_canonical(keep)
        self.dirty.update({keep.id, other.id})
        if self._current is not None:
            self._current.merges.append((other.id, keep.id))
            moved = Counter[EvidenceKey]()
            for (eid, kind, value, lang), n in self._current.evidence.items():
                moved[(keep.id if eid == other.id else eid, kind, value, lang)] += n
            self._current.evidence = moved
        return keep

    # ----------------------------------------------------------------- per-article evidence
    def begin_article(
        self, article_id: str, stored: Mapping[EvidenceKey, int] | None = None
    ) -> None:
        """Start resolving ``article_id``: its evidence from an earlier analysis (``stored``) is
        taken out of the counts first, so re-analysing an article replaces what it contributed
        instead of adding to it. Then every mention, vote and title is recorded as evidence."""
        self.dirty.clear()
        self._current = ArticleChange(article_id)
        for (eid, kind, value, lang), n in sorted((stored or {}).items()):
            entity = self.get(eid)
            if entity is None:
                continue
            if kind == "variant" and (value, lang) in entity.variants:
                entity.variants[(value, lang)] = max(0, entity.variants[(value, lang)] - n)
            elif kind == "title":
                entity.titles[(value, lang)] -= n
                if entity.titles[(value, lang)] <= 0:
                    del entity.titles[(value, lang)]
            elif kind == "vote":
                entity.type_votes[value] -= n
                if entity.type_votes[value] <= 0:
                    del entity.type_votes[value]
                entity.retype()
            entity.articles.discard(article_id)
            self._update_canonical(entity)
            self.dirty.add(entity.id)

    def end_article(self) -> ArticleChange:
        """The change :meth:`begin_article` started: evidence, touched entities as they are now
        (copies: later articles go on changing the live ones), merges."""
        change = self._current or ArticleChange("")
        self._current = None
        evidence = Counter[EvidenceKey]()
        for (eid, kind, value, lang), n in change.evidence.items():
            evidence[(self.canonical_id(eid), kind, value, lang)] += n
        change.evidence = evidence
        for eid in sorted(self.dirty):
            entity = self.entities.get(eid)
            if entity is not None:
                change.entities.append(
                    Entity(
                        id=entity.id,
                        canonical=entity.canonical,
                        type=entity.type,
                        variants=Counter(entity.variants),
                        titles=Counter(entity.titles),
                        type_votes=Counter(entity.type_votes),
                        first_seen=entity.first_seen,
                        last_seen=entity.last_seen,
                        from_alias_table=entity.from_alias_table,
                    )
                )
        self.dirty.clear()
        return change

    def add_surface(self, entity_id: str, text: str) -> None:
        """A stored inflected form of an entity (evidence kind "surface"): findable again."""
        self._by_form.setdefault(fold(text) or text.casefold(), {})[entity_id] = None

    def _keys_of(self, entity: Entity) -> Iterator[str]:
        for form, lang in entity.variants:
            forms = romanisations(form, lang) or (form.casefold(),)
            yield from forms
            yield from skeletons_of(form, lang)
            yield from surname_keys_of(form, lang)
            if tokens := name_tokens(forms[0]):
                yield name_key(tokens[-1])[:SURNAME_PREFIX]
            for folded in forms:
                if " " not in folded and (stem := place_stem(folded)):
                    yield stem[:PLACE_STEM_INDEX]
            if initials := initials_of(form):
                yield initials

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


@lru_cache(maxsize=1 << 14)
def _form_shapes(forms: frozenset[str]) -> Mapping[str, tuple[bool, int]]:
    """For each of an entity's forms: whether it is a short form of none of the others (its
    name tokens a proper subset of another's), and its number of distinct name tokens. What
    :meth:`EntityRegistry._update_canonical` ranks by; cached because an entity's set of forms
    rarely changes between its mentions, while the comparison is quadratic in its forms."""
    tokens = {form: frozenset(name_tokens(fold(form))) for form in forms}
    return {
        form: (not any(words < other for other in tokens.values()), len(words))
        for form, words in tokens.items()
    }


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
