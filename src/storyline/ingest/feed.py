"""RSS / Atom / RDF feed files → one Article per entry (feedparser).

Per entry:

- body: the longest ``content`` value, else ``summary``. Feeds carry HTML there. An entry holding
  a whole page (``<html>``/``<body>``) goes through the HTML extractor
  (:func:`storyline.ingest.page.read_page`); an HTML fragment (the usual case: a few ``<p>``)
  is turned into text here, one paragraph per block, because the extractor's main-content
  heuristics are made for whole pages and drop short fragments (trafilatura's ``html2txt``
  flattens paragraphs into one line, which would defeat the line-based cleaner);
- ``url`` = entry link; ``title`` = entry title; ``author`` = entry author's name;
- ``published`` = the entry's date as the feed writes it (the calendar day in the feed's own
  time zone, not shifted to UTC), ``published_source="feed"``;
- ``hints``: ``sitename`` and ``feed_title`` = the feed title (the metadata stage takes the
  outlet from ``sitename``), ``feed_url``, ``feed_language`` (a hint only: aggregator feeds
  declare one language for entries in several);
- ``record`` = ``"entry N"`` (1-based); ``raw`` = the entry body as the feed gave it (feedparser
  does not keep an entry's XML bytes).

Bad input: a file feedparser cannot read as a feed gives one error for the file; an entry with
neither content nor summary (or whose page has no text) gives one error naming the entry, and the
other entries land. feedparser's tolerant parser recovers entries from mildly broken XML; a
feed that is not well-formed is read entry by entry (:func:`_read_entry_by_entry`), so markup
left open in one entry (an unterminated CDATA section) costs that entry, reported, not the rest.
Limits: the whole feed is parsed in memory (:data:`~storyline.ingest.sniff.MAX_FEED_BYTES`);
enclosures (audio, video) are ignored.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from xml.sax import SAXException

from storyline.article import Article, content_id
from storyline.errors import InputError
from storyline.ingest.encoding import normalise_text
from storyline.ingest.page import read_page
from storyline.ingest.sniff import MAX_RECORD_BYTES, too_big

# Confidence of an entry's own date: the publisher's declared date, as <meta> is for a page, so
# the precision the <meta> step has on the HTML dev pages (docs/evaluation.md, "dates"); there is
# no dev feed set with gold dates to measure it on.
FEED_CONFIDENCE = 0.91

# Elements that start a new line of text (block-level HTML) and that carry no text at all.
# fmt: off
_BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul",
))
_SKIPPED = frozenset((
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head",
))
# fmt: on
_WHOLE_PAGE = re.compile(r"<html[\s>]|<body[\s>]|<!doctype\s+html", re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_SPACES = re.compile(r"[ \t]+")
# The start and end tags of an RSS item or Atom entry (any namespace prefix), for cutting a
# broken feed into entries.
_ENTRY_START = re.compile(rb"<(?:[\w-]+:)?(?:item|entry)[\s>]")
_ENTRY_END = re.compile(rb"</(?:[\w-]+:)?(?:item|entry)\s*>")
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")


def read_feed(data: bytes, *, source_path: str) -> Iterator[Article | InputError]:
    """Yield one Article (or InputError) per entry of the feed in ``data``."""
    import feedparser

    # Unsanitised: only text is taken from the HTML (scripts and styles skipped), and the
    # sanitiser strips <html>/<head>/<body>, which would hide whole pages and leak <title> text.
    parsed = feedparser.parse(data, sanitize_html=False)
    if parsed.get("bozo") and isinstance(parsed.get("bozo_exception"), SAXException):
        recovered = _read_entry_by_entry(data, source_path=source_path)
        if recovered is not None:
            yield from recovered
            return
    if not parsed.entries:
        if parsed.get("bozo"):
            reason = f"not a readable RSS/Atom feed: {parsed.get('bozo_exception')}"
        else:
            reason = "the feed has no entries"
        yield InputError(source_path, reason)
        return
    yield from _articles(parsed, parsed.entries, source_path=source_path)


def _articles(
    parsed: Any, entries: list[Any], *, source_path: str, first: int = 1
) -> Iterator[Article | InputError]:
    """Articles from feedparser ``entries`` (numbered from ``first``), with the feed's hints."""
    feed = parsed.feed
    hints = {
        key: " ".join(normalise_text(str(value)).split())
        for key, value in (
            ("feed_title", feed.get("title")),
            ("feed_url", feed.get("link")),
            ("feed_language", feed.get("language")),
        )
        if value
    }
    if "feed_title" in hints:
        hints["sitename"] = hints["feed_title"]
    for number, entry in enumerate(entries, first):
        record = f"entry {number}"
        try:
            article = _article(entry, source_path=source_path, record=record)
        except InputError as exc:
            yield exc
            continue
        except Exception as exc:  # a library failing on this entry's values: only it is lost
            message = " ".join(str(exc).split()) or "(no message)"
            yield InputError(
                f"{source_path}:{record}",
                f"cannot read this entry: {type(exc).__name__}: {message}",
            )
            continue
        article.encoding = article.encoding or parsed.get("encoding")
        for key, value in hints.items():
            article.hints.setdefault(key, value)
        yield article


