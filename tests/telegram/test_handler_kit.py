"""The handlers' kit: a typed context with services and the clock, decoded buttons, patterns."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from telegram.ext import CallbackQueryHandler, CommandHandler

from gelbot.app import BUTTONS, COMMANDS
from gelbot.clock import ManualClock
from gelbot.services import Services
from gelbot.telegram import callbacks
from gelbot.telegram.common import Context
from tests.support.committee_world import committee
from tests.support.harness import Harness


async def test_handlers_receive_gelbots_context(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    context = bot.app.context_types.context(bot.app)
    assert isinstance(context, Context)
    assert context.services is services
    # 22:00 in Bogotá on 2 March is already 3 March in UTC: today is the committee's date.
    clock.set(datetime(2009, 3, 3, 3, 0, tzinfo=UTC))
    assert context.now() == datetime(2009, 3, 3, 3, 0, tzinfo=UTC)
    assert context.today() == date(2009, 3, 2)


def test_each_button_pattern_takes_only_its_own_prefix() -> None:
    # «rc» must not take «rcc:…», nor «fl» take «flc:…»: the separator is part of the pattern.
    for prefix in BUTTONS:
        for other in BUTTONS:
            data = callbacks.encode(other, 1)
            assert (re.match(callbacks.pattern(prefix), data) is not None) == (prefix == other)


def test_every_button_and_command_in_the_tables_is_registered(bot: Harness) -> None:
    handlers = bot.app.handlers[0]
    patterns = {
        h.pattern.pattern
        for h in handlers
        if isinstance(h, CallbackQueryHandler) and isinstance(h.pattern, re.Pattern)
    }
    assert {callbacks.pattern(p) for p in BUTTONS} <= patterns
    names = {c for h in handlers if isinstance(h, CommandHandler) for c in h.commands}
    assert set(COMMANDS) <= names


async def test_a_member_command_says_where_and_for_whom_it_is(bot: Harness) -> None:
    world = await committee(bot)
    for command in ("/nombre Ana Gómez", "/decision Aprobar el plan", "/compromiso Beto hoy"):
        word = command.split()[0][1:]
        private = bot.tg.private_chat(world.ana)
        [answer] = await bot.say(world.ana, private, command)
        assert (
            answer.plain
            == f"El comando /{word} se usa en el grupo del comité, no en el chat privado."
        )
        stranger = bot.tg.add_user(f"Dora{word}", f"dora{word}")
        [answer] = await world.say(stranger, command)
        assert answer.plain.startswith(f"Solo los miembros del comité pueden usar /{word}.")
