"""Every send, not only reminders: replies follow a group's migration, private chats are paced.

A group that becomes a supergroup gets a new chat id; updates already on their way still name
the old one, and Telegram answers a send there with 400 and the new id. Telegram also wants
about one message a second into a private chat; the fake enforces that here (FloodControl) and
the running bot's limiter (gelbot.telegram.pacing) keeps to it.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from gelbot.app import build_application
from gelbot.services import Services
from gelbot.settings import Settings
from gelbot.telegram.fake_api import BotApiError, FakeBotApiRequest, FakeTelegram
from gelbot.telegram.fake_api.limits import FloodControl
from tests.support.harness import Harness
from tests.support.reminders_world import make_world


async def test_a_command_sent_as_the_group_migrates_is_answered_in_the_supergroup(
    bot: Harness, services: Services
) -> None:
    world = await make_world(services, bot.tg)
    ana = world.users["Ana"]
    on_its_way = bot.tg.send_text(ana, world.group, "/miembros")
    supergroup, _ = bot.tg.migrate_to_supergroup(world.group, ana)
    [listing] = await bot.deliver(on_its_way)
    assert listing.chat_id == supergroup.id
    assert "Alcaldía de Mocoa" in listing.plain and "Ana" in listing.plain


async def test_the_fallback_after_an_error_reaches_the_supergroup_too(
    bot: Harness, services: Services
) -> None:
    world = await make_world(services, bot.tg)
    ana = world.users["Ana"]
    on_its_way = bot.tg.send_text(ana, world.group, "/miembros")
    supergroup, _ = bot.tg.migrate_to_supergroup(world.group, ana)
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
    application = build_application(
        settings, services=services, request=FakeBotApiRequest(telegram), rate_limit=True
    )
    await application.initialize()
    yield Harness(application, telegram)
    await application.shutdown()


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
    # Three went at once (a short burst), the rest about a second apart.
    assert time.monotonic() - started >= 2.5
