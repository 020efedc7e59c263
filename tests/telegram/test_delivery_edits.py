"""Edits Telegram would refuse are not made: buttons already gone are not removed again."""

from __future__ import annotations

from tests.support.committee_world import close_anyway, committee, confirmed
from tests.support.harness import Harness


async def test_closing_a_meeting_leaves_alone_a_review_without_buttons(bot: Harness) -> None:
    world = await committee(bot)
    await confirmed(
        world, world.ana, "/compromiso @beto Actualizar el sitio web para el 27 de febrero de 2009"
    )
    _, roll, review = await world.say(world.ana, "/reunion iniciar")
    [question] = await world.bot.press(world.beto, review, 1)  # #1 cumplido
    sent = await world.answer(world.beto, question, "Sitio actualizado con el menú nuevo")
    redrawn = next(m for m in sent if m.message_id == review.message_id)
    assert "→ ✅ cumplido" in redrawn.plain and redrawn.buttons() == []
    calls = len(bot.tg.calls)
    await close_anyway(world)
    edits = [p for m, p in bot.tg.calls[calls:] if m == "editMessageReplyMarkup"]
    # The roll call loses its buttons; the review, which has none, is not edited (Telegram
    # would answer 400 «message is not modified», as the fake does).
    assert [int(p["message_id"]) for p in edits] == [roll.message_id]
    assert roll.buttons() == []
