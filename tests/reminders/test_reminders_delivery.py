"""The delivery rule where Telegram is slow, floods, or a message has several parts.

Nothing is sent twice without a crash: a send whose answer never came counts as sent (it may
have arrived) and is recorded as uncertain; each part of a long message is recorded as it is
accepted, so a retry sends only the rest; a flood wait on one chat holds up nobody else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import httpx
import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from gelbot.clock import ManualClock
from gelbot.models import Role
from gelbot.reminders.dispatcher import Dispatcher
from gelbot.reminders.tick import tick
from gelbot.services import Services
from gelbot.telegram.fake_api import BotApiError, FakeTelegram
from gelbot.telegram.sender import TelegramSender, may_have_reached_telegram
from tests.support.delivery_world import SlowTelegram
from tests.support.harness import Harness
from tests.support.reminders_world import (
    Engine,
    World,
    add_compromiso,
    add_person,
    make_world,
    with_beto,
)


@pytest.fixture
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


class Slow:
    """A dispatcher whose bot talks to Telegram through SlowTelegram."""

    def __init__(self, services: Services, tg: FakeTelegram, clock: ManualClock) -> None:
        self.request = SlowTelegram(tg, clock, [])
        self.bot = Bot("0:offline", request=self.request)
        self.clock = clock
        self.dispatcher = Dispatcher(services, TelegramSender(self.bot, sleep=self.sleep))

    async def sleep(self, seconds: float) -> None:
        self.clock.advance(seconds=seconds)


@pytest.fixture
async def slow(
    services: Services, telegram: FakeTelegram, clock: ManualClock
) -> AsyncIterator[Slow]:
    found = Slow(services, telegram, clock)
    async with found.bot:
        yield found


async def editor_world(bot: Harness, services: Services) -> World:
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    return world


async def test_a_slow_answer_is_waited_for_not_taken_for_a_failure(
    bot: Harness, services: Services, clock: ManualClock, slow: Slow
) -> None:
    # Telegram took 7 s to answer: past PTB's 5 s read timeout, within the sender's.
    world = await editor_world(bot, services)
    slow.request.delays = [7.0]
    report = await tick(slow.dispatcher)
    [question] = world.to("Eva")
    assert "¿Se actualizó el sitio web" in question.plain
    assert report.dispatch.sent == 1
    [row] = await Engine(bot, services, clock).rows(kind="sitio_web", occurrence="2009-02-23")
    assert (row.status, row.message_id, row.last_error) == ("enviado", question.message_id, None)


async def test_an_answer_that_never_comes_is_recorded_as_uncertain_and_not_repeated(
    bot: Harness, services: Services, clock: ManualClock, slow: Slow
) -> None:
    world = await editor_world(bot, services)
    slow.request.delays = [45.0]  # longer than any read timeout: the message went out anyway
    await tick(slow.dispatcher)
    clock.advance(minutes=30)
    await tick(slow.dispatcher)
    [question] = world.to("Eva")  # once, not again
    assert "¿Se actualizó el sitio web" in question.plain
    [row] = await Engine(bot, services, clock).rows(kind="sitio_web", occurrence="2009-02-23")
    assert row.status == "enviado" and row.message_id is None
    assert row.last_error == "incierto: sin respuesta de Telegram a la parte 1"


async def test_a_request_that_never_left_is_retried(
    bot: Harness, services: Services, clock: ManualClock, slow: Slow
) -> None:
    world = await editor_world(bot, services)
    never_left = TimedOut()
    never_left.__cause__ = httpx.ConnectTimeout("connect timed out")
    calls = 0
    send = slow.bot._post

    async def refuse_once(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise never_left
        return await send(*args, **kwargs)  # type: ignore[arg-type]

    slow.bot._post = refuse_once  # type: ignore[method-assign]
    await tick(slow.dispatcher)
    assert len(world.to("Eva")) == 1 and calls == 2


def caused(error: NetworkError, cause: Exception) -> NetworkError:
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "unknown"),
    [
        (caused(TimedOut(), httpx.ReadTimeout("read")), True),  # sent; the answer is late
        (caused(NetworkError("httpx.ReadError"), httpx.ReadError("reset")), True),
        (caused(NetworkError("cut"), httpx.RemoteProtocolError("no answer")), True),
        (TimedOut(), True),  # PTB's own timeout: where it happened is unknown
        (caused(TimedOut(), httpx.ConnectTimeout("connect")), False),
        (caused(TimedOut(), httpx.WriteTimeout("write")), False),
        (caused(NetworkError("refused"), httpx.ConnectError("refused")), False),
        (TimedOut("Pool timeout: All connections … Request was *not* sent"), False),
        (NetworkError("Bad Gateway"), False),  # Telegram answered 502
    ],
)
def test_which_failures_may_have_delivered_the_message(error: NetworkError, unknown: bool) -> None:
    assert may_have_reached_telegram(error) is unknown


async def many_compromisos(world: World, owner: str, count: int) -> None:
    """Compromisos all due the same day: their reminders go out as one long message."""
    for n in range(count):
        words = " ".join(f"paso{n}x{k}" for k in range(30))
        await add_compromiso(world, owner, f"Tarea {n}: {words}", date(2009, 3, 5))


@pytest.mark.usefixtures("timedelta_retry_after")
async def test_a_flood_wait_on_part_two_never_sends_part_one_again(
    bot: Harness, services: Services, clock: ManualClock, engine: Engine
) -> None:
    world = await with_beto(services, bot.tg)
    await many_compromisos(world, "Beto", 30)  # two parts
    beto = world.users["Beto"].id
    flood = BotApiError(429, "Too Many Requests: retry after 61", retry_after=61)
    bot.tg.fail_next("sendMessage", flood, chat_id=beto, skip=1)
    report = await engine.tick()
    assert report.dispatch.retried == 1 and len(world.to("Beto")) == 1
    rows = await engine.rows(kind="compromiso", parts_sent=1)
    assert len(rows) == 30
    assert {(r.status, r.due_at) for r in rows} == {
        ("pendiente", clock.now() + timedelta(seconds=61))
    }
    bot.tg.fail_next("sendMessage", flood, chat_id=beto)  # part two, again
    await engine.at(rows[0].due_at)
    assert len(world.to("Beto")) == 1
    await engine.at(rows[0].due_at + timedelta(seconds=61))
    first, second = world.to("Beto")
    assert "Tarea 0:" in first.plain and "Tarea 29:" in second.plain
    assert "Tarea 0:" not in second.plain
    rows = await engine.rows(kind="compromiso", parts_sent=1)
    assert {r.status for r in rows} == {"enviado"} and {r.message_id for r in rows} == {
        second.message_id
    }


class Crash(Exception):
    """The process dies here."""


async def test_a_crash_between_parts_repeats_no_part(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await with_beto(services, bot.tg)
    await many_compromisos(world, "Beto", 50)  # three parts

    def die_after_a_part(point: str) -> None:
        if point == "after_part":
            raise Crash

    crashing = Engine(bot, services, clock, hook=die_after_a_part)
    with pytest.raises(Crash):
        await crashing.tick()
    assert len(world.to("Beto")) == 1
    clock.advance(minutes=11)  # the crashed dispatcher's lease ends
    await Engine(bot, services, clock).tick()
    parts = [m.plain for m in world.to("Beto")]
    assert len(parts) == 3
    assert [p.count("Tarea 0:") for p in parts] == [1, 0, 0] and "Tarea 49:" in parts[2]


@pytest.mark.usefixtures("timedelta_retry_after")
async def test_a_flood_wait_on_one_chat_holds_up_no_other(
    bot: Harness, services: Services, clock: ManualClock, engine: Engine
) -> None:
    world = await editor_world(bot, services)
    for name in ("Beto", "Caro"):
        await add_person(world, name)
        await add_compromiso(world, name, f"Tarea de {name}", date(2009, 3, 5))
    eva = world.users["Eva"].id
    bot.tg.fail_next("sendMessage", BotApiError(429, "Too Many Requests: retry after 50",
                                                retry_after=50), chat_id=eva)  # fmt: skip
    started = clock.now()
    report = await engine.tick()
    assert engine.slept == [] and clock.now() == started  # nobody waited
    assert [len(world.to(n)) for n in ("Eva", "Beto", "Caro")] == [0, 1, 1]
    assert report.dispatch.retried == 1
    [row] = await engine.rows(kind="sitio_web", occurrence="2009-02-23")
    assert (row.status, row.attempts) == ("pendiente", 0)  # a wait costs no attempt
    assert row.due_at == started + timedelta(seconds=50)
    await engine.at(row.due_at)
    assert len(world.to("Eva")) == 1
