"""A command sent while the dispatcher works through a batch is answered before the batch ends.

On SQLite every statement runs on the event loop's thread, so a batch prepared in one go kept
every command waiting until its messages were built (bench/monday.py). The dispatcher now
prepares 25 groups per transaction and gives the loop a turn between them: the order in which
Telegram receives the messages shows it, without timing anything.
"""

from __future__ import annotations

import asyncio

import pytest

from gelbot.clock import ManualClock
from gelbot.models import Role
from gelbot.reminders.prepare import slice_for
from gelbot.services import Services
from tests.support.harness import Harness
from tests.support.reminders_world import Engine, add_person, make_world


async def test_a_command_is_answered_between_the_slices_of_a_batch(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    if slice_for(services.engine.dialect.name) is None:
        pytest.skip("on PostgreSQL each query already gives the loop a turn")
    world = await make_world(services, bot.tg)
    for n in range(30):  # 30 editores web: 30 weekly questions due on Monday 09:00
        await add_person(world, f"Editor{n}", Role.EDITOR_WEB)
    commands: list[asyncio.Task[object]] = []

    def command_arrives(point: str) -> None:
        """The batch is claimed and about to be prepared: Ana asks for the members now."""
        if point == "after_claim" and not commands:
            ask = bot.say(world.users["Ana"], world.group, "/miembros")
            commands.append(asyncio.get_running_loop().create_task(ask))

    engine = Engine(bot, services, clock, hook=command_arrives)
    before = len(bot.tg.sent)

    report = await engine.tick()
    await commands[0]

    assert report.dispatch.sent == 30
    sent = bot.tg.sent[before:]
    answer = next(n for n, m in enumerate(sent) if "Editor29" in m.plain and m.chat_id < 0)
    nags = [n for n, m in enumerate(sent) if "¿Se actualizó el sitio web" in m.plain]
    assert len(nags) == 30
    assert answer < nags[0]  # answered while the batch was being prepared, not after it


async def test_slices_keep_every_message_once_and_in_order(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    for n in range(23):
        await add_person(world, f"Editor{n}", Role.EDITOR_WEB)
    engine = Engine(bot, services, clock, prepare_slice=4)

    report = await engine.tick()

    assert report.dispatch.sent == 23
    order = [m.chat_id for m in bot.tg.sent if "¿Se actualizó el sitio web" in m.plain]
    assert order == [world.users[f"Editor{n}"].id for n in range(23)]
