"""Registry resolution speed on news: the entities stage's call (no model: the models' mentions
and parses are computed once and kept), for this tree and, side by side, an earlier commit.

1. ``capture`` (once, cached under the system's temporary folder): the CL-TLS dev texts of
   ``benchmarks/ingest.py``'s ``news_texts(N)`` through the parallel stages and the entities
   stage's ``precompute`` (spaCy NER and parse), pickled with their parses as bytes.
2. Each version replays the stage's call (:class:`storyline.entities.stage.EntityStage`, one
   corpus without a store, publication order as the runner takes them) over the captured
   articles in its own process, alternately, ``--rounds`` times: CPU seconds of the calls, best
   round of each, and the ratio. Each version also writes every mention's (start, end, type,
   entity id, canonical name), and the two lists are compared: a speed change must not change
   what a mention resolves to.

The earlier version runs from a git worktree of ``--base`` (as ``benchmarks/pipeline.py``
makes it). ``--profile`` prints this tree's cProfile of the calls instead.

Figures, not assertions. Run: ``.venv/bin/python benchmarks/registry.py [--base REV]
[--texts N] [--rounds N] [--profile]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from pipeline import env_for, worktree  # type: ignore[import-not-found]  # noqa: E402

from ingest import news_texts  # type: ignore[import-not-found]  # noqa: E402

# Run by this tree's interpreter once: the captured articles, pickled to argv[2].
CAPTURE = r"""
import pickle, sys
from pathlib import Path
from storyline.engine import _pack
from storyline.entities.stage import EntityStage
from storyline.ingest import read_paths
from storyline.pipeline import Pipeline, _stream_order

articles = [a for a in read_paths([sys.argv[1]]) if not isinstance(a, Exception)]
pipeline = Pipeline()
prefix, suffix = pipeline.split()
results = pipeline.analyse_parallel(prefix, articles)
alive = [a for a, error in results if error is None]
stage = next(s for s in suffix if isinstance(s, EntityStage))
stage.precompute(alive)
Path(sys.argv[2]).write_bytes(pickle.dumps([_pack(a) for a in _stream_order(alive)]))
print(len(alive))
"""

# Run by each version's interpreter: replay the stage's call; CPU seconds on stdout, mentions
# to argv[2]; argv[3] == "profile" prints a cProfile instead.
REPLAY = r"""
import json, pickle, sys, time
from pathlib import Path
from storyline.corpus import Corpus
from storyline.engine import _unpack
from storyline.entities.stage import EntityStage

articles = [_unpack(a) for a in pickle.loads(Path(sys.argv[1]).read_bytes())]
stage = EntityStage(Corpus())
stage.prepare(articles[:0])
for lang in sorted({a.language for a in articles if a.language}):
    from storyline.entities.lexicon_ner import load_name_data
    load_name_data(lang)
profile = len(sys.argv) > 3 and sys.argv[3] == "profile"
if profile:
    import cProfile, pstats
    prof = cProfile.Profile()
    prof.enable()
started = time.process_time()
for article in articles:
    stage(article)
spent = time.process_time() - started
if profile:
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
    pstats.Stats(prof).sort_stats("tottime").print_stats(30)
rows = [
    [a.id, m.start, m.end, m.type, m.entity_id, m.canonical]
    for a in articles for m in a.entities or []
]
Path(sys.argv[2]).write_text(json.dumps(rows))
print(spent, len(rows))
"""


def capture(limit: int) -> Path:
    """The captured articles of ``news_texts(limit)`` (made once; the parse does not depend on
    the registry code, so both versions replay the same file)."""
    out = Path(tempfile.gettempdir()) / f"storyline-registry-capture-{limit}.pickle"
    if out.exists():
        return out
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in news_texts(limit):
            (Path(tmp) / name).write_bytes(data)
        env = dict(env_for(ROOT / "src"), STORYLINE_PARSE_PROCESSES="1")
        subprocess.run(
            [sys.executable, "-c", CAPTURE, tmp, str(out)], env=env, check=True, cwd=ROOT
        )
    return out


def replay(src: Path, captured: Path, mentions: Path, profile: bool = False) -> tuple[float, int]:
    done = subprocess.run(
        [sys.executable, "-c", REPLAY, str(captured), str(mentions), "profile" if profile else ""],
        env=env_for(src),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"replay with {src} failed:\n{done.stderr[-3000:]}")
    if profile:
        print(done.stdout)
    seconds, rows = done.stdout.strip().splitlines()[-1].split()
    return float(seconds), int(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="main")
    parser.add_argument("--texts", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    captured = capture(args.texts)
    with tempfile.TemporaryDirectory() as tmp:
        if args.profile:
            replay(ROOT / "src", captured, Path(tmp) / "new.json", profile=True)
            return
        versions = {"base": worktree(args.base) / "src", "new": ROOT / "src"}
        best = dict.fromkeys(versions, float("inf"))
        count = {}
        for _ in range(args.rounds):
            for name, src in versions.items():
                seconds, count[name] = replay(src, captured, Path(tmp) / f"{name}.json")
                best[name] = min(best[name], seconds)
                print(f"{name}: {seconds:.2f} s CPU", flush=True)
        rows = {n: json.loads((Path(tmp) / f"{n}.json").read_text()) for n in versions}
    try:
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    for name in versions:
        print(
            f"{name}: best {best[name]:.2f} s CPU over {args.texts} texts "
            f"({1000 * best[name] / args.texts:.1f} ms/article), {count[name]} mentions"
        )
    print(f"ratio base / new (CPU): {best['base'] / best['new']:.2f}; load {load}")
    same = rows["base"] == rows["new"]
    diff = sum(a != b for a, b in zip(rows["base"], rows["new"], strict=False))
    print(f"mentions identical: {same} ({diff} of {len(rows['new'])} rows differ)")


if __name__ == "__main__":
    main()
