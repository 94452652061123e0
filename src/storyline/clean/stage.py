"""Removal of scrape junk from already-extracted text: sets ``text``, ``title`` and ``removed``.

Reads ``raw_text``, ``language``, ``source`` (and ``url``/``hints`` to group articles by outlet).
An HTML extractor never sees this junk because it is already text: share counters, "- Advertisement
-", subscribe / log-in prompts, photo credits, captions and related-article headlines, "READ MORE:",
vote counters, navigation words, bylines and datelines, a UI string in another script.

How a line is judged (general rules, no list of strings from any particular article):

1. **Hard guards first.** A line holding a quotation (quote marks around at least
   :data:`QUOTE_MIN_WORDS` words, or a paragraph that opens/closes a multi-paragraph quote) and a
   long sentence-shaped paragraph (:data:`CONTENT_GUARD_WORDS`) are never removed.
2. **Line shape + cue words** (``data/clean_cues.yaml``, per language; all languages are tried):
   numbers only, advertisement slots, vote counters, "READ MORE:"-style links, © credits,
   captions (``… - Outlet Name`` or ``(… photo)``), bylines (``By Name - date``), datelines (a line
   that is only dates/times, parsed by dateparser), calls to action (a CTA cue in a short line that
   speaks to the reader or is not a sentence), a line in another script than the article's
   language, short interface words.
3. **Context:** a headline-like line right under a caption is a related-article headline; a short
   line next to a call to action is part of it; lines recurring across at least
   :data:`RECURRING_MIN_ARTICLES` articles of one outlet (counted in :meth:`CleanStage.prepare`).

Every removed line is kept in ``removed`` with its reason; bylines and datelines go there too so
the metadata stage can parse them. Reasons: ``title`` (the headline line, moved to ``title``),
``share-counter``, ``separator``, ``advertisement``, ``vote-counter``, ``related-headline``,
``photo-credit``, ``caption``, ``byline``, ``dateline``, ``call-to-action``, ``script-mismatch``
(also homoglyph spam), ``navigation`` (interface words, breadcrumbs, "Category:" labels),
``masthead`` (a short outlet name or section label above the headline), ``recurring-in-source``.
Text-dump titles: when the input gave none, the first headline-like line that is not interface
junk ("You are here") becomes the title, unless it is short (:data:`KICKER_MAX_WORDS`) and the
next kept line is a longer headline: then that one is the title and the short one the masthead
(an outlet's name and a section label look alike, so it does not feed ``source``).

Output: ``text`` is the kept lines, NFC, odd spaces replaced by plain spaces, one paragraph per
line, paragraphs separated by a blank line (a hard-wrapped line continuing in lower case is joined).

Limits: judged line by line, so junk glued inside a content line (e.g. a credit fused with a
caption on one line) goes or stays as one line; a section subheading is kept (it is content);
single-word subheadings in the head or tail of an article can be taken for interface words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from storyline.article import Article, RemovedLine
from storyline.corpus import Corpus

# --- calibration -------------------------------------------------------------------------------
# Calibrated on the five seeds and checked on the trafilatura dev pages (482 pages, `with` /
# `without` snippets; eval/clean.py writes the counts to docs/evaluation.md).

# A quotation guard needs this many words between the quote marks: "'Natural Ally'" in a related
# headline (2 words) is not a quotation, "“unique,”" alone is not either; every quoted statement in
# the seeds has >= 3 words.
QUOTE_MIN_WORDS = 3
# A sentence-shaped line of this many words is a content paragraph and is never removed. The
# longest junk line in the seeds (a caption) has 28 words, a © credit fused with a caption 26;
# CTAs have <= 17.
CONTENT_GUARD_WORDS = 40
# A sentence-shaped line of this many words counts as content when locating the article's head and
# tail (interface words are only removed generically there).
CONTENT_MIN_WORDS = 8
# Lines of at most this many words with no sentence punctuation are interface words ("Chat",
# "loader") when they sit in the head or tail of an article, or are all lower case. Three-word
# subheadings are common in the dev pages' `with` snippets, two-word interface lines are not.
NAV_MAX_WORDS = 2
# A call-to-action cue counts in lines up to this long (the longest CTA in the seeds has 17 words;
# longer lines with "register"/"share" are prose).
CTA_MAX_WORDS = 30
# A sentence with a CTA cue that speaks to the reader is a CTA up to this length (or when it opens
# with the cue): the seeds' CTA sentences have 10 words; longer ones in the dev pages were prose
# ("Since your account login information ... are connected, they both offer ...", 20 words).
CTA_SENTENCE_MAX_WORDS = 15
# A line next to a call to action joins it if it is at most this long and speaks to the reader.
CTA_NEIGHBOUR_MAX_WORDS = 15
# Bylines and datelines are short; longer lines starting "By ..." are sentences
# ("By Thursday, the army ...").
BYLINE_MAX_WORDS = 20
DATELINE_MAX_WORDS = 14
# Captions / related headlines: headline-like lines up to this long (longest caption in the
# seeds: 28 words).
CAPTION_MAX_WORDS = 35
# A line mostly (>= this share of its letters) in another script than the article's language is a
# UI string; only short non-sentence lines in the head or tail of an article. 0.5 removed the
# Russian subheading "Вакцина Novavax" (CL-TLS/SlavicNER dev texts); UI strings are all-foreign.
SCRIPT_MISMATCH_SHARE = 0.8
SCRIPT_MISMATCH_MAX_WORDS = 12
# A line recurring in at least this many articles (and this share) of one outlet in a batch is
# boilerplate (footer, widget); content paragraphs are exempt (wire background paragraphs recur).
RECURRING_MIN_ARTICLES = 3
RECURRING_MIN_SHARE = 0.5
# Extractor output has one paragraph per line and (almost) no blank lines: when blank-line runs
# number less than this share of the lines, every line is its own block (so context rules that
# need "same block" do not join unrelated paragraphs). Seeds: 0.47-0.97; trafilatura output on
# the dev pages: median 0.0, 462 of 482 pages below 0.1.
ONE_PER_LINE_BLANK_SHARE = 0.1
# Breadcrumb trails: at least 3 pieces of at most this many words between arrows ("Home > World").
BREADCRUMB_PIECE_WORDS = 4
# Arrows, or a slash between spaces ("Главная / Город / Транспорт"; not "km/h", "24/7").
BREADCRUMB_SPLIT_RE = re.compile(r"\s*[>»›→]\s*|\s+/\s+")
# "Category: News", "Tel.: +49 …": page-furniture labels, short lines only.
LABEL_MAX_WORDS = 12
# The title of a text dump is searched among the first non-blank lines only.
TITLE_SEARCH_LINES = 5
TITLE_MIN_WORDS = 2
TITLE_MAX_WORDS = 30
# A headline-like first line this short, followed by a longer one, is a masthead or a kicker
# (outlet name, section label) above the headline; see docs/evaluation.md (clean: titles).
KICKER_MAX_WORDS = 4
# ... unless the longer line is a standfirst: on CL-TLS dev, headlines after a kicker had 7-14
# words and the standfirsts under a short headline (Il Post) 18-29.
HEADLINE_AFTER_KICKER_MAX_WORDS = 16

# --- character classes -------------------------------------------------------------------------

# Spaces that are not U+0020 (the seeds contain U+00A0) and invisible characters dropped outright.
# (regexes, not str.translate with a dict: 10x faster on long pages, profiled on the dev pages)
ODD_SPACES_RE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\x0b\x0c]")
INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
LINE_SEPARATORS_RE = re.compile("\r\n?|[\u2028\u2029\x85]")
# Control characters, bidi marks, surrogates and private-use glyphs (icon fonts) are dropped.
CONTROL_RE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x84\x86-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ue000-\uf8ff\U000f0000-\U0010ffff]"
)
SENTENCE_END = ".!?…。！？؟"
CLOSERS = "\"'”’»›)]」』*"
OPENERS = "\"'“‘«‹„‚(「『¿¡—–-"
DASHES = "-–—"

QUOTE_PATTERNS = [
    re.compile(r"“([^“”]+)”"),
    re.compile(r"„([^„“”]+)[“”]"),
    re.compile(r"«([^«»]+)»"),
    re.compile(r"»([^«»]+)«"),
    re.compile(r"「([^「」]+)」|『([^『』]+)』"),
    re.compile(r"‹([^‹›]+)›"),
    re.compile(r'"([^"]+)"'),
    # bounded, so a megabyte-long line with many apostrophes stays linear
    re.compile(r"(?<!\w)‘(.{1,1000}?)’(?!\w)"),
    re.compile(r"(?<!\w)'(.{1,1000}?)'(?!\w)"),
]
# A paragraph that opens a quotation continued in the next paragraph, or closes one.
QUOTE_OPEN_RE = re.compile(r"^[“«„\"「『]\s*\w")
QUOTE_CLOSE_RE = re.compile(r"\w[.,!?…]?\s*[”»\"」』]\s*$")

READER_RE = re.compile(
    r"(?i:(?<!\w)(?:you|your|yours|vous|votre|vos|tu|tú|usted|ustedes|du|dein|deine|вы|вас|ваш"
    r"|ваша|ваше|ты|тебя|voi|tuo|tua|dir|dich|deinen|deiner|euch|euer|eure"
    r"|please|veuillez|por favor|пожалуйста)(?!\w))"
    r"|(?<!\w)(?:Sie|Ihr|Ihre|Ihren|Ihnen|Bitte|bitte)(?!\w)"
)
# "us"/"our" of the outlet, and social networks: with a CTA verb first, a line is a call to action.
OUTLET_RE = re.compile(
    r"(?i:(?<!\w)(?:us|our|nous|nos|notre|nos|nuestro|nuestra|nuestros|nos|uns|unser|unsere|unseren"
    r"|нас|наш|наши|нашу|ci|nostro|nostra|twitter|facebook|instagram|telegram|tiktok|youtube|x\.com"
    r"|whatsapp|linkedin|newsletter|app|apps)(?!\w))"
)
# A word mixing two scripts ("Yоur" with a Cyrillic о) is obfuscated spam, never prose.
# Words mixing scripts are normal in some languages ("iPhone-ом" in Russian), so a line is spam
# only when at least this share of its words (and 2 or more) mix scripts; homoglyph spam on the
# dev pages has > 0.6.
MIXED_SCRIPT_MIN_WORDS = 2
MIXED_SCRIPT_SHARE = 0.3
# "- Sputnik International" at the end of a caption or related headline: an outlet is 1-4 words.
CAPTION_SUFFIX_RE = re.compile(r"^(?P<body>.+?)\s+[-–—|]\s+(?P<outlet>[^-–—|]{2,60})$")
CAPTION_SPLIT_RE = re.compile(r"\s[-–—|]\s")
CONNECTORS = frozenset({"de", "of", "the", "la", "le", "el", "der", "die", "du", "des", "and", "&"})
# Share/comment counters: digits with thousands separators, optionally 1.2K / 3M ("2 1,834", "0").
COUNTER_RE = re.compile(r"^[\d\s.,]*\d[\d\s.,]*[KkMm]?$")
PHOTO_PAREN_RE = re.compile(r"\(([^()]{1,60})\)\s*$")
COPYRIGHT_RE = re.compile(r"^\s*(?:©|\(c\)\s|copyright\b)", re.I)
SEGMENT_SPLIT_RE = re.compile(r"\s+[/|•·–—-]\s+|\s*[|•·]\s*|\s+/\s*|\s*/\s+")
NAME_CONNECTORS = frozenset({"and", "&", "et", "y", "und", "и", "e", "i", ",", "van", "von", "de"})
# Where the names of a byline end: a spaced dash or slash, a bar, a bullet, a parenthesis
# ("Barzahler-Rabatten" is one word).
NAME_CUT_RE = re.compile(r"\s+[-–—/]\s+|\s*[|•·(]\s*")

# A day-month-year date has a year: 4 digits 1900-2099, or a numeric d.m.yy. Segments without one
# are not handed to dateparser at all.
YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|(?<!\d)\d{1,2}[./-]\d{1,2}[./-]\d\d(?!\d)")

# A printed date has few words besides numbers ("3 de marzo de 2020": 3; "26. Februar 2020,
# 12:30 Uhr": 2); more means prose. Cuts dateparser calls (3 ms each) by half on the dev pages.
DATE_MAX_WORDS = 4

# Scripts by language; a language not listed takes the dominant script of its own text.
LANGUAGE_SCRIPTS = {
    **dict.fromkeys(
        [
            *("en", "fr", "es", "de", "it", "pt", "nl", "sv", "da", "no", "nb", "nn", "fi", "et"),
            *("lv", "lt", "pl", "cs", "sk", "sl", "hr", "bs", "hu", "ro", "tr", "az", "sq", "ca"),
            *("eu", "gl", "ga", "cy", "is", "mt", "id", "ms", "tl", "sw", "vi", "af", "lb"),
        ],
        "LATIN",
    ),
    **dict.fromkeys(["ru", "uk", "bg", "mk", "be", "kk", "ky", "mn", "tg", "tt", "ba"], "CYRILLIC"),
    **dict.fromkeys(["ar", "fa", "ur", "ps", "ug", "ckb"], "ARABIC"),
    **dict.fromkeys(["zh", "ja", "ko"], "CJK"),
    "he": "HEBREW",
    "yi": "HEBREW",
    "el": "GREEK",
    "hi": "DEVANAGARI",
    "mr": "DEVANAGARI",
    "ne": "DEVANAGARI",
    "th": "THAI",
    "ka": "GEORGIAN",
    "hy": "ARMENIAN",
}
EAST_ASIAN = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPHIC"})


# --- cue words ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cues:
    """Compiled cue patterns, one per category of ``data/clean_cues.yaml`` (all languages)."""

    call_to_action: re.Pattern[str]
    related_prefix: re.Pattern[str]
    related_line: re.Pattern[str]
    navigation_line: re.Pattern[str]
    advertisement_line: re.Pattern[str]
    vote_counter: re.Pattern[str]
    byline: re.Pattern[str]
    dateline: re.Pattern[str]
    dateline_anywhere: re.Pattern[str]  # a dateline cue inside a line ("Le Monde Publié le …")
    photo_credit: re.Pattern[str]
    photo_prefix: re.Pattern[str]
    related_start: re.Pattern[str]
    label: re.Pattern[str]
    disclosure: re.Pattern[str]
    cta_start: re.Pattern[str]


def _alternation(words: Iterable[str]) -> str:
    # Longest first, so "sign up now" wins over "sign up"; apostrophes are matched in both forms.
    escaped = [re.escape(w.replace("’", "'")) for w in sorted(set(words), key=len, reverse=True)]
    return "|".join(escaped)


def compile_cues(table: dict[str, dict[str, list[str]]]) -> Cues:
    def words(category: str) -> str:
        per_language = table.get(category) or {}
        return _alternation(w for ws in per_language.values() for w in ws)

    def anywhere(category: str) -> re.Pattern[str]:
        return re.compile(rf"(?<!\w)(?:{words(category)})(?!\w)", re.I)

    def whole_line(category: str) -> re.Pattern[str]:
        return re.compile(rf"^[\W_]*(?:{words(category)})[\W_]*$", re.I)

    return Cues(
        call_to_action=anywhere("call_to_action"),
        related_prefix=re.compile(
            rf"^[\W_]*(?:{words('related')})\s*(?:[:：|»›>]|[{DASHES}]|\.\.\.|…)\s*\S", re.I
        ),
        related_line=whole_line("related"),
        navigation_line=whole_line("navigation"),
        advertisement_line=whole_line("advertisement"),
        vote_counter=re.compile(
            rf"^\W*\d[\d.,\s]*(?:\w+\s+){{0,3}}(?:{words('vote_counter')})(?!\w)", re.I
        ),
        byline=re.compile(rf"^(?:{words('byline')})\s*:?\s+(?P<rest>\S.*)$", re.I),
        dateline=re.compile(rf"^\W*(?:{words('dateline')})(?!\w)\s*:?\s*(?:at|on|le|el|am)?", re.I),
        dateline_anywhere=anywhere("dateline"),
        photo_credit=anywhere("photo_credit"),
        photo_prefix=re.compile(rf"^\W*(?:{words('photo_credit')})\.?\s*:", re.I),
        related_start=re.compile(rf"^[\W_]*(?:{words('related')})(?!\w)", re.I),
        label=re.compile(rf"^[\W_]*(?:{words('label')})\.?\s*:\s*\S", re.I),
        disclosure=anywhere("disclosure"),
        cta_start=re.compile(rf"^[\W_]*(?:{words('cta_start')})(?!\w)", re.I),
    )


@cache
def packaged_cues() -> Cues:
    """The cue table shipped in ``storyline/data/clean_cues.yaml``, compiled once."""
    text = resources.files("storyline").joinpath("data/clean_cues.yaml").read_text("utf-8")
    return compile_cues(yaml.safe_load(text))


def load_cues(extra: str | Path | None = None) -> Cues:
    """Packaged cues, extended by a user YAML file with the same keys (cues are added)."""
    if extra is None:
        return packaged_cues()
    text = resources.files("storyline").joinpath("data/clean_cues.yaml").read_text("utf-8")
    table: dict[str, dict[str, list[str]]] = yaml.safe_load(text)
    user: dict[str, dict[str, list[str]]] = yaml.safe_load(Path(extra).read_text("utf-8")) or {}
    for category, per_language in user.items():
        for language, words in (per_language or {}).items():
            table.setdefault(category, {}).setdefault(language, []).extend(words)
    return compile_cues(table)


# --- line features -----------------------------------------------------------------------------


def normalise_text(raw: str) -> str:
    """NFC, Unix newlines, odd spaces → ' ', invisible characters and other controls dropped,
    runs of spaces collapsed and each line stripped."""
    text = LINE_SEPARATORS_RE.sub("\n", unicodedata.normalize("NFC", raw))
    text = CONTROL_RE.sub("", INVISIBLE_RE.sub("", ODD_SPACES_RE.sub(" ", text)))
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def ascii_digits(text: str) -> str:
    """Arabic-Indic, Devanagari … digits as ASCII digits (for the year check only)."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def word_count(line: str) -> int:
    return len(line.split())


