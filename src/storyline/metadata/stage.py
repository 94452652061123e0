"""Publication date, outlet and author: ``published``, ``published_source``, ``source``, ``author``.

Reads ``removed`` (the byline, dateline, caption and credit lines the cleaner took out), ``url``,
``hints`` and ``language``. Whatever the input already set (HTML/feed/WARC/JSONL metadata) is never
overwritten: this stage fills gaps only.

- **Date**: from a removed byline ("By AFP - Dec 08,2017 - Last updated at …") or dateline
  ("2 Aug, 2018 14:54 / Updated 6 years ago"), else from a short line near the top or bottom of
  the text that opens with a publication cue or is a byline ("Publié le 20 août 2013 à 16h52 -
  Mis à jour …", "di Redazione · 24 novembre 2011"; :func:`publication_lines`), else from the
  formal dateline that opens the first paragraph ("MOSCOW, Dec 8, 2017 (Reuters) — …"); parsed
  by dateparser with the article language as hint; an absolute day-month-year is required
  ("6 years ago" is refused), and a "published" date wins over an "updated" one. A date merely
  mentioned in the story body is never used.
  ``published_confidence`` is the share of such dates within a day on the CL-TLS dev texts.
- **Source** (the outlet), in order of trust: the site name the input carried, the URL's domain,
  the outlet named in caption suffixes ("… - Sputnik International"), a wire agency byline
  ("By AFP") or dateline ("(Reuters) —"), the first © credit ("© Sputnik / …").
- **Author**: the names of a byline ("By John Smith and Jane Roe" → "John Smith and Jane Roe"); an
  agency byline ("By AFP") gives the agency as author.

Limits: a dateline without a year ("MOSCOW, Dec 8 (Reuters) -") gives no date (the year would be
a guess); a © credit may name a photo agency rather than the outlet, which is why it comes last.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

from storyline.article import Article, PublishedSource
from storyline.clean.stage import (
    Cues,
    byline_names,
    caption_outlet,
    credit_outlet,
    date_segments,
    dated_byline,
    packaged_cues,
    parse_absolute_date,
    strip_date_cue,
)
from storyline.corpus import Corpus

# Wire agencies: a byline naming one of these is an agency credit, which also tells the source.
# (Names of news agencies in the languages we read; not tied to any article.)
WIRE_AGENCIES = frozenset(
    {
        "afp", "ap", "associated press", "reuters", "tass", "ria novosti", "interfax", "xinhua",
        "dpa", "efe", "ansa", "upi", "anadolu", "anadolu agency", "pap", "ctk", "čtk", "bta",
        "ukrinform", "sputnik", "kyodo", "yonhap", "europa press", "agence france-presse", "apa",
        "sda", "belga", "anp", "ria", "bloomberg", "ips", "irna", "sana", "mena", "wam",
    }
)  # fmt: skip
# A paragraph-opening dateline: a place in capitals, optionally a date and "(Agency)", then a dash.
DATELINE_PREFIX_RE = re.compile(
    r"^(?P<place>[A-ZÀ-ÞА-ЯЁ][A-ZÀ-ÞА-ЯЁ .'’-]{1,40}?)"
    r"(?:,\s*(?P<when>[^—–()\n]{3,40}?))?\s*(?:\((?P<agency>[^()\n]{2,30})\))?\s+[—–-]{1,2}\s"
)
# Dates outside this range are misreadings (a page counter, a phone number), not publication dates.
EARLIEST_YEAR = 1990
# Where a "Publié le …" / "Scritto lunedì, 7 marzo 2011" line is looked for when the cleaner
# marked no byline or dateline: this many lines from the top and from the bottom of the text (on
# the CL-TLS dev texts the publication lines sit within the first 37 and last 12 lines, after
# page headers and before footers).
HEAD_LINES = 40
TAIL_LINES = 15
# A line longer than this is prose, not a publication line.
PUBLICATION_LINE_MAX_WORDS = 20
# Confidence of a date read from the text, by where it was found: the share within a day of the
# date folder among the CL-TLS dev texts so dated (eval/clean.py, docs/evaluation.md "clean").
TEXT_DATE_CONFIDENCE = {"byline": 0.75, "dateline": 0.74}  # 12 and 47 texts
# "Last updated" / "modified" segments give a date only when no publication date is found.
UPDATE_WORDS = ("updat", "modif", "mis à jour", "actualiz", "aktualisiert", "обновл", "aggiorn")


def domain_of(url: str | None) -> str | None:
    """The host of ``url`` without ``www.``; None when there is none."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return None
    host = host.removeprefix("www.")
    return host or None


def date_from_line(line: str, language: str | None, cues: Cues) -> tuple[date | None, bool]:
    """The publication date printed in a byline/dateline, and whether it is an "updated" date."""
    named = byline_names(line, cues)
    text = named[1] if named else line
    fallback: date | None = None
    for segment in date_segments(text):
        rest, _ = strip_date_cue(segment, cues)
        parsed = parse_absolute_date(rest, language)
        if parsed is None or not EARLIEST_YEAR <= parsed.year <= date.today().year + 1:
            continue
        if any(word in segment.casefold() for word in UPDATE_WORDS):
            fallback = fallback or parsed.date()
            continue
        return parsed.date(), False
    return fallback, fallback is not None


