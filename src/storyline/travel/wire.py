"""Wire credits and cited sources: which agency an article says it comes from, and whom it cites.

A **credit** says the article *is* (or is built on) an agency's dispatch. It sits where outlets put
credits, in any language: the byline (``author``), a dateline at the top of the text ("PARIS
(AFP) -", "MADRID, 3 feb (EFE).-", "(Reuters) -"), a short line at the top or the end made only of
credit words and agency names ("Par AFP", "Con información de EFE", "— AFP", "© AFP 2011"). A name
in running text ("Reuters reported", "selon l'AFP") is not a credit but a **cite**: the article
reports what the agency said. Agency names are lexicon data
(``storyline/data/wire_agencies.yaml``); names that are also common abbreviations (AP, AA) count
only in a credit position.

Cites also cover other named sources: a capitalised name right after a cue of the article's
language (``according_to`` in ``data/lexicons/<lang>.yaml``, via :mod:`storyline.text.cues`, and
``cite_cues`` in the agencies file: "told", "in an interview with", "a rapporté").

Hand-rolled: no library tells a credit line from a mention; the rules are position rules a
regular expression states plainly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml
from anyascii import anyascii

from storyline.text.cues import lexicon

# Characters of the text's start searched for a dateline credit ("PARIS, 3 Feb (AFP) -"): a
# dateline is the first thing of the body; 200 characters hold the longest place + date seen.
DATELINE_CHARS = 200
# A credit line is short: at most this many characters ("Con información de EFE y Reuters").
CREDIT_LINE_CHARS = 80
# Words between a cite cue and the cited name ("told the state broadcaster Rossiya 24").
CITE_GAP_WORDS = 4


@dataclass(frozen=True)
class Credit:
    agency: str  # canonical id from the lexicon
    where: str  # "byline", "dateline", "credit line"
    evidence: str  # the words that gave it

    def to_dict(self) -> dict[str, Any]:
        return {"agency": self.agency, "where": self.where, "evidence": self.evidence}


@dataclass(frozen=True)
class Cite:
    name: str  # the cited source as written (an agency: its canonical id)
    evidence: str
    agency: bool

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "evidence": self.evidence, "agency": self.agency}


@cache
def _lexicon() -> dict[str, Any]:
    path = resources.files("storyline").joinpath("data/wire_agencies.yaml")
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("agencies"), dict):
        raise ValueError("wire_agencies.yaml: expected a mapping with 'agencies'")
    return data


def _alternation(names: list[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str], frozenset[str]]:
    """(any name incl. credit-only, running-text names, name -> agency, credit words)."""
    agencies: dict[str, Any] = _lexicon()["agencies"]
    owner: dict[str, str] = {}
    everywhere: list[str] = []
    every: list[str] = []
    for agency, entry in agencies.items():
        names = [str(n) for n in entry.get("names") or []]
        only = [str(n) for n in entry.get("credit_only") or []]
        for name in names + only:
            owner[name.casefold()] = str(agency)
        everywhere += names
        every += names + only
    bound = r"(?<![\w-]){}(?![\w-])"
    any_name = re.compile(bound.format(f"(?:{_alternation(every)})"))
    running = re.compile(bound.format(f"(?:{_alternation(everywhere)})"))
    words = frozenset(str(w).casefold() for w in _lexicon().get("credit_words") or [])
    return any_name, running, owner, words


_TOKEN = re.compile(r"[^\W_][\w'’-]*", re.UNICODE)


@lru_cache(maxsize=8192)
def _tokens(text: str) -> frozenset[str]:
    """The words of ``text`` (memoised: credits and cites of one text share them)."""
    return frozenset(_TOKEN.findall(text))


@cache
def _first_words() -> tuple[frozenset[str], frozenset[str]]:
    """First words of every agency name (any / running-text names): a text holding none of them
    names no agency, and the name patterns need not run over it (they are the costly part)."""
    agencies: dict[str, Any] = _lexicon()["agencies"]
    every: set[str] = set()
    running: set[str] = set()
    for entry in agencies.values():
        for name in entry.get("names") or []:
            found = _TOKEN.findall(str(name))
            if found:
                every.add(found[0])
                running.add(found[0])
        for name in entry.get("credit_only") or []:
            found = _TOKEN.findall(str(name))
            if found:
                every.add(found[0])
    return frozenset(every), frozenset(running)


def names_an_agency(text: str, running_only: bool = False) -> bool:
    every, running = _first_words()
    return not _tokens(text).isdisjoint(running if running_only else every)


def agency_of(name: str) -> str | None:
    """The canonical agency id of a name as written (None: not an agency)."""
    return _patterns()[2].get(name.casefold())


def _is_credit_line(line: str) -> list[str]:
    """The agencies of a short line made only of credit words, agency names, a year and
    punctuation ("— AFP", "Par AFP", "Con información de EFE", "© Reuters 2011"), or starting
    with "<outlet> <connector> <agencies>" ("Le Monde avec AFP et Reuters Publié le …"); else [].
    A picture credit ("Photo AFP") is not the text's credit."""
    line = line.strip()
    if not line:
        return []
    any_name, _, owner, words = _patterns()
    if _PHOTO().search(line):
        return []
    outlet = _OUTLET_CREDIT().match(line)
    if outlet:
        return [owner[m.group().casefold()] for m in any_name.finditer(outlet.group("names"))]
    if len(line) > CREDIT_LINE_CHARS:
        return []
    found = [m.group() for m in any_name.finditer(line)]
    if not found:
        return []
    rest = any_name.sub(" ", line)
    for token in re.findall(r"[^\W\d_]+", rest):
        if token.casefold() not in words:
            return []
    return [owner[f.casefold()] for f in found]


