"""The one place reminders meet Telegram: sends a rendered message and says how it went.

Telegram's answers become outcomes the dispatcher acts on: 429 waits `retry_after` (or, when
that is long, hands the message back to be retried at that time — nothing is lost); a group
that became a supergroup (ChatMigrated) is followed to its new id and the message resent there;
timeouts and 5xx are retried with exponential backoff, then handed back; 403 means the bot was
removed from the group or blocked by the person; any other 400 is final. The bot given here
carries PTB's AIORateLimiter in the running application (≈30 messages/s overall, 20 a minute
into one group), so pacing happens below this class.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

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
)
from telegram.warnings import PTBDeprecationWarning

from gelbot.reminders.outbox import Button, Delivery, Outcome, OutgoingMessage

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
NO_PREVIEW = {"is_disabled": True}  # the Bot API's LinkPreviewOptions


def retry_after_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, whichever type this PTB version gives (int or timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


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
        max_flood_wait: float = 60.0,
        flood_retries: int = 3,
        network_retries: int = 3,
        backoff: float = 1.0,
    ) -> None:
        self.bot = bot
        self.sleep = sleep
        self.max_flood_wait = max_flood_wait
        self.flood_retries = flood_retries
        self.network_retries = network_retries
        self.backoff = backoff

    async def send(self, message: OutgoingMessage) -> Delivery:
        chat_id = message.chat_id
        migrated_from: int | None = None
        markup = keyboard(message.buttons)
        next_part = 0
        message_id: int | None = None
        floods = failures = migrations = 0
        while next_part < len(message.parts):
            last = next_part == len(message.parts) - 1
            try:
                message_id = await self._send_message(
                    chat_id, message.parts[next_part], markup if last else None
                )
            except RetryAfter as error:
                wait = retry_after_seconds(error)
                floods += 1
                if wait > self.max_flood_wait or floods > self.flood_retries:
                    return Delivery(
                        Outcome.RETRY,
                        chat_id,
                        retry_in=wait,
                        error=str(error),
                        migrated_from=migrated_from,
                    )
                log.info("flood wait %.0f s sending to %s", wait, chat_id)
                await self.sleep(wait)
                continue
            except ChatMigrated as error:
                migrations += 1
                if migrations > 2:
                    return Delivery(Outcome.FAILED, chat_id, error=str(error))
                migrated_from = migrated_from or chat_id
                chat_id = int(error.new_chat_id)
                continue
            except Forbidden as error:
                return Delivery(
                    Outcome.FORBIDDEN, chat_id, error=str(error), migrated_from=migrated_from
                )
            except InvalidToken as error:
                log.error("Telegram rejected the token; reminders wait")
                return Delivery(Outcome.RETRY, chat_id, retry_in=300, error=type(error).__name__)
            except BadRequest as error:  # before NetworkError: BadRequest is a subclass of it
                return Delivery(
                    Outcome.FAILED, chat_id, error=str(error), migrated_from=migrated_from
                )
            except NetworkError as error:  # TimedOut, 5xx, connection refused
                if failures >= self.network_retries:
                    return Delivery(
                        Outcome.RETRY,
                        chat_id,
                        retry_in=60 * 2**failures,
                        error=str(error),
                        migrated_from=migrated_from,
                    )
                await self.sleep(self.backoff * 2**failures)
                failures += 1
                continue
            except TelegramError as error:
                return Delivery(
                    Outcome.FAILED, chat_id, error=str(error), migrated_from=migrated_from
                )
            next_part += 1
        return Delivery(Outcome.SENT, chat_id, message_id=message_id, migrated_from=migrated_from)

    async def _send_message(self, chat_id: int, text: str, markup: dict[str, Any] | None) -> int:
        """sendMessage; the message id Telegram gave it.

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
        answer = await self.bot._post("sendMessage", data)
        return int(answer["message_id"])
