"""The network between gelbot and Telegram, for delivery tests: answers that come late."""

from __future__ import annotations

from typing import Any

import httpx
from telegram.error import TimedOut
from telegram.request import RequestData

from gelbot.clock import ManualClock
from gelbot.telegram.fake_api import FakeBotApiRequest, FakeTelegram

PTB_READ_TIMEOUT = 5.0  # HTTPXRequest's default


class SlowTelegram(FakeBotApiRequest):
    """Telegram handles each sendMessage at once but its answer takes the next of `delays`
    seconds (on the test's clock). An answer later than the request's read timeout never
    arrives: the client gets what PTB's HTTPXRequest makes of httpx's ReadTimeout — though the
    message was sent."""

    def __init__(self, telegram: FakeTelegram, clock: ManualClock, delays: list[float]) -> None:
        super().__init__(telegram)
        self.clock = clock
        self.delays = list(delays)

    @property
    def read_timeout(self) -> float | None:
        return PTB_READ_TIMEOUT

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        read_timeout: Any = None, *args: Any, **kwargs: Any,
    ) -> tuple[int, bytes]:  # fmt: skip
        answer = await super().do_request(url, method, request_data, read_timeout, *args, **kwargs)
        if not url.endswith("/sendMessage") or not self.delays:
            return answer
        delay = self.delays.pop(0)
        timeout = read_timeout if isinstance(read_timeout, int | float) else PTB_READ_TIMEOUT
        self.clock.advance(seconds=min(delay, timeout))
        if delay > timeout:
            raise TimedOut from httpx.ReadTimeout("The read operation timed out")
        return answer