@cache
def _PHOTO() -> re.Pattern[str]:
    words = [str(w) for w in _lexicon().get("photo_words") or []]
    return re.compile(rf"(?<!\w)(?:{_alternation(words)})(?!\w)", re.IGNORECASE)


@cache
def _OUTLET_CREDIT() -> re.Pattern[str]:
    data = _lexicon()
    connectors = [str(w) for w in data.get("credit_connectors") or []]
    most = int(data.get("OUTLET_WORDS_MAX", 4))
    name = rf"(?:{_alternation(list(_all_names()))})"
    return re.compile(
        rf"^(?:[^\W\d][\w'’.-]*\s+){{1,{most}}}(?i:{_alternation(connectors)})\s+"
        rf"(?P<names>{name}(?:\s*(?:,|/|&|\+|(?i:et|and|y|e|und|и|i))\s*{name})*)(?![\w-])"
    )


@cache
def _all_names() -> tuple[str, ...]:
    agencies: dict[str, Any] = _lexicon()["agencies"]
    out: list[str] = []
    for entry in agencies.values():
        out += [str(n) for n in entry.get("names") or []]
        out += [str(n) for n in entry.get("credit_only") or []]
    return tuple(out)


# "PARIS, 3 Feb (AFP) -" (a dash, colon or full stop after the credit), or a first line ending on
# the credit ("à Le Caire (AFP)": scrapers drop the dash with the line break).
_DATELINE = re.compile(
    rf"^[^\n]{{0,{DATELINE_CHARS}}}?[(\[]\s*(?P<names>[^()\[\]\n]{{1,60}}?)\s*[)\]]"
    r"\s*(?:[.,]?\s*[-–—:.]|[ \t]*\n|$)"
)


