"""gelbot's rate limiter: PTB's pacing, plus private chats, plus migrated groups, for every send.

Every request the bot makes (a handler's reply, a reminder, the «Algo salió mal» of the error
handler) goes through here, so two things hold for all of them in one place:

- Pacing: PTB's AIORateLimiter keeps ≈30 messages a second overall and 20 a minute into one
  group; Telegram also wants about one message a second into one private chat (short bursts
  pass), which PTB does not pace — a quickly answered questionnaire drew 429s. Sends into a
  private chat go through a leaky bucket of `private_burst` messages, refilled at
  `private_per_second`.
- Migrations: a group that became a supergroup answers 400 with the new id (ChatMigrated). The
  request is sent again, once, to the new id, so no reply is lost; the handler of the migration
  service message moves the committee itself (gelbot.telegram.handlers.lifecycle).

A 429 is retried `max_retries` times after the wait Telegram asks for — which PTB applies to
every request of the process at once. The reminder sender asks for no retry (NO_RETRY) and
decides itself, so one flooded chat never holds up a whole pass of reminders.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import ChatMigrated
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]
Callback = Callable[..., Coroutine[Any, Any, JSON]]
NO_RETRY = -1  # rate_limit_args: raise a 429 at once (see gelbot.telegram.sender)


class Pacing(AIORateLimiter):
    """AIORateLimiter with private-chat pacing and migration following; `paced=False` keeps
    only the following (tests drive the bot faster than Telegram would allow)."""

    def __init__(
        self,
        *,
        paced: bool = True,
        max_retries: int = 1,
        private_per_second: float = 1.0,
        private_burst: int = 3,
    ) -> None:
        super().__init__(
            overall_max_rate=30 if paced else 0,
            group_max_rate=20 if paced else 0,
            max_retries=max_retries,
        )
        self.paced = paced
        self.private_per_second = private_per_second
        self.private_burst = private_burst
        self._private: dict[int, AsyncLimiter] = {}

    def _private_limiter(self, endpoint: str, chat_id: Any) -> AsyncLimiter | None:
        if not self.paced or not endpoint.startswith("send") or endpoint == "sendChatAction":
            return None
        try:
            chat = int(chat_id)
        except (TypeError, ValueError):
            return None
        if chat <= 0:  # groups and channels: PTB's group limiter
            return None
        limiter = self._private.get(chat)
        if limiter is None:
            period = self.private_burst / self.private_per_second
            limiter = self._private[chat] = AsyncLimiter(self.private_burst, period)
        return limiter

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
            return await self._paced(callback, args, kwargs, endpoint, data, rate_limit_args)
        except ChatMigrated as error:
            if "chat_id" not in data:
                raise
            log.info("chat %s is now %s; %s sent there", data["chat_id"], error.new_chat_id,
                     endpoint)  # fmt: skip
            data["chat_id"] = error.new_chat_id  # `args` holds this very dict
            return await self._paced(callback, args, kwargs, endpoint, data, rate_limit_args)

    async def _paced(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        private = self._private_limiter(endpoint, data.get("chat_id"))

        async def send(*call_args: Any, **call_kwargs: Any) -> JSON:
            async with private or contextlib.nullcontext():
                return await callback(*call_args, **call_kwargs)

        if rate_limit_args != NO_RETRY:
            return await super().process_request(
                send, args, kwargs, endpoint, data, rate_limit_args
            )
        # No retry: the same limiters, without PTB's retry loop (which stalls every request
        # of the process for the whole wait).
        chat_id = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        group = (
            chat_id
            if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)
            else False
        )
        return await self._run_request(
            chat=chat_id is not None, group=group, allow_paid_broadcast=False,
            callback=send, args=args, kwargs=kwargs,
        )  # fmt: skip
