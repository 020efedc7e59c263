"""Recording a plain send: one UPDATE per message, on the database driver's own connection.

The delivery rule makes the dispatcher record each message before it sends the next, so this
statement runs once per message. Through SQLAlchemy's execution path it cost about as much
again as the statement itself (0.11 of 0.24 ms on SQLite, measured in `bench/reminders.py`).
Only the common case comes here — one row, sent, no migration (a weekly nag's question is
stored just before, on the same connection); every other outcome is recorded by
`prepare.finish`. Values are converted by the columns' own SQLAlchemy types, so the row reads
back exactly as if SQLAlchemy had written it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from gelbot.models import Reminder, ReminderStatus

_TABLE = cast(Table, Reminder.__table__)
# The status the row must still have is a parameter, not a literal. Written as a literal it let
# PostgreSQL reach the row through the partial index of claimed rows (migration 0002), whose
# statistics, gathered between passes, say it is empty: each record then read every row of the
# batch still claimed, 0.26 against 0.18 ms a record in `bench/reminders.py` (b). A parameter
# keeps that index out of the cached generic plan, which finds the row by its primary key.
_SQL = (
    f"UPDATE {_TABLE.name} SET status = '{ReminderStatus.ENVIADO.value}', last_error = NULL, "
    "sent_at = {0}, chat_id = {1}, message_id = {2} "
    "WHERE id = {3} AND claimed_by = {4} AND status = {5}"
)
_DRIVERS = {("sqlite", "aiosqlite"), ("postgresql", "asyncpg")}
_SQLITE = _SQL.format(*["?"] * 6)
POSTGRESQL = _SQL.format(*[f"${n}" for n in range(1, 7)])


class SentRecorder:
    """Records sends on one connection in autocommit mode (each UPDATE commits by itself)."""

    def __init__(self, driver: Any, dialect_name: str, moment: Callable[[Any], Any]) -> None:
        self._driver = driver
        self._sqlite = dialect_name == "sqlite"
        self._moment = moment

    @classmethod
    async def on(cls, connection: AsyncConnection) -> SentRecorder | None:
        """A recorder for the connection's driver; None for a driver it does not speak."""
        dialect = connection.dialect
        if (dialect.name, dialect.driver) not in _DRIVERS:
            return None
        raw = await connection.get_raw_connection()
        # The dialect's own form of the column's type: on SQLite, the text SQLAlchemy writes.
        column_type = _TABLE.c.sent_at.type.dialect_impl(dialect)
        moment = column_type.bind_processor(dialect) or (lambda value: value)
        return cls(raw.driver_connection, dialect.name, moment)

    async def sent(
        self, reminder_id: int, worker: str, now: datetime, chat_id: int, message_id: int | None
    ) -> int:
        """Record one sent reminder this worker holds; 0 if its claim was lost meanwhile."""
        values = (
            self._moment(now), chat_id, message_id, reminder_id, worker,
            ReminderStatus.ENVIANDO.value,
        )  # fmt: skip
        if self._sqlite:  # gelbot.sqlite_inline: waits patiently if the database is locked
            cursor = self._driver.cursor()
            await cursor.execute(_SQLITE, values)
            return int(cursor.rowcount)
        # asyncpg answers with the command tag, "UPDATE <rows>".
        tag = await self._driver.execute(POSTGRESQL, *values)
        return int(str(tag).rsplit(" ", 1)[-1])
