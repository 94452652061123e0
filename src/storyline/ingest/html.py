"""HTML pages → :class:`~storyline.article.Article`: main text and metadata via trafilatura.

:func:`read_html` is the one entry point; the other ingest formats call it for HTML files, JSONL
``html`` fields, feed entries carrying HTML and WARC response records.

What it does:

* decodes bytes (BOM, strict UTF-8, the page's own ``<meta charset>``, then charset-normalizer's
  guess) and records the encoding used;
* runs trafilatura's ``bare_extraction`` once, with metadata: the main text (boilerplate such as
  navigation, footers, share bars and comments left out), title, author, site name, canonical URL
  (trafilatura's own date is not used);
* dates the page with :mod:`storyline.ingest.dates`: htmldate's declared and free-text steps run
  one by one, a model choosing between their days, the winning step as ``published_source`` with a
  ``published_confidence``, and the declared last-modified day as ``modified``;
* normalises the text as every ingest format does: NFC, odd spaces (no-break, thin, ideographic
  ...) to plain spaces, zero-width characters dropped, one paragraph per block separated by a
  blank line.

Limits: one article per page (a front page listing many stories gives the extractor's pick of
the main block, or nothing); text rendered by JavaScript is not there to extract; the date can
be the last-modified date on pages that declare nothing else. Accuracy on the dev pages:
``eval/extraction.py`` and ``eval/dates.py`` (docs/evaluation.md).
"""

from __future__ import annotations

import codecs
import re
from datetime import date, datetime
from typing import Any, cast
from urllib.parse import urlsplit

from storyline.article import Article, PublishedSource
from storyline.errors import InputError
from storyline.ingest.encoding import (
    UndecodableError,
    bom_encoding,
    decode,
    looks_binary,
    normalise_text,
)

# trafilatura options, chosen on the 482 trafilatura dev pages by eval/extraction.py (the `…`
# rows of its table in docs/evaluation.md; F1 with trafilatura's own scorer). Reader comments are
# not the article: leaving them out raised precision 0.902 → 0.911 at equal recall (F1 0.928 →
# 0.933). Tables stay in (news pages put results and figures in tables): without them recall
# fell 0.957 → 0.944. favor_precision (F1 0.929), favor_recall (0.925), fast (0.926) and
# deduplicate (0.931) all scored below the balanced default.
INCLUDE_COMMENTS = False
INCLUDE_TABLES = True
FAVOR_PRECISION = False
FAVOR_RECALL = False
FAST = False

# A page whose main text is shorter than this is not an article: InputError. On the 800 htmldate
# dev pages every body under 100 chars is a notice, not content ("You need to enable JavaScript
# to run this app." 46, a DDoS-shield interstitial 90, a site tagline twice 96); the shortest
# real bodies are 122 and 156 chars (two blog posts), on the trafilatura dev pages 207. A one-line
# nav-only page or a broken fragment gives a stray word or two.
MIN_BODY_CHARS = 100
# Share of undecodable sequences among the non-ASCII characters up to which a page that is not
# strict UTF-8 is still read as UTF-8. On the 23 non-UTF-8 dev pages: the 3 mostly-UTF-8 pages
# have 0.01-0.04 (and lost 2 `with` snippets to a legacy-encoding guess), every page in a legacy
# encoding 0.78 or more (Chinese gb2312 0.78, all others 0.95-1.0).
MAX_UTF8_INVALID_SHARE = 0.1
# How far into the page to look for a ``<meta charset>`` declaration (the HTML standard's
# prescan reads 1024 bytes; real pages put long <head> scripts first, so look further).
CHARSET_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# Title separators between an article headline and the site name ("Headline | Site").
_TITLE_SITE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " « ", " » ")
_WHATWG_SUPERSETS = {
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso8859-9": "cp1254",
}


def read_html(
    data: bytes | str,
    *,
    source_path: str | None,
    url: str | None = None,
    record: str | None = None,
    crawled: date | None = None,
) -> Article:
    """Extract one article from an HTML page.

    ``data`` is the page as bytes (decoded here) or as text; ``source_path`` and ``record`` name
    the item in messages; ``url`` is the page address when known (JSONL, feeds, WARC): it helps
    the date search and fills ``Article.url`` when the page has no canonical link; ``crawled``
    is the day the page was fetched when known (WARC): no publication date can come after it.

    Raises :class:`~storyline.errors.InputError` when the page has no extractable main text
    (empty, not HTML, or only boilerplate).
    """
    item = _label(source_path, record)
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    if isinstance(data, bytes):
        try:
            html, encoding = decode_html(data)
        except UndecodableError as exc:
            raise InputError(item, str(exc)) from exc
    else:
        html, encoding = data, None
    if not html.strip():
        raise InputError(item, "empty HTML page")
    try:
        document = _extract(html, url)
    except (ValueError, TypeError, LookupError, RecursionError) as exc:  # lxml/trafilatura on
        # pathological markup (e.g. a tree too deep to walk): bad input, not a bug of ours
        raise InputError(item, f"cannot parse the HTML: {type(exc).__name__}: {exc}") from exc
    if document is None:
        raise InputError(item, "no article text found in the HTML (not HTML, or only boilerplate)")
    text = normalise_body(document.text or "")
    if len(text) < MIN_BODY_CHARS:
        raise InputError(
            item,
            f"no article text found in the HTML (main text {len(text)} < {MIN_BODY_CHARS} chars)",
        )

    page_url = document.url or url
    sitename = _clean(document.sitename)
    title = strip_site_from_title(_clean(document.title), sitename)
    article = Article(
        raw_text=text,
        source_path=source_path,
        record=record,
        input_format="html",
        raw=raw,
        encoding=encoding,
        url=page_url,
        source=sitename or _domain(page_url) or _clean(document.hostname),
        author=_clean(document.author),
        title=title,
    )
    _date_page(article, html, url or document.url, crawled)
    if sitename:
        article.hints["sitename"] = sitename
    description = _clean(document.description)
    if description:
        article.hints["description"] = description
    return article


