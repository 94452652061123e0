"""The one typed record that flows through every stage: :class:`Article`.

Ingest fills the raw fields (``raw``, ``raw_text``, ``source_path``, metadata found in the input);
each stage in :mod:`storyline.pipeline` reads some fields and fills others, and says which in its
docstring. Offsets in :class:`Mention`, :class:`Quote` and :class:`Claim` always index into
``Article.text`` (the cleaned text): ``article.text[m.start:m.end] == m.text``.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

# Which signal gave ``Article.published`` (docs/schema.md): HTML ``meta`` tags, ``json-ld``, a
# marked-up ``time element`` (``<time>``, a class="date" element), the ``url``, a ``byline`` or
# ``dateline`` of the text, the ``feed`` entry, the ``warc`` crawl date, the ``jsonl`` field, or a
# corroborated date in the page's ``free text``.
PublishedSource = Literal[
    "meta", "json-ld", "time element", "url", "free text", "feed", "warc", "jsonl", "byline",
    "dateline",
]  # fmt: skip
InputFormat = Literal["text", "html", "jsonl", "feed", "warc"]
EntityType = Literal["PER", "ORG", "LOC", "MISC"]


@dataclass
class RemovedLine:
    """A line the cleaner took out of the text, kept with the reason (nothing is lost)."""

    line: str
    reason: str


@dataclass
class Mention:
    """An entity mention: ``text`` is exactly ``article.text[start:end]``."""

    text: str
    start: int
    end: int
    type: EntityType
    entity_id: str | None = None
    canonical: str | None = None
    lemma: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "mention": self.text,
            "start": self.start,
            "end": self.end,
            "type": self.type,
            "entity_id": self.entity_id,
            "canonical": self.canonical,
        }


@dataclass
class Quote:
    """A quotation (direct, indirect or partial) with its speaker; offsets into ``article.text``."""

    text: str
    start: int
    end: int
    type: Literal["direct", "indirect", "partial"]
    speaker: str | None = None
    speaker_entity_id: str | None = None
    speaker_mention: str | None = None
    cue: str | None = None
    language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Claim:
    """A numeric claim or a prediction; offsets into ``article.text``."""

    text: str
    start: int
    end: int
    kind: Literal["number", "prediction"]
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    counted: str | None = None
    holder: str | None = None
    holder_entity_id: str | None = None
    speaker_entity_id: str | None = None
    speaker: str | None = None  # the speaker's name when the claim sits in a quote/attribution
    time_ref: str | None = None
    contradicts: list[str] = field(default_factory=list)
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Article:
    """One news article, from raw input to analysed record.

    Ingest sets: ``source_path``, ``record``, ``input_format``, ``raw``, ``raw_text``, ``encoding``
    and whatever metadata the input carries (``url``, ``title``, ``published``, ``source``,
    ``author``, ``language``). Stages fill the rest.
    """

    raw_text: str
    source_path: str | None = None
    record: str | None = None  # line number, feed entry or WARC record within source_path
    input_format: InputFormat = "text"
    raw: bytes | None = None  # the input verbatim (the whole record as read)
    encoding: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    title: str | None = None
    language: str | None = None
    language_score: float | None = None
    published: date | None = None
    published_source: PublishedSource | None = None
    # How often a date from that signal was right on the dev data (storyline.ingest.dates,
    # storyline.stages.metadata); None when the input gave no date.
    published_confidence: float | None = None
    # The last-modified day the page declares, kept when it differs from ``published``.
    modified: date | None = None
    text: str = ""
    removed: list[RemovedLine] = field(default_factory=list)
    entities: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    story_id: str | None = None
    thread_id: str | None = None
    duplicate_of: str | None = None
    translation_of: str | None = None
    # Extra metadata from the input that has no field of its own (e.g. HTML sitename, feed title).
    # Stages never overwrite a field the input set (title, published, source, ...): they fill gaps.
    hints: dict[str, str] = field(default_factory=dict)
    # Transient per-run annotations shared between stages (e.g. the spaCy Doc from storyline.nlp);
    # never stored or exported.
    annotations: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # Content hash of the input text as ingested (before cleaning, so a better cleaner later does
    # not change ids): the same article ingested twice gets the same id (idempotent store).
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = content_id(self.title, self.raw_text)

    @property
    def label(self) -> str:
        """How to name this item in a message: path plus record when there is one."""
        where = self.source_path or "<input>"
        return f"{where}:{self.record}" if self.record else where

    def to_dict(self) -> dict[str, Any]:
        """The export contract (docs/schema.md)."""
        return {
            "id": self.id,
            "source_path": self.source_path,
            "record": self.record,
            "url": self.url,
            "source": self.source,
            "author": self.author,
            "title": self.title,
            "language": self.language,
            "published": self.published.isoformat() if self.published else None,
            "modified": self.modified.isoformat() if self.modified else None,
            "published_source": self.published_source,
            "published_confidence": self.published_confidence,
            "text": self.text,
            "removed": [asdict(r) for r in self.removed],
            "entities": [m.to_dict() for m in self.entities],
            "quotes": [q.to_dict() for q in self.quotes],
            "claims": [c.to_dict() for c in self.claims],
            "story_id": self.story_id,
            "thread_id": self.thread_id,
            "duplicate_of": self.duplicate_of,
            "translation_of": self.translation_of,
        }


def normalise_for_id(text: str) -> str:
    """NFC, casefolded, whitespace collapsed: what the content hash is taken over."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(text.split())


def content_id(title: str | None, body: str) -> str:
    digest = hashlib.sha256(normalise_for_id(f"{title or ''}\n{body}").encode("utf-8"))
    return digest.hexdigest()[:16]
