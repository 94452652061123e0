"""Turn quote annotations written as exact substrings into the offset records of this folder.

The annotation list (kept outside the repo: it holds text) has one block per document::

    @ <doc id>
    <kind> | <content> | <speaker or -> | <cue or ->
    ...

``kind`` is D (direct), P (partial) or I (indirect). Each string is an exact substring of the text
(a space matches any white space); ``string{n}`` takes its n-th occurrence (1-based). Without
``{n}`` the content must occur exactly once; the speaker and the cue are the whole-word occurrence
nearest to the content, preferring occurrences outside it (a speaker or cue inside the content, as
in "laut Polizei ...", needs ``{n}``, counted over whole-word occurrences). A block
with no lines is a document annotated as having no quotes.

Run: ``.venv/bin/python eval/gold/quotes/make_records.py de < de-annotations.txt``. Appends the
records of documents not yet in ``<lang>.jsonl``, after checking every offset: spans inside the
text, non-empty, not starting or ending in a space, and the text's SHA-1. It prints each span for
reading back (``--dry-run``: only that), and refuses the whole list on any error.

``--part c`` (or ``d``, ``e``) appends to ``<lang>-c.jsonl`` (``<lang>-d.jsonl``, ...) instead,
the parts scored on their own by ``eval/quotes.py --part-c`` (``--part-d``, ``--part-e``); a
document already in any file of the language is never written again.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from quotes import _hand_texts  # noqa: E402  (eval/ is not a package)

KINDS = {"D": "direct", "P": "partial", "I": "indirect"}
OCCURRENCE = re.compile(r"^(.*)\{(\d+)\}$", re.S)


def occurrences(text: str, s: str, whole_words: bool) -> list[tuple[int, int]]:
    """Spans of ``s`` in ``text``; a space in ``s`` matches any run of white space (the texts
    have no-break spaces and line breaks the annotator cannot see)."""
    pattern = r"\s+".join(re.escape(part) for part in s.split())
    if whole_words:  # a speaker or cue: "secondo" is not the one inside "Ssecondo"
        pattern = (r"(?<!\w)" if s[:1].isalnum() else "") + pattern
        pattern += r"(?!\w)" if s[-1:].isalnum() else ""
    return [m.span() for m in re.finditer(pattern, text)]


def locate(text: str, spec: str, near: tuple[int, int] | None, what: str) -> tuple[int, int] | None:
    spec = spec.strip()
    if spec == "-":
        return None
    m = OCCURRENCE.match(spec)
    s, n = (m.group(1), int(m.group(2))) if m else (spec, 0)
    hits = occurrences(text, s, whole_words=near is not None)
    if not hits:
        raise ValueError(f"{what} {s!r} not in the text")
    if n:
        if n > len(hits):
            raise ValueError(f"{what} {s!r}: occurrence {n} of {len(hits)}")
        span = hits[n - 1]
    elif near is None:
        if len(hits) > 1:
            raise ValueError(f"content {s!r} occurs {len(hits)} times: give {{n}}")
        span = hits[0]
    else:
        a, b = near
        outside = [h for h in hits if h[1] <= a or h[0] >= b]

        def dist(h: tuple[int, int]) -> int:
            return a - h[1] if h[1] <= a else h[0] - b

        span = min(outside, key=dist) if outside else hits[0]
    if not s or s != s.strip():
        raise ValueError(f"{what} {s!r} is empty or has outer spaces")
    return span


def parse(lines: list[str], texts: dict[str, str]) -> list[dict[str, object]]:
    docs: list[dict[str, object]] = []
    errors = []
    for n, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@ "):
            doc = line[2:].strip()
            if doc not in texts:
                errors.append(f"line {n}: no text {doc!r}")
                continue
            text = texts[doc]
            docs.append(
                {
                    "doc": doc,
                    "sha1": hashlib.sha1(text.encode("utf-8")).hexdigest(),
                    "chars": len(text),
                    "quotes": [],
                }
            )
            continue
        try:
            if not docs:
                raise ValueError("annotation before the first '@ doc'")
            kind, content, speaker, cue = (p.strip() for p in line.split(" | "))
            text = texts[str(docs[-1]["doc"])]
            c = locate(text, content, None, "content")
            assert c is not None
            quote = {
                "type": KINDS[kind],
                "content": list(c),
                "speaker": _list(locate(text, speaker, c, "speaker")),
                "cue": _list(locate(text, cue, c, "cue")),
            }
            docs[-1]["quotes"].append(quote)  # type: ignore[union-attr]
        except (ValueError, KeyError) as exc:
            errors.append(f"line {n}: {exc}: {line[:80]!r}")
    if errors:
        raise SystemExit("\n".join(errors))
    return docs


def _list(span: tuple[int, int] | None) -> list[int] | None:
    return list(span) if span else None


def check(record: dict[str, object], text: str) -> None:
    """Every offset of ``record`` lies inside ``text``, is non-empty and has no outer spaces."""
    if hashlib.sha1(text.encode("utf-8")).hexdigest() != record["sha1"]:
        raise SystemExit(f"{record['doc']}: SHA-1 differs")
    for q in record["quotes"]:  # type: ignore[attr-defined]
        for key in ("content", "speaker", "cue"):
            span = q[key]
            if span is None:
                continue
            a, b = span
            piece = text[a:b]
            if not (0 <= a < b <= len(text)) or piece != piece.strip():
                raise SystemExit(f"{record['doc']}: bad {key} span {span} {piece!r}")


def show(record: dict[str, object], text: str) -> None:
    print(f"== {record['doc']} ({len(record['quotes'])} quotes)")  # type: ignore[arg-type]
    for q in record["quotes"]:  # type: ignore[attr-defined]
        parts = []
        for key in ("content", "speaker", "cue"):
            span = q[key]
            parts.append(f"{key[:2]}={text[span[0] : span[1]]!r}" if span else f"{key[:2]}=-")
        print(f"  {q['type'][:3]} " + " ".join(parts))


def _read(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def main() -> None:
    lang = sys.argv[1]
    texts = _hand_texts(lang)
    part = sys.argv[sys.argv.index("--part") + 1] if "--part" in sys.argv else ""
    path = HERE / (f"{lang}-{part}.jsonl" if part else f"{lang}.jsonl")
    existing = _read(path)
    for record in existing:
        check(record, texts[record["doc"]])
    other = [r for p in HERE.glob(f"{lang}*.jsonl") if p != path for r in _read(p)]
    have = {r["doc"] for r in existing + other}
    new = [d for d in parse(sys.stdin.readlines(), texts) if d["doc"] not in have]
    if len({d["doc"] for d in new}) != len(new):
        raise SystemExit("a document is annotated twice")
    for record in new:
        check(record, texts[str(record["doc"])])
        show(record, texts[str(record["doc"])])
    if "--dry-run" in sys.argv:
        return
    with path.open("a", encoding="utf-8") as handle:
        for record in new:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{path.name}: {len(existing)} + {len(new)} documents")


if __name__ == "__main__":
    main()
