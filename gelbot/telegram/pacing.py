"""gelbot's rate limiter: every request the bot makes goes out within Telegram's limits.

Every send (a handler's reply, a reminder, the «Algo salió mal» of the error handler) passes
here, so these hold for all of them in one place:

- Telegram's limits, read literally as sliding windows (the fake Telegram's strict reading,
  gelbot.telegram.fake_api.sending_limits): at most 30 messages in any second overall, 20 in
  any minute into one group, 3 in any 3 seconds into one private chat. A send holds its place
  in each window from before its request until a period after Telegram's answer, so latency
  never squeezes two windows' worth into one. The overall window is the send budget
  (gelbot.telegram.budget), shared by every instance on PostgreSQL; the per-chat windows are
  this process's own. PTB's AIORateLimiter paced with buckets that let a burst out at once:
  under the strict reading that earned a 429 cycle on Monday 09:00 (bench/monday.py).
- Answers first: an answer to a person takes the next free place before any reminder, and
  reminders go at most 30 a second, evenly (a few more to catch up after a pause), so a free
  place comes up every few hundredths of a second for the next answer.
- A reminder never waits long on one chat: when that chat's window is full for more than
  a second, the send answers RetryAfter at once (nothing goes to Telegram) and the dispatcher
  hands the message back for later, as it does with Telegram's own 429.
- Migrations: a group that became a supergroup answers 400 with the new id (ChatMigrated); the
  request is sent again, once, to the new id, so no reply is lost; the handler of the migration
  service message moves the committee itself (gelbot.telegram.handlers.lifecycle).

A 429 from Telegram anyway (another bot on the token, a stricter rule) is retried
`max_retries` times after the wait it asks for; reminders ask for no retry (NO_RETRY) and let
the dispatcher decide, so one flooded chat never holds up a whole pass.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import ChatMigrated, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from gelbot.telegram.budget import LocalSlots, Slots

log = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]
Callback = Callable[..., Coroutine[Any, Any, JSON]]
NO_RETRY = -1  # rate_limit_args of a reminder: raise a 429 at once (see gelbot.telegram.sender)
GROUP_MOST, GROUP_PERIOD = 20, 60.0
PRIVATE_MOST, PRIVATE_PERIOD = 3, 3.0
REMINDERS_PER_SECOND = 30.0
CATCH_UP = 3  # reminders that may go at once after a pause (a batch being claimed)
LONGEST_REMINDER_WAIT = 1.0  # on one chat's window; longer, and the reminder is handed back
KEEP_CHATS = 10_000  # chat windows kept before idle ones are forgotten
MESSAGES = frozenset({"copyMessage", "copyMessages", "forwardMessage", "forwardMessages"})


def sends_a_message(endpoint: str) -> bool:
    """Whether Telegram counts this request as a message (edits, answers and reads are not)."""
    return endpoint in MESSAGES or (endpoint.startswith("send") and endpoint != "sendChatAction")


def retry_after_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, whichever type this PTB version gives (int or timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def wait_for(seconds: float) -> RetryAfter:
    """The 429 Telegram would answer, in whole seconds (PTB warns while it builds one)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return RetryAfter(max(1, math.ceil(seconds)))


class Pacing(BaseRateLimiter[int]):
    """Telegram's windows for every send; `paced=False` keeps only the migration following
    (tests drive the bot faster than Telegram would allow)."""

    def __init__(
        self,
        overall: Slots | None = None,
        *,
        paced: bool = True,
        max_retries: int = 1,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.overall: Slots = overall or LocalSlots()
        self.paced = paced
        self.max_retries = max_retries
        self.now = now
        self._chats: dict[int, LocalSlots] = {}
        self._next_reminder = 0.0  # token bucket of the reminders: when the next may go

    async def initialize(self) -> None:
        """Nothing to open: the budget's slots live in memory or in the database."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    def _chat(self, data: dict[str, Any]) -> LocalSlots | None:
        """The window of the chat a message goes into (None: an @channel name)."""
        try:
            chat = int(data.get("chat_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):  # an @channel name: the overall window only
            return None
        window = self._chats.get(chat)
        if window is None:
            if len(self._chats) >= KEEP_CHATS:
                self._forget_idle()
            most, period = (
                (GROUP_MOST, GROUP_PERIOD) if chat < 0 else (PRIVATE_MOST, PRIVATE_PERIOD)
            )
            window = self._chats[chat] = LocalSlots(most, period=period, now=self.now)
        return window

    def _forget_idle(self) -> None:
        now = self.now()
        for chat, window in list(self._chats.items()):
            if max(window.free_at) <= now:
                del self._chats[chat]

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        try:
            return await self._retried(callback, args, kwargs, endpoint, data, rate_limit_args)
        except ChatMigrated as error:
            if "chat_id" not in data:
                raise
            log.info("chat %s is now %s; %s sent there", data["chat_id"], error.new_chat_id,
                     endpoint)  # fmt: skip
            data["chat_id"] = error.new_chat_id  # `args` holds this very dict
            return await self._retried(callback, args, kwargs, endpoint, data, rate_limit_args)

    async def _retried(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        reminder = rate_limit_args == NO_RETRY
        retries = 0 if reminder or not self.paced else self.max_retries
        for attempt in range(retries + 1):
            try:
                return await self._paced(callback, args, kwargs, endpoint, data, reminder)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                seconds = retry_after_seconds(error)
                log.warning("Telegram asked to wait %.0f s before %s; retrying", seconds, endpoint)
                await asyncio.sleep(seconds + 0.1)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _paced(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        reminder: bool,
    ) -> JSON:
        if not self.paced or not sends_a_message(endpoint):
            return await callback(*args, **kwargs)
        chat = self._chat(data)
        if reminder and chat is not None and chat.free_in() > LONGEST_REMINDER_WAIT:
            # Handed back, not waited for: the dispatcher's other chats go on meanwhile.
            raise wait_for(chat.free_in())
        counted = True  # Telegram counts a message it took, or may have taken
        chat_slot = await chat.take(urgent=not reminder) if chat is not None else None
        try:
            if reminder:
                await self._reminder_turn()
            slot = await self.overall.take(urgent=not reminder)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter:
                counted = False  # Telegram did not take it
                raise
            finally:
                await self.overall.give_back(slot, counted)
        finally:
            if chat is not None and chat_slot is not None:
                await chat.give_back(chat_slot, counted)

    async def _reminder_turn(self) -> None:
        """At most 30 reminders a second, evenly, and CATCH_UP at once after a pause: places
        in the overall window then free one by one, and an answer waits for one at most a few
        hundredths of a second."""
        gap = 1.0 / REMINDERS_PER_SECOND
        now = self.now()
        turn = max(self._next_reminder, now - CATCH_UP * gap)
        self._next_reminder = turn + gap
        if turn > now:
            await asyncio.sleep(turn - now)
