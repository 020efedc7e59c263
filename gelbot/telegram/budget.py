"""Telegram's overall send budget: 30 messages in any second, by every instance of the bot.

The budget is a ring of 30 slots. A send takes a slot before its request leaves and gives it
back once Telegram has answered; the slot is free again one period (a second) after that
answer. So the 30 slots can never hold more than 30 messages that Telegram may have counted in
the same second, whatever the request's latency: a message is counted by Telegram somewhere
between our request and its answer, and the slot covers the whole of it plus the period.

Answers to people come before reminders: a reminder takes a slot only while `reserve` more are
free (one instance also serves its own waiting answers first: gelbot.telegram.pacing).

- `LocalSlots`: the ring in memory, for one process (SQLite, the embedded default: one
  instance). A ring in the SQLite file deadlocked behind a handler's open write transaction.
- `SharedSlots`: the ring as 30 rows of `send_slots` on PostgreSQL, shared by every instance.
  Taking is one `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`, timed by the
  database server's clock (instances need no synchronized clocks); a slot is held 60 s while its
  request is out, so the slots of an instance that dies mid-send come back on their own.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sqlalchemy import TextClause, text

from gelbot.db import autocommit
from gelbot.services import Services

PER_SECOND = 30  # Telegram's Bot API FAQ: «no more than 30 messages per second»
PERIOD = 1.0
HELD = 60.0  # seconds a slot stays taken while its request is out (a crash returns it)
# Slots a reminder leaves free, so an answer to a person rarely waits on the reminders.
RESERVE = 1
Sleep = Callable[[float], Awaitable[None]]


class Slots(Protocol):
    """What gelbot.telegram.pacing asks of the budget."""

    async def take(self, urgent: bool) -> int:
        """Wait for a slot (an answer to a person is `urgent`) and hold it; its number."""
        ...

    async def give_back(self, slot: int, counted: bool) -> None:
        """The request is over; `counted=False` when Telegram refused it (a 429): free now."""
        ...


class LocalSlots:
    """The ring in this process's memory."""

    def __init__(
        self,
        per_second: int = PER_SECOND,
        *,
        period: float = PERIOD,
        reserve: int = 0,
        now: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.period = period
        self.reserve = reserve
        self.now = now
        self.sleep = sleep
        self.free_at = [0.0] * per_second  # math.inf: its request is out
        self._urgent_waiting = 0
        self._given_back = asyncio.Event()

    def _free(self, now: float) -> list[int]:
        return [n for n, at in enumerate(self.free_at) if at <= now]

    async def take(self, urgent: bool) -> int:
        if urgent:
            self._urgent_waiting += 1
        try:
            while True:
                now = self.now()
                free = self._free(now)
                # A reminder waits while an answer does, and leaves `reserve` slots to answers.
                room = 1 if urgent else 1 + self.reserve
                if len(free) >= room and (urgent or not self._urgent_waiting):
                    slot = min(free, key=self.free_at.__getitem__)
                    self.free_at[slot] = math.inf
                    return slot
                await self._wait(now)
        finally:
            if urgent:
                self._urgent_waiting -= 1

    async def _wait(self, now: float) -> None:
        """Until the next slot frees, or, with every slot out, until a request gives one back."""
        later = [at for at in self.free_at if now < at < math.inf]
        if later:
            await self.sleep(min(later) - now)
        else:
            await self._given_back.wait()

    def free_in(self) -> float:
        """Seconds until a slot is free (0: one is); with every one out, at least a period."""
        soonest = min(self.free_at)
        return self.period if soonest == math.inf else max(soonest - self.now(), 0.0)

    async def give_back(self, slot: int, counted: bool) -> None:
        self.free_at[slot] = self.now() + self.period if counted else self.now()
        self._given_back.set()
        self._given_back = asyncio.Event()


# The slot with the oldest freeing moment among the free ones, past the `reserve` left to
# answers; SKIP LOCKED: two instances taking at once take two different slots, never wait.
_TAKE = text(
    """
    UPDATE send_slots SET free_at = clock_timestamp() + make_interval(secs => :held)
    WHERE id = (
        SELECT id FROM send_slots WHERE free_at <= clock_timestamp()
        ORDER BY free_at, id OFFSET :reserve LIMIT 1 FOR UPDATE SKIP LOCKED
    )
    RETURNING id
    """
)
_GIVE_BACK = text(
    "UPDATE send_slots SET free_at = clock_timestamp() + make_interval(secs => :period) "
    "WHERE id = :id"
)
# How long until a slot frees (never below a millisecond: a poll, not a spin).
_NEXT_FREE = text(
    "SELECT greatest(extract(epoch FROM min(free_at) - clock_timestamp()), 0.001) FROM send_slots"
)
_ENSURE = text(
    "INSERT INTO send_slots (id, free_at) SELECT n, now() FROM generate_series(1, :count) AS n "
    "ON CONFLICT (id) DO NOTHING"
)


class SharedSlots:
    """The ring in PostgreSQL's `send_slots`, shared by every instance on the database."""

    def __init__(
        self,
        services: Services,
        per_second: int = PER_SECOND,
        *,
        period: float = PERIOD,
        reserve: int = RESERVE,
    ) -> None:
        self.services = services
        self.per_second = per_second
        self.period = period
        self.reserve = reserve
        self._ready = False
        self._urgent_waiting = 0

    async def _run(self, statement: TextClause, **params: object) -> Any:
        async with autocommit(self.services.engine) as connection:
            if not self._ready:  # the places, made once by whichever instance sends first
                await connection.execute(_ENSURE, {"count": self.per_second})
                self._ready = True
            result = await connection.execute(statement, params)
            return result.scalar() if result.returns_rows else None

    async def take(self, urgent: bool) -> int:
        if urgent:
            self._urgent_waiting += 1
        try:
            while True:
                if urgent or not self._urgent_waiting:
                    reserve = 0 if urgent else self.reserve
                    slot = await self._run(_TAKE, held=HELD, reserve=reserve)
                    if slot is not None:
                        return int(slot)
                wait = await self._run(_NEXT_FREE)
                await asyncio.sleep(min(float(wait or 0.01), 0.05))
        finally:
            if urgent:
                self._urgent_waiting -= 1

    async def give_back(self, slot: int, counted: bool) -> None:
        await self._run(_GIVE_BACK, id=slot, period=self.period if counted else 0.0)