def is_quotation(line: str) -> bool:
    """Quote marks around >= QUOTE_MIN_WORDS words, or a paragraph opening/closing a quotation."""
    for pattern in QUOTE_PATTERNS:
        for match in pattern.finditer(line):
            inner = next((g for g in match.groups() if g), "")
            if word_count(inner) >= QUOTE_MIN_WORDS:
                return True
    if word_count(line) >= QUOTE_MIN_WORDS + 2:
        return bool(QUOTE_OPEN_RE.search(line) or QUOTE_CLOSE_RE.search(line))
    return False


def sentence_shaped(line: str) -> bool:
    """Ends like a sentence (. ! ? … possibly inside closing quotes) and has a few words."""
    stripped = line.rstrip(CLOSERS + " ")
    return word_count(line) >= 4 and bool(stripped) and stripped[-1] in SENTENCE_END


def addresses_reader(line: str) -> bool:
    return bool(READER_RE.search(line))


@lru_cache(maxsize=4096)
def char_script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "UNKNOWN"
    script = name.split(" ", 1)[0]
    return "CJK" if script in EAST_ASIAN else script


def script_shares(text: str) -> Counter[str]:
    return Counter(char_script(ch) for ch in text if ch.isalpha())


def dominant_script(text: str) -> str | None:
    shares = script_shares(text)
    return shares.most_common(1)[0][0] if shares else None


