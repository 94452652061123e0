"""The ingest runner: idempotency, bad items, a stage raising, and crash safety (pending finished
on rerun, including after a hard kill of the process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from storyline.article import Article
from storyline.batch import IngestReport, ingest
from storyline.pipeline import Pipeline
from storyline.store.sqlite import SQLiteStore


class FakeStage:
    """Marks articles analysed; raises on ``fail_on`` text, or with ``interrupt`` (a
    BaseException, like Ctrl-C) once ``interrupt_after`` articles are done."""

    name = "fake"
    requires: tuple[str, ...] = ("raw_text",)
    assigns: tuple[str, ...] = ("text", "language")
    parallel = True

    def __init__(self, fail_on: str | None, interrupt_after: int | None) -> None:
        self.fail_on = fail_on
        self.interrupt_after = interrupt_after
        self.batches: list[list[str]] = []
        self.done = 0

    def prepare(self, batch: list[Article]) -> None:
        self.batches.append([a.id for a in batch])

    def __call__(self, article: Article) -> Article:
        if self.interrupt_after is not None and self.done >= self.interrupt_after:
            raise KeyboardInterrupt
        if self.fail_on and self.fail_on in article.raw_text:
            raise ValueError(f"cannot digest {self.fail_on!r}")
        assert not article.text, "analysis starts from the stored input"
        article.text = article.raw_text.strip()
        article.language = "en"
        self.done += 1
        return article


class _Calls(FakeStage):
    """A fake stage that calls ``call`` on each article."""

    def __init__(self, call: Callable[[Article], Article]) -> None:
        super().__init__(None, None)
        self._call = call

    def __call__(self, article: Article) -> Article:
        return self._call(article)


class FakeAnalyser(Pipeline):
    """A pipeline of one :class:`FakeStage`."""

    def __init__(self, fail_on: str | None = None, interrupt_after: int | None = None) -> None:
        super().__init__(stages=())
        self.stage = FakeStage(fail_on, interrupt_after)
        self.stages = [self.stage]

    @property
    def batches(self) -> list[list[str]]:
        return self.stage.batches


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with SQLiteStore(tmp_path / "b.db") as s:
        yield s


def _corpus(directory: Path, n: int = 5) -> list[Path]:
    directory.mkdir(exist_ok=True)
    paths = []
    for i in range(n):
        path = directory / f"article_{i}.txt"
        path.write_text(f"Headline number {i}\n\nThe body of article {i} says something.\n")
        paths.append(path)
    return paths


def test_ingest_twice_adds_nothing(tmp_path: Path, store: SQLiteStore) -> None:
    _corpus(tmp_path / "in")
    first = ingest([str(tmp_path / "in")], store, FakeAnalyser())
    assert (first.ingested, first.unchanged, first.failed, first.read) == (5, 0, 0, 5)
    analyser = FakeAnalyser()
    second = ingest([str(tmp_path / "in")], store, analyser)
    assert (second.ingested, second.unchanged, second.failed) == (0, 5, 0)
    assert analyser.batches == []  # nothing analysed again
    assert store.count_articles() == 5
    assert {a.text.split()[-1] for a in store.iter_articles()} == {"something."}


def test_raw_bytes_and_source_path_kept_as_given(tmp_path: Path, store: SQLiteStore) -> None:
    path = tmp_path / "latin.txt"
    raw = "Le président a parlé à l’Élysée.\n".encode("cp1252")
    path.write_bytes(raw)
    ingest([str(path)], store, FakeAnalyser())
    [article] = store.iter_articles()
    assert store.get_raw(article.id) == raw
    assert article.source_path == str(path)
    assert "président" in article.text


def test_bad_items_fail_and_the_rest_lands(tmp_path: Path, store: SQLiteStore) -> None:
    src = tmp_path / "in"
    _corpus(src, 3)
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (src / "feed.jsonl").write_text(
        '{"title": "One", "text": "First JSON article body."}\n'
        "{not json\n"
        '{"title": "Two", "text": "Second JSON article body."}\n'
    )
    report = ingest([str(src), str(tmp_path / "missing.txt")], store, FakeAnalyser())
    assert report.ingested == 5
    assert report.failed == 4
    items = {f.item for f in report.failures}
    assert any(i.endswith("empty.txt") for i in items)
    assert any(i.endswith("binary.txt") for i in items)
    assert any("feed.jsonl" in i and "2" in i for i in items)  # names the line
    assert any(i.endswith("missing.txt") for i in items)
    assert all(f.reason for f in report.failures)
    assert store.count_articles("analysed") == 5
    assert store.summary()["unreadable_items"] == 4


def test_a_stage_raising_fails_only_that_article(tmp_path: Path, store: SQLiteStore) -> None:
    src = tmp_path / "in"
    _corpus(src, 4)
    (src / "poison.txt").write_text("Poison headline\n\nThis body contains POISON for the stage.\n")
    analyser = FakeAnalyser(fail_on="POISON")
    report = ingest([str(src)], store, analyser)
    assert (report.ingested, report.failed) == (4, 1)
    [failure] = report.failures
    assert failure.item.endswith("poison.txt")
    assert "ValueError" in failure.reason and "POISON" in failure.reason
    assert [len(b) for b in analyser.batches] == [5]  # one chunk: only the culprit fails
    poison_id = next(i for i in store.unfinished_ids())
    assert store.status(poison_id) == "failed"
    assert "POISON" in (store.last_error(poison_id) or "")

    # Fixed stage: a rerun retries the failed article and leaves the others alone.
    rerun = ingest([str(src)], store, FakeAnalyser())
    assert (rerun.ingested, rerun.unchanged, rerun.failed) == (1, 4, 0)
    assert store.status(poison_id) == "analysed"


def test_interrupted_run_loses_nothing_read_and_rerun_finishes(
    tmp_path: Path, store: SQLiteStore
) -> None:
    _corpus(tmp_path / "in", 6)
    with pytest.raises(KeyboardInterrupt):
        ingest([str(tmp_path / "in")], store, FakeAnalyser(interrupt_after=2), chunk_size=2)
    assert store.count_articles() == 6  # every article read is stored
    assert store.count_articles("analysed") == 2
    assert store.count_articles("pending") == 4
    report = ingest([str(tmp_path / "in")], store, FakeAnalyser(), chunk_size=2)
    assert (report.ingested, report.unchanged, report.failed) == (4, 2, 0)
    assert store.count_articles("analysed") == 6


def test_pending_articles_are_finished_even_without_their_paths(
    tmp_path: Path, store: SQLiteStore
) -> None:
    _corpus(tmp_path / "in", 3)
    with pytest.raises(KeyboardInterrupt):
        ingest([str(tmp_path / "in")], store, FakeAnalyser(interrupt_after=0))
    report = ingest([], store, FakeAnalyser())
    assert report.ingested == 3 and report.nothing_read


def test_hard_kill_mid_analysis_keeps_the_store_consistent(tmp_path: Path) -> None:
    """A real process killed with os._exit (no cleanup, no rollback) in its third chunk."""
    _corpus(tmp_path / "in", 7)
    db = tmp_path / "killed.db"
    script = textwrap.dedent(
        f"""
        import os
        from storyline.batch import ingest
        from storyline.pipeline import Pipeline
        from storyline.store.sqlite import SQLiteStore

        class Dies:
            name, requires, assigns, parallel = "dies", (), ("text",), True
            calls = 0
            def prepare(self, batch):
                Dies.calls += 1
                if Dies.calls == 3:
                    os._exit(9)
            def __call__(self, a):
                a.text = a.raw_text
                return a

        pipeline = Pipeline(stages=())
        pipeline.stages = [Dies()]
        ingest([{str(tmp_path / "in")!r}], SQLiteStore({str(db)!r}), pipeline, chunk_size=2)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode == 9, done.stderr.decode()
    with SQLiteStore(db) as store:
        assert store.count_articles() == 7
        assert store.count_articles("analysed") == 4
        report = ingest([str(tmp_path / "in")], store, FakeAnalyser())
        assert (report.ingested, report.unchanged) == (3, 4)
        assert store.count_articles("analysed") == 7


