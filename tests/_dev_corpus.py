"""A few hundred short dev articles for scale tests and benchmarks, written to a temporary JSONL.

Read from ../shared/data at run time (never copied into the repository): ECB+ English documents
(detokenised) and CL-TLS ML-Crisis es/fr/it texts with their folder date, each cut to its first
paragraphs, spread over topics and languages. Deterministic: the same files, in the same order.
"""

from __future__ import annotations

import json
import lzma
import re
import xml.etree.ElementTree as ET
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
# Articles are cut after the paragraph that crosses this many characters: short enough that a
# few hundred articles run through every stage in well under a minute per engine on 2 cores.
ARTICLE_MAX_CHARS = 1200


def _detokenise(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r" ([.,;:!?%)\]'’]|n't|'s)", r"\1", text)
    return re.sub(r"([(\[$]) ", r"\1", text)


def _cut(paragraphs: list[str]) -> str:
    kept: list[str] = []
    size = 0
    for paragraph in paragraphs:
        if paragraph.strip():
            kept.append(paragraph.strip())
            size += len(paragraph)
        if size >= ARTICLE_MAX_CHARS:
            break
    return "\n\n".join(kept)


def _spread(paths: list[Path], limit: int) -> list[Path]:
    step = max(1, -(-len(paths) // max(limit, 1)))  # ceiling: the spread reaches the last files
    return paths[::step][:limit]


def ecbplus_records(limit: int) -> list[dict[str, str]]:
    root = DATA / "ecbplus" / "ECB+"
    paths = sorted(root.glob("*/*.xml.xz"), key=lambda p: (int(p.parent.name), p.name))
    out = []
    for path in _spread(paths, limit):
        tree = ET.fromstring(lzma.decompress(path.read_bytes()))
        sentences: dict[int, list[str]] = {}
        for token in tree.iter("token"):
            sentences.setdefault(int(token.get("sentence", "0")), []).append(token.text or "")
        lines = [_detokenise(tokens) for _, tokens in sorted(sentences.items())]
        if len(lines) < 2:
            continue
        out.append({"title": lines[0], "text": _cut(lines[1:]), "source": "ecbplus"})
    return out


def crisis_records(limit: int) -> list[dict[str, str]]:
    root = DATA / "cl-tls-ml-crisis"
    paths = sorted(root.glob("[a-z][a-z]/*/*/*.txt.xz"))
    out = []
    for path in _spread(paths, limit):
        text = lzma.decompress(path.read_bytes()).decode("utf-8")
        lang, topic, day = path.parts[-4], path.parts[-3], path.parts[-2]
        out.append({"text": _cut(text.splitlines()), "published": day, "source": f"{topic}-{lang}"})
    return out


def write_dev_corpus(path: Path, ecbplus: int, crisis: int) -> Path:
    """Write ``ecbplus`` + ``crisis`` records to ``path`` (JSONL, one article per line)."""
    records = ecbplus_records(ecbplus) + crisis_records(crisis)
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
