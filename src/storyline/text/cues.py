"""Per-language lexicons for attribution: cue verbs and nouns, pronouns, roles, claim words.

Used by :mod:`storyline.quotes.stage` and :mod:`storyline.claims.stage`. Word lists are data,
not code: one YAML file per language in ``storyline/data/lexicons/<lang>.yaml`` (plus
``common.yaml`` for what every language shares), read by :func:`lexicon`. Add a language by adding
its file. Forms are listed inflected (a regex over surface text works for every language, with
or without a parser); lemmas (``cue_lemmas``) are listed for the languages with a spaCy dependency
parse (en, fr, es), where a cue is recognised by lemma.

Keys of a language file (all optional): ``cue_forms``, ``cue_prefix`` / ``cue_suffix`` (regexes
around a cue form: French "a-t-il souligné", Italian "ha detto"), ``cue_lemmas``, ``cue_nouns``
("statement", "claim": a noun whose clause is reported speech), ``according_to``,
``clause_internal_according``, ``according_pronouns`` (pronoun forms after the marker: "według
niego"), ``relative_after_comma`` (a "that" word after a comma opens a relative clause),
``agent_markers`` (the agent of a passive: "sostenuto dal …"), ``pro_drop`` (a cue opening its
clause without a subject speaks for the previous speaker), ``that`` (complementisers), ``pronouns``
(subject pronoun -> m / f / p), ``roles`` (group -> role nouns), ``org_nouns``, ``determiners`` and
the claims vocabulary (``number_modifiers``, ``zero_markers``, ``scales``, ``fractions``,
``percent_words``, ``area_words``, ``per_day_words``, ``territory_words``, ``control_words``,
``horizons``).

A language without a file gets no attribution at all rather than another language's rules. The
module-level tables below keep the shape the stages read: dicts by language, and unions over all
languages for the lists the stages apply to any text (role nouns, organisation nouns, claims).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import yaml

_LEXICON_DIR = "data/lexicons"


@cache
def lexicon(language: str) -> dict[str, Any]:
    """The lexicon of ``language`` (``{}`` when there is none), as read from its YAML file."""
    path = resources.files("storyline").joinpath(f"{_LEXICON_DIR}/{language}.yaml")
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"lexicon {language}.yaml: expected a mapping, got {type(data).__name__}")
    return data


def languages() -> tuple[str, ...]:
    """Codes of the languages that have a lexicon file."""
    root = resources.files("storyline").joinpath(_LEXICON_DIR)
    names = sorted(p.name for p in root.iterdir() if p.name.endswith(".yaml"))
    return tuple(n.removesuffix(".yaml") for n in names if n != "common.yaml")


LANGUAGES = languages()


def _by_lang(key: str) -> dict[str, tuple[str, ...]]:
    return {lang: tuple(lexicon(lang)[key]) for lang in LANGUAGES if lexicon(lang).get(key)}


def _union(key: str) -> tuple[str, ...]:
    """Entries of ``key`` over all languages, in file order, without repeats."""
    seen: dict[str, None] = {}
    for lang in LANGUAGES:
        for word in lexicon(lang).get(key) or ():
            seen.setdefault(word)
    return tuple(seen)


def _union_map(key: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for lang in LANGUAGES:
        for word, value in (lexicon(lang).get(key) or {}).items():
            out.setdefault(str(word), float(value))
    return out


# Surface forms of speech/attribution cues, as they appear after or before a quotation.
CUE_FORMS: dict[str, tuple[str, ...]] = _by_lang("cue_forms")
# Nouns whose clause is reported speech ("the ministry's statement that …"), listed for en, it,
# pt, nl, pl, uk; the quotes stage reads them where a parse exists (NOMINAL_CUES: en).
CUE_NOUNS: dict[str, tuple[str, ...]] = _by_lang("cue_nouns")
# Languages whose "according to" markers sit inside the clause without commas ("Sie waren laut
# Polizei am Montag … weggerissen worden"), so text on both sides of "marker + source" is content.
CLAUSE_INTERNAL_ACCORDING = frozenset(
    lang for lang in LANGUAGES if lexicon(lang).get("clause_internal_according")
)
# Languages whose "according to" phrase takes no comma before its clause ("Zdaniem Nauert
# zaangażowanie …"): a comma far after the source belongs to the content.
ACCORDING_WITHOUT_COMMA = frozenset(
    lang for lang in LANGUAGES if lexicon(lang).get("according_without_comma")
)
# "according to X" family: the source follows the marker, the content is the rest of the sentence.
ACCORDING_TO: dict[str, tuple[str, ...]] = _by_lang("according_to")
# "As"-clause markers of an attribution ("Jak mówił, …", "Wie die Polizei mitteilte, …", "…, come
# ha spiegato X."): the quotes stage reads them with a cue inside the clause.
AS_MARKERS: dict[str, tuple[str, ...]] = _by_lang("as_markers")
# Complementisers that open reported speech after a cue ("said that", "a indiqué que").
THAT: dict[str, tuple[str, ...]] = _by_lang("that")
# Cue lemmas for the dependency parse (en, fr, es): reported speech is a cue verb with a ccomp.
CUE_LEMMAS: dict[str, frozenset[str]] = {
    lang: frozenset(words) for lang, words in _by_lang("cue_lemmas").items()
}
# Cue lemmas whose direct object is what was said when they take no clause ("noted the rule",
# "stressed her support", "cited the report"): speech acts, not evidence or belief verbs, whose
# objects are mostly not statements ("showed signs of", "found a way").
OBJECT_CUE_LEMMAS: dict[str, frozenset[str]] = {
    lang: frozenset(words) for lang, words in _by_lang("object_cue_lemmas").items()
}
# Verbs naming their object as something ("called him a liar"): object and complement are what
# was said (the quotes stage's NAMING_CUES).
NAMING_LEMMAS: dict[str, frozenset[str]] = {
    lang: frozenset(words) for lang, words in _by_lang("naming_lemmas").items()
}
# Verbs of intention whose to-infinitive is an attributed content ("wants to repeal the law",
# "plans to visit"), as PolNeAR annotates them: read by the quotes stage (TO_CLAUSES) only.
INTENT_LEMMAS: dict[str, frozenset[str]] = {
    lang: frozenset(words) for lang, words in _by_lang("intent_lemmas").items()
}
# Personal pronouns that can stand for a speaker (subject forms), with grammatical gender.
PRONOUNS: dict[str, dict[str, str]] = {
    lang: dict(lexicon(lang)["pronouns"]) for lang in LANGUAGES if lexicon(lang).get("pronouns")
}
# Role nouns, grouped by what they denote: a role nominal ("the diplomat", "le diplomate") is
# resolved to the person of the article introduced with a role of the same group.
ROLE_GROUPS: dict[str, frozenset[str]] = {}
for _lang in LANGUAGES:
    for _group, _words in (lexicon(_lang).get("roles") or {}).items():
        ROLE_GROUPS[_group] = ROLE_GROUPS.get(_group, frozenset()) | frozenset(_words)
ROLE_TO_GROUP: dict[str, str] = {w: g for g, words in ROLE_GROUPS.items() for w in words}
# Collective nouns that speak for an organisation ("the Syrian government said"): a speaker
# phrase headed by one of these is an organisation, never resolved to a person.
ORG_NOUNS = frozenset(_union("org_nouns"))
# Determiners/articles that open a role nominal.
DETERMINERS = frozenset(_union("determiners"))
# Name particles kept inside a capitalised name ("Bashar al-Assad", "Staffan de Mistura").
NAME_PARTICLES = frozenset(lexicon("common").get("name_particles") or ())


@cache
def cue_regex(language: str) -> re.Pattern[str] | None:
    """One regex matching any cue form of ``language`` as whole words (None if unknown)."""
    forms = CUE_FORMS.get(language)
    if not forms:
        return None
    alternatives = sorted(forms, key=len, reverse=True)
    body = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in alternatives)
    # "a déclaré", "a-t-il souligné", "souligne-t-il", "ha detto": auxiliary and inversion
    prefix, suffix = lexicon(language).get("cue_prefix"), lexicon(language).get("cue_suffix")
    if prefix:
        body = rf"(?:{prefix}\s+)?(?:{body})"
    if suffix:
        body = rf"(?:{body})(?:{suffix})?"
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", re.IGNORECASE)


@cache
def postposed_cue_regex(language: str, dash: bool = False) -> re.Pattern[str] | None:
    """A comma and a cue opening the clause after it ("…, teilte die Stadt mit", "…, ha detto
    X"): the first word of each cue form (a separable particle comes later, if at all), with the
    language's auxiliary prefix. Group 1 is the cue. None if the language has no cue forms. With
    ``dash``, in a language whose lexicon sets ``postposed_dash``, a spaced dash stands for the
    comma ("… Nord Stream 2 – oświadczyła rzeczniczka")."""
    forms = CUE_FORMS.get(language)
    if not forms:
        return None
    lex = lexicon(language)
    extra = [*(lex.get("postposed_markers") or ()), *(lex.get("impersonal_cues") or ())]
    firsts = sorted({f.split()[0] for f in forms} | set(extra), key=len, reverse=True)
    body = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in firsts)
    prefix = lexicon(language).get("cue_prefix")
    if prefix:
        body = rf"(?:{prefix}\s+)?(?:{body})"
    sep = r"(?:,|[ \t\u00a0]+[–—-])" if dash and lex.get("postposed_dash") else ","
    return re.compile(rf"{sep}[ \t\u00a0]+((?:{body}))(?![\w-])", re.IGNORECASE)


@cache
def word_regex(language: str, key: str) -> re.Pattern[str] | None:
    """One regex matching any entry of the lexicon list ``key`` of ``language`` as a whole word
    (a hyphen counts as a word character), case-insensitively; None if the list is empty."""
    words = lexicon(language).get(key)
    if not words:
        return None
    body = "|".join(map(re.escape, words))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


@cache
def as_marker_regex(language: str) -> re.Pattern[str] | None:
    """An "as" marker of attribution (``as_markers``: "jak", "wie", "come") and the spaces after
    it; None if the language has none."""
    markers = AS_MARKERS.get(language)
    if not markers:
        return None
    body = "|".join(map(re.escape, markers))
    return re.compile(rf"(?<![\w-])(?:{body})[ \t\u00a0]+", re.IGNORECASE)


@cache
def infinitive_regex(language: str, gap_chars: int) -> re.Pattern[str] | None:
    """After a cue: up to ``gap_chars`` characters of its object, the language's
    ``infinitive_marker`` and, looked ahead at, an ``infinitive`` ("ha chiesto al governo di
    mettere …"); None if the language has no such marker."""
    lex = lexicon(language)
    marker, infinitive = lex.get("infinitive_marker"), lex.get("infinitive")
    if not marker or not infinitive:
        return None
    return re.compile(
        rf"[^.;:!?\"“”«»„\n]{{0,{gap_chars}}}?(?<!\w){re.escape(marker)}\s+(?={infinitive})",
        re.IGNORECASE,
    )


@cache
def according_regex(language: str) -> re.Pattern[str] | None:
    markers = ACCORDING_TO.get(language)
    if not markers:
        return None
    body = "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in sorted(markers, key=len)[::-1])
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.IGNORECASE)


# ---------------------------------------------------------------------------- claims vocabulary
# Unions over all languages: the claims stage matches them in any text.
# Approximation/limit words before a number ("more than 340,000", "no more than 10-12 percent").
NUMBER_MODIFIERS = _union("number_modifiers")
# Scale words after a number, with their factor.
SCALES: dict[str, float] = _union_map("scales")
# Fractions written as words, as a percentage.
FRACTIONS: dict[str, float] = _union_map("fractions")
# Emphatic zero ("not a single village"): a claim of value 0 about the noun that follows.
ZERO_MARKERS = _union("zero_markers")
PERCENT_WORDS = _union("percent_words")
AREA_WORDS = _union("area_words")
PER_DAY_WORDS = _union("per_day_words")
# Nouns that make a quantity a claim about territory ("not a single village", "8 per cent of
# the province"), so that such claims compare across speakers.
TERRITORY_WORDS = frozenset(_union("territory_words"))
CONTROL_WORDS = _union("control_words")
# Time horizons that make a sentence a prediction ("a matter of weeks or even days").
HORIZONS: dict[str, tuple[str, ...]] = _by_lang("horizons")
