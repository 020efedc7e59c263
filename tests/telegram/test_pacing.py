"""gelbot's pacing against Telegram's limits read strictly (sliding windows), in real time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import pytest
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from gelbot.app import OFFLINE_TOKEN
from gelbot.services import Services
from gelbot.settings import Settings
from gelbot.telegram.budget import LocalSlots, SharedSlots, Slots
from gelbot.telegram.fake_api import FakeBotApiRequest, FakeTelegram, TelegramLimits
from gelbot.telegram.pacing import CATCH_UP, NO_RETRY, Pacing, retry_after_seconds


@asynccontextmanager
async def paced_bot(tg: FakeTelegram, overall: Slots | None = None) -> AsyncIterator[ExtBot]:  # type: ignore[type-arg]
    bot: ExtBot = ExtBot(  # type: ignore[type-arg]
        OFFLINE_TOKEN, request=FakeBotApiRequest(tg), rate_limiter=Pacing(overall)
    )
    async with bot:
        yield bot


def strict() -> FakeTelegram:
    """Telegram's limits as sliding windows: 30 in any second, 20 a minute into a group…"""
    return FakeTelegram(limits=TelegramLimits())


async def test_a_burst_of_answers_waits_its_turn_instead_of_drawing_429() -> None:
    tg = strict()
    chats = [tg.private_chat(tg.add_user(f"P{n}")) for n in range(40)]
    async with paced_bot(tg) as bot:
        started = time.monotonic()
        await asyncio.gather(*(bot.send_message(chat.id, "Hola") for chat in chats))
        elapsed = time.monotonic() - started
    assert tg.limits is not None and tg.limits.rejected == 0
    assert len(tg.sent) == 40
    assert elapsed >= 1.0  # the 31st had to wait for the first one's second to pass


async def test_a_reminder_into_a_group_that_used_its_minute_is_handed_back_at_once() -> None:
    tg = strict()
    group = tg.add_group("Comité de Gobierno Digital de Mocoa")
    async with paced_bot(tg) as bot:
        for n in range(20):  # answers in the group: 20 in this minute, all it may take
            await bot.send_message(group.id, f"Respuesta {n}")
        started = time.monotonic()
        with pytest.raises(RetryAfter) as wait:
            await bot.send_message(group.id, "Convocatoria", rate_limit_args=NO_RETRY)
        assert time.monotonic() - started < 0.5  # not waited for: the dispatcher goes on
    assert retry_after_seconds(wait.value) >= 55
    assert len(tg.sent) == 20 and tg.limits is not None and tg.limits.rejected == 0


async def test_a_window_whose_places_are_all_out_is_at_least_a_period_away() -> None:
    window = LocalSlots(3, period=3.0)
    for _ in range(3):
        await window.take(urgent=True)  # three requests out, none answered yet
    assert window.free_in() == 3.0


async def test_an_answer_takes_the_next_free_place_before_a_waiting_reminder() -> None:
    slots = LocalSlots(1, period=0.2)
    order: list[str] = []
    await slots.give_back(await slots.take(urgent=False), counted=True)  # the place is busy

    async def take(who: str, urgent: bool) -> None:
        slot = await slots.take(urgent=urgent)
        order.append(who)
        await slots.give_back(slot, counted=True)

    reminder = asyncio.create_task(take("recordatorio", urgent=False))
    await asyncio.sleep(0.05)  # the reminder was waiting first
    await take("respuesta", urgent=True)
    await reminder
    assert order == ["respuesta", "recordatorio"]


async def test_reminders_go_evenly_while_answers_go_at_once() -> None:
    tg = FakeTelegram()
    chats = [tg.private_chat(tg.add_user(f"P{n}")) for n in range(12)]
    async with paced_bot(tg) as bot:
        started = time.monotonic()
        for chat in chats:
            await bot.send_message(chat.id, "Respuesta")
        answers = time.monotonic() - started
        started = time.monotonic()
        for chat in chats:
            await bot.send_message(chat.id, "Recordatorio", rate_limit_args=NO_RETRY)
        reminders = time.monotonic() - started
    assert answers < 0.2
    assert reminders >= (len(chats) - CATCH_UP - 1) / 30  # a thirtieth of a second apart


async def test_two_instances_on_postgresql_share_the_30_a_second(settings: Settings) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("several instances share a database on PostgreSQL only")
    tg = strict()
    chats = [tg.private_chat(tg.add_user(f"P{n}")) for n in range(45)]
    async with AsyncExitStack() as stack:
        bots = []
        for _ in range(2):
            services = Services.build(settings)
            stack.push_async_callback(services.engine.dispose)
            bots.append(await stack.enter_async_context(paced_bot(tg, SharedSlots(services))))
        started = time.monotonic()
        await asyncio.gather(
            *(bots[n % 2].send_message(chat.id, "Hola") for n, chat in enumerate(chats))
        )
        elapsed = time.monotonic() - started
    assert tg.limits is not None and tg.limits.rejected == 0
    assert len(tg.sent) == 45 and elapsed >= 1.0
