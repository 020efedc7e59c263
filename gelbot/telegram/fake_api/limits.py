"""What the fake Telegram refuses for timing: injected failures and flood control (429).

Telegram answers 429 «Too Many Requests: retry after N» to a bot that sends faster than about
one message a second into a private chat (short bursts pass), 20 a minute into a group, or 30 a
second overall. The fake enforces these only when a test turns it on (`FakeTelegram.flood`),
with the clock of its choice (a test's manual clock, or real time). The strict sliding-window
reading every bench and pacing test uses is gelbot.telegram.fake_api.sending_limits.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gelbot.telegram.fake_api.errors import BotApiError
from gelbot.telegram.fake_api.params import _int

SENDS = {"sendMessage", "sendDocument", "sendPhoto"}


@dataclass
class Failure:
    """An injected answer: the next call of `method` (to `chat_id`), after `skip` such calls."""

    method: str
    chat_id: int | None
    error: BotApiError
    skip: int = 0

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        return method == self.method and (
            self.chat_id is None or _int(params.get("chat_id")) == self.chat_id
        )


@dataclass
class FloodControl:
    """Telegram's send limits, as leaky buckets: a private chat, a group, everything."""

    now: Callable[[], float] = time.monotonic
    private_per_second: float = 1.0
    private_burst: int = 4
    group_per_minute: int = 20
    global_per_second: int = 30
    floods: list[tuple[int, float]] = field(default_factory=list)  # (chat id, retry_after)
    _levels: dict[int, tuple[float, float]] = field(default_factory=dict)  # chat → (level, at)
    _recent: deque[float] = field(default_factory=deque)  # moments of the last second's sends
    _group_recent: dict[int, deque[float]] = field(default_factory=dict)

    def check(self, method: str, params: dict[str, Any]) -> None:
        """Count one call; BotApiError(429) when it exceeds a limit (it is then not counted)."""
        chat_id = _int(params.get("chat_id"))
        if method not in SENDS or chat_id is None:
            return
        now = self.now()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.global_per_second:
            self._refuse(chat_id, self._recent[0] + 1.0 - now)
        if chat_id > 0:
            level, at = self._levels.get(chat_id, (0.0, now))
            level = max(0.0, level - (now - at) * self.private_per_second)
            if level + 1 > self.private_burst:
                self._refuse(chat_id, (level + 1 - self.private_burst) / self.private_per_second)
            self._levels[chat_id] = (level + 1, now)
        else:
            recent = self._group_recent.setdefault(chat_id, deque())
            while recent and recent[0] <= now - 60.0:
                recent.popleft()
            if len(recent) >= self.group_per_minute:
                self._refuse(chat_id, recent[0] + 60.0 - now)
            recent.append(now)
        self._recent.append(now)

    def _refuse(self, chat_id: int, wait: float) -> None:
        retry_after = max(1, math.ceil(wait))
        self.floods.append((chat_id, retry_after))
        raise BotApiError(
            429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
        )
