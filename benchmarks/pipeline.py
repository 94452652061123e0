"""Whole-pipeline speed, side by side with an earlier commit: `storyline ingest` as a process.

For each input set (the CL-TLS dev texts, es/fr/it; the five seeds; trafilatura dev pages as
HTML), both code versions ingest the same files into a new SQLite store with every stage, in
separate processes, alternately (base, new, base, new …) so that the machine's load falls on both
alike. A process's time includes its start and model loading, as a user sees it. Reported:
articles/s, the ratio new / base, and each process's peak RSS.

Then, in one process per version over a sample of the texts (models loaded first, not counted),
the milliseconds per article of each stage: ``prepare``/``precompute`` (the batched model calls)
and the per-article calls, summed per stage.

The earlier version runs from a git worktree of ``--base`` (default :data:`BASE`), with this
checkout's virtualenv and ``PYTHONPATH`` pointing at that worktree's ``src``.

Prints a table and writes it to docs/evaluation.md (section ``speed``). Figures, not assertions.

Run: ``.venv/bin/python benchmarks/pipeline.py [--base REV] [--texts N] [--pages N]
[--repeats N] [--stage-sample N] [--no-write]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from _report import DATA, REPORT, SHARED, write_section  # noqa: E402

from ingest import dev_pages, news_texts  # type: ignore[import-not-found]  # noqa: E402

# The last commit before issue 12's speed work (onnxruntime e5, the parse of only what needs it).
BASE = "a0a1bb9"

# Run by each version's interpreter: `storyline ingest`, then its own peak RSS and the CPU time
# of it and its children (parse workers) on stderr.
INGEST = (
    "import resource, sys\n"
    "from storyline.cli import main\n"
    "try:\n    main()\n"
    "finally:\n"
    "    me = resource.getrusage(resource.RUSAGE_SELF)\n"
    "    kids = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime\n"
    "    print('MAXRSS', me.ru_maxrss, 'CPU', cpu, file=sys.stderr)\n"
)

# Run by each version's interpreter: per-stage time over the files of a folder.
STAGES = r"""
import json, sys, time
from collections import defaultdict
from storyline.ingest import read_paths
from storyline.pipeline import Pipeline

def read():
    return [a for a in read_paths([sys.argv[1]]) if not isinstance(a, Exception)]

Pipeline().run(read()[:3])  # loads the models (cached per process): not timed
articles = read()
spent = defaultdict(float)
pipeline = Pipeline()
for stage in pipeline.stages:
    for method in ("__call__", "prepare", "precompute"):
        inner = getattr(stage, method, None)
        if inner is None:
            continue
        def timed(*args, _inner=inner, _name=stage.name, **kw):
            start = time.perf_counter()
            try:
                return _inner(*args, **kw)
            finally:
                spent[_name] += time.perf_counter() - start
        if method == "__call__":
            call = {"__call__": lambda self, a, _t=timed: _t(a)}
            stage.__class__ = type(stage.__class__.__name__, (stage.__class__,), call)
        else:
            setattr(stage, method, timed)
pipeline.run(articles)
ms = {k: 1000 * v / len(articles) for k, v in spent.items()}
print(json.dumps({"n": len(articles), "ms": ms}))
"""


def worktree(rev: str) -> Path:
    """A checkout of ``rev`` (made once, under the system's temporary folder)."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    path = Path(tempfile.gettempdir()) / f"storyline-bench-{sha}"
    if not path.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(path), sha],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return path


def env_for(src: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(src), STORYLINE_NO_PROGRESS="1")
    env.pop("STORYLINE_DB", None)
    return env


def ingest_once(src: Path, folder: Path, db: Path) -> tuple[float, int, int, float]:
    """One `storyline ingest FOLDER` of every stage: (seconds, articles stored, peak RSS MB,
    CPU seconds)."""
    db.unlink(missing_ok=True)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", INGEST, "ingest", str(folder), "--db", str(db), "-q"],
        env=env_for(src),
        capture_output=True,
        text=True,
        cwd=folder.parent,
    )
    seconds = time.perf_counter() - start
    rss = re.search(r"MAXRSS (\d+) CPU ([\d.]+)", done.stderr)
    if done.returncode not in (0, 1) or rss is None:
        raise RuntimeError(f"ingest with {src} failed:\n{done.stderr[-2000:]}")
    import sqlite3

    with sqlite3.connect(db) as conn:
        stored = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    return seconds, stored, int(rss.group(1)) // 1024, float(rss.group(2))