def caption_outlet(line: str) -> str | None:
    """The outlet in a ``… - Outlet Name`` suffix (1-4 capitalised words), else None."""
    match = CAPTION_SUFFIX_RE.match(line)
    if not match:
        return None
    outlet = match.group("outlet").strip()
    words = outlet.split()
    if not 1 <= len(words) <= 4 or not words[0][:1].isupper():
        return None
    if not all(w[:1].isupper() or w.lower() in CONNECTORS for w in words):
        return None
    body = match.group("body").rstrip(CLOSERS + " ")
    # A caption describes something (>= 3 words) in one piece; "29.11.2022 - Band - Venue"
    # listings and "- item" list lines are not captions.
    if word_count(body) < 3 or body[:1] in DASHES or CAPTION_SPLIT_RE.search(body):
        return None
    if body[-1] in SENTENCE_END:
        return None
    return outlet


def credit_outlet(line: str) -> str | None:
    """The first credited name in a © credit ("© Sputnik / Name / …" → "Sputnik")."""
    if not COPYRIGHT_RE.match(line):
        return None
    rest = COPYRIGHT_RE.sub("", line, count=1).strip()
    rest = re.sub(r"^(?:\d{4}(?:\s*[-–]\s*\d{4})?)\s*", "", rest)
    # "© Фото: Outlet / Name", "© Photo : Outlet": the label word is not the outlet.
    rest = packaged_cues().photo_prefix.sub("", rest, count=1).strip()
    name = re.split(r"\s+[/.|,]\s*|\s*/\s*|\s*\|\s*|\s+[-–—]\s+", rest, maxsplit=1)[0].strip(" .,")
    return name if name and word_count(name) <= 4 and name[:1].isalpha() else None


