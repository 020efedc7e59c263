"""The handlers' kit: a typed context with services and the clock, decoded buttons, patterns."""

from __future__ import annotations

from datetime import UTC, date, datetime

from gelbot.clock import ManualClock
from gelbot.services import Services
from gelbot.telegram.common import Context
from tests.harness import Harness


async def test_handlers_receive_gelbots_context(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    context = bot.app.context_types.context(bot.app)
    assert isinstance(context, Context)
    assert context.services is services
    # 22:00 in Bogotá on 2 March is already 3 March in UTC: today is the committee's date.
    clock.set(datetime(2009, 3, 3, 3, 0, tzinfo=UTC))
    assert context.now() == datetime(2009, 3, 3, 3, 0, tzinfo=UTC)
    assert context.today() == date(2009, 3, 2)
