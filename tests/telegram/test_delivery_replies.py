"""Every send, not only reminders: replies follow a group's migration, private chats are paced.

A group that becomes a supergroup gets a new chat id; updates already on their way still name
the old one, and Telegram answers a send there with 400 and the new id. Telegram also wants
about one message a second into a private chat; the fake enforces that here (FloodControl) and
the running bot's limiter (gelbot.telegram.pacing) keeps to it.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from gelbot.services import Services
from gelbot.settings import Settings
from gelbot.telegram.fake_api import BotApiError, FakeChat, FakeTelegram
from gelbot.telegram.fake_api.limits import FloodControl
from tests.support.harness import Harness, running
from tests.support.reminders_world import make_world


async def sent_as_the_group_migrates(
    bot: Harness, services: Services
) -> tuple[dict[str, Any], FakeChat]:
    """Ana's /miembros on its way from a group that meanwhile became a supergroup."""
    world = await make_world(services, bot.tg)
    ana = world.users["Ana"]
    on_its_way = bot.tg.send_text(ana, world.group, "/miembros")
    supergroup, _ = bot.tg.migrate_to_supergroup(world.group, ana)
    return on_its_way, supergroup


async def test_a_command_sent_as_the_group_migrates_is_answered_in_the_supergroup(
    bot: Harness, services: Services
) -> None:
    on_its_way, supergroup = await sent_as_the_group_migrates(bot, services)
    [listing] = await bot.deliver(on_its_way)
    assert listing.chat_id == supergroup.id
    assert "Alcaldía de Mocoa" in listing.plain and "Ana" in listing.plain


async def test_the_fallback_after_an_error_reaches_the_supergroup_too(
    bot: Harness, services: Services
) -> None:
    on_its_way, supergroup = await sent_as_the_group_migrates(bot, services)
    bot.tg.fail_next("sendMessage", BotApiError(500, "Internal Server Error"),
                     chat_id=supergroup.id)  # fmt: skip
    [fallback] = await bot.deliver(on_its_way)
    assert fallback.chat_id == supergroup.id
    assert fallback.plain.startswith("Algo salió mal al procesar su mensaje")


@pytest.fixture
async def paced_bot(
    settings: Settings, services: Services, telegram: FakeTelegram
) -> AsyncIterator[Harness]:
    """The bot as it runs: with its rate limiter."""
    async with running(settings, services, telegram, rate_limit=True, post_init=False) as harness:
        yield harness


async def test_a_fast_private_conversation_draws_no_flood_wait(paced_bot: Harness) -> None:
    tg = paced_bot.tg
    flood = tg.flood = FloodControl()  # Telegram's limits, in real time
    eva = tg.add_user("Eva", "eva")
    chat = tg.private_chat(eva)
    started = time.monotonic()
    for _ in range(6):  # six quick messages: six answers
        [answer] = await paced_bot.say(eva, chat, "/ayuda")
        assert "/seguir" in answer.plain
    assert flood.floods == []
    # Three went at once (a short burst), the next three once the first three's 3 s had passed.
    assert time.monotonic() - started >= 3.0
