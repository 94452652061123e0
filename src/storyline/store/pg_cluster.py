"""A throw-away PostgreSQL cluster on a free loopback port, for the tests and the benchmarks.

``with ThrowawayCluster() as cluster: store = PostgresStore(cluster.create_database("t"))`` runs
``initdb`` into a fresh temporary directory, starts ``postgres`` listening on 127.0.0.1 only (its
socket in the same directory), and on exit stops it (fast shutdown) and deletes the directory.
Nothing touches a system cluster, and no Docker is needed: only the server binaries of Debian's
``postgresql`` package (``make install`` installs it), found on ``PATH`` or in
``/usr/lib/postgresql/<version>/bin``.

initdb refuses to run as root: as root the cluster belongs to, and runs as, the ``postgres``
user the Debian package creates. Authentication is ``trust`` on loopback: a throw-away cluster
for one run, never a server to keep.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from storyline.errors import StoreError

# Where Debian's packages put the server binaries (not on PATH by default).
DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"
# Seconds to wait for the server to accept connections (it takes ~1 s on 2 cores), and to stop.
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
# A free port can be taken by someone else between our probe and the server's bind: retry.
PORT_ATTEMPTS = 3
SUPERUSER = "postgres"

# Durability off: the cluster dies with the run, so fsync buys nothing and costs seconds.
FAST_SETTINGS = {"fsync": "off", "full_page_writes": "off", "synchronous_commit": "off"}
# For timing (benchmarks/store_pg.py): fsync stays on; commits do not wait for the WAL flush,
# as SQLite's WAL with synchronous=NORMAL does not fsync per commit either.
BENCH_SETTINGS = {"synchronous_commit": "off"}


class PostgresUnavailable(StoreError):
    """The PostgreSQL server binaries are not installed (or the cluster would not start)."""


def find_bindir() -> Path:
    """The directory holding ``initdb`` and ``postgres``: from ``PATH``, else the newest Debian
    version directory."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("postgres"):
        return Path(on_path).resolve().parent
    candidates = sorted(
        (Path(d) for d in glob.glob(DEBIAN_BIN_GLOB) if (Path(d) / "initdb").is_file()),
        key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0,
    )
    if not candidates:
        raise PostgresUnavailable(
            "PostgreSQL server binaries (initdb, postgres) not found on PATH or in "
            f"{DEBIAN_BIN_GLOB}: install Debian's postgresql package "
            "(`make install` does: apt-get install -y postgresql)"
        )
    return candidates[-1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ThrowawayCluster:
    """One temporary PostgreSQL cluster (see the module docstring)."""

    def __init__(self, settings: dict[str, str] | None = None) -> None:
        self.settings = dict(FAST_SETTINGS if settings is None else settings)
        self.bindir = find_bindir()
        self.port = 0
        self.dir: Path | None = None
        self._server: subprocess.Popen[bytes] | None = None
        # As root, run as the postgres user (initdb refuses root); otherwise as ourselves.
        self._user = SUPERUSER if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        """The URL of the ``postgres`` maintenance database."""
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.Popen[bytes]:
        log = open(self._path("server.log"), "ab")  # noqa: SIM115 (the server keeps writing)
        try:
            return subprocess.Popen(
                list(args),
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "LC_ALL": "C"},
                user=self._user,
                group=self._user,
                extra_groups=[] if self._user else None,
            )
        finally:
            log.close()

    def _path(self, name: str) -> Path:
        assert self.dir is not None
        return self.dir / name

    def _log(self) -> str:
        try:
            return self._path("server.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def start(self) -> ThrowawayCluster:
        self.dir = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
        if self._user:
            entry = pwd.getpwnam(self._user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        data = self._path("data")
        init = self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        if init.wait() != 0:
            self.stop()
            raise PostgresUnavailable(f"initdb failed:\n{self._log()}")
        for attempt in range(1, PORT_ATTEMPTS + 1):
            self.port = free_port()
            options = [f"-c{key}={value}" for key, value in self.settings.items()]
            self._server = self._run(
                str(self.bindir / "postgres"),
                "-D",
                str(data),
                "-p",
                str(self.port),
                "-h",
                "127.0.0.1",
                "-k",
                str(self.dir),
                *options,
            )
            if self._wait_ready():
                return self
            self._server.kill()
            self._server.wait()
            if attempt == PORT_ATTEMPTS or "could not bind" not in self._log():
                log = self._log()
                self.stop()
                raise PostgresUnavailable(f"postgres did not start:\n{log}")
        raise AssertionError("unreachable")

    def _wait_ready(self) -> bool:
        import psycopg  # the postgres extra: imported when a cluster starts, not with the module

        assert self._server is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._server.poll() is not None:
                return False
            try:
                psycopg.connect(self.url, connect_timeout=2).close()
            except psycopg.OperationalError:
                time.sleep(0.1)
            else:
                return True
        return False

    def create_database(self, name: str) -> str:
        """Create an empty database; returns its URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"'.encode())
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())

    def stop(self) -> None:
        """Fast shutdown (SIGINT: open sessions are rolled back), then delete the directory."""
        server, self._server = self._server, None
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self) -> ThrowawayCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