def publication_lines(raw_text: str, cues: Cues) -> list[tuple[str, PublishedSource]]:
    """Short lines near the top or bottom of the text that open with a publication cue
    ("Publié le 20 août 2013 à 16h52 - Mis à jour …", "Scritto lunedì, 7 marzo 2011") or are a
    byline ("di Redazione · 24 novembre 2011"): where pages print the date when the cleaner
    kept the line as text or removed it for another reason."""
    lines = [line.strip() for line in raw_text.splitlines() if line.strip()]
    near = lines[:HEAD_LINES] + lines[max(HEAD_LINES, len(lines) - TAIL_LINES) :]
    found: list[tuple[str, PublishedSource]] = []
    for line in near:
        if len(line.split()) > PUBLICATION_LINE_MAX_WORDS or not any(c.isdigit() for c in line):
            continue
        if cues.byline.match(line):
            found.append((line, "byline"))
        elif any(strip_date_cue(segment, cues)[1] for segment in date_segments(line)):
            found.append((line, "dateline"))
    return found


def dateline_prefix(text: str) -> tuple[str, str | None, str | None] | None:
    """The dateline that opens the first paragraph, kept in the text by the cleaner:
    "MOSCOW, Dec 8, 2017 (Reuters) — …" → ("MOSCOW", "Dec 8, 2017", "Reuters"); None without one.

    Only this formal prefix is read, never a date further into the story.
    """
    match = DATELINE_PREFIX_RE.match(text)
    if not match or not any(ch.isalpha() for ch in match.group("place")):
        return None
    when = (match.group("when") or "").strip(" ,") or None
    return match.group("place").strip(), when, match.group("agency")


def is_agency(name: str) -> bool:
    return name.casefold() in WIRE_AGENCIES


def split_credit(names: str) -> tuple[list[str], list[str]]:
    """Persons and wire agencies of a byline: "John Smith and Jane Roe, Reuters" →
    (["John Smith and Jane Roe"], ["Reuters"])."""
    parts = [p.strip() for p in names.split(",") if p.strip()]
    return [p for p in parts if not is_agency(p)], [p for p in parts if is_agency(p)]


class MetadataStage:
    """Fills ``published``, ``published_source``, ``source``, ``author`` the input left empty."""

    name = "metadata"
    requires: tuple[str, ...] = (
        "raw_text",
        "removed",
        "text",
        "url",
        "language",
        "hints",
        "author",
        "published",
        "source",
    )
    assigns: tuple[str, ...] = (
        "published",
        "published_source",
        "published_confidence",
        "source",
        "author",
    )
    parallel = True

    def __init__(self, corpus: Corpus, cues: Cues | None = None) -> None:
        self.corpus = corpus
        self.cues = cues or packaged_cues()

    def prepare(self, batch: list[Article]) -> None:
        pass

    def __call__(self, article: Article) -> Article:
        if article.published is None:
            self._date(article)
        persons: list[str] = []
        agencies: list[str] = []
        for removed in article.removed:
            if removed.reason != "byline":
                continue
            named = byline_names(removed.line, self.cues)
            names = named[0] if named else dated_byline(removed.line, article.language)
            if names:
                credited = split_credit(names)
                persons += credited[0]
                agencies += credited[1]
        if not article.author and (persons or agencies):
            article.author = ", ".join(persons) if persons else agencies[0]
        if not article.source:
            article.source = self._source(article, agencies)
        return article

    def _date(self, article: Article) -> None:
        def plausible(day: date) -> bool:
            return EARLIEST_YEAR <= day.year <= date.today().year + 1

        lines: list[tuple[str, PublishedSource]] = [
            (r.line, "byline" if r.reason == "byline" else "dateline")
            for r in article.removed
            if r.reason in ("byline", "dateline")
        ]
        if self._date_from(article, lines, plausible):
            return
        if self._date_from(article, publication_lines(article.raw_text, self.cues), plausible):
            return
        prefix = dateline_prefix(article.text)
        if prefix is not None and prefix[1] is not None:
            parsed = parse_absolute_date(prefix[1], article.language)
            if parsed is not None and plausible(parsed.date()):
                self._set(article, parsed.date(), "dateline")

    def _date_from(
        self,
        article: Article,
        lines: list[tuple[str, PublishedSource]],
        plausible: Callable[[date], bool],
    ) -> bool:
        """Date ``article`` from these byline/dateline lines; True when they settle it (a date, or
        several different ones, which is a list of other articles: no date then)."""
        updated: tuple[date, PublishedSource] | None = None
        published: list[tuple[date, PublishedSource]] = []
        for line, source in lines:
            found, is_update = date_from_line(line, article.language, self.cues)
            if found is None or not plausible(found):
                continue
            if is_update:
                updated = updated or (found, source)
            else:
                published.append((found, source))
        if published:
            # Several different dates in bylines/datelines are a list of other articles (related
            # stories, comments) or a date widget: no way to tell which is this article's.
            if len({found for found, _ in published}) == 1:
                self._set(article, *published[0])
            return True
        if updated is not None:
            self._set(article, *updated)
            return True
        return False

    @staticmethod
    def _set(article: Article, day: date, source: PublishedSource) -> None:
        article.published, article.published_source = day, source
        article.published_confidence = TEXT_DATE_CONFIDENCE[source]

    def _source(self, article: Article, agencies: list[str]) -> str | None:
        if article.hints.get("sitename"):
            return article.hints["sitename"]
        domain = domain_of(article.url)
        if domain:
            return domain
        captions = Counter(
            o
            for o in (caption_outlet(r.line) for r in article.removed if r.reason == "caption")
            if o
        )
        if captions:
            return captions.most_common(1)[0][0]
        if agencies:
            return agencies[0]
        prefix = dateline_prefix(article.text)
        if prefix is not None and prefix[2] and is_agency(prefix[2]):
            return prefix[2]
        for removed in article.removed:
            if removed.reason == "photo-credit":
                credited = credit_outlet(removed.line)
                if credited:
                    return credited
        return None