def byline_names(line: str, cues: Cues | None = None) -> tuple[str, str] | None:
    """Split a byline into ``(names, rest)``: "By AFP - Dec 08,2017" → ("AFP", "Dec 08,2017").

    Names are capitalised words (joined by commas or "and"); anything else after the cue word means
    the line is a sentence ("By Thursday, the army had ..."), and None is returned.
    """
    cues = cues or packaged_cues()
    match = cues.byline.match(line)
    # "von Künstlern, Bands, DJs," is a fragment of a sentence, not a byline
    if not match or word_count(line) > BYLINE_MAX_WORDS or not line[:1].isupper():
        return None
    if line.endswith(","):
        return None
    rest = match.group("rest")
    cut = NAME_CUT_RE.search(rest)
    names, tail = (rest[: cut.start()], rest[cut.end() :]) if cut else (rest, "")
    tokens = re.findall(r"[\w'’.-]+|,|&", names)
    capitalised = [t for t in tokens if t[:1].isupper()]
    if not capitalised or len(tokens) > 12:
        return None
    if any(not (t[:1].isupper() or t.lower() in NAME_CONNECTORS) for t in tokens):
        return None
    if not tail and names.rstrip()[-1:] in SENTENCE_END and not names.rstrip().endswith("."):
        return None
    return names.strip(" ,"), tail.strip(" -–—|/")


