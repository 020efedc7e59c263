"""The one place reminders meet Telegram: sends a rendered message and says how it went.

Telegram's answers become outcomes the dispatcher acts on, part by part:
- 429 hands the message back, to be retried once `retry_after` has passed (nothing is lost,
  and a flood wait on one chat never holds up the rest of the pass); the parts Telegram already
  accepted were recorded through `progress` and are not sent again.
- A group that became a supergroup (ChatMigrated) is followed to its new id and the part resent
  there (the bot's request layer usually follows it already: see gelbot.telegram.pacing).
- A request that never reached Telegram (no connection, connect or pool timeout, a 5xx answer)
  is retried with exponential backoff, then handed back.
- A request that may have reached Telegram but got no answer (read timeout, connection cut
  while waiting) is UNKNOWN: the part is counted as sent and never repeated blindly, and the
  delivery says so (`uncertain`). Sends wait `read_timeout` (30 s) for the answer, six times
  PTB's default, so a slow Telegram answers in time instead.
- 403 means the bot was removed from the group or blocked by the person; any other 400 is final.
The bot given here carries gelbot's rate limiter (gelbot.telegram.pacing): Telegram's windows,
the budget shared by every instance, answers to people before reminders — so pacing happens
below this class, and a chat whose window is full answers here as a 429 would.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot

from gelbot.reminders.outbox import Button, Delivery, Outcome, OutgoingMessage, Progress
from gelbot.telegram.pacing import NO_RETRY, retry_after_seconds

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
NO_PREVIEW = {"is_disabled": True}  # the Bot API's LinkPreviewOptions
# How long a send waits for Telegram's answer. PTB's 5 s made a slow answer (7 s, seen in an
# adversarial run) look like a failure, and the part was sent again: a duplicate without a crash.
SEND_READ_TIMEOUT = 30.0
# Failures before the whole request reached Telegram (a request cut while being written is
# not processed).
_NOT_SENT = (
    httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteError,
    httpx.WriteTimeout,
)  # fmt: skip


def may_have_reached_telegram(error: NetworkError) -> bool:
    """Whether a send that failed this way may still have been delivered.

    A timeout or a broken connection while waiting for the answer: Telegram may have sent the
    message and only its answer got lost. A refused connection, a connect or pool timeout (PTB
    says «Request was *not* sent») or an answer such as 502: it was not sent.
    """
    cause = error.__cause__
    if isinstance(cause, _NOT_SENT) or "Pool timeout" in error.message:
        return False
    if isinstance(error, TimedOut):
        return True
    return isinstance(cause, httpx.ReadError | httpx.RemoteProtocolError | httpx.ReadTimeout)


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> dict[str, Any] | None:
    """The Bot API's InlineKeyboardMarkup, as the JSON object Telegram takes."""
    if not rows:
        return None
    return {
        "inline_keyboard": [
            [{"text": b.text, "callback_data": b.callback_data} for b in row] for row in rows
        ]
    }


class TelegramSender:
    """Sends OutgoingMessages with a PTB bot; never raises for what Telegram answers."""

    def __init__(
        self,
        bot: Bot,
        *,
        sleep: Sleep = asyncio.sleep,
        network_retries: int = 3,
        backoff: float = 1.0,
        read_timeout: float = SEND_READ_TIMEOUT,
    ) -> None:
        self.bot = bot
        self.sleep = sleep
        self.network_retries = network_retries
        self.backoff = backoff
        self.read_timeout = read_timeout
        # Through the rate limiter, a 429 comes straight back here: the sender decides what it
        # means for a reminder, instead of the limiter stalling every send behind it.
        limited = isinstance(bot, ExtBot) and bot.rate_limiter is not None
        self._api_kwargs = ExtBot._merge_api_rl_kwargs(None, NO_RETRY) if limited else None

    async def send(self, message: OutgoingMessage, progress: Progress | None = None) -> Delivery:
        """Send the message's parts from `message.first_part` on; `progress` hears of each one
        Telegram accepted before the last, so a retry starts after it."""
        chat_id = message.chat_id
        migrated_from: int | None = None
        markup = keyboard(message.buttons)
        next_part = message.first_part
        message_id: int | None = None
        uncertain: str | None = None
        failures = migrations = 0

        def outcome(kind: Outcome, error: Exception, retry_in: float = 0.0) -> Delivery:
            return Delivery(kind, chat_id, retry_in=retry_in, error=str(error),
                            migrated_from=migrated_from, parts_sent=next_part)  # fmt: skip

        while next_part < len(message.parts):
            last = next_part == len(message.parts) - 1
            try:
                message_id, answered_in = await self._send_message(
                    chat_id, message.parts[next_part], markup if last else None
                )
                if answered_in != chat_id:  # the request layer followed a migration
                    migrated_from, chat_id = migrated_from or chat_id, answered_in
            except RetryAfter as error:
                # Never wait here: other chats' messages in this pass go on meanwhile.
                return outcome(Outcome.FLOOD, error, retry_after_seconds(error))
            except ChatMigrated as error:
                migrations += 1
                if migrations > 2:
                    return outcome(Outcome.FAILED, error)
                migrated_from = migrated_from or chat_id
                chat_id = int(error.new_chat_id)
                continue
            except Forbidden as error:
                return outcome(Outcome.FORBIDDEN, error)
            except InvalidToken as error:
                log.error("Telegram rejected the token; reminders wait")
                return Delivery(Outcome.RETRY, chat_id, retry_in=300, error=type(error).__name__,
                                parts_sent=next_part)  # fmt: skip
            except BadRequest as error:  # before NetworkError: BadRequest is a subclass of it
                return outcome(Outcome.FAILED, error)
            except NetworkError as error:
                if may_have_reached_telegram(error):
                    # Unknown, not «not sent»: counted as sent, never repeated blindly.
                    log.warning("no answer from Telegram for part %d to %s: %s",
                                next_part + 1, chat_id, error)  # fmt: skip
                    uncertain = f"incierto: sin respuesta de Telegram a la parte {next_part + 1}"
                    message_id = None
                elif failures >= self.network_retries:
                    return outcome(Outcome.RETRY, error, 60 * 2**failures)
                else:
                    await self.sleep(self.backoff * 2**failures)
                    failures += 1
                    continue
            except TelegramError as error:
                return outcome(Outcome.FAILED, error)
            next_part += 1
            if not last and progress is not None:
                await progress(next_part)
        return Delivery(Outcome.SENT, chat_id, message_id=message_id,
                        migrated_from=migrated_from, parts_sent=next_part,
                        error=uncertain)  # fmt: skip

    async def _send_message(
        self, chat_id: int, text: str, markup: dict[str, Any] | None
    ) -> tuple[int, int]:
        """sendMessage; the message id Telegram gave it, and the chat it went to.

        `Bot.send_message` would build a `telegram.Message` from Telegram's answer only for us to
        read its id, and that was a quarter of a reminder's cost (bench/reminders.py). `_post`
        is what `send_message` and `do_api_request` call underneath: the same rate limiter,
        request and errors (RetryAfter, Forbidden, ChatMigrated, …), without the parsing.
        `do_api_request` itself warns when asked for an endpoint Bot has a method for.
        """
        data: dict[str, Any] = {
            "chat_id": chat_id,
            "text": text,
            "parse_mode": ParseMode.HTML.value,
            "link_preview_options": NO_PREVIEW,
        }
        if markup is not None:
            data["reply_markup"] = markup
        answer = await self.bot._post(
            "sendMessage", data, read_timeout=self.read_timeout, api_kwargs=self._api_kwargs
        )
        return int(answer["message_id"]), int(answer["chat"]["id"])