def _date_page(article: Article, html: str, url: str | None, crawled: date | None) -> None:
    """``published`` (with its source and confidence) and ``modified``, by
    :mod:`storyline.ingest.dates` (htmldate's steps, a model choosing between their days, the
    day in the article's own time zone)."""
    from storyline.ingest.dates import (
        choose_date,
        date_signals,
        is_article_page,
        local_day,
        modified_date,
    )

    latest = datetime.combine(crawled, datetime.max.time()) if crawled else _today_end()
    chosen = choose_date(date_signals(html, url, latest), is_article_page(html))
    if chosen is None:
        return
    article.published = local_day(html, chosen.day)
    article.published_source = cast(PublishedSource, chosen.source)
    article.published_confidence = chosen.confidence
    modified = modified_date(html, latest)
    if modified is not None and modified > chosen.day:
        article.modified = modified


def _today_end() -> datetime:
    return datetime.combine(date.today(), datetime.max.time())


def _extract(html: str, url: str | None) -> Any:
    """One trafilatura pass: text and metadata (trafilatura runs htmldate's fast search inside;
    its date is not used, storyline.ingest.dates gives ours)."""
    from trafilatura import bare_extraction

    return bare_extraction(
        html,
        url=url,
        fast=FAST,
        favor_precision=FAVOR_PRECISION,
        favor_recall=FAVOR_RECALL,
        include_comments=INCLUDE_COMMENTS,
        include_tables=INCLUDE_TABLES,
        with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode an HTML page: ``(text, encoding)``.

    Order: byte-order mark, strict UTF-8 (most of the web), UTF-8 with a few stray bytes
    (:data:`MAX_UTF8_INVALID_SHARE`), the page's declared ``<meta charset>``
    when the bytes decode cleanly with it, then :func:`storyline.ingest.encoding.decode`
    (charset-normalizer with the ingest package's ranking). The declaration comes before the
    statistical guess because it is the author's word: of the 23 non-UTF-8 dev pages (trafilatura
    and htmldate sets), the guess alone garbled 652 Polish letters of a page declared (correctly)
    as iso-8859-2 (it chose DOS cp852) and turned German quotes into C1 controls on 6 pages
    declared latin-1 (which browsers, and so authors, treat as cp1252); it matched on the rest.

    Raises :class:`~storyline.ingest.encoding.UndecodableError` for binary data or bytes that
    decode only to gibberish.
    """
    if bom_encoding(data) is None and looks_binary(data) is None:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        mostly_utf8 = _mostly_utf8(data)
        if mostly_utf8 is not None:
            return mostly_utf8, "utf-8"
        declared = _declared_charset(data)
        if declared is not None:
            try:
                return data.decode(declared), declared
            except UnicodeDecodeError:
                pass
    return decode(data)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few stray bytes (a CMS pasting one legacy string into a UTF-8 page) decodes
    as UTF-8 with replacement characters; a guess would garble every other non-ASCII character."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    valid = sum(1 for ch in text if ch > "\x7f") - invalid
    if valid and invalid / (invalid + valid) <= MAX_UTF8_INVALID_SHARE:
        return text
    return None


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:CHARSET_PRESCAN_BYTES])
    if match is None:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    # A page that declares UTF-8 but failed strict UTF-8 decoding is mis-declared: guess instead.
    if name.startswith("utf"):
        return None
    # The HTML standard decodes these labels with a superset (browsers do, so pages rely on it):
    # latin-1/ascii → cp1252 (curly quotes and dashes), gb2312/gbk → gb18030, latin-5 → cp1254.
    return _WHATWG_SUPERSETS.get(name, name)


def normalise_body(text: str) -> str:
    """The ingest normalisation (:func:`storyline.ingest.encoding.normalise_text`: NFC, odd spaces
    to plain spaces, invisible characters dropped), spaces collapsed within a line, and one
    paragraph per block separated by a blank line (trafilatura puts one block per line)."""
    paragraphs = (" ".join(line.split()) for line in normalise_text(text).split("\n"))
    return "\n\n".join(p for p in paragraphs if p)


def strip_site_from_title(title: str | None, sitename: str | None) -> str | None:
    """ "Headline | Site" or "Site - Headline" → "Headline", when the site name is known."""
    if not title or not sitename:
        return title
    folded_site = sitename.casefold()
    for sep in _TITLE_SITE_SEPARATORS:
        head, found, tail = title.rpartition(sep)
        if found and tail.strip().casefold() == folded_site and head.strip():
            return head.strip()
        head, found, tail = title.partition(sep)
        if found and head.strip().casefold() == folded_site and tail.strip():
            return tail.strip()
    return title


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(normalise_text(value).split())
    return value or None


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname
    if not host:
        return None
    return host.removeprefix("www.")


def _label(source_path: str | None, record: str | None) -> str:
    where = source_path or "<input>"
    return f"{where}:{record}" if record else where
