"""Ingest speed per input format: articles/s through :func:`storyline.ingest.read_paths` alone
(no stages), on inputs built in a temporary folder from the dev data in ``../shared/data``:

- ``text``: ML-Crisis es/fr/it articles as UTF-8 ``.txt`` files;
- ``text cp1251``: SlavicNER Russian/Bulgarian/Ukrainian articles as cp1251 ``.txt`` files (the
  legacy-encoding path: charset-normalizer + language-decided choice);
- ``jsonl``: the ML-Crisis articles as one JSONL file;
- ``feed``: the same articles as ``<p>`` fragments in one RSS file;
- ``warc.gz``: trafilatura dev pages as HTML response records in one WARC.gz (dominated by the
  HTML extraction; ``benchmarks/ingest.py`` compares that with trafilatura alone).

One process, best of :data:`REPEATS` runs (the machine is shared). Figures, not assertions.
Run: ``.venv/bin/python benchmarks/ingest_formats.py [--texts N] [--pages N]``.
"""

from __future__ import annotations

import io
import json
import lzma
import sys
import tempfile
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))
from _report import DATA  # noqa: E402

TEXTS = int(sys.argv[sys.argv.index("--texts") + 1]) if "--texts" in sys.argv else 300
PAGES = int(sys.argv[sys.argv.index("--pages") + 1]) if "--pages" in sys.argv else 60
REPEATS = 3


def crisis_texts(limit: int) -> list[str]:
    paths = sorted((DATA / "cl-tls-ml-crisis").glob("*/*/*/*.txt.xz"))
    step = max(1, len(paths) // limit)
    return [lzma.decompress(p.read_bytes()).decode("utf-8") for p in paths[::step]][:limit]


def cyrillic_texts(limit: int) -> list[bytes]:
    out: list[bytes] = []
    for language in ("ru", "bg", "uk"):
        for path in sorted((DATA / "slavicner" / "raw").glob(f"*/{language}/*.txt")):
            try:
                out.append(path.read_text(encoding="utf-8").encode("cp1251"))
            except UnicodeEncodeError:
                continue
            if len(out) >= limit * (1 + ("ru", "bg", "uk").index(language)) // 3:
                break
    return out[:limit]


def dev_pages(limit: int) -> list[bytes]:
    folder = DATA / "web-extraction-eval" / "trafilatura" / "tests" / "eval"
    return [lzma.decompress(p.read_bytes()) for p in sorted(folder.glob("*.html.xz"))[:limit]]


def build(tmp: Path) -> dict[str, tuple[list[str], int]]:
    """Input paths per format, with the number of records in them."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    texts = crisis_texts(TEXTS)
    inputs: dict[str, tuple[list[str], int]] = {}
    folder = tmp / "text"
    folder.mkdir()
    for n, text in enumerate(texts):
        (folder / f"{n:05}.txt").write_text(text, encoding="utf-8")
    inputs["text"] = ([str(folder)], len(texts))
    folder = tmp / "cp1251"
    folder.mkdir()
    cyrillic = cyrillic_texts(TEXTS)
    for n, data in enumerate(cyrillic):
        (folder / f"{n:05}.txt").write_bytes(data)
    inputs["text cp1251"] = ([str(folder)], len(cyrillic))
    jsonl = tmp / "all.jsonl"
    jsonl.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    inputs["jsonl"] = ([str(jsonl)], len(texts))
    items = "".join(
        f"<item><title>{n}</title><link>https://example.org/{n}</link><description>"
        + escape("".join(f"<p>{escape(p)}</p>" for p in t.split("\n") if p.strip()))
        + "</description></item>"
        for n, t in enumerate(texts)
    )
    feed = tmp / "all.rss"
    feed.write_text(f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>')
    inputs["feed"] = ([str(feed)], len(texts))
    pages = dev_pages(PAGES)
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for n, page in enumerate(pages):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                f"https://example.org/{n}", "response", payload=io.BytesIO(page), http_headers=http
            )
        )
    warc = tmp / "pages.warc.gz"
    warc.write_bytes(out.getvalue())
    inputs["warc.gz"] = ([str(warc)], len(pages))
    return inputs


def main() -> None:
    from storyline.errors import InputError
    from storyline.ingest import read_paths

    with tempfile.TemporaryDirectory() as folder:
        inputs = build(Path(folder))
        list(read_paths(inputs["warc.gz"][0][:1]))  # warm up: imports, language model
        print(f"| format | records | read | failed | best of {REPEATS} | articles/s |")
        print("|---|---|---|---|---|---|")
        for name, (paths, records) in inputs.items():
            best = float("inf")
            for _ in range(REPEATS):
                start = time.perf_counter()
                items = list(read_paths(paths))
                best = min(best, time.perf_counter() - start)
            failed = sum(isinstance(i, InputError) for i in items)
            rate = (len(items) - failed) / best
            read = len(items) - failed
            print(f"| {name} | {records} | {read} | {failed} | {best:.2f} s | {rate:,.0f} |")


if __name__ == "__main__":
    main()
