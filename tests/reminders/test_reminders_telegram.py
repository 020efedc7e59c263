"""Telegram's errors while sending reminders: nothing lost, nobody spammed, the coordinador told."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from telegram import Bot
from telegram.error import TimedOut
from telegram.request import RequestData

from gelbot.app import build_application
from gelbot.clock import ManualClock
from gelbot.models import Role
from gelbot.reminders.dispatcher import MAX_ATTEMPTS, Dispatcher
from gelbot.reminders.tick import tick
from gelbot.services import Services
from gelbot.settings import Settings
from gelbot.telegram.budget import LocalSlots, SharedSlots
from gelbot.telegram.fake_api import BotApiError, FakeBotApiRequest, FakeTelegram
from gelbot.telegram.pacing import Pacing
from gelbot.telegram.reminder_dispatcher import dispatcher_of
from gelbot.telegram.sender import TelegramSender
from tests.support.delivery_world import SlowTelegram
from tests.support.harness import Harness
from tests.support.reminders_world import Engine, World, add_compromiso, add_person, make_world


@pytest.fixture
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns when a RetryAfter is built unless it may give retry_after as a timedelta."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


async def editor_world(bot: Harness, services: Services) -> World:
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    return world


async def handed_back(
    bot: Harness, services: Services, engine: Engine, *, retry_after: int
) -> World:
    """Telegram answers Eva's due nag 429 with `retry_after`: the tick hands it back, unsent."""
    world = await editor_world(bot, services)
    error = BotApiError(
        429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
    )
    bot.tg.fail_next("sendMessage", error, chat_id=world.users["Eva"].id)
    report = await engine.tick()
    assert engine.slept == [] and report.dispatch.retried == 1 and world.to("Eva") == []
    return world


@pytest.mark.usefixtures("timedelta_retry_after")
async def test_429_hands_back_for_retry_after_and_loses_nothing(
    bot: Harness, services: Services, clock: ManualClock, engine: Engine
) -> None:
    world = await handed_back(bot, services, engine, retry_after=7)
    clock.advance(seconds=7)
    report = await engine.tick()
    assert report.dispatch.sent == 1 and len(world.to("Eva")) == 1
    [row] = await engine.rows(kind="sitio_web", status="enviado")
    assert row.message_id == world.to("Eva")[0].message_id


@pytest.mark.usefixtures("timedelta_retry_after")
async def test_a_long_flood_wait_hands_the_reminder_back_for_later(
    bot: Harness, services: Services, clock: ManualClock, engine: Engine
) -> None:
    world = await handed_back(bot, services, engine, retry_after=300)
    [row] = await engine.rows(kind="sitio_web", occurrence="2009-02-23")
    assert row.status == "pendiente" and (row.due_at - clock.now()).total_seconds() == 300
    clock.advance(seconds=299)
    await engine.tick()
    assert world.to("Eva") == []
    clock.advance(seconds=1)
    await engine.tick()
    assert len(world.to("Eva")) == 1


async def test_blocked_by_the_person_marks_them_and_falls_back_to_the_group(
    bot: Harness, services: Services, clock: ManualClock, engine: Engine
) -> None:
    world = await editor_world(bot, services)
    bot.tg.chats[world.users["Eva"].id].bot_status = "kicked"  # Eva blocked the bot
    await engine.tick()
    assert (await engine.person(world.person_ids["Eva"])).private_blocked
    [in_group] = world.in_group()
    assert in_group.plain.startswith("Eva: ¿Se actualizó")
    await engine.tick()  # the coordinador's notice was queued for now
    [notice] = world.to("Ana")
    assert "No puedo escribirle en privado a Eva" in notice.plain
    # Later reminders go straight to the group: no second 403 per reminder.
    calls_before = len(bot.tg.calls)
    await engine.at(clock.now().replace(day=4))
    private_tries = [c for c in bot.tg.calls[calls_before:] if c[1].get("chat_id") ==
                     world.users["Eva"].id]  # fmt: skip
    assert private_tries == [] and len(world.in_group()) == 2


async def test_removed_from_the_group_marks_the_committee_and_tells_the_coordinador(
    bot: Harness, services: Services, engine: Engine
) -> None:
    world = await make_world(services, bot.tg)  # no editor: the nag goes to the group
    bot.tg.remove_bot_from(world.group, world.users["Ana"])
    report = await engine.tick()
    assert report.dispatch.failed == 1
    assert not (await engine.committee(world.committee_id)).reachable
    await engine.tick()
    [notice] = world.to("Ana")
    assert "Ya no puedo escribir en el grupo del comité de la Alcaldía de Mocoa" in notice.plain
    [row] = await engine.rows(kind="sitio_web", occurrence="2009-02-23")
    assert row.status == "fallido" and "Forbidden" in (row.last_error or "")


async def test_chat_migrated_follows_the_new_id_and_resends(
    bot: Harness, services: Services, engine: Engine
) -> None:
    world = await make_world(services, bot.tg)
    supergroup, _ = bot.tg.migrate_to_supergroup(world.group, world.users["Ana"])
    bot.tg.fail_next(
        "sendMessage",
        BotApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                    migrate_to_chat_id=supergroup.id),
        chat_id=world.group.id,
    )  # fmt: skip
    await engine.tick()
    assert (await engine.committee(world.committee_id)).chat_id == supergroup.id
    [sent] = bot.tg.messages_to(supergroup)
    assert "¿Se actualizó el sitio web" in sent.plain
    [row] = await engine.rows(kind="sitio_web", occurrence="2009-02-23")
    assert (row.status, row.chat_id, row.message_id) == ("enviado", supergroup.id, sent.message_id)