def _read_entry_by_entry(data: bytes, *, source_path: str) -> list[Article | InputError] | None:
    """A feed that is not well-formed XML, read one entry at a time.

    feedparser's tolerant parser recovers from many faults, but not from markup that swallows
    what follows it: an unterminated CDATA section or comment turns every later entry into text
    of the broken one, and they vanish unreported. So each ``<item>``/``<entry>`` is cut out of
    the file by its tags and parsed on its own between the feed's head and tail; an entry whose
    markup is unterminated or unreadable is one InputError, the others land. None when the
    file has no entry tags to cut at (the caller reports the file as feedparser read it).
    Hand-written over feedparser: neither it nor lxml's recovering parser can undo the swallow,
    since by the XML rules the later entries *are* CDATA text.
    """
    import feedparser

    starts = [m.start() for m in _ENTRY_START.finditer(data)]
    if not starts:
        return None
    head = data[: starts[0]]
    chunks = [data[a:b] for a, b in zip(starts, [*starts[1:], len(data)], strict=True)]
    closes = [list(_ENTRY_END.finditer(chunk)) for chunk in chunks]
    tail = data[starts[-1] + closes[-1][-1].end() :] if closes[-1] else b""
    parsed = feedparser.parse(head + tail, sanitize_html=False)
    items: list[Article | InputError] = []
    for number, (chunk, ends) in enumerate(zip(chunks, closes, strict=True), 1):
        item = f"{source_path}:entry {number}"
        if not ends:
            items.append(InputError(item, "broken feed XML: the entry is not closed"))
            continue
        entry_xml = chunk[: ends[-1].end()]
        swallowing = _swallowing(entry_xml)
        if swallowing:
            items.append(InputError(item, f"broken feed XML: {swallowing} in this entry"))
            continue
        one = feedparser.parse(head + entry_xml + tail, sanitize_html=False)
        if len(one.entries) != 1:
            reason = one.get("bozo_exception") or "not an entry"
            items.append(InputError(item, f"broken feed XML: {reason}"))
            continue
        one.feed = parsed.feed
        items.extend(_articles(one, one.entries, source_path=source_path, first=number))
    return items


def _swallowing(xml: bytes) -> str | None:
    """Markup opened and never closed that would swallow the rest of the feed."""
    if xml.count(b"<![CDATA[") > xml.count(b"]]>"):
        return "an unterminated CDATA section"
    if xml.count(b"<!--") > xml.count(b"-->"):
        return "an unterminated comment"
    return None


def _article(entry: Any, *, source_path: str, record: str) -> Article:
    item = f"{source_path}:{record}"
    body, body_type = _body(entry)
    if not body.strip():
        raise InputError(item, "entry has neither content nor summary")
    raw = body.encode("utf-8")
    if len(raw) > MAX_RECORD_BYTES:
        raise InputError(item, too_big(len(raw)))
    link = entry.get("link") or None
    if body_type in _HTML_TYPES and _WHOLE_PAGE.search(body[:4096]):
        article = read_page(body, source_path=source_path, url=link, record=record)
    else:
        text = html_to_text(body) if body_type in _HTML_TYPES else normalise_text(body).strip()
        if not text:
            raise InputError(item, "entry has no text (only markup)")
        article = Article(raw_text=text, source_path=source_path, record=record)
    article.input_format = "feed"
    article.raw = raw
    # The entry's own fields win over what an embedded page says.
    article.url = link or article.url
    title = _title(entry)
    article.title = title or article.title
    detail = entry.get("author_detail") or {}
    author = detail.get("name") or entry.get("author")
    if author:
        article.author = " ".join(normalise_text(author).split())
    published = entry_date(entry)
    if published is not None:
        article.published, article.published_source = published, "feed"
        article.published_confidence = FEED_CONFIDENCE
    article.id = content_id(article.title, article.raw_text)
    return article


def _body(entry: Any) -> tuple[str, str]:
    """The entry's fullest text: the longest content value, else the summary; with its type."""
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        return str(best["value"]), str(best.get("type") or "text/html")
    summary = entry.get("summary") or ""
    detail = entry.get("summary_detail") or {}
    return str(summary), str(detail.get("type") or "text/html")


def _title(entry: Any) -> str | None:
    title = entry.get("title")
    if not title:
        return None
    detail = entry.get("title_detail") or {}
    if detail.get("type") in _HTML_TYPES:
        title = html_to_text(title)
    return " ".join(normalise_text(title).split()) or None


def entry_date(entry: Any) -> date | None:
    """The entry's publication (else update) day, in the time zone the feed wrote it in."""
    for key in ("published", "updated", "created"):
        value = entry.get(key)
        if not value:
            continue
        try:
            return email.utils.parsedate_to_datetime(value).date()  # RSS: RFC 822
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()  # Atom
        except ValueError:
            pass
        parsed = entry.get(f"{key}_parsed")  # feedparser's own reading, in UTC
        if parsed:
            return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment: one paragraph per block element, paragraphs split by a blank line.

    Hand-written over lxml (which trafilatura already brings) because no installed library keeps
    paragraph breaks for fragments: see the module docstring.
    """
    import lxml.html  # type: ignore[import-untyped]
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return normalise_text(fragment).strip()
    parts: list[str] = []

    def walk(element: Any, pre: bool) -> None:
        # Source newlines are spaces in HTML, except inside <pre>; breaks come from elements.
        def add(text: str | None) -> None:
            if text:
                parts.append(text if pre else _HTML_SPACE.sub(" ", text))

        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in _SKIPPED or not tag:  # comments and processing instructions have no str tag
            add(element.tail)
            return
        block = tag in _BLOCKS
        if block:
            parts.append("\n\n")
        if tag == "br":
            parts.append("\n")
        add(element.text)
        for child in element:
            walk(child, pre or tag == "pre")
        if block:
            parts.append("\n\n")
        add(element.tail)

    walk(root, False)
    text = normalise_text("".join(parts))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
