"""No meeting nobody scheduled; a scheduled meeting that did not happen is noticed."""

from __future__ import annotations

from datetime import date

from gelbot.clock import ManualClock
from gelbot.domain.committees import PersonInfo, upsert_person
from gelbot.models import DelegateFollow, Meeting
from gelbot.services import Services
from tests.support.harness import Harness
from tests.support.reminders_world import Engine, add_person, local, make_world


async def test_a_committee_without_a_rule_gets_a_suggestion_not_a_convocatoria(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg, meeting_rule=None)
    await add_person(world, "Beto")
    engine = Engine(bot, services, clock)
    for moment in (local(2009, 3, 2, 9), local(2009, 3, 3, 9), local(2009, 3, 31, 9),
                   local(2009, 4, 1, 9), local(2009, 4, 7, 9), local(2009, 4, 8, 9)):  # fmt: skip
        await engine.at(moment)
    everything = [m.plain for m in bot.tg.sent]
    assert not [t for t in everything if "Convocatoria" in t or "Hoy hay reunión" in t]
    suggestions = [m.plain for m in world.to("Ana") if "no tiene programadas" in m.plain]
    assert len(suggestions) == 2  # after registering, and on the first working day of April
    assert (
        "aún no tiene programadas sus reuniones mensuales, así que no convoco ninguna"
        in (suggestions[0])
    )
    assert "/reunion programar primer martes 9:00" in suggestions[0]
    assert not [m for m in world.to("Ana") if "no quedó registrada" in m.plain]
    [shown] = await bot.say(world.users["Ana"], world.group, "/recordatorios")
    assert "Reunión mensual: sin programar, así que no convoco ninguna" in shown.plain


async def test_a_monthly_meeting_that_did_not_happen_is_told_to_the_coordinador(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)  # primer martes, 09:00
    engine = Engine(bot, services, clock)
    await engine.at(local(2009, 3, 2, 9))
    async with services.transaction() as session:
        session.add(
            Meeting(committee_id=world.committee_id, held_on=date(2009, 3, 3), status="cerrada",
                    started_at=local(2009, 3, 3, 9), review_messages=[])
        )  # fmt: skip
    await engine.at(local(2009, 3, 4, 9))  # held: nothing to say
    assert not [m for m in world.to("Ana") if "no quedó registrada" in m.plain]
    await engine.at(local(2009, 4, 8, 9))  # 7 April passed with nothing recorded
    [missed] = [m for m in world.to("Ana") if "no quedó registrada" in m.plain]
    assert "La reunión del comité de la Alcaldía de Mocoa programada para el martes 7 de abril" in (
        missed.plain
    )
    assert "/reunion registrar 2009-04-07" in missed.plain


async def test_the_delegates_digest_says_the_meeting_was_not_recorded(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    unscheduled = await make_world(services, bot.tg, entity="Alcaldía de Villagarzón",
                                   coordinador="Olga", meeting_rule=None)  # fmt: skip
    dora = bot.tg.add_user("Dora", "dora")
    bot.tg.private_chat(dora)
    engine = Engine(bot, services, clock)
    async with services.transaction() as session:
        person = await upsert_person(session, PersonInfo(dora.id, "Dora", "dora"), now=clock.now())
        person.private_chat_open = True
        for committee_id in (world.committee_id, unscheduled.committee_id):
            session.add(DelegateFollow(person_id=person.id, committee_id=committee_id,
                                       status="aceptado", requested_at=clock.now()))  # fmt: skip
    await engine.at(local(2009, 3, 13, 16))  # Friday after a first Tuesday with no meeting
    [digest] = [m for m in bot.tg.messages_to(dora.id) if "Resumen semanal" in m.plain]
    assert "⚠️ la programada para el 3 de marzo de 2009 no se registró" in digest.plain
    assert "próxima sin programar" in digest.plain  # Villagarzón never set its rule
