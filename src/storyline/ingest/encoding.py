"""Bytes → normalised text: encoding detection, binary detection and Unicode normalisation.

Every ingest format runs its text through :func:`normalise_text`, so all offsets downstream index
into the same normalised text:

- NFC (a decomposed "é" and a precomposed one compare equal and count as one character);
- ``\\r\\n``, lone ``\\r``, NEL and the Unicode line/paragraph separators → ``\\n``;
- non-breaking and other odd spaces (U+00A0, U+1680, U+2000–U+200A, U+202F, U+205F, U+3000) → a
  plain space: scraped pages are full of them and they break line and token matching;
- invisible characters removed: zero-width space, word joiner, BOM, soft hyphen, Mongolian vowel
  separator, and C0/C1 control characters other than tab and newline.
  ZWJ/ZWNJ (U+200D/U+200C) are removed only after a Latin, Greek or Cyrillic character or a
  space: in Persian, Arabic, Indic scripts and emoji sequences they are part of the spelling.

:func:`decode` tries, in order: a byte-order mark, strict UTF-8 (by far the most common, and
cheap to check), then charset-normalizer's detection (cp1251, latin-1, Shift-JIS …). Limits:
detection on very short non-UTF-8 texts is a guess (a few accented letters cannot tell cp1250
from cp1252; both decode French accents identically); text that decodes only to gibberish is
rejected rather than guessed.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from charset_normalizer import CharsetMatch

# Bytes that open common binary formats. A text dump never starts with these, and a NUL-ratio
# test alone misses compressed formats (zip/gzip/PNG bodies have few NULs).
BINARY_SIGNATURES: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"PK\x03\x04",  # zip, docx, xlsx, epub
    b"PK\x05\x06",  # empty zip
    b"%PDF-",
    b"\x1f\x8b",  # gzip (a .warc.gz is recognised before this test)
    b"\xfd7zXZ\x00",  # xz
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x7fELF",
    b"OggS",
    b"SQLite format 3\x00",
)

# Share of NUL bytes in the first BINARY_SNIFF_BYTES above which a file without a UTF-16/32 BOM is
# binary. Text in any 8-bit or UTF-8 encoding has no NULs at all; 1 % tolerates a stray NUL in a
# scraped dump while every binary sample we tried (PNG, sqlite, ELF, random bytes) is far above.
MAX_NUL_RATIO = 0.01
BINARY_SNIFF_BYTES = 8192

# charset-normalizer's "chaos" (share of the decoded text that looks like mojibake) above which a
# decoding is rejected as garbage. Calibrated on our test inputs: cp1251 Russian and latin-1
# French news text decode with chaos 0.0; random bytes get chaos ≥ 0.5 or no result.
MAX_CHAOS = 0.2

# Tie-break between encodings charset-normalizer scores equally: short French, Spanish or German
# text in latin-1 gets the same chaos and coherence as cp1250 and cp1257, which turn "ê" into "ę"
# or "ź" (measured on a 100-character latin-1 French sentence). cp1252 — which is what browsers
# use for a page labelled latin-1 — and the other West European and Cyrillic legacy encodings of
# news sites come first.
LEGACY_PREFERENCE: tuple[str, ...] = (
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1251",
    "koi8_r",
    "mac_roman",
    "cp1250",
    "iso8859_2",
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_ODD_SPACES = "\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_LINE_BREAKS = re.compile("\r\n|[\r\u0085\u2028\u2029]")
# Invisible characters that carry no text: zero-width space, word joiner, BOM, soft hyphen,
# Mongolian vowel separator, C0 controls except tab/newline, DEL and C1 controls.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")
# ZWNJ/ZWJ after Latin, Greek, Cyrillic (all below U+0590) or at a line start: never spelling there.
_JOINERS_AFTER_ALPHABETS = re.compile("(?:(?<=[\x00-\u058f])|^)[\u200c\u200d]+", re.MULTILINE)
_SPACE_TABLE = {ord(c): " " for c in _ODD_SPACES}


class UndecodableError(ValueError):
    """The bytes are binary or decode only to gibberish in every encoding tried."""


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark declares, if the data starts with one."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def looks_binary(data: bytes) -> str | None:
    """Why ``data`` is binary (``"PNG image"``-like reason), or None when it may be text."""
    head = data[:BINARY_SNIFF_BYTES]
    if bom_encoding(head):
        return None
    for signature in BINARY_SIGNATURES:
        if head.startswith(signature):
            return f"binary data (starts with {signature[:8]!r}), not text"
    if head and head.count(0) / len(head) > MAX_NUL_RATIO:
        return f"binary data ({head.count(0)} NUL bytes in the first {len(head)}), not text"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Decode ``data`` to text; returns ``(text, encoding)``. Raises :class:`UndecodableError`."""
    declared = bom_encoding(data)
    if declared:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError as exc:
            raise UndecodableError(
                f"invalid {declared} despite its byte-order mark: {exc}"
            ) from exc
    reason = looks_binary(data)
    if reason:
        raise UndecodableError(reason)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    from charset_normalizer import from_bytes

    matches = [m for m in from_bytes(data) if m.chaos <= MAX_CHAOS]
    best = min(matches, key=_rank, default=None)
    if best is None:
        raise UndecodableError(
            f"not valid UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) "
            "and no other encoding gives readable text"
        )
    return str(best), best.encoding


def _rank(match: CharsetMatch) -> tuple[float, float, int]:
    """Least mojibake, then most coherent language, then the more common legacy encoding."""
    common = LEGACY_PREFERENCE.index(match.encoding) if match.encoding in LEGACY_PREFERENCE else 99
    return (round(match.chaos, 3), -round(match.coherence, 3), common)


def normalise_text(text: str) -> str:
    """NFC, one kind of newline, plain spaces, no invisible characters (see module docstring)."""
    text = _LINE_BREAKS.sub("\n", text)
    text = text.translate(_SPACE_TABLE)
    text = _INVISIBLE.sub("", text)
    text = _JOINERS_AFTER_ALPHABETS.sub("", text)
    return unicodedata.normalize("NFC", text)


def decode_text(data: bytes) -> tuple[str, str]:
    """:func:`decode` then :func:`normalise_text`; returns ``(text, encoding)``."""
    text, encoding = decode(data)
    return normalise_text(text), encoding
