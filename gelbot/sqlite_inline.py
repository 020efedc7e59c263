"""SQLite without a thread hop per call: aiosqlite's interface, run on the event loop's thread.

SQLAlchemy's async SQLite dialect drives aiosqlite, which hands every call (cursor, execute,
fetch, close, commit) to a worker thread and waits for the answer on the event loop. On this
workload a call to SQLite takes a few microseconds and the hop around it a hundred or more, so
gelbot spent most of a command's time handing work to and from that thread (bench/README.md).

This module offers the same interface with the work done in place. It is what `make_engine`
gives SQLAlchemy for a SQLite URL, as the dialect's DBAPI module; the URL stays
`sqlite+aiosqlite://`, so Alembic, tests and operators see nothing different.

What a thread bought, and how it is kept:
- **Waiting for a lock never blocks the loop.** The sqlite3 connection has no busy timeout of
  its own: a statement that finds the database locked is retried after an `asyncio.sleep`, so
  the coroutine that holds the lock (perhaps awaiting Telegram inside its transaction) can
  finish meanwhile. A blocking busy timeout here would stall the very coroutine it waits for.
- Long statements do block the loop while they run. gelbot's longest (the informe's 19 queries)
  take tens of milliseconds; documents are rendered in a thread, as before.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_dbapi

# How long a statement keeps retrying a locked database before it gives up, and the first and
# longest pause between tries.
LOCK_TIMEOUT = 30.0
FIRST_PAUSE, LONGEST_PAUSE = 0.001, 0.05


# SQLITE_BUSY and SQLITE_BUSY_RECOVERY: another connection holds the lock; trying again later
# can succeed. SQLITE_BUSY_SNAPSHOT (517) is left out on purpose: a transaction whose snapshot
# is stale can never get the write lock, so it must fail now, as it did with a busy timeout.
_RETRYABLE = {5, 261}


def _locked(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in _RETRYABLE


async def _patiently(call: Callable[[], Any], patience: float) -> Any:
    """Run `call`; while SQLite answers 'locked', let the loop run and try again."""
    pause, deadline = FIRST_PAUSE, time.monotonic() + patience
    while True:
        try:
            return call()
        except sqlite3.OperationalError as error:
            if not _locked(error) or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE)


class _Partial(Exception):
    """An executemany that wrote some rows before finding the database locked."""


class InlineCursor:
    """aiosqlite.Cursor's interface over a sqlite3 cursor, without the thread."""

    __slots__ = ("_cursor", "_timeout")

    def __init__(self, cursor: sqlite3.Cursor, timeout: float) -> None:
        self._cursor = cursor
        self._timeout = timeout

    async def __aenter__(self) -> InlineCursor:
        """SQLAlchemy enters what `connection.cursor()` returns; there is nothing to wait for."""
        return self

    async def execute(self, sql: str, parameters: Any = None) -> InlineCursor:
        cursor = self._cursor
        if parameters is None:
            await _patiently(lambda: cursor.execute(sql), self._timeout)
        else:
            await _patiently(lambda: cursor.execute(sql, parameters), self._timeout)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        rows = list(parameters)  # a generator could not be replayed after 'locked'
        connection = self._cursor.connection
        before = connection.total_changes

        def run() -> None:
            try:
                self._cursor.executemany(sql, rows)
            except sqlite3.OperationalError:
                # In a transaction the write lock comes with the first row, so 'locked' means
                # nothing was written and all may be tried again. In autocommit each row
                # commits alone: if some did, trying again would write them twice.
                if connection.total_changes != before:
                    raise _Partial from None
                raise

        try:
            await _patiently(run, self._timeout)
        except _Partial:
            raise sqlite3.OperationalError("database is locked (part of a batch written)") from None
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _Inbox:
    """Stands in for aiosqlite's queue to its thread: SQLAlchemy's isolation-level setter puts
    a (future, function) pair there directly. Here the function runs at once."""

    __slots__ = ()

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as error:  # handed to whoever awaits the future
            if future is not None:
                future.set_exception(error)
            return
        if future is not None:
            future.set_result(result)


class InlineConnection:
    """aiosqlite.Connection's interface over a sqlite3 connection, without the thread."""

    _tx = _Inbox()

    def __init__(self, connection: sqlite3.Connection, timeout: float) -> None:
        self._connection: sqlite3.Connection | None = connection
        self._timeout = timeout

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor(), self._timeout)

    async def commit(self) -> None:
        await _patiently(self._conn.commit, self._timeout)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class _Connecting:
    """What `aiosqlite.connect` returns: awaitable, with a `_thread` SQLAlchemy marks daemonic."""

    _thread = SimpleNamespace(daemon=True)

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        self._timeout = float(kwargs.pop("timeout", LOCK_TIMEOUT))
        self._arguments = (database, *args), kwargs

    def __await__(self) -> Any:
        return self._open().__await__()

    async def _open(self) -> InlineConnection:
        args, kwargs = self._arguments
        # No busy timeout inside sqlite3 (it would sleep on the loop's thread): `_patiently`
        # waits instead. Connections are returned to the pool from whichever thread runs the
        # garbage collector, hence check_same_thread=False; all use is on the loop's thread.
        connection = sqlite3.connect(*args, **{**kwargs, "timeout": 0, "check_same_thread": False})
        return InlineConnection(connection, self._timeout)


def inline_dbapi() -> AsyncAdapt_aiosqlite_dbapi:
    """The DBAPI module to give SQLAlchemy's aiosqlite dialect (`module=`)."""
    names = (
        "DatabaseError", "Error", "IntegrityError", "NotSupportedError", "OperationalError",
        "ProgrammingError", "sqlite_version", "sqlite_version_info",
    )  # fmt: skip
    stand_in = SimpleNamespace(
        connect=_Connecting,
        Connection=SimpleNamespace(stop=InlineConnection.stop),
        __version__=aiosqlite.__version__,
        **{name: getattr(aiosqlite, name) for name in names},
    )
    return AsyncAdapt_aiosqlite_dbapi(stand_in, sqlite3)  # type: ignore[arg-type]
