"""Which input format a file holds: from its name when that is clear, else from its first bytes.

Formats: ``text`` (plain-text dumps), ``html``, ``jsonl``, ``feed`` (RSS/Atom/RDF) and ``warc``
(WARC and WARC.gz). Names decide for ``.txt``, ``.html``, ``.jsonl``, ``.rss``/``.atom``,
``.warc``/``.warc.gz``; ``.xml``, ``.json``, unknown extensions and stdin are sniffed. Limits:
sniffing looks only at the first :data:`SNIFF_BYTES`; an XML file that is neither a feed nor
XHTML sniffs as ``text`` (:func:`storyline.ingest.read_stream` then refuses it).
"""

from __future__ import annotations

import re
import zlib

from storyline.article import InputFormat
from storyline.ingest.encoding import bom_encoding

# Largest single article record (a text or HTML file, a JSON line, a feed entry, a WARC response).
# The largest news page among the 1,277 htmldate/trafilatura dev pages in ../shared/data is 1.6 MB
# (median 0.1 MB), so 10 MB leaves 6× headroom for real pages while a 50 MB "article" — a dump,
# a log or a binary blob — is refused before it is read into memory and sent through the models.
# Longest article text analysed (characters, after extraction and normalisation): about 200 pages
# of news; the longest CL-TLS dev text is a 2 MB page with its comment thread. Every stage costs
# O(n) or O(n log n) in the length (the parse runs in pieces of storyline.nlp.PARSE_PIECE_CHARS),
# so a text at the limit takes about a minute; a longer one is refused, naming the item, and the
# rest of the batch lands. The HTTP API accepts the same limit (storyline.api.MAX_TEXT_CHARS).
MAX_ARTICLE_CHARS = 1_000_000
MAX_RECORD_BYTES = 10 * 1024 * 1024

# A feed is parsed in memory by feedparser as one document, so it has a file limit of its own:
# several hundred entries of full-page HTML fit.
MAX_FEED_BYTES = 50 * 1024 * 1024

# How much of a file the content sniffer looks at: enough to get past an XML prolog, comments and
# a long <head> up to the root element.
SNIFF_BYTES = 64 * 1024

_BY_SUFFIX: dict[str, InputFormat] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonlines": "jsonl",
    ".rss": "feed",
    ".atom": "feed",
    ".rdf": "feed",
    ".warc": "warc",
    ".arc": "warc",
}

# The root element of a feed, after any XML prolog, comments, processing instructions or doctype.
_PROLOG = re.compile(
    rb"(?:\s*(?:<\?.*?\?>|<!--.*?-->|<!(?!doctype\s+html)[^>]*>))*\s*", re.DOTALL | re.IGNORECASE
)
_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|RDF)[\s>]")
_HTML_MARK = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:p|div|article|br|h1|table)[\s/>]",
    re.IGNORECASE,
)


def format_from_name(name: str) -> InputFormat | None:
    """The format a file name promises, or None when the name does not say (``.xml``, ``.json``)."""
    lower = name.lower()
    if lower.endswith((".warc.gz", ".arc.gz")):
        return "warc"
    dot = lower.rfind(".")
    if dot < 0 or "/" in lower[dot:]:
        return None
    return _BY_SUFFIX.get(lower[dot:])


def _gunzip_head(data: bytes) -> bytes:
    """The first bytes of a gzip stream, tolerating truncation (only a header is needed)."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, 256)
    except zlib.error:
        return b""


def sniff_format(head: bytes) -> InputFormat:
    """The format the first bytes of a file look like (never fails: ``text`` is the default).

    ``head`` is the start of the file (up to :data:`SNIFF_BYTES`). Binary data sniffs as ``text``;
    the text reader then refuses it with a clear reason.
    """
    if head.startswith(b"WARC/") or (
        head.startswith(b"\x1f\x8b") and _gunzip_head(head).startswith(b"WARC/")
    ):
        return "warc"
    encoding = bom_encoding(head)
    if encoding:
        head = head.decode(encoding, errors="replace").encode("utf-8").lstrip(b"\xef\xbb\xbf")
    stripped = head.lstrip()
    if stripped.startswith((b"{", b"[{")):
        return "jsonl"
    if not stripped.startswith(b"<"):
        return "text"
    prolog = _PROLOG.match(stripped)
    body = stripped[prolog.end() if prolog else 0 :]
    if _FEED_ROOT.match(body):
        return "feed"
    if _HTML_MARK.search(stripped):
        return "html"
    return "text"


def too_big(size: int | None, limit: int = MAX_RECORD_BYTES, what: str = "one article") -> str:
    """The reason given for an item over a size limit (``size`` None: not read to the end)."""
    found = f"{size / 1_048_576:.1f} MB" if size is not None else "more than that"
    return f"over the {limit / 1_048_576:g} MB limit for {what} ({found})"


_HTML_DOCUMENT = re.compile(rb"(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)


def is_html_document(head: bytes) -> bool:
    """Whether ``head`` opens a whole HTML document (a saved page, whatever its file name says)."""
    return bool(_HTML_DOCUMENT.match(head.lstrip(b"\xef\xbb\xbf \t\r\n")))
