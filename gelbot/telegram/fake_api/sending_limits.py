"""Telegram's sending limits, for the fake: opt-in, so a test that does not ask sees none.

Telegram lets a bot send about 30 messages a second overall, 20 a minute into one group, and
only short bursts into one private chat; past them it answers 429 «Too Many Requests: retry
after N» with `parameters.retry_after`. Each limit here is read literally, as a sliding window:
at most 30 messages in any second, 20 in any minute into one group, 3 in any 3 seconds into one
private chat. That is stricter than a bucket that lets a burst out at once and then refills (the
shape of PTB's AIORateLimiter): a bot whose pacing bursts past the window hears about it here,
as it might from Telegram, whose exact rule is not published. `shape="bucket"` reads the same
limits as token buckets instead (that many at once, then refilled evenly: PTB's own shape), to
tell a bot's own delays from those its pacing earns under the strict reading.

Only methods that put a message in a chat count (send*, copy, forward); edits, callback answers
and reads do not. A 429 is not counted as a message: Telegram did not take it.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from gelbot.telegram.fake_api.errors import BotApiError
from gelbot.telegram.fake_api.params import _int

# Methods that deliver a message (what the Bot API FAQ's limits are about).
SENDING = frozenset(
    {
        "sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup", "sendAudio", "sendVideo",
        "sendVoice", "sendAnimation", "sendSticker", "sendLocation", "sendContact", "sendPoll",
        "copyMessage", "forwardMessage",
    }
)  # fmt: skip


@dataclass
class Window:
    """At most `most` messages in any `period` seconds."""

    most: int
    period: float
    times: deque[float] = field(default_factory=deque)

    def wait(self, now: float) -> float:
        """Seconds until one more message fits (0: it fits now)."""
        while self.times and self.times[0] <= now - self.period:
            self.times.popleft()
        return self.times[0] + self.period - now if len(self.times) >= self.most else 0.0

    def take(self, now: float) -> None:
        self.times.append(now)


@dataclass
class Bucket:
    """`most` messages at once, refilled evenly over `period` seconds (aiolimiter's shape)."""

    most: int
    period: float
    level: float = 0.0
    at: float = 0.0

    def _drained(self, now: float) -> float:
        return max(0.0, self.level - (now - self.at) * self.most / self.period)

    def wait(self, now: float) -> float:
        # A hair of slack: the bot's limiter and this bucket read the clock a moment apart.
        over = self._drained(now) + 1 - self.most - 1e-6
        return over * self.period / self.most if over > 0 else 0.0

    def take(self, now: float) -> None:
        self.level, self.at = self._drained(now) + 1, now


@dataclass
class TelegramLimits:
    """The limits one bot token has; `FakeTelegram(limits=TelegramLimits())` turns them on."""

    per_second: int = 30
    per_group_minute: int = 20
    private_burst: int = 3  # into one private chat: this many in any `private_period` seconds
    private_period: float = 3.0
    shape: Literal["window", "bucket"] = "window"
    clock: Callable[[], float] = time.monotonic
    rejected: int = 0  # 429s answered
    admitted: int = 0  # messages that counted
    _overall: Window | Bucket = field(init=False)
    _chats: dict[int, Window | Bucket] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._limit = Window if self.shape == "window" else Bucket
        self._overall = self._limit(self.per_second, 1.0)

    def admit(self, method: str, params: dict[str, Any]) -> None:
        """Count a message about to be delivered, or raise the 429 Telegram would answer."""
        if method not in SENDING:
            return
        now = self.clock()
        chat_id = _int(params.get("chat_id")) or 0
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = (
                self._limit(self.per_group_minute, 60.0)
                if chat_id < 0
                else self._limit(self.private_burst, self.private_period)
            )
            self._chats[chat_id] = chat
        wait = max(self._overall.wait(now), chat.wait(now))
        if wait > 0:
            self.rejected += 1
            seconds = max(1, math.ceil(wait))  # Telegram says whole seconds, at least one
            raise BotApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)
        self._overall.take(now)
        chat.take(now)
        self.admitted += 1
