"""Publication date, outlet and author: ``published``, ``published_source``, ``source``, ``author``.

Reads ``removed`` (the byline, dateline, caption and credit lines the cleaner took out), ``url``,
``hints`` and ``language``. Whatever the input already set (HTML/feed/WARC/JSONL metadata) is never
overwritten: this stage fills gaps only.

- **Date**: the date printed on a short line near the top or bottom of the text, after a
  publication cue or on a byline/dateline ("By AFP - Dec 08,2017 - Last updated at …", "2 Aug,
  2018 14:54 / Updated 6 years ago", "Le Monde avec AFP Publié le 08 février 2013 à 12h58 - Mis
  à jour …"), else a bare date line at the top ("Domingo 30/01/2011. Actualizado 09:30h."), else
  the formal dateline that opens the first paragraph ("MOSCOW, Dec 8, 2017 (Reuters) — …"); found
  and parsed by dateparser in the article's language (:mod:`storyline.metadata.textdates`, which
  gives the rules). An absolute day-month-year is required ("6 years ago" is refused: a text
  dump knows no anchor date), a "published" date wins over an "updated" one, a date line recurring
  across the batch is page furniture (a header's date widget), and a date merely mentioned in the
  story body is never used. ``published_confidence`` is the share of such dates within a day on
  the CL-TLS dev texts, by kind.
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
from datetime import date
from urllib.parse import urlsplit

from storyline.article import Article, PublishedSource
from storyline.clean.stage import (
    Cues,
    byline_names,
    caption_outlet,
    credit_outlet,
    dated_byline,
    packaged_cues,
    parse_absolute_date,
)
from storyline.corpus import Corpus
from storyline.metadata.textdates import choose_text_date, recurring_date_lines, text_dates

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
# Confidence of a date read from the text, by its kind (TextDate.kind): the share within a day of
# the date folder among the CL-TLS dev texts so dated (eval/clean.py, docs/evaluation.md
# "clean"; 76 and 26 texts). The opening dateline of the first paragraph ("MOSCOW, Dec 8, 2017
# (Reuters) —") is rare there and takes the "published" figure. An "updated" date alone is the
# modified date, not a publication date (5 of those 6 texts were filed within a day of it).
TEXT_DATE_CONFIDENCE = {"published": 0.96, "bare": 0.92}


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
        "modified",
        "source",
        "author",
    )
    parallel = True

    def __init__(self, corpus: Corpus, cues: Cues | None = None) -> None:
        self.corpus = corpus
        self.cues = cues or packaged_cues()
        self.furniture: frozenset[str] = frozenset()

    def prepare(self, batch: list[Article]) -> None:
        # Date lines recurring across the batch are page furniture (a header's date widget).
        self.furniture = recurring_date_lines((a.raw_text for a in batch), self.cues)

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
        removed = [
            (r.line, r.reason) for r in article.removed if r.reason in ("byline", "dateline")
        ]
        found = text_dates(article.raw_text, article.language, self.cues, removed)
        chosen = choose_text_date(found, self.furniture)
        if chosen is not None and chosen.kind == "updated":
            # Only an "updated" date is printed: it is the modified date, not the publication
            # date (which is earlier, by how much the text does not say).
            article.modified = article.modified or chosen.day
            return
        if chosen is not None:
            source: PublishedSource = "byline" if chosen.byline else "dateline"
            self._set(article, chosen.day, source, TEXT_DATE_CONFIDENCE[chosen.kind])
            later = [
                d.day
                for d in found
                if d.updated and d.day > chosen.day and d.line not in self.furniture
            ]
            # the stage settles ``modified`` with ``published``: a later "updated" date, if any
            article.modified = article.modified or (later[0] if later else None)
            return
        prefix = dateline_prefix(article.text)
        if prefix is not None and prefix[1] is not None:
            parsed = parse_absolute_date(prefix[1], article.language)
            if parsed is not None and EARLIEST_YEAR <= parsed.year <= date.today().year + 1:
                self._set(article, parsed.date(), "dateline", TEXT_DATE_CONFIDENCE["published"])

    @staticmethod
    def _set(article: Article, day: date, source: PublishedSource, confidence: float) -> None:
        article.published, article.published_source = day, source
        article.published_confidence = confidence

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