def name_like(text: str) -> bool:
    """1-4 capitalised words (connectors allowed): "Arianna Pescini", "Jean de La Fontaine"."""
    tokens = text.split()
    return 1 <= len(tokens) <= 4 and all(
        t[:1].isupper() or t.lower() in NAME_CONNECTORS for t in tokens
    )


def dated_byline(line: str, language: str | None) -> str | None:
    """The names of a "date | Name" byline ("26 Ottobre 2011 | Arianna Pescini"), else None."""
    if word_count(line) > BYLINE_MAX_WORDS or not any(ch.isdigit() for ch in line):
        return None
    # exactly a date and a person's name (2+ words): "date - Band - Venue" listings and
    # "date | Pressemitteilungen" categories are not bylines
    segments = date_segments(line)
    if len(segments) != 2:
        return None
    dated = [s for s in segments if parse_absolute_date(s, language) is not None]
    names = [s for s in segments if s not in dated]
    if len(dated) != 1 or len(names) != 1 or word_count(names[0]) < 2:
        return None
    return names[0] if name_like(names[0]) else None


def date_segments(line: str) -> list[str]:
    """The pieces of a byline/dateline between separators: "2 Aug, 2018 14:54 / Updated …"."""
    return [s.strip(" ,") for s in SEGMENT_SPLIT_RE.split(line) if s and s.strip(" ,")]


@lru_cache(maxsize=2048)
def parse_absolute_date(segment: str, language: str | None) -> Any:
    """A ``datetime`` when ``segment`` is an absolute date with day, month and year, else None.

    Relative expressions ("6 years ago") are refused on purpose: only the date printed on the page
    is a publication date.
    """
    import dateparser

    if len(segment) > 60 or not YEAR_RE.search(ascii_digits(segment)):
        return None
    if sum(any(ch.isalpha() for ch in token) for token in segment.split()) > DATE_MAX_WORDS:
        return None  # prose with a year in it ("In 2012 the company was sold"), not a date
    settings = {
        "PARSERS": ["absolute-time", "custom-formats"],
        "REQUIRE_PARTS": ["day", "month", "year"],
    }
    # The article language, then English (English month names and numeric dates are common on
    # pages in any language). Never all locales: that costs ~50 ms a call (profiled on the
    # trafilatura dev pages, where it made cleaning 0.35 s/article).
    for languages in dict.fromkeys([language or "en", "en"]):
        try:
            found = dateparser.parse(segment, languages=[languages], settings=settings)
        except Exception:  # a third-party parser on arbitrary text: no date rather than a crash
            found = None
        if found is not None:
            return found
    return None


def strip_date_cue(segment: str, cues: Cues) -> tuple[str, bool]:
    """Remove a leading "Updated"/"Published" cue; returns (segment, had_cue)."""
    match = cues.dateline.match(segment)
    if match and match.end() > 0 and segment[: match.end()].strip(" :"):
        return segment[match.end() :].strip(" :,"), True
    return segment, False


def is_dateline(line: str, language: str | None, cues: Cues) -> bool:
    """Only dates, times and dateline cues ("Updated 6 years ago") between separators."""
    if word_count(line) > DATELINE_MAX_WORDS or not any(ch.isdigit() for ch in line):
        return False
    parsed = 0
    for segment in date_segments(line):
        rest, had_cue = strip_date_cue(segment, cues)
        if parse_absolute_date(rest, language) is not None:
            parsed += 1
        elif had_cue:
            parsed += 1 if any(ch.isdigit() for ch in rest) else 0
        elif re.fullmatch(r"[\d:.hH ]+(?:[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{2,4})?", segment):
            continue  # a bare time such as "14:54 GMT"
        else:
            return False
    return parsed > 0


# --- the cleaner -------------------------------------------------------------------------------


@dataclass
class Line:
    """One line of the normalised input and what the cleaner decided about it."""

    index: int
    text: str
    block: int
    words: int
    guarded: bool = False
    foreign: bool = False  # mostly in another script than the article's language
    reason: str | None = None


@dataclass
class Cleaned:
    text: str
    title: str | None
    removed: list[RemovedLine] = field(default_factory=list)


