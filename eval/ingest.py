"""Encoding detection at ingest: how often :func:`storyline.ingest.encoding.decode` gives back the
exact text, on dev news texts re-encoded in the legacy encodings news sites used for them.

Texts: SlavicNER raw articles (ru, uk, bg, pl, cs, sl) and ML-Crisis articles (fr, es, it) from
``../shared/data``; each is encoded in the encodings of its language (below), whole and cut to
its first :data:`SHORT_BYTES` bytes (short dumps and single JSON lines are the hard case), then
decoded by ``decode``. A case counts as right when the decoded text equals the original exactly
(a different encoding name that decodes to the same text, e.g. cp1252 for latin-1 French, is
right). Texts that do not fit an encoding (e.g. "œ" in latin-1, "„" in iso8859-2) are skipped.

Run: ``.venv/bin/python eval/ingest.py [--per-cell N] [--dry]``; writes the "ingest" section of
docs/evaluation.md (``--dry``: print only). The constants of ``decode_legacy`` were chosen on a
30-texts-per-language sample; the default run reads 60 per language, half of them new.
"""

from __future__ import annotations

import lzma
import sys
import time
from collections import defaultdict

from _report import DATA, write_section
from charset_normalizer import from_bytes

from storyline.ingest.encoding import UndecodableError, decode

PER_CELL = int(sys.argv[sys.argv.index("--per-cell") + 1]) if "--per-cell" in sys.argv else 60
SHORT_BYTES = 300
ENCODINGS: dict[str, tuple[str, ...]] = {
    "ru": ("cp1251", "koi8_r", "utf-8", "utf-16"),
    "uk": ("cp1251", "koi8_u"),
    "bg": ("cp1251",),
    "pl": ("cp1250", "iso8859_2"),
    "cs": ("cp1250", "iso8859_2"),
    "sl": ("cp1250",),
    "fr": ("latin_1", "cp1252", "utf-8"),
    "es": ("latin_1", "cp1252"),
    "it": ("latin_1", "cp1252"),
}


def texts(language: str, limit: int) -> list[str]:
    """Up to ``limit`` article texts of ``language``, in a fixed (sorted) order."""
    if language in ("fr", "es", "it"):
        paths = sorted((DATA / "cl-tls-ml-crisis" / language).glob("*/*/*.txt.xz"))
        read = lambda p: lzma.decompress(p.read_bytes()).decode("utf-8")  # noqa: E731
    else:
        paths = sorted((DATA / "slavicner" / "raw").glob(f"*/{language}/*.txt"))
        read = lambda p: p.read_text(encoding="utf-8")  # noqa: E731
    out: list[str] = []
    step = max(1, len(paths) // (limit * 2))  # spread over topics, not the first folder only
    for path in paths[::step]:
        text = read(path).replace("\ufeff", "")
        if len(text.strip()) > 200:
            out.append(text)
        if len(out) == limit:
            break
    return out


def cut(data: bytes, encoding: str, size: int) -> bytes:
    """The first ``size`` bytes of ``data`` or a little less, ending on a character boundary."""
    for end in range(min(size, len(data)), 0, -1):
        try:
            data[:end].decode(encoding)
            return data[:end]
        except UnicodeDecodeError:
            continue
    return data


def main() -> None:
    right: dict[tuple[str, str, str], int] = defaultdict(int)
    total: dict[tuple[str, str, str], int] = defaultdict(int)
    wrong_as: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    seconds = 0.0
    calls = 0
    base_right = base_total = ours_right = ours_total = 0
    for language, encodings in ENCODINGS.items():
        sample = texts(language, PER_CELL)
        for encoding in encodings:
            for text in sample:
                try:
                    whole = text.encode(encoding)
                except UnicodeEncodeError:
                    continue
                for length, data in (
                    ("whole", whole),
                    ("short", cut(whole, encoding, SHORT_BYTES)),
                ):
                    expected = data.decode(encoding).lstrip("\ufeff")
                    key = (language, encoding, length)
                    total[key] += 1
                    start = time.perf_counter()
                    try:
                        got, name = decode(data)
                    except UndecodableError:
                        got, name = None, "refused"
                    seconds += time.perf_counter() - start
                    calls += 1
                    if not encoding.startswith("utf"):
                        baseline = from_bytes(data).best()
                        base_total += 1
                        base_right += baseline is not None and str(baseline) == expected
                        ours_total += 1
                        ours_right += got is not None and got.lstrip("\ufeff") == expected
                    if got is not None and got.lstrip("\ufeff") == expected:
                        right[key] += 1
                    else:
                        wrong_as[key][name] += 1
    rows = [
        "| language | encoding | whole texts | first 300 bytes | wrong guesses (short) |",
        "|---|---|---|---|---|",
    ]
    all_right = all_total = 0
    for language, encodings in ENCODINGS.items():
        for encoding in encodings:
            cells = []
            for length in ("whole", "short"):
                key = (language, encoding, length)
                all_right += right[key]
                all_total += total[key]
                share = right[key] / total[key] if total[key] else 0.0
                cells.append(f"{right[key]}/{total[key]} ({share:.0%})")
            wrong = wrong_as[(language, encoding, "short")]
            guesses = ", ".join(f"{n}×{k}" for k, n in sorted(wrong.items(), key=lambda kv: -kv[1]))
            rows.append(f"| {language} | {encoding} | {cells[0]} | {cells[1]} | {guesses or '–'} |")
    body = (
        "Exact-text accuracy of `storyline.ingest.encoding.decode` on dev news texts re-encoded "
        "in each language's legacy encodings (SlavicNER raw texts; ML-Crisis es/fr/it), whole "
        f"and cut to the first {SHORT_BYTES} bytes. Up to {PER_CELL} texts per language; texts "
        "an encoding cannot represent are skipped.\n\n"
        + "\n".join(rows)
        + f"\n\nOverall: {all_right}/{all_total} ({all_right / max(all_total, 1):.1%}) exact. "
        f"Mean decode time {1000 * seconds / max(calls, 1):.1f} ms per text "
        "(UTF-8 is a strict decode; other encodings run charset-normalizer).\n\n"
        f"Legacy (non-UTF) cases only: ours {ours_right}/{ours_total} "
        f"({ours_right / max(ours_total, 1):.1%}) vs charset-normalizer's own best guess "
        f"{base_right}/{base_total} ({base_right / max(base_total, 1):.1%}).\n"
    )
    print(body)
    if "--dry" not in sys.argv:
        write_section("ingest", "Ingest: encoding detection", body)


if __name__ == "__main__":
    main()
