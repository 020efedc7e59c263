"""The fake Telegram's sending limits (opt-in): what a bot that sends too fast hears back."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from gelbot.telegram.fake_api import BotApiError, FakeBotApiRequest, FakeTelegram, TelegramLimits
from gelbot.telegram.sender import retry_after_seconds


class Seconds:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def limited() -> tuple[FakeTelegram, Seconds]:
    seconds = Seconds()
    return FakeTelegram(limits=TelegramLimits(clock=seconds)), seconds


async def send(tg: FakeTelegram, chat_id: int, text: str = "hola") -> None:
    await tg.call("sendMessage", {"chat_id": chat_id, "text": text})


async def test_the_31st_message_in_a_second_gets_429_with_retry_after() -> None:
    tg, seconds = limited()
    people = [tg.private_chat(tg.add_user(f"P{n}")) for n in range(31)]
    for chat in people[:30]:
        await send(tg, chat.id)
        seconds.now += 0.001
    with pytest.raises(BotApiError) as refused:
        await send(tg, people[30].id)
    assert refused.value.code == 429
    assert refused.value.payload() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert len(tg.sent) == 30 and tg.limits is not None and tg.limits.rejected == 1
    seconds.now += 0.971  # a second after the first one, its place is free
    await send(tg, people[30].id)
    assert len(tg.sent) == 31


async def test_the_21st_message_into_a_group_in_a_minute_gets_429() -> None:
    tg, seconds = limited()
    group = tg.add_group("Comité de Mocoa")
    for _ in range(20):
        await send(tg, group.id)
        seconds.now += 1.0  # well under 30 a second: only the group's limit applies
    with pytest.raises(BotApiError) as refused:
        await send(tg, group.id)
    assert refused.value.code == 429
    assert refused.value.parameters["retry_after"] >= 1
    other = tg.add_group("Comité de Pasto")
    await send(tg, other.id)  # another group is not held back
    seconds.now += 40.0  # a minute after the first one, its place is free
    await send(tg, group.id)
    assert len(tg.messages_to(group)) == 21


async def test_a_private_chat_takes_three_messages_in_any_three_seconds() -> None:
    tg, seconds = limited()
    chat = tg.private_chat(tg.add_user("Ana"))
    for _ in range(3):
        await send(tg, chat.id)
    with pytest.raises(BotApiError):
        await send(tg, chat.id)
    seconds.now += 3.0
    await send(tg, chat.id)
    assert len(tg.messages_to(chat)) == 4


async def test_edits_and_callback_answers_are_not_messages() -> None:
    tg, _ = limited()
    chat = tg.private_chat(tg.add_user("Ana"))
    for _ in range(3):
        await send(tg, chat.id, "uno")
    for n in range(40):
        message = tg.sent[0]
        await tg.call(
            "editMessageText",
            {"chat_id": chat.id, "message_id": message.message_id, "text": f"edición {n}"},
        )
        await tg.call("answerCallbackQuery", {"callback_query_id": str(n)})
    assert tg.sent[0].edits == 40


async def test_ptb_hears_retry_after_as_telegram_says_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # PTB 22 warns otherwise when it builds RetryAfter
    tg, _ = limited()
    group = tg.add_group("Comité de Mocoa")
    bot = Bot("1:test", request=FakeBotApiRequest(tg))
    for _ in range(20):
        await bot.send_message(group.id, "hola")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(group.id, "hola")
    assert retry_after_seconds(refused.value) == 60.0


async def test_without_limits_the_fake_takes_anything() -> None:
    tg = FakeTelegram()
    group = tg.add_group("Comité de Mocoa")
    for _ in range(100):
        await send(tg, group.id)
    assert len(tg.messages_to(group)) == 100


async def test_as_buckets_the_limits_refill_evenly_after_a_burst() -> None:
    seconds = Seconds()
    tg = FakeTelegram(limits=TelegramLimits(shape="bucket", clock=seconds))
    group = tg.add_group("Comité de Mocoa")
    for _ in range(20):
        await send(tg, group.id)
    with pytest.raises(BotApiError):
        await send(tg, group.id)
    seconds.now += 3.0  # 20 a minute: a bucket frees one place every 3 s
    await send(tg, group.id)
    with pytest.raises(BotApiError):
        await send(tg, group.id)
    assert len(tg.messages_to(group)) == 21
