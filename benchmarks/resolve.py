"""``storyline resolve`` speed: mentions/s of resolution over the SlavicNER dev mentions (gold
form, lemma and type; one registry), for this tree and, side by side, another source tree.

Each tree runs in its own process (imports cannot mix), alternately, ``--rounds`` times; the
best round of each is reported with their ratio. The other tree is any checkout of ``src`` of an
earlier commit, e.g. ``git archive main src | tar -x -C /tmp/base``.

Figures, not assertions. Run: ``.venv/bin/python benchmarks/resolve.py [--against /tmp/base/src]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "slavicner" / "ner"

# Run in a child process with the tree's src first on sys.path; prints mentions/s.
CHILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
try:
    from storyline.entities.registry import new_registry, resolve_rows
except ImportError:  # trees before the entities/ package
    from storyline.registry import new_registry, resolve_rows
rows = []
for tsv in sorted(Path(sys.argv[2]).glob("*/*/*.tsv")):
    topic, lang = tsv.parts[-3], tsv.parts[-2]
    for i, line in enumerate(tsv.read_text(encoding="utf-8").splitlines()):
        p = line.split("\\t")
        if len(p) >= 6:
            rows.append({"id": i, "doc_id": f"{topic}/{lang}/{tsv.stem}", "language": lang,
                         "text": p[2], "lemma": p[3], "type": p[4]})
registry = new_registry()
started = time.perf_counter()
for _ in resolve_rows(rows, registry):
    pass
print(len(rows) / (time.perf_counter() - started))
"""


def rate(src: Path) -> float:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(src), str(DATA)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--against", type=Path, help="src folder of the code to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    trees = {"this tree": ROOT / "src"}
    if args.against:
        trees["other tree"] = args.against
    best = dict.fromkeys(trees, 0.0)
    for _ in range(args.rounds):
        for name, src in trees.items():
            best[name] = max(best[name], rate(src))
    for name, value in best.items():
        print(f"{name}: {value:,.0f} mentions/s (best of {args.rounds})")
    if args.against:
        print(f"ratio this / other: {best['this tree'] / best['other tree']:.2f}")


if __name__ == "__main__":
    main()