def test_progress_reports_both_phases(tmp_path: Path, store: SQLiteStore) -> None:
    _corpus(tmp_path / "in", 3)
    events: list[tuple[str, int, int | None]] = []
    ingest(
        [str(tmp_path / "in")],
        store,
        FakeAnalyser(),
        progress=lambda phase, done, total: events.append((phase, done, total)),
    )
    assert events[:3] == [("read", 1, None), ("read", 2, None), ("read", 3, None)]
    assert events[-1] == ("analyse", 3, 3)


def test_stdin_is_read(store: SQLiteStore) -> None:
    import io

    stdin = io.BytesIO(b"Headline from a pipe\n\nA body that arrived on standard input.\n")
    report = ingest(["-"], store, FakeAnalyser(), stdin=stdin)
    assert report.ingested == 1
    [article] = store.iter_articles()
    assert "standard input" in article.text


def test_report_defaults() -> None:
    report = IngestReport()
    assert report.nothing_read and report.failures == []


@pytest.fixture(scope="module")
def light_pipeline() -> Pipeline:
    # The stages this part of the product owns the interface to; the model-heavy ones are
    # exercised by their own tests and by tests/test_cli.py's full run.
    return Pipeline(stages=("language", "clean", "metadata"))


def test_real_pipeline_on_the_seeds(
    seed_paths: list[Path], store: SQLiteStore, light_pipeline: Pipeline
) -> None:
    report = ingest([str(p) for p in seed_paths], store, light_pipeline)
    assert (report.ingested, report.failed) == (5, 0)
    by_name = {Path(a.source_path or "").name[:3]: a for a in store.iter_articles()}
    assert [by_name[k].language for k in sorted(by_name)] == ["en", "en", "en", "en", "fr"]
    assert str(by_name["002"].published) == "2018-08-02"
    assert str(by_name["003"].published) == "2017-12-08"
    assert all(a.text and a.title for a in by_name.values())
    again = ingest([str(p) for p in seed_paths], store, light_pipeline)
    assert (again.ingested, again.unchanged) == (0, 5)


