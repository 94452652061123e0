"""Publication dates printed in plain text (text dumps, feed bodies): :func:`text_dates` finds
them, :func:`choose_text_date` picks the article's own.

dateparser does the finding and parsing: ``search_dates`` finds every absolute date in a short
line near the top or bottom of the text ("Le Monde avec AFP Publié le 08 février 2013 à 12h58 -
Mis à jour …", "Domingo 30/01/2011. Actualizado 09:30h.", "8. Dezember 2017", «12 mars 2024»,
"٢٠ مارس ٢٠٢٤"), in the article's language and then English, with the day/month order of the
language's own locale (dateparser's data: "03/02/2011" is 3 February in Spanish, 2 March in
English). A day, a month and a year are required: "6 years ago", "Monday" or "8 December" give
nothing (no anchor date is known in a text dump, and the year would be a guess).

Which date is the article's (:func:`choose_text_date`):

1. A date after a publication cue ("Publié le", "Pubblicato il", "Published") or in a byline /
   dateline line the cleaner removed; a "published" date wins over an "updated" one (an
   "updated" date alone is returned as such: the caller keeps it as the modified date).
2. Otherwise a bare date line (a date with at most :data:`BARE_MAX_WORDS` other words:
   "Domingo 30/01/2011. Actualizado 09:30h.", "22 de Agosto, 2011 |"), but only when every such
   line of the text gives the same day (within :data:`SAME_DAY_SLACK`): lines giving several
   days are a list of other articles, tweets or footnotes.
3. A date line that recurs in several articles of the batch (:func:`recurring_date_lines`) is
   page furniture, never a publication date: the date widget of a page header ("Miércoles 11 de
   noviembre de 2020" on pages scraped that day) or a pinned story.

Dates merely mentioned in a story's sentences are never used (long lines are not read).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from storyline.clean.stage import (
    YEAR_RE,
    Cues,
    ascii_digits,
    date_segments,
    strip_date_cue,
    word_count,
)

# Where publication lines are looked for: this many lines from the top and from the bottom of the
# text (on the CL-TLS dev texts the publication lines sit within the first 37 and last 12 lines,
# after page headers and before footers).
HEAD_LINES = 40
TAIL_LINES = 15
# A line longer than this is prose, not a publication line ("Par Christophe Ayad, Serge Michel, …
# Publié le 13 janvier 2014 à …" is 29 words).
LINE_MAX_WORDS = 30
# An uncued date is a bare date line when at most this many other words stand beside it ("28/08/
# 2011 - 12:24 Mundo", "2 de junio de 2012 Por www.teinteresa.es").
BARE_MAX_WORDS = 4
# A line of more words than this that ends like a sentence (a word, then . ! ?) is prose even with
# a cue in it ("Le conseil a été publié le 20 août 2013 à Paris, après … région."). This also
# refuses WordPress's "Questo contenuto è stato inserito il Aprile 7, 2011 ore 4:39 pm nelle
# categorie …" footers (7 of 8 right on the CL-TLS dev texts): a story's sentence and a template's
# look alike.
SENTENCE_MIN_WORDS = 12
SENTENCE_END_RE = re.compile(r"[^\W\d_]{4,}[.!?]$")
# Bare date lines count only among the first lines of the text (page header, headline, byline):
# lower down they are signatures of quoted letters and posts ("La Habana, 19 de marzo de 2011").
# This and BARE_MAX_WORDS are chosen by eval/clean.py on the CL-TLS dev texts (best precision
# within a day, then most right dates, over 25 pairs); its leave-one-topic-out figure is in
# docs/evaluation.md ("clean").
BARE_HEAD_LINES = 20
# An embedded post ("— Name (@handle) August 14, 2013") is dated by its author, not the article.
EMBED_RE = re.compile(r"\(@\w+\)")
# Bare date lines agreeing within this many days are one date (a story filed before midnight and
# printed the next day).
SAME_DAY_SLACK = 1
# A date line found in at least this many articles of one batch is page furniture.
RECURRING_MIN_ARTICLES = 2
# Dates outside this range are misreadings (a page counter, a phone number).
EARLIEST_YEAR = 1990
# Cue words that mark an "updated" date rather than the publication date (cf. the dateline cues).
UPDATE_WORDS = (
    "updat", "modif", "mis à jour", "actualiz", "aktualisiert", "обновл", "aggiorn", "atualiz",
    "bijgewerkt", "zaktualizowano", "aktualizacja", "оновл", "تحديث", "zuletzt", "letzte änderung",
)  # fmt: skip

_SETTINGS: dict[str, Any] = {
    "PARSERS": ["absolute-time", "custom-formats"],
    "REQUIRE_PARTS": ["day", "month", "year"],
}
_WORD = re.compile(r"\w*[^\W\d_]\w*")  # a token with a letter (times and numbers are not words)


@dataclass(frozen=True)
class TextDate:
    """One absolute date printed on a line of the text."""

    day: date
    line: str
    index: int  # the line's position: 0 = first line; lines the cleaner removed keep theirs
    cued: bool  # after a publication cue, or on a byline/dateline the cleaner removed
    updated: bool  # after an "updated" cue
    others: int  # words on the line besides dates and cues
    byline: bool  # the line is a byline ("By AFP - Dec 08,2017")

    @property
    def kind(self) -> str:
        """ "published" (after a publication cue, or on a byline/dateline), "updated" (after an
        "updated" cue only) or "bare" (a bare date line): the keys of the confidence table."""
        if not self.cued:
            return "bare"
        return "updated" if self.updated else "published"


@lru_cache(maxsize=32)
def _date_order(language: str) -> str | None:
    from dateparser.languages.loader import default_loader

    try:
        order = default_loader.get_locale(language).info.get("date_order")
    except Exception:  # a language dateparser does not know: its default order
        return None
    return str(order) if order else None


@lru_cache(maxsize=16384)
def dates_in_line(line: str, language: str | None) -> tuple[tuple[str, datetime], ...]:
    """Every absolute date (day, month and year) in ``line``: (the text of it, its value). Each
    piece between separators ("Publié le … - Mis à jour le …") is searched on its own: dateparser's
    search returns one date where two stand side by side."""
    if not YEAR_RE.search(ascii_digits(line)):
        return ()
    from storyline.clean.stage import packaged_cues

    cues = packaged_cues()
    found: list[tuple[str, datetime]] = []
    for segment in date_segments(line) or [line]:
        if YEAR_RE.search(ascii_digits(segment)):
            # without its leading cue: "Mis à jour le 07 mars 2011" defeats dateparser's search
            found += _search(strip_date_cue(segment, cues)[0], language)
    return tuple(found)


def _search(text: str, language: str | None) -> list[tuple[str, datetime]]:
    from dateparser.search import search_dates

    for lang in dict.fromkeys([language or "en", "en"]):
        settings = dict(_SETTINGS)
        order = _date_order(lang)
        if order:
            settings["DATE_ORDER"] = order
        try:
            found = search_dates(text, languages=[lang], settings=settings)
        except Exception:  # a third-party parser on arbitrary text: no date rather than a crash
            found = None
        if found:
            return [(span, value) for span, value in found]
    return []


def _plausible(day: date) -> bool:
    return EARLIEST_YEAR <= day.year <= date.today().year + 1


def line_dates(
    line: str, index: int, language: str | None, cues: Cues, removed: str | None = None
) -> list[TextDate]:
    """The dates of one line, each with its cue ("Publié le", "Updated") and the other words
    beside it. ``removed`` is the cleaner's reason when it removed the line (byline, dateline)."""
    found = dates_in_line(line, language)
    if not found:
        return []
    is_byline = removed == "byline" or bool(cues.byline.match(line))
    dates: list[TextDate] = []
    rest = line
    position = 0
    for span, value in found:
        start = line.find(span, position)
        if start < 0:
            continue
        before = line[position:start]
        position = start + len(span)
        rest = rest.replace(span, " ", 1)
        cue = list(cues.dateline_anywhere.finditer(before)) or list(
            cues.dateline_anywhere.finditer(span)
        )
        updated = bool(cue) and any(w in cue[-1].group(0).casefold() for w in UPDATE_WORDS)
        day = value.date()
        if not _plausible(day):
            continue
        dates.append(
            TextDate(
                day=day,
                line=line,
                index=index,
                cued=bool(cue) or removed in ("byline", "dateline") or is_byline,
                updated=updated,
                others=0,
                byline=is_byline,
            )
        )
    others = len(_WORD.findall(cues.dateline_anywhere.sub(" ", rest)))
    return [TextDate(d.day, d.line, d.index, d.cued, d.updated, others, d.byline) for d in dates]