def split_lines(text: str) -> list[Line]:
    """Non-blank lines with their block number. A text with no blank lines at all (extractor
    output: one paragraph per line) has one block per line."""
    raw_lines = text.split("\n")
    filled = sum(1 for line in raw_lines if line)
    blank_runs = text.strip("\n").count("\n\n")
    one_per_line = blank_runs < ONE_PER_LINE_BLANK_SHARE * filled
    lines: list[Line] = []
    block = 0
    for i, line in enumerate(raw_lines):
        if not line:
            block += 1
            continue
        if one_per_line:
            block += 1
        lines.append(Line(index=i, text=line, block=block, words=word_count(line)))
    return lines


class Cleaner:
    """The line judge; one instance holds the cue table and per-outlet recurring lines."""

    def __init__(self, cues: Cues | None = None) -> None:
        self.cues = cues or packaged_cues()
        # outlet key → normalised lines recurring in that outlet's articles (set by prepare)
        self.recurring: dict[str, set[str]] = {}
        # caption suffixes ("Sputnik International") seen in >= 2 articles of the batch
        self.batch_outlets: set[str] = set()

    # batch statistics

    def learn(self, articles: list[Article]) -> None:
        by_outlet: dict[str, list[set[str]]] = defaultdict(list)
        suffixes: Counter[str] = Counter()
        for article in articles:
            lines = {recurring_key(line) for line in normalise_text(article.raw_text).split("\n")}
            lines.discard("")
            key = outlet_key(article)
            if key:
                by_outlet[key].append(lines)
            suffixes.update({o for o in map(caption_outlet, lines) if o})
        self.batch_outlets = {o.casefold() for o, n in suffixes.items() if n >= 2}
        self.recurring = {}
        for key, sets in by_outlet.items():
            if len(sets) < RECURRING_MIN_ARTICLES:
                continue
            counts = Counter(line for lines in sets for line in lines)
            floor = max(RECURRING_MIN_ARTICLES, RECURRING_MIN_SHARE * len(sets))
            self.recurring[key] = {line for line, n in counts.items() if n >= floor}

    # one article

    def clean(
        self,
        raw_text: str,
        language: str | None = None,
        title: str | None = None,
        outlet: str | None = None,
        known_outlets: Iterable[str] = (),
    ) -> Cleaned:
        text = normalise_text(raw_text)
        lines = split_lines(text)
        if not lines:
            return Cleaned(text="", title=title)
        script = LANGUAGE_SCRIPTS.get(language or "") or dominant_script(text)
        for line in lines:
            # a quotation is never removed; long prose only when it is not homoglyph spam
            line.guarded = is_quotation(line.text) or (
                sentence_shaped(line.text)
                and line.words >= CONTENT_GUARD_WORDS
                and not homoglyph_spam(line)
            )
        found_title = self._take_title(lines, title, language)
        outlets = {o.casefold() for o in known_outlets if o} | self.batch_outlets
        suffix_counts = Counter(
            o.casefold() for o in map(caption_outlet, (x.text for x in lines)) if o
        )
        outlets |= {o for o, n in suffix_counts.items() if n >= 2}
        outlets |= {c.casefold() for c in map(credit_outlet, (x.text for x in lines)) if c}
        for line in lines:
            if line.reason is None and not line.guarded:
                line.reason = self._judge(line, language, script, outlets)
        if script:
            for line in lines:
                line.foreign = line.reason is None and self._script_mismatch(line, script)
        self._context(lines, language)
        self._edges(lines)
        recurring = self.recurring.get(outlet or "", set())
        for line in lines:
            if (
                line.reason is None
                and not line.guarded
                and recurring_key(line.text) in recurring
                and not (sentence_shaped(line.text) and line.words >= CONTENT_MIN_WORDS)
            ):
                line.reason = "recurring-in-source"
        return Cleaned(
            text=assemble(lines),
            title=found_title if title is None else title,
            removed=[RemovedLine(line.text, line.reason) for line in lines if line.reason],
        )

    def _take_title(self, lines: list[Line], title: str | None, language: str | None) -> str | None:
        head = lines[:TITLE_SEARCH_LINES]
        if title is not None:
            wanted = " ".join(title.split()).casefold()
            for line in head:
                folded = line.text.casefold()
                # the headline line, or the headline with the site appended ("… - Outlet")
                if folded == wanted or (
                    folded.startswith(wanted) and caption_outlet(line.text) is not None
                ):
                    line.reason = "title"
                    return title
            return title
        candidates: list[Line] = []
        for line in head:
            if self._judge(line, language, None, set()) is not None:
                continue
            headline = not line.text.endswith(".")  # headlines do not end with a full stop
            if headline and TITLE_MIN_WORDS <= line.words <= TITLE_MAX_WORDS:
                candidates.append(line)
                if len(candidates) == 2 or line.words > KICKER_MAX_WORDS:
                    break
                continue
            if candidates or line.words > TITLE_MAX_WORDS or sentence_shaped(line.text):
                break  # prose: the text has no (further) headline line
        if not candidates:
            return None
        if (
            len(candidates) == 2
            and candidates[0].words < candidates[1].words <= HEADLINE_AFTER_KICKER_MAX_WORDS
        ):
            # a masthead or kicker above the headline ("Le Courrier du Nord", "Intervención
            # en Libia"): page furniture, not the title
            candidates[0].reason = "masthead"
            candidates = candidates[1:]
        candidates[0].reason = "title"
        return candidates[0].text

    def _judge(
        self, line: Line, language: str | None, script: str | None, outlets: set[str]
    ) -> str | None:
        """The reason to remove one line on its own (no context), or None."""
        text, cues = line.text, self.cues
        if line.words > CAPTION_MAX_WORDS:
            # every shape rule below is for short lines; long ones can only be credits or spam
            if COPYRIGHT_RE.match(text):
                return "photo-credit"
            return "script-mismatch" if homoglyph_spam(line) else None
        matchable = text.replace("’", "'")
        if not any(ch.isalpha() for ch in text):
            if COUNTER_RE.match(text):
                return "share-counter"
            return None if any(ch.isdigit() for ch in text) else "separator"
        if cues.advertisement_line.match(matchable):
            return "advertisement"
        if line.words <= 8 and cues.vote_counter.match(matchable):
            return "vote-counter"
        if cues.related_prefix.match(matchable) and line.words <= CAPTION_MAX_WORDS:
            return "related-headline"
        if cues.related_start.match(matchable) and (
            text.endswith(":") or (line.words <= 6 and not sentence_shaped(text))
        ):
            return "related-headline"
        if COPYRIGHT_RE.match(text) or (
            cues.photo_prefix.match(matchable) and line.words <= CAPTION_MAX_WORDS
        ):
            return "photo-credit"
        if "©" in text and line.words <= CAPTION_MAX_WORDS:
            return "caption"  # a caption ending in its credit: "Name, skier. © AFP / NAME"
        if cues.disclosure.search(matchable) and line.words <= CTA_MAX_WORDS:
            return "advertisement"
        if cues.label.match(matchable) and line.words <= LABEL_MAX_WORDS:
            return "navigation"
        if dated_byline(text, language) is not None:
            return "byline"
        if line.words <= CAPTION_MAX_WORDS and self._is_caption(text, outlets):
            return "caption"
        if byline_names(text, cues) is not None:
            return "byline"
        if is_dateline(text, language, cues):
            return "dateline"
        if (
            line.words <= CTA_MAX_WORDS
            and cues.call_to_action.search(matchable)
            and (not sentence_shaped(text) or line.words <= 6 or self._cta_sentence(line))
        ):
            return "call-to-action"
        if (
            line.words <= CTA_MAX_WORDS
            and cues.cta_start.match(matchable)
            and (
                addresses_reader(text)
                or OUTLET_RE.search(text)
                or cues.call_to_action.search(matchable)
            )
        ):
            return "call-to-action"
        if homoglyph_spam(line):
            return "script-mismatch"
        if cues.navigation_line.match(matchable) or cues.related_line.match(matchable):
            return "navigation"
        if is_breadcrumb(text):
            return "navigation"
        return None

    def _cta_sentence(self, line: Line) -> bool:
        """A sentence with a CTA cue is a call to action when it speaks to the reader and is
        short or opens with the cue ("Sign up here to get …"); "Since your account login …
        they both offer the same security features." is prose."""
        if not addresses_reader(line.text):
            return False
        matchable = line.text.replace("’", "'")
        opens = self.cues.call_to_action.match(matchable) or self.cues.cta_start.match(matchable)
        return line.words <= CTA_SENTENCE_MAX_WORDS or bool(opens)

    def _is_caption(self, text: str, outlets: set[str]) -> bool:
        outlet = caption_outlet(text)
        if outlet is not None:
            # Two-word suffixes ("Sputnik International") are outlet names; a one-word suffix
            # ("- Moscow") may be an attribution, so it needs the outlet confirmed elsewhere.
            folded = outlet.casefold()
            if len(outlet.split()) >= 2 or folded in outlets:
                return True
            if any(folded.split()[0] == o.split()[0] for o in outlets if o):
                return True
        paren = PHOTO_PAREN_RE.search(text)
        return bool(paren and self.cues.photo_credit.search(paren.group(1)))

    def _script_mismatch(self, line: Line, script: str) -> bool:
        if line.words > SCRIPT_MISMATCH_MAX_WORDS or sentence_shaped(line.text):
            return False
        if script == "LATIN" and line.text.isascii():
            return False
        shares = script_shares(line.text)
        total = sum(shares.values())
        if total < 3:
            return False
        foreign = total - shares.get(script, 0)
        return foreign / total >= SCRIPT_MISMATCH_SHARE

    def _context(self, lines: list[Line], language: str | None) -> None:
        """Related headlines under captions, lines glued to calls to action."""
        for i, line in enumerate(lines):
            if line.reason is not None or line.guarded:
                continue
            before = lines[i - 1] if i > 0 else None
            if (
                before
                and before.block == line.block
                and before.reason
                in (
                    "caption",
                    "photo-credit",
                )
            ):
                if near_duplicate(line.text, [x.text for x in lines if x.reason == "caption"]):
                    line.reason = "caption"
                elif headline_like(line):
                    line.reason = "related-headline"
            elif (
                before
                and before.block == line.block
                and before.reason == "related-headline"
                and self.cues.related_line.match(before.text)
                and headline_like(line)
            ):
                line.reason = "related-headline"
        # calls to action pull in their short neighbours: one pass down, one pass up, so a chain
        # of any length is resolved in linear time
        for order, step in ((range(len(lines)), -1), (range(len(lines) - 1, -1, -1), 1)):
            for i in order:
                line, j = lines[i], i + step
                if line.reason is not None or line.guarded or line.words > CTA_NEIGHBOUR_MAX_WORDS:
                    continue
                if line.foreign:  # judged as a UI string (or kept) by _edges
                    continue
                if not 0 <= j < len(lines) or lines[j].reason != "call-to-action":
                    continue
                same_block = lines[j].block == line.block
                short_label = line.words <= 8 and not sentence_shaped(line.text)
                if addresses_reader(line.text) or (same_block and short_label):
                    line.reason = "call-to-action"

    def _edges(self, lines: list[Line]) -> None:
        """The head and tail of an article (before its first / after its last content
        paragraph): a short line in another script there, next to other junk or first/last, is
        a UI string; a very short non-sentence line next to junk (or all in lower case) is an
        interface word. In the body, foreign-script lines (an Arabic tweet in a Spanish report)
        and short lines (list items) stay."""
        content = [
            i
            for i, line in enumerate(lines)
            if line.reason is None
            and sentence_shaped(line.text)
            and line.words >= CONTENT_MIN_WORDS
        ]
        if not content:
            return  # no prose to tell head and tail from (a list page): keep its short lines
        junk = [line.reason not in (None, "title") for line in lines]
        last = len(lines) - 1
        for i, line in enumerate(lines):
            if line.reason is not None or line.guarded:
                continue
            edge = i < content[0] or i > content[-1]
            beside_junk = (i > 0 and junk[i - 1]) or (i < last and junk[i + 1])
            if line.foreign and edge and (beside_junk or i in (0, last)):
                line.reason = "script-mismatch"
                continue
            if line.words > NAV_MAX_WORDS:
                continue
            if line.text.rstrip(CLOSERS)[-1:] in SENTENCE_END + ",;:":
                continue
            lower = line.text == line.text.lower()
            if beside_junk and (edge or lower):
                line.reason = "navigation"