def stage_times(src: Path, folder: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", STAGES, str(folder)],
        env=env_for(src),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"stage timing with {src} failed:\n{done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])["ms"]
    return result


def write_texts(folder: Path, limit: int) -> int:
    """The CL-TLS dev texts ``benchmarks/ingest.py`` samples (spread over languages and topics),
    as files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = news_texts(limit)
    if not texts:
        raise SystemExit(f"no CL-TLS texts under {DATA}: ../shared/data is needed")
    for name, data in texts:
        (folder / name).write_bytes(data)
    return len(texts)


def write_pages(folder: Path, limit: int) -> int:
    """The trafilatura dev pages ``benchmarks/ingest.py`` reads, as ``.html`` files."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = dev_pages(limit)
    for n, (_, data) in enumerate(pages):
        (folder / f"{n:04d}.html").write_bytes(data)
    return len(pages)


def write_seeds(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    for p in seeds:
        (folder / p.name).write_bytes(p.read_bytes())
    return len(seeds)


def load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default=BASE)
    parser.add_argument("--texts", type=int, default=740)
    parser.add_argument("--pages", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--stage-sample", type=int, default=120)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    versions = {"base": worktree(args.base) / "src", "new": ROOT / "src"}
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sets = {
            "CL-TLS dev texts (es/fr/it)": (tmp / "texts", write_texts(tmp / "texts", args.texts)),
            "seeds": (tmp / "seeds", write_seeds(tmp / "seeds")),
            "trafilatura dev pages (HTML)": (tmp / "pages", write_pages(tmp / "pages", args.pages)),
        }
        loads = [load()]
        for label, (folder, n_files) in sets.items():
            runs: dict[str, list[tuple[float, int, int, float]]] = {"base": [], "new": []}
            for _ in range(args.repeats):
                for name, src in versions.items():
                    runs[name].append(ingest_once(src, folder, tmp / f"{name}.db"))
                    print(label, name, runs[name][-1], flush=True)
            loads.append(load())
            best = {name: min(r, key=lambda x: x[0]) for name, r in runs.items()}
            rate = {name: best[name][1] / best[name][0] for name in best}
            cpu = {name: 1000 * best[name][3] / max(best[name][1], 1) for name in best}
            rows.append(
                f"| {label} | {n_files} | {rate['base']:.2f} | {rate['new']:.2f} | "
                f"{rate['new'] / rate['base']:.2f}× | {cpu['base']:.0f} / {cpu['new']:.0f} | "
                f"{cpu['base'] / cpu['new']:.2f}× | {best['base'][2]} / {best['new'][2]} |"
            )
        sample = tmp / "sample"
        write_texts(sample, args.stage_sample)
        per_stage = {name: stage_times(src, sample) for name, src in versions.items()}
        loads.append(load())

    stages = list(dict.fromkeys([*per_stage["base"], *per_stage["new"]]))
    stage_rows = [
        f"| {s} | {per_stage['base'].get(s, 0):.1f} | {per_stage['new'].get(s, 0):.1f} | "
        f"{per_stage['base'].get(s, 0) / max(per_stage['new'].get(s, 0), 1e-9):.2f}× |"
        for s in stages
    ]
    total_base, total_new = sum(per_stage["base"].values()), sum(per_stage["new"].values())
    stage_rows.append(
        f"| **all stages** | {total_base:.1f} | {total_new:.1f} | {total_base / total_new:.2f}× |"
    )
    body = (
        f"`benchmarks/pipeline.py`: this code against `{args.base}` (the last commit before the "
        "speed work), run side by side in one invocation on this machine (2 vCPUs, shared); "
        f"load average (1/5/15 min) during the run: {' → '.join(loads)}.\n\n"
        "Whole `storyline ingest` of a folder into a new SQLite store, every stage, as a process "
        "(start and model loading included), best of "
        f"{args.repeats} alternating run(s):\n\n"
        "| input | files | base articles/s | new articles/s | ratio | CPU ms/article (base / new)"
        " | CPU ratio | peak RSS MB (base / new) |\n"
        "|---|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        "Wall-clock throughput is what a user gets; on a shared machine it also depends on the "
        "other load, and with parse workers a run takes a larger share of a loaded machine. CPU "
        "time (the process and its workers) is the work done, which load disturbs less.\n\n"
        f"Per stage, ms/article over {args.stage_sample} of the CL-TLS texts in one process "
        "(models loaded before timing; batched model calls counted in their stage):\n\n"
        "| stage | base | new | ratio |\n|---|---|---|---|\n" + "\n".join(stage_rows) + "\n"
    )
    print(body)
    if not args.no_write:
        write_section("speed", "Speed: the whole pipeline", body)
        # write_section names an eval script as the author; this section is a benchmark's
        text = REPORT.read_text(encoding="utf-8")
        REPORT.write_text(
            text.replace("_Written by `eval/speed.py`", "_Written by `benchmarks/pipeline.py`"),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