def text_dates(
    raw_text: str,
    language: str | None,
    cues: Cues,
    removed: Iterable[tuple[str, str]] = (),
) -> list[TextDate]:
    """The dates printed on short lines near the top or bottom of ``raw_text``, and on the
    byline/dateline lines the cleaner removed (``removed``: (line, reason) pairs)."""
    lines = [line.strip() for line in raw_text.splitlines() if line.strip()]
    reasons = {line.strip(): reason for line, reason in removed}
    near = list(range(min(HEAD_LINES, len(lines))))
    near += range(max(HEAD_LINES, len(lines) - TAIL_LINES), len(lines))
    found: list[TextDate] = []
    seen: set[str] = set()
    head = min(HEAD_LINES, len(lines))
    for index in near:
        line = lines[index]
        if word_count(line) > LINE_MAX_WORDS or line in seen or EMBED_RE.search(line):
            continue
        seen.add(line)
        # At the bottom of the text only a cue word says "published": a removed date line there
        # is as likely a comment's or a related story's.
        reason = reasons.get(line) if index < head else None
        found += line_dates(line, index, language, cues, reason)
    # Removed lines the windows did not see: where they stand in the text (the cleaner squashes
    # spaces); lines given without a text (no raw text) count as at the top.
    where = {" ".join(line.split()): i for i, line in reversed(list(enumerate(lines)))}
    for line, reason in reasons.items():
        if line in seen:
            continue
        seen.add(line)
        index = where.get(" ".join(line.split()), 0 if not lines else len(lines))
        if index < max(head, 1):
            found += line_dates(line, index, language, cues, reason)
    return found