@lru_cache(maxsize=1024)
def mixed_script_words(text: str) -> int:
    """Words whose letters come from more than one script (homoglyph obfuscation)."""
    if text.isascii():
        return 0
    mixed = 0
    for word in text.split():
        if word.isascii():
            continue
        scripts = {char_script(ch) for ch in word if ch.isalpha()}
        mixed += len(scripts) > 1
    return mixed


def is_breadcrumb(text: str) -> bool:
    """ "Home > World > Middle East": short pieces joined by breadcrumb arrows, no sentence end."""
    pieces = BREADCRUMB_SPLIT_RE.split(text)
    if len(pieces) < 3 or text.rstrip(CLOSERS)[-1:] in SENTENCE_END:
        return False
    return all(0 < word_count(piece) <= BREADCRUMB_PIECE_WORDS for piece in pieces)


def homoglyph_spam(line: Line) -> bool:
    """Text written with look-alike letters of another script ("Yоur соntеnt" with Cyrillic о/е)."""
    mixed = mixed_script_words(line.text)
    return mixed >= MIXED_SCRIPT_MIN_WORDS and mixed >= MIXED_SCRIPT_SHARE * line.words


def headline_like(line: Line) -> bool:
    """A headline: a few words, starting with a capital, digit or quote mark, no sentence end
    (a list item "- then turn left" is not one)."""
    first = line.text[:1]
    starts = first.isupper() or first.isdigit() or first in OPENERS.replace("-", "")
    return starts and 2 <= line.words <= CAPTION_MAX_WORDS and not sentence_shaped(line.text)