async def test_5xx_retries_with_backoff(bot: Harness, services: Services, engine: Engine) -> None:
    world = await editor_world(bot, services)
    eva = world.users["Eva"].id
    for _ in range(2):
        bot.tg.fail_next("sendMessage", BotApiError(502, "Bad Gateway"), chat_id=eva)
    await engine.tick()
    assert engine.slept == [1.0, 2.0] and len(world.to("Eva")) == 1


async def test_network_down_hands_back_then_gives_up_after_max_attempts(
    bot: Harness, services: Services, clock: ManualClock, engine: Engine
) -> None:
    world = await editor_world(bot, services)
    eva = world.users["Eva"].id
    for attempt in range(1, MAX_ATTEMPTS + 1):
        for _ in range(4):
            bot.tg.fail_next("sendMessage", BotApiError(500, "Internal Server Error"),
                             chat_id=eva)  # fmt: skip
        await engine.tick()
        [row] = await engine.rows(kind="sitio_web", occurrence="2009-02-23")
        assert row.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert row.status == "pendiente" and row.due_at > clock.now()
            clock.set(row.due_at)
    assert row.status == "fallido" and world.to("Eva") == []


async def test_bad_request_is_final(bot: Harness, services: Services, engine: Engine) -> None:
    world = await editor_world(bot, services)
    bot.tg.fail_next("sendMessage", BotApiError(400, "Bad Request: chat not found"),
                     chat_id=world.users["Eva"].id)  # fmt: skip
    report = await engine.tick()
    assert report.dispatch.failed == 1
    [row] = await engine.rows(kind="sitio_web", occurrence="2009-02-23")
    assert row.status == "fallido" and row.last_error == "Chat not found"


class TimingOutRequest(FakeBotApiRequest):
    """The network at the edge: the first `failures` sendMessage calls cannot connect."""

    def __init__(self, telegram: FakeTelegram, failures: int) -> None:
        super().__init__(telegram)
        self.failures = failures

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:  # fmt: skip
        if url.endswith("/sendMessage") and self.failures > 0:
            self.failures -= 1
            # It never connected: the request did not reach Telegram (see the sender).
            raise TimedOut("Timed out") from httpx.ConnectTimeout("connect timed out")
        return await super().do_request(url, method, request_data, *args, **kwargs)


@pytest.fixture
async def timing_out_bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    bot = Bot("0:offline", request=TimingOutRequest(telegram, failures=2))
    async with bot:
        yield bot


async def test_timeouts_retry_with_backoff(
    bot: Harness, services: Services, clock: ManualClock, timing_out_bot: Bot
) -> None:
    world = await editor_world(bot, services)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds=seconds)

    dispatcher = Dispatcher(services, TelegramSender(timing_out_bot, sleep=sleep))
    report = await tick(dispatcher)
    assert slept == [1.0, 2.0] and report.dispatch.sent == 1 and len(world.to("Eva")) == 1


async def test_the_running_bot_sends_reminders_through_the_rate_limiter(settings: Settings) -> None:
    application = build_application(settings, request=FakeBotApiRequest(FakeTelegram()))
    sender = dispatcher_of(application).sender
    assert isinstance(sender, TelegramSender)
    limiter = sender.bot.rate_limiter  # type: ignore[attr-defined]
    assert isinstance(limiter, Pacing) and limiter.paced
    # 30 messages in any second overall: in memory on SQLite, shared through PostgreSQL.
    shared = settings.database_url.startswith("postgresql")
    assert isinstance(limiter.overall, SharedSlots if shared else LocalSlots)
    jobs = application.job_queue.jobs() if application.job_queue else ()
    [reminders] = [job for job in jobs if job.name == "recordatorios"]
    assert reminders.job.trigger.interval.total_seconds() == settings.dispatch_interval_seconds


async def test_slow_answers_hand_the_rest_of_the_batch_back_before_the_lease_ends(
    bot: Harness, services: Services, clock: ManualClock, telegram: FakeTelegram
) -> None:
    world = await editor_world(bot, services)
    await add_person(world, "Beto")
    await add_person(world, "Caro")
    for name in ("Beto", "Caro"):
        await add_compromiso(world, name, f"Tarea de {name}", date(2009, 3, 5))
    slow = SlowTelegram(telegram, clock, [25.0])  # Eva's nag: answered after 25 s
    async with Bot("0:offline", request=slow) as slow_bot:
        dispatcher = Dispatcher(services, TelegramSender(slow_bot), lease=timedelta(seconds=40))
        report = await tick(dispatcher)
    # Eva's nag took 25 s, past half the lease: Beto's and Caro's reminders were handed back
    # and claimed again (with a fresh lease) in the same pass — each still delivered once.
    assert report.dispatch.retried >= 1
    assert [len(world.to(n)) for n in ("Eva", "Beto", "Caro")] == [1, 1, 1]