def recurring_date_lines(texts: Iterable[str], cues: Cues) -> frozenset[str]:
    """Short lines with a date (digits and a year) that appear in at least
    :data:`RECURRING_MIN_ARTICLES` of ``texts``: page furniture (a header's date widget)."""
    counts: Counter[str] = Counter()
    for text in texts:
        lines = {line.strip() for line in text.splitlines() if line.strip()}
        counts.update(
            line
            for line in lines
            if word_count(line) <= LINE_MAX_WORDS and YEAR_RE.search(ascii_digits(line))
        )
    return frozenset(line for line, n in counts.items() if n >= RECURRING_MIN_ARTICLES)


def choose_text_date(
    dates: list[TextDate], furniture: frozenset[str] = frozenset()
) -> TextDate | None:
    """The article's own publication date among ``dates`` (rules in the module docstring), None
    when the text does not say."""
    dates = [d for d in dates if d.line not in furniture]
    cued = [d for d in dates if d.cued and not _sentence(d.line)]
    published = [d for d in cued if not d.updated]
    if published:
        # Several different published dates are a list of other articles: no way to tell.
        return published[0] if _one_day(published) else None
    bare = [
        d for d in dates if not d.cued and d.others <= BARE_MAX_WORDS and d.index < BARE_HEAD_LINES
    ]
    if bare:
        return bare[0] if _one_day(bare) else None
    if cued:
        return cued[0]
    return None


def _sentence(line: str) -> bool:
    return word_count(line) > SENTENCE_MIN_WORDS and bool(SENTENCE_END_RE.search(line.rstrip()))


def _one_day(dates: list[TextDate]) -> bool:
    days = [d.day for d in dates]
    return (max(days) - min(days)).days <= SAME_DAY_SLACK
