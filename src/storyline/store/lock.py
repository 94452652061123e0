"""The writer lock: one ingest at a time per store, held for the whole run.

Two ingest processes on one store used to interleave: both analysed the same pending articles,
and the corpus-wide state (entity registry, story index) read by one was rewritten under it by
the other, leaving stories without members. SQLite's own lock lasts one transaction and
PostgreSQL has none across transactions, so a run-long lock is taken on top:

- SQLite: an exclusive ``flock`` on a lock file beside the database (``news.db`` →
  ``news.db.lock``), holding the holder's pid, host and start time as JSON. The kernel drops the
  lock when the holder dies (``kill -9`` included), so a stale file never blocks a later run.
- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a connection of its
  own, named by its ``application_name`` (``storyline:PID@HOST``); the server drops it when that
  connection ends. The holder is found through ``pg_locks`` and ``pg_stat_activity``.

A second writer is refused with :class:`~storyline.errors.StoreLocked` naming the holder, or
waits for it (``wait=True``, ``storyline ingest --wait``). The lock is re-entrant per store
object (the HTTP API holds it around an upload and the batch runner inside takes it again).
Readers (CLI listings, the web UI) never take it.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from storyline.errors import StoreError, StoreLocked

# How often a waiting PostgreSQL writer retries the advisory lock (pg_advisory_lock would block
# inside one statement, out of reach of Ctrl-C on some clients; polling keeps it interruptible).
PG_WAIT_POLL_S = 0.5
# First key of the writer's advisory lock ("stry" in ASCII, as the migration lock); the second is
# derived from the schema name, so two stores in one database but different schemas do not clash.
_PG_LOCK_CLASS = 0x73747279
# PostgreSQL's application_name holds at most 63 bytes.
_APPLICATION_NAME_BYTES = 63


@dataclass(frozen=True)
class Holder:
    """Who holds a store's writer lock."""

    pid: int | None
    host: str | None
    started: str | None  # ISO 8601, UTC

    def describe(self) -> str:
        pid = f"pid {self.pid}" if self.pid is not None else "a process"
        host = f" on {self.host}" if self.host else ""
        since = f", started {self.started}" if self.started else ""
        return f"{pid}{host}{since}"

    @classmethod
    def this_process(cls) -> Holder:
        started = datetime.now(UTC).isoformat(timespec="seconds")
        return cls(os.getpid(), socket.gethostname(), started)


class _Backend(Protocol):
    def try_acquire(self) -> Holder | None:
        """Take the lock; None when taken, else who holds it."""
        ...

    def release(self) -> None: ...


class WriterLock:
    """Re-entrant per object: nested :meth:`hold` calls in one process share one lock."""

    def __init__(self, backend: _Backend, where: str) -> None:
        self._backend = backend
        self._where = where
        self._depth = 0
        self._mutex = threading.RLock()

    @contextmanager
    def hold(self, *, wait: bool = False) -> Iterator[None]:
        with self._mutex:
            if self._depth == 0:
                self._acquire(wait)
            self._depth += 1
        try:
            yield
        finally:
            with self._mutex:
                self._depth -= 1
                if self._depth == 0:
                    self._backend.release()

    def _acquire(self, wait: bool) -> None:
        while True:
            holder = self._backend.try_acquire()
            if holder is None:
                return
            if not wait:
                raise StoreLocked(
                    f"{self._where}: another ingest is writing to this store "
                    f"({holder.describe()}); wait for it to finish, or use --wait",
                    holder,
                )
            time.sleep(PG_WAIT_POLL_S)


class UnsharedBackend:
    """A store no other process can open (SQLite ``:memory:``): nothing to lock."""

    def try_acquire(self) -> Holder | None:
        return None

    def release(self) -> None:
        pass


# How often, and how far apart, a refused writer re-reads an empty holder record
# (FileLockBackend.try_acquire): 20 x 10 ms, far more than the microseconds between a holder's
# flock and its write.
HOLDER_RECORD_READS = 20
HOLDER_RECORD_PAUSE = 0.01


class FileLockBackend:
    """``flock`` on ``<database>.lock`` (SQLite)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None

    def try_acquire(self) -> Holder | None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open the writer lock file: {exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            # A holder that has just taken the lock writes its record right after: two writers
            # started together can read the file in between (seen in tests/test_batch.py).
            for _ in range(HOLDER_RECORD_READS):
                if holder.pid is not None:
                    break
                time.sleep(HOLDER_RECORD_PAUSE)
                holder = _read_holder(fd)
            os.close(fd)
            return holder
        me = Holder.this_process()
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me.__dict__).encode("utf-8"), 0)
        self._fd = fd
        return None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)  # the file stays (removing it would race a waiting writer)
        finally:
            os.close(fd)  # closing drops the flock


def _read_holder(fd: int) -> Holder:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    pid = data.get("pid")
    return Holder(
        pid if isinstance(pid, int) else None,
        str(data["host"]) if data.get("host") else None,
        str(data["started"]) if data.get("started") else None,
    )


class AdvisoryLockBackend:
    """A session advisory lock on a connection of its own (PostgreSQL)."""

    def __init__(self, url: str, where: str) -> None:
        self.url = url
        self.where = where
        self._conn: Any = None

    def try_acquire(self) -> Holder | None:
        import psycopg

        me = Holder.this_process()
        name = f"storyline:{me.pid}@{me.host}"
        name = name.encode("utf-8")[:_APPLICATION_NAME_BYTES].decode("utf-8", "ignore")
        try:
            conn = psycopg.connect(self.url, autocommit=True, application_name=name)
            schema = conn.execute("SELECT current_schema()").fetchone()
            key = zlib.crc32(str(schema[0] if schema else "").encode("utf-8")) & 0x7FFFFFFF
            row = conn.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", (_PG_LOCK_CLASS, key)
            ).fetchone()
            if row and row[0]:
                self._conn = conn
                return None
            holder = conn.execute(
                "SELECT a.application_name, a.backend_start, a.client_hostname,"
                " host(a.client_addr) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s"
                " AND l.objid = %s AND l.objsubid = 2"
                " AND l.database = (SELECT oid FROM pg_database"
                " WHERE datname = current_database())",
                (_PG_LOCK_CLASS, key),
            ).fetchone()
            conn.close()
        except psycopg.Error as exc:
            raise StoreError(f"{self.where}: cannot take the writer lock: {exc}") from exc
        return _pg_holder(holder)

    def release(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()  # ending the session drops its advisory lock


def _pg_holder(row: Any) -> Holder:
    if row is None:  # released between our try and the look-up
        return Holder(None, None, None)
    application, started, client_host, client_addr = row
    pid: int | None = None
    host = client_host or client_addr
    if isinstance(application, str) and application.startswith("storyline:"):
        who, _, where = application.removeprefix("storyline:").partition("@")
        pid = int(who) if who.isdigit() else None
        host = where or host
    since = started.astimezone(UTC).isoformat(timespec="seconds") if started else None
    return Holder(pid, host, since)