def near_duplicate(text: str, captions: list[str]) -> bool:
    """A caption repeated without its outlet suffix (or a © credit's caption repeated)."""
    folded = text.casefold()
    return any(folded in c.casefold() for c in captions if c != text)


def recurring_key(line: str) -> str:
    return " ".join(line.casefold().split())


def outlet_key(article: Article) -> str | None:
    """The outlet of an article, for recurring-line counts: source, site name or URL domain."""
    if article.source:
        return article.source.casefold()
    if article.hints.get("sitename"):
        return article.hints["sitename"].casefold()
    if article.url:
        host = urlsplit(article.url).hostname or ""
        return host.removeprefix("www.") or None
    return None


def assemble(lines: list[Line]) -> str:
    """Kept lines as paragraphs separated by a blank line. A hard-wrapped line continuing in lower
    case (previous line adjacent, same block, no sentence end) is joined to the previous one."""
    paragraphs: list[str] = []
    previous: Line | None = None
    for line in lines:
        if line.reason is not None:
            previous = None
            continue
        continues = (
            previous is not None
            and previous.block == line.block
            and previous.index + 1 == line.index
            and line.text[:1].islower()
            and previous.text.rstrip(CLOSERS)[-1:] not in SENTENCE_END + ":"
        )
        if continues:
            paragraphs[-1] = f"{paragraphs[-1]} {line.text}"
        else:
            paragraphs.append(line.text)
        previous = line
    return "\n\n".join(paragraphs)


class CleanStage:
    """Sets ``text``, ``title`` (only when the input gave none) and ``removed``."""

    name = "clean"
    requires: tuple[str, ...] = ("raw_text", "language", "source", "title", "url", "hints")
    assigns: tuple[str, ...] = ("text", "title", "removed")
    parallel = True

    def __init__(self, corpus: Corpus, cleaner: Cleaner | None = None) -> None:
        self.corpus = corpus
        self.cleaner = cleaner or Cleaner()

    def prepare(self, batch: list[Article]) -> None:
        self.cleaner.learn(batch)

    def __call__(self, article: Article) -> Article:
        known = [article.source or "", article.hints.get("sitename", "")]
        cleaned = self.cleaner.clean(
            article.raw_text,
            language=article.language,
            title=article.title,
            outlet=outlet_key(article),
            known_outlets=known,
        )
        article.text = cleaned.text
        article.title = cleaned.title
        article.removed = cleaned.removed
        return article
