"""Shared by eval scripts: where the dev data is, and how results land in docs/evaluation.md.

Each eval script owns one section of docs/evaluation.md, delimited by HTML comments, and rewrites
only that section, so scripts can be rerun one at a time.
"""

from __future__ import annotations

import datetime as dt
import lzma
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
REPORT = ROOT / "docs" / "evaluation.md"
HEADER = (
    "# Evaluation\n\n"
    "Accuracy of each stage on the development part of third-party data in `../shared/data`, "
    "written by the scripts in `eval/` (`make eval`). Each section is dated and names the script "
    "that wrote it. Speed figures come from `benchmarks/` (`make bench`).\n"
)


def open_maybe_xz(path: Path) -> bytes:
    """Read ``path``, or ``path.xz`` when only the compressed copy exists (see data/README.md)."""
    if path.exists():
        return lzma.decompress(path.read_bytes()) if path.suffix == ".xz" else path.read_bytes()
    return lzma.decompress(Path(f"{path}.xz").read_bytes())


def write_section(name: str, title: str, body: str) -> None:
    """Replace (or append) the section ``name`` of docs/evaluation.md with a dated ``body``."""
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else HEADER
    stamp = dt.date.today().isoformat()
    section = (
        f"<!-- BEGIN {name} -->\n## {title}\n\n_Written by `eval/{name}.py` on {stamp}._\n\n"
        f"{body.strip()}\n<!-- END {name} -->"
    )
    pattern = re.compile(
        rf"<!-- BEGIN {re.escape(name)} -->.*?<!-- END {re.escape(name)} -->", re.S
    )
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else f"{text}\n{section}\n"
    REPORT.write_text(text, encoding="utf-8")