def test_reanalyse_runs_stored_articles_again_from_their_input(
    tmp_path: Path, store: SQLiteStore
) -> None:
    _corpus(tmp_path / "in", 3)
    ingest([str(tmp_path / "in")], store, FakeAnalyser())
    ids_before = {a.id for a in store.iter_articles()}

    plain = FakeStage(None, None)

    def better(article: Article) -> Article:
        article = plain(article)
        article.language = "xx"
        return article

    analyser = FakeAnalyser()
    analyser.stages = [_Calls(better)]
    report = ingest([str(tmp_path / "in")], store, analyser, reanalyse=True)
    assert (report.ingested, report.unchanged, report.failed) == (3, 0, 0)
    after = list(store.iter_articles())
    assert {a.id for a in after} == ids_before
    assert {a.language for a in after} == {"xx"}
    assert store.mark_pending(["no-such-id"]) == 0


EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


def test_every_kind_of_bad_input_is_named_and_the_rest_lands(
    tmp_path: Path, store: SQLiteStore
) -> None:
    src = tmp_path / "in"
    _corpus(src, 2)
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.bin").write_bytes(bytes(range(256)) * 64)
    (src / "invalid-utf8.txt").write_bytes(b"Headline\n\n\xff\xfe\x00\x81\x00\x8d" * 200)
    with (src / "huge.txt").open("wb") as big:  # 50 MB: refused before it is read
        big.truncate(50 * 1024 * 1024)
    (src / "lines.jsonl").write_text('{"text": "A good JSON line body here."}\n{"text": \n')
    (src / "broken.html").write_text("<html><body><div><p>Cut</p")
    (src / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<item><title>Good entry</title><description>A full entry with a body that is long "
        "enough to be an article.</description></item>"
        "<item><title>Bad entry</title></item></channel></rss>"
    )
    warc = (EXAMPLES / "warc" / "arctic-post-2024-03.warc.gz").read_bytes()
    truncated = tmp_path / "truncated.warc.gz"
    truncated.write_bytes(warc[: len(warc) * 2 // 3])
    report = ingest([str(src), str(truncated)], store, FakeAnalyser())
    failed = {Path(f.item.split(":")[0]).name: f.reason for f in report.failures}
    for name in ("empty.txt", "binary.bin", "huge.txt", "lines.jsonl", "broken.html"):
        assert name in failed, f"{name} not reported: {report.failures}"
    assert "feed.xml" in failed and "truncated.warc.gz" in failed
    assert all(reason.strip() for reason in failed.values())
    # The two good text files, the good JSON line, the good feed entry and the WARC records
    # before the cut all land.
    assert report.ingested >= 5
    assert store.count_articles("analysed") == report.ingested


def test_bad_inputs_sorted_before_good_ones_in_one_directory_cost_only_themselves(
    tmp_path: Path, store: SQLiteStore
) -> None:
    """Issue 17: a truncated .warc.gz first in a directory stopped every later file
    ("reading stopped: AttributeError ..."), and a feed with an unterminated CDATA swallowed
    its third entry unreported. Each bad input here sorts before the good ones."""
    src = tmp_path / "in"
    src.mkdir()
    warc = (EXAMPLES / "warc" / "arctic-post-2024-03.warc.gz").read_bytes()
    (src / "a_truncated.warc.gz").write_bytes(warc[:500])  # cut inside record 2's header
    feed = (EXAMPLES / "feeds" / "iberia-dispatch.xml").read_text(encoding="utf-8")
    entries = feed.split("  <item>")
    third = (
        entries[1].replace("Catalonia declares", "Madrid declares").replace("catalonia-", "madrid-")
    )
    cdata_cut = entries[2].replace("]]></description>", "</description>")
    (src / "b_broken_feed.xml").write_text(
        "  <item>".join([entries[0], entries[1], cdata_cut.split("</channel>")[0], third])
        + "</channel>\n</rss>\n",
        encoding="utf-8",
    )
    (src / "c_lines.jsonl").write_text(
        '{"text": "A good JSON line with a body of its own."}\n{"text": \n'
        '["not", "an", "object"]\n{"title": "no body"}\n'
    )
    (src / "d_undecodable.txt").write_bytes(b"Headline\n\n\xff\xfe\x00\x81\x00\x8d" * 200)
    (src / "e_empty.txt").write_bytes(b"")
    (src / "f_junk.bin").write_bytes(bytes(range(256)) * 64)
    (src / "g_blank.html").write_text("<html><body><nav>Home</nav></body></html>")
    (src / "h_sitemap.xml").write_text('<?xml version="1.0"?><urlset><url>x</url></urlset>')
    (src / "y_utf16.txt").write_bytes("Une dépêche en UTF-16\n\nLe texte suit.\n".encode("utf-16"))
    (src / "zz_good.txt").write_text("A good headline\n\nThe body of a good article.\n")
    report = ingest([str(src)], store, FakeAnalyser())
    failed = {f.item.removeprefix(f"{src}/"): f.reason for f in report.failures}
    assert set(failed) == {
        "a_truncated.warc.gz:record 2",
        "b_broken_feed.xml:entry 2",
        "c_lines.jsonl:line 2",
        "c_lines.jsonl:line 3",
        "c_lines.jsonl:line 4",
        "d_undecodable.txt",
        "e_empty.txt",
        "f_junk.bin",
        "g_blank.html",
        "h_sitemap.xml",
    }, report.failures
    assert "truncated or damaged WARC" in failed["a_truncated.warc.gz:record 2"]
    assert "unterminated CDATA" in failed["b_broken_feed.xml:entry 2"]
    assert not any("reading stopped" in reason for reason in failed.values())
    landed = {(Path(a.source_path or "").name, a.record) for a in store.iter_articles()}
    assert landed == {
        ("b_broken_feed.xml", "entry 1"),
        ("b_broken_feed.xml", "entry 3"),
        ("c_lines.jsonl", "line 1"),
        ("y_utf16.txt", None),
        ("zz_good.txt", None),
    }
    assert report.ingested == 5 and report.failed == len(failed)


def test_a_reader_crashing_inside_a_directory_costs_only_that_file(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.ingest.text as text

    real = text.read_text

    def flaky(data: bytes, **kwargs: object) -> Article:
        if b"crash" in data:
            raise AttributeError("'NoneType' object has no attribute 'startswith'")
        return real(data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(text, "read_text", flaky)
    _corpus(tmp_path / "in", 2)
    (tmp_path / "in" / "a_crash.txt").write_text("crash\n\nThis one makes the reader raise.\n")
    report = ingest([str(tmp_path / "in")], store, FakeAnalyser())
    assert report.ingested == 2  # article_0.txt and article_1.txt sort after a_crash.txt
    [failure] = report.failures
    assert failure.item == str(tmp_path / "in" / "a_crash.txt")
    assert "AttributeError" in failure.reason


def test_a_reader_crashing_costs_only_its_path(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in a reader (an exception that is not an InputError) must not sink the batch."""
    import storyline.batch as batch

    real = batch.read_paths

    def flaky(paths: list[str], **kwargs: object) -> Iterator[object]:
        if paths[0].endswith("crash"):
            raise AttributeError("'NoneType' object has no attribute 'startswith'")
        yield from real(paths)

    monkeypatch.setattr(batch, "read_paths", flaky)
    _corpus(tmp_path / "a", 2)
    _corpus(tmp_path / "b", 2)
    report = ingest(
        [str(tmp_path / "a"), str(tmp_path / "crash"), str(tmp_path / "b")], store, FakeAnalyser()
    )
    assert (report.ingested, report.unchanged) == (2, 2)  # b/ holds the same texts as a/
    [failure] = report.failures
    assert failure.item == str(tmp_path / "crash")
    assert "AttributeError" in failure.reason


def test_unstorable_article_fails_alone(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lone surrogate (JSON "\\udc80") cannot be stored as UTF-8: that article fails, the
    others land, whether the bad text comes from the input or from a stage."""
    import storyline.batch as batch

    def reader(paths: list[str], **kwargs: object) -> Iterator[Article]:
        yield Article(raw_text="bad \udc80 input", id="0" * 16, source_path="x.jsonl", record="1")
        yield Article(raw_text="a good article", source_path="x.jsonl", record="2")
        yield Article(raw_text="stage breaks this one", source_path="x.jsonl", record="3")

    plain = FakeStage(None, None)

    def breaks(article: Article) -> Article:
        article = plain(article)
        if "breaks" in article.raw_text:
            article.text = "broken \ud800 text"
        return article

    analyser = FakeAnalyser()
    analyser.stages = [_Calls(breaks)]
    monkeypatch.setattr(batch, "read_paths", reader)
    report = ingest(["x.jsonl"], store, analyser)
    assert (report.ingested, report.failed) == (1, 2)
    reasons = {f.item: f.reason for f in report.failures}
    assert reasons["x.jsonl:1"].startswith("cannot store:")
    assert reasons["x.jsonl:3"].startswith("cannot store the analysis:")


def test_ingest_items_from_a_stream_reports_ids(store: SQLiteStore) -> None:
    import io

    from storyline.batch import ingest_items
    from storyline.ingest import read_stream

    data = (
        b'{"title": "One", "text": "First streamed article body."}\n'
        b'{"title": "One", "text": "First streamed article body."}\n'
        b"{broken\n"
        b'{"title": "Two", "text": "Second streamed article body."}\n'
    )
    report = ingest_items(read_stream(io.BytesIO(data), label="upload"), store, FakeAnalyser())
    assert (report.ingested, report.unchanged, report.failed) == (2, 1, 1)
    assert len(report.ids) == 2 and all(store.status(i) == "analysed" for i in report.ids)
    assert report.failures[0].item.startswith("upload")


_WRITER = textwrap.dedent(
    """
    import os, sys, time
    from storyline.batch import ingest
    from storyline.errors import StoreLocked
    from storyline.store import open_store

    class Slow:
        def run(self, batch):
            articles = list(batch)
            time.sleep(1.0)  # long enough for the other process to arrive meanwhile
            for article in articles:
                article.text, article.language = article.raw_text.strip(), "en"
                print("analysed", article.id, flush=True)
            return articles

    url, mode, go, *paths = sys.argv[1:]
    store = open_store(url)
    while not os.path.exists(go):  # both processes start writing at the same moment
        time.sleep(0.01)
    try:
        with store.writer_lock(wait=mode == "wait"):
            report = ingest(paths, store, Slow(), chunk_size=2)
    except StoreLocked as exc:
        print("refused", exc, flush=True)
        sys.exit(3)
    print("report", report.ingested, report.unchanged, flush=True)
    """
)


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return str(tmp_path / "shared.db")


@pytest.mark.parametrize("mode", ["refuse", "wait"])
def test_two_ingest_processes_started_together_never_analyse_an_article_twice(
    tmp_path: Path, store_url: str, mode: str
) -> None:
    """Issue 17: two `storyline ingest` on one store (overlapping inputs) analysed the same
    articles twice and left a story row without members. Now the second one is refused naming
    the first (pid, host, start), or waits for it and finds the overlap already done."""
    from storyline.store import open_store

    for name in ("a", "b", "c"):
        _corpus(tmp_path / name, 3)
        for path in (tmp_path / name).iterdir():  # distinct texts per directory
            path.write_text(path.read_text().replace("article", f"{name}-article"))
    go = tmp_path / "go"
    open_store(store_url).close()  # migrated once, so neither process migrates under the other
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, store_url, mode, str(go), *paths],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for paths in (
            [str(tmp_path / "a"), str(tmp_path / "b")],
            [str(tmp_path / "b"), str(tmp_path / "c")],
        )
    ]
    time.sleep(2.0)  # both have imported storyline and opened the store
    go.touch()
    outputs = [p.communicate(timeout=300) for p in procs]
    codes = [p.returncode for p in procs]
    lines = [out.splitlines() for out, _ in outputs]
    analysed = [line.split()[1] for out in lines for line in out if line.startswith("analysed")]
    assert len(analysed) == len(set(analysed)), "an article was analysed twice"
    store = open_store(store_url)
    try:
        if mode == "refuse":
            assert sorted(codes) == [0, 3], outputs
            winner, loser = (0, 1) if codes[0] == 0 else (1, 0)
            [refusal] = [line for line in lines[loser] if line.startswith("refused")]
            assert f"pid {procs[winner].pid}" in refusal and "started" in refusal
            assert len(analysed) == 6 == store.count_articles("analysed")
        else:
            assert codes == [0, 0], outputs
            reports = sorted(line for out in lines for line in out if line.startswith("report"))
            # the first analyses its 6 articles; the second finds b/ done and analyses c/ only
            assert reports == ["report 3 3", "report 6 0"], outputs
            assert len(analysed) == 9 == store.count_articles("analysed")
        assert store.count_articles("pending") == 0
    finally:
        store.close()
