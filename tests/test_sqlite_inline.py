"""SQLite on the event loop's thread: same results as aiosqlite, and lock waits never block the
loop (gelbot.sqlite_inline)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from gelbot.db import make_engine
from gelbot.sqlite_inline import InlineConnection, InlineCursor


async def _table(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
        await connection.execute(text("INSERT INTO t VALUES (1, 'uno')"))
    await engine.dispose()


async def test_statements_run_on_the_loops_thread_without_a_worker_thread(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"
    await _table(url)
    engine = make_engine(url)
    threads_before = threading.active_count()
    async with engine.begin() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, InlineConnection)
        await connection.execute(text("INSERT INTO t VALUES (2, 'dos')"))
        rows = (await connection.execute(text("SELECT id, v FROM t ORDER BY id"))).all()
        assert threading.active_count() == threads_before  # aiosqlite would start one
    assert [tuple(r) for r in rows] == [(1, "uno"), (2, "dos")]
    async with engine.connect() as connection:
        pragmas = [
            (await connection.execute(text(f"PRAGMA {name}"))).scalar()
            for name in ("foreign_keys", "journal_mode")
        ]
    assert pragmas == [1, "wal"]
    await engine.dispose()


async def test_a_locked_database_is_waited_for_while_the_loop_keeps_running(
    tmp_path: Path,
) -> None:
    # One coroutine holds the write lock while it awaits something else (as a handler awaiting
    # Telegram inside its transaction would); another wants to write. With sqlite3's own busy
    # timeout the second would sleep on the loop's thread: the first could never finish, and the
    # second would fail after the timeout. Here the loop keeps running and both succeed.
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"
    await _table(url)
    engine = make_engine(url)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.001)

    async def holder(locked: asyncio.Event) -> None:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE t SET v = 'holder' WHERE id = 1"))
            locked.set()
            await asyncio.sleep(0.2)  # awaiting "Telegram" with the write lock held

    async def waiter(locked: asyncio.Event) -> tuple[float, int]:
        await locked.wait()
        started, ticks_before = time.monotonic(), ticks
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE t SET v = 'waiter' WHERE id = 1"))
        return time.monotonic() - started, ticks - ticks_before

    locked = asyncio.Event()
    beat = asyncio.create_task(ticker())
    _, (waited, ticks_while_waiting) = await asyncio.gather(holder(locked), waiter(locked))
    beat.cancel()
    async with engine.connect() as connection:
        value = (await connection.execute(text("SELECT v FROM t WHERE id = 1"))).scalar()
    await engine.dispose()
    assert value == "waiter"  # the waiter wrote after the holder committed
    assert waited >= 0.15
    # The loop ran while the waiter waited: a blocked loop gives no tick at all. A slow machine
    # may give far fewer than the 200 a 1 ms sleep would allow in 0.2 s, so ask for a handful.
    assert ticks_while_waiting >= 5


async def test_a_lock_held_past_the_timeout_fails_with_database_is_locked(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    await _table(url)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock and keeps it
    engine = make_engine(url, connect_args={"timeout": 0.1})
    started = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"):
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE t SET v = 'x' WHERE id = 1"))
    assert 0.1 <= time.monotonic() - started < 5
    other.rollback()
    other.close()
    await engine.dispose()


async def test_a_stale_snapshot_fails_at_once_instead_of_waiting(tmp_path: Path) -> None:
    # A transaction that read before another committed a write can never upgrade to a writer:
    # retrying would only wait out the whole timeout, so it fails immediately, as before.
    path = tmp_path / "x.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    await _table(url)
    engine = make_engine(url, connect_args={"timeout": 5})
    async with engine.connect() as connection:
        await connection.execute(text("BEGIN"))
        await connection.execute(text("SELECT v FROM t"))  # the snapshot starts here
        other = sqlite3.connect(path)
        other.execute("UPDATE t SET v = 'otro' WHERE id = 1")
        other.commit()
        other.close()
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"):
            await connection.execute(text("UPDATE t SET v = 'yo' WHERE id = 1"))
        assert time.monotonic() - started < 1
    await engine.dispose()


class _HalfWrittenBatch:
    """A cursor whose executemany writes a row, then finds the database locked (in autocommit
    mode another writer can take the lock between two rows)."""

    def __init__(self) -> None:
        self.connection = self
        self.total_changes = 0
        self.calls = 0

    def executemany(self, sql: str, rows: list[tuple[int]]) -> None:
        self.calls += 1
        self.total_changes += 1
        error = sqlite3.OperationalError("database is locked")
        error.sqlite_errorcode = 5  # type: ignore[attr-defined]
        raise error


async def test_a_batch_locked_after_writing_some_rows_is_not_written_again() -> None:
    cursor = _HalfWrittenBatch()
    inline = InlineCursor(cursor, timeout=5)  # type: ignore[arg-type]
    with pytest.raises(sqlite3.OperationalError, match="part of a batch written"):
        await inline.executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
    assert cursor.calls == 1  # retrying would have written the first row twice
