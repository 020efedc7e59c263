"""Telegram's global send budget, shared by every instance through the database.

Telegram lets one bot send about 30 messages a second in all. PTB's limiter paces one process;
two instances each pacing themselves at 30 a second together drew 429s (21–22 per 400
messages). The budget is a row per second in `send_budget`: taking a message's place in it is
one atomic upsert that adds 1 only while the second has room (`sent < per_second`), on
PostgreSQL and SQLite alike; when it has none the sender waits for the next second. Rows older
than a minute are deleted by whoever opens a new second.

Reminders take their place here (gelbot.telegram.sender); a handler's reply does not wait on the
database — replies are few next to a pass of reminders, and PTB still paces each process.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import cast

from sqlalchemy import Executable, Table, bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite

from gelbot.models import SendBudget
from gelbot.services import Services

PER_SECOND = 25  # Telegram's ≈30, less a margin for the replies handlers send meanwhile
KEEP_SECONDS = 60

_TABLE = cast(Table, SendBudget.__table__)


def _take(dialect: str) -> Executable:
    """Count one message in its second, if the second has room; RETURNING says if it had."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_TABLE).values(second=bindparam("second"), sent=1)
    return statement.on_conflict_do_update(
        index_elements=["second"],
        set_={"sent": _TABLE.c.sent + 1},
        where=_TABLE.c.sent < bindparam("per_second"),
    ).returning(_TABLE.c.sent)


class SharedBudget:
    """`await budget.take()` before each message: returns once the message fits the budget."""

    def __init__(
        self,
        services: Services,
        *,
        per_second: int = PER_SECOND,
        now: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.services = services
        self.per_second = per_second
        # Real time, not the services' clock: Telegram counts real seconds, and the console's
        # clock stands still (or jumps to 2009) while messages go out.
        self.now = now
        self.sleep = sleep
        self._statement = _take(services.engine.dialect.name)

    async def take(self) -> None:
        while True:
            now = self.now()
            second = int(now)
            async with self.services.transaction() as session:
                params = {"second": second, "per_second": self.per_second}
                sent = (await session.execute(self._statement, params)).scalar()
                if sent == 1:  # a new second: forget the old ones
                    await session.execute(
                        delete(_TABLE).where(_TABLE.c.second < second - KEEP_SECONDS)
                    )
            if sent is not None:
                return
            await self.sleep(second + 1 - now)
