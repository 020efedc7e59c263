"""Reminders that belong to a changed world: a new editor, a long downtime, a clock jump.

A warning whose moment passed while the bot was down (or the console's clock jumped), but that
the next warning has not yet superseded, still goes out once, as a catch-up; a change made
before a due reminder was sent (a new editor web) retargets it.
"""

from __future__ import annotations

from gelbot.clock import ManualClock
from gelbot.services import Services
from tests.support.harness import Harness
from tests.support.reminders_world import Engine, add_person, local, make_world


async def test_a_role_given_before_a_due_nag_retargets_it(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva")  # opened the private chat; not yet editor web
    engine = Engine(bot, services, clock)
    await engine.at(local(2009, 3, 6, 10))  # Friday: Monday's nag is planned for the group
    [given] = await bot.say(world.users["Ana"], world.group, "/rol @eva editor_web")
    assert "Eva ahora es editor(a) del sitio web" in given.plain
    before = len(world.in_group())
    # The bot is next up on Monday at 09:30, half an hour after the nag was due.
    await engine.at(local(2009, 3, 9, 9, 30))
    [nag] = world.to("Eva")
    assert "la semana pasada (del 2 de marzo de 2009 al 8 de marzo de 2009)" in nag.plain
    assert not [m for m in world.in_group()[before:] if "¿Se actualizó" in m.plain]


async def test_a_warning_due_during_downtime_is_caught_up_once(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    engine = Engine(bot, services, clock)
    await engine.at(local(2009, 9, 21))  # planned five weeks ahead: up to late October
    before = len(world.in_group())
    # Down from 21 September until half an hour after the 30-day warning: 1 November is a Sunday
    # and 2 November a holiday, so it is due on Tuesday 3 November at 09:00.
    await engine.at(local(2009, 11, 3, 9, 30))
    await engine.at(local(2009, 11, 3, 10))
    await engine.at(local(2009, 11, 4, 10))
    [warning] = [m for m in world.in_group()[before:] if "Faltan" in m.plain]
    assert "Faltan 28 días para el plazo de la fase de Interacción (1 de diciembre de 2009)" in (
        warning.plain
    )


async def test_a_clock_jump_past_a_warning_still_delivers_it(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    engine = Engine(bot, services, clock)
    await engine.at(local(2009, 7, 20))  # planned five weeks ahead: up to late August
    await engine.at(local(2009, 9, 2, 11))  # the console jumps past the 90-day warning
    [warning] = [m for m in world.in_group() if "Faltan" in m.plain]
    assert "Faltan 90 días para el plazo de la fase de Interacción" in warning.plain
