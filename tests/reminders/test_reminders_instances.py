"""Two dispatchers against one database never send the same reminder twice.

Each dispatcher has its own engine (its own connections), as two processes would; both plan and
dispatch at the same time, in small batches so their claims interleave. On PostgreSQL the claim
is `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)`; on SQLite the same UPDATE is atomic
because SQLite serialises writers — so the test runs on both.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date

from gelbot.clock import ManualClock
from gelbot.db import make_engine, make_sessionmaker
from gelbot.models import Role
from gelbot.reminders.dispatcher import Dispatcher
from gelbot.reminders.outbox import Delivery, Outcome, OutgoingMessage
from gelbot.reminders.tick import tick
from gelbot.services import Services
from tests.support.harness import Harness
from tests.support.reminders_world import add_compromiso, add_person, make_world

PEOPLE = 40


class CountingSender:
    """A sender that records every message and yields to the other dispatcher while sending."""

    def __init__(self, log: list[tuple[str, int, str]], name: str) -> None:
        self.log = log
        self.name = name
        self.next_id = 0

    async def send(self, message: OutgoingMessage, progress: object = None) -> Delivery:
        await asyncio.sleep(0)  # let the other dispatcher run between claim and record
        self.next_id += 1
        self.log.append((self.name, message.chat_id, message.parts[0]))
        await asyncio.sleep(0)
        return Delivery(Outcome.SENT, message.chat_id, message_id=self.next_id)


async def test_two_dispatchers_never_send_the_same_reminder_twice(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    for n in range(PEOPLE):
        await add_person(world, f"P{n}")
        await add_compromiso(world, f"P{n}", f"Compromiso {n}", date(2009, 3, 5))
    log: list[tuple[str, int, str]] = []
    engines = [make_engine(services.settings.database_url) for _ in range(2)]
    try:
        dispatchers = [
            Dispatcher(
                Services(services.settings, engine, make_sessionmaker(engine), clock),
                CountingSender(log, name),
                worker=name,
                batch_size=3,
            )
            for engine, name in zip(engines, ("A", "B"), strict=True)
        ]
        await asyncio.gather(*(tick(d) for d in dispatchers))
        await asyncio.gather(*(tick(d) for d in dispatchers))  # and once more: nothing left
    finally:
        for engine in engines:
            await engine.dispose()

    per_chat = Counter(chat_id for _, chat_id, _ in log)
    assert len(per_chat) == PEOPLE + 1  # every person got their reminder…
    assert set(per_chat.values()) == {1}  # …exactly once
    assert {name for name, _, _ in log} == {"A", "B"}  # and both dispatchers did work
