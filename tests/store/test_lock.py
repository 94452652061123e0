"""The store's writer lock (storyline.store.lock) on both backends: a second holder is refused
with the holder named, or waits; the lock is re-entrant per store object and dies with it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from storyline.errors import StoreLocked
from storyline.store import open_store
from storyline.store.lock import Holder


@pytest.fixture(params=["sqlite", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return str(tmp_path / "lock.db")


def test_second_writer_is_refused_naming_the_holder(location: str) -> None:
    with open_store(location) as first, open_store(location) as second:  # type: ignore[attr-defined]
        with first.writer_lock(), first.writer_lock():  # re-entrant on one store object
            with pytest.raises(StoreLocked) as refused, second.writer_lock():
                pass
            holder = refused.value.holder
            assert isinstance(holder, Holder)
            assert holder.pid == os.getpid()
            assert holder.host == socket.gethostname()[: len(holder.host or "")]
            assert holder.started is not None
            message = str(refused.value)
            assert f"pid {os.getpid()}" in message and "another ingest" in message
        # released by the outer exit: free again, and now the first is the one refused
        with second.writer_lock(), pytest.raises(StoreLocked), first.writer_lock():
            pass


def test_a_waiting_writer_gets_the_lock_when_it_is_released(location: str) -> None:
    with open_store(location) as first, open_store(location) as second:  # type: ignore[attr-defined]
        got: list[float] = []
        with first.writer_lock():

            def wait() -> None:
                with second.writer_lock(wait=True):
                    got.append(time.monotonic())

            waiter = threading.Thread(target=wait)
            waiter.start()
            time.sleep(1.0)
            assert not got  # still waiting
            released = time.monotonic()
        waiter.join(timeout=30)
        assert got and got[0] >= released


def test_the_lock_dies_with_its_process(location: str) -> None:
    """A killed ingest never leaves the store locked (flock / session lock end with it)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from storyline.store import open_store\n"
            f"store = open_store({location!r})\n"
            "with store.writer_lock():\n"
            "    print('held', flush=True)\n"
            "    time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with open_store(location) as store:  # type: ignore[attr-defined]
            with pytest.raises(StoreLocked) as refused, store.writer_lock():
                pass
            assert f"pid {holder.pid}" in str(refused.value)
            holder.kill()
            holder.wait(timeout=30)
            _eventually(lambda: _try_lock(store))
    finally:
        holder.kill()
        holder.wait(timeout=30)


def _try_lock(store: Any) -> bool:
    try:
        with store.writer_lock():
            return True
    except StoreLocked:
        return False


def _eventually(check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the lock outlived its holder"
        time.sleep(0.2)