def credits(text: str, author: str | None = None) -> list[Credit]:
    """The agency credits of an article (byline, dateline, top or end credit line), each agency
    once, in the order found."""
    any_name, _, owner, _ = _patterns()
    out: dict[str, Credit] = {}
    if not names_an_agency(text) and not (author and names_an_agency(author)):
        return []
    if author:
        for match in any_name.finditer(author):
            out.setdefault(
                owner[match.group().casefold()],
                Credit(owner[match.group().casefold()], "byline", author.strip()[:80]),
            )
    body = text.lstrip()
    dateline = _DATELINE.match(body)
    if dateline:
        inside = dateline.group("names")
        if all(
            part.strip() and any_name.fullmatch(part.strip())
            for part in re.split(r"[/,;+]|\s+(?:and|y|et|e|und|и)\s+", inside)
        ):
            for match in any_name.finditer(inside):
                agency = owner[match.group().casefold()]
                out.setdefault(agency, Credit(agency, "dateline", dateline.group().strip()[:80]))
    # a credit line stands anywhere: scraped pages put related links and comments after it;
    # only the lines holding a name are looked at (one pass of the name pattern over the text)
    starts = sorted({text.rfind("\n", 0, m.start()) + 1 for m in any_name.finditer(text)})
    for start in starts:
        end = text.find("\n", start)
        line = text[start : end if end >= 0 else len(text)]
        for agency in _is_credit_line(line):
            out.setdefault(agency, Credit(agency, "credit line", line.strip()[:80]))
    return list(out.values())


# Letters of a transliterated name word compared with the quote speakers' (an inflected ending
# stays outside: "Vorobyov" and "Воробьёва" both give "vorob").
STEM_LETTERS = 5


def speaker_stem(word: str) -> str:
    """The first :data:`STEM_LETTERS` letters of a word, transliterated and casefolded."""
    return "".join(c for c in anyascii(word).casefold() if c.isalpha())[:STEM_LETTERS]


@cache
def _cue_words(language: str) -> frozenset[str]:
    """First words of the language's cite cues, casefolded (a prefilter, as for agency names)."""
    cues = [str(c) for c in lexicon(language).get("according_to") or []]
    cues += [str(c) for c in (_lexicon().get("cite_cues") or {}).get(language) or []]
    return frozenset(w[0] for c in cues if (w := _TOKEN.findall(c.casefold())))


@cache
def _cite_cue(language: str) -> re.Pattern[str] | None:
    cues = [str(c) for c in lexicon(language).get("according_to") or []]
    cues += [str(c) for c in (_lexicon().get("cite_cues") or {}).get(language) or []]
    if not cues:
        return None
    gap = rf"(?:\s+[^\W\d_]*[a-zà-ÿа-яё][\w'’-]*){{0,{CITE_GAP_WORDS}}}?"
    name = r"(?P<name>[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’-]*(?:[ \t]+(?:[A-ZÀ-ÖØ-ÞА-ЯЁ0-9][\w'’-]*))*)"
    return re.compile(rf"(?<![\w])(?i:{_alternation(cues)}){gap}\s+(?:l['’])?{name}")


def cites(
    text: str,
    language: str | None,
    credited: frozenset[str] = frozenset(),
    speakers: frozenset[str] = frozenset(),  # speaker_stem of the speakers' words
) -> list[Cite]:
    """Named sources the article cites: agency names in running text (those not credited), and a
    capitalised name after a cite cue of the article's language. Each name once. Not a cited
    source: a name among ``speakers`` (:func:`speaker_stem` of the speakers' words: "according
    to Vorobyov" attributes a quote), one word followed by a lower-case word ("told Russian
    reporters": an adjective)."""
    _, running, owner, _ = _patterns()
    out: dict[str, Cite] = {}
    for match in running.finditer(text) if names_an_agency(text, running_only=True) else ():
        agency = owner[match.group().casefold()]
        if agency in credited:
            continue
        start = max(0, match.start() - 30)
        out.setdefault(agency, Cite(agency, text[start : match.end() + 30].strip(), True))
    pattern = _cite_cue(language) if language else None
    if pattern is not None and not _tokens(text.casefold()).isdisjoint(_cue_words(language)):
        for match in pattern.finditer(text):
            name = match.group("name").rstrip(".")
            after = text[match.end() : match.end() + 2]
            if " " not in name and re.match(r"\s[a-zà-ÿа-яё]", after):
                continue
            # a speaker's name, in any script, inflected or not ("Vorobyov" / "Воробьёва")
            if {speaker_stem(w) for w in name.split()} & speakers:
                continue
            named = agency_of(name)
            key = named or name
            if (named and named in credited) or key in out:
                continue
            out[key] = Cite(key, match.group().strip()[:100], named is not None)
    return list(out.values())
