"""What each reminder says, to whom and when — time moves on the injected clock, never slept."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import event, select

from gelbot.clock import ManualClock
from gelbot.domain import sitio_web
from gelbot.models import (
    Committee,
    CriterionStatus,
    DelegateFollow,
    IndicatorReading,
    Person,
    Role,
)
from gelbot.reminders.schedule import Aspect, Change, apply_change
from gelbot.reminders.vacations import start_vacation
from gelbot.services import Services
from tests.support.harness import Harness
from tests.support.reminders_world import (
    BOGOTA,
    Engine,
    add_compromiso,
    add_person,
    local,
    make_world,
    with_beto,
)


async def test_nag_goes_privately_or_by_mention_in_the_group(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    await add_person(world, "Fede", Role.EDITOR_WEB, private=False)
    await Engine(bot, services, clock).tick()  # Monday 2 March 2009, 09:00

    [private] = world.to("Eva")
    assert "¿Se actualizó el sitio web de la Alcaldía de Mocoa la semana pasada" in private.plain
    assert "del 23 de febrero de 2009 al 1 de marzo de 2009" in private.plain
    assert [b["text"] for b in private.buttons()] == [
        "No", "Sí, 1 vez", "Sí, 2 veces", "Sí, 3 o más", "Responder con detalle"
    ]  # fmt: skip
    [in_group] = world.in_group()
    assert in_group.plain.startswith("Fede: ¿Se actualizó")
    assert f"tg://user?id={world.users['Fede'].id}" in in_group.text
    assert world.to("Fede") == []


async def test_renag_then_sin_respuesta_when_nobody_answers(
    bot: Harness, services: Services, engine: Engine
) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    await engine.tick()
    await engine.at(local(2009, 3, 3))
    assert len(world.to("Eva")) == 1  # nothing on Tuesday
    await engine.at(local(2009, 3, 4))  # two working days later: the one re-nag
    assert len(world.to("Eva")) == 2
    assert "Segundo aviso" in world.to("Eva")[-1].plain
    assert "sin respuesta" in world.to("Eva")[-1].plain

    await engine.at(local(2009, 3, 9))  # next Monday: week closed, next week's nag
    async with services.transaction() as session:
        reading = await sitio_web.reading(session, world.committee_id, date(2009, 2, 23))
        assert reading is not None and reading.status == "sin_respuesta" and reading.value is None
    assert "del 2 de marzo de 2009 al 8 de marzo de 2009" in world.to("Eva")[-1].plain


async def test_an_answered_week_gets_no_renag(
    bot: Harness, services: Services, clock: ManualClock, engine: Engine
) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    await engine.tick()
    async with services.transaction() as session:
        await sitio_web.record_answer(
            session, world.committee_id, date(2009, 2, 23), 2,
            person_id=world.person_ids["Eva"], now=clock.now(), today=date(2009, 3, 2),
        )  # fmt: skip
    report = await engine.at(local(2009, 3, 4))
    assert report.dispatch.dropped["sin_contenido"] == 1
    await engine.at(local(2009, 3, 9))
    async with services.transaction() as session:
        reading = await sitio_web.reading(session, world.committee_id, date(2009, 2, 23))
        assert reading is not None and (reading.status, reading.value) == ("respondido", 2.0)
    assert len(world.to("Eva")) == 2  # the first nag and next week's, no re-nag


async def test_a_batch_of_nags_reads_which_weeks_were_answered_in_one_query(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    # The dispatcher asks this once per batch instead of once per nag (see prepare.prefetch).
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    other = world.committee_id + 1000  # no such committee: nothing recorded for it
    answered, unanswered = date(2009, 2, 23), date(2009, 3, 2)
    async with services.transaction() as session:
        await sitio_web.record_answer(
            session, world.committee_id, answered, 1,
            person_id=world.person_ids["Eva"], now=clock.now(), today=date(2009, 3, 2),
        )  # fmt: skip
        found = await sitio_web.answered(
            session,
            [(world.committee_id, answered), (world.committee_id, unanswered), (other, answered)],
        )
    assert found == {
        (world.committee_id, answered): True,
        (world.committee_id, unanswered): False,
        (other, answered): False,
    }


async def test_private_reminders_wait_for_the_allowed_hours(
    bot: Harness, services: Services, clock: ManualClock, engine: Engine
) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    await add_person(world, "Fede", Role.EDITOR_WEB, private=False)
    async with services.transaction() as session:
        await apply_change(
            session, world.committee_id,
            Change(Aspect.SILENCIO, at=local(2009, 1, 1, 10).astimezone(BOGOTA).time(),
                   until=local(2009, 1, 1, 18).astimezone(BOGOTA).time()),
            by=None, now=clock.now(),
        )  # fmt: skip
    report = await engine.tick()  # 09:00: before the window
    assert report.dispatch.deferred == 1
    assert world.to("Eva") == [] and len(world.in_group()) == 1  # groups are not held back
    await engine.at(local(2009, 3, 2, 9, 59))
    assert world.to("Eva") == []
    await engine.at(local(2009, 3, 2, 10, 0))
    assert len(world.to("Eva")) == 1


async def test_after_downtime_one_catch_up_per_target_and_kind(
    bot: Harness, services: Services, engine: Engine
) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    await add_person(world, "Beto")
    await add_compromiso(world, "Beto", "Publicar el organigrama", date(2009, 3, 5))
    await add_compromiso(world, "Beto", "Publicar el presupuesto", date(2009, 3, 6))
    await engine.at(local(2009, 3, 2, 8))  # planned; nothing due yet
    assert bot.tg.sent == []

    # The bot is down for two weeks; it comes back on Monday 16 March at 09:30.
    report = await engine.at(local(2009, 3, 16, 9, 30))
    per_chat = Counter(m.chat_id for m in bot.tg.sent)
    assert per_chat[world.users["Beto"].id] == 1  # both compromisos, one message
    [beto] = world.to("Beto")
    assert "Aviso atrasado" in beto.plain
    assert "Publicar el organigrama" in beto.plain and "Publicar el presupuesto" in beto.plain
    assert "vencido" in beto.plain
    # Eva is asked only about the last finished week; older nags were obsolete.
    [eva] = world.to("Eva")
    assert "del 9 de marzo de 2009 al 15 de marzo de 2009" in eva.plain
    # The coordinador hears once about both overdue compromisos.
    [ana] = world.to("Ana")
    assert "Publicar el organigrama" in ana.plain and "Publicar el presupuesto" in ana.plain
    # The meeting of 3 March is over: its reminder was dropped, not sent late.
    assert world.in_group() == []
    assert report.dispatch.dropped["obsoleto"] >= 4
    async with services.transaction() as session:
        readings = list(await session.scalars(select(IndicatorReading)))
    assert sorted((r.period_start, r.status) for r in readings) == [
        (date(2009, 2, 23), "sin_respuesta"),
        (date(2009, 3, 2), "sin_respuesta"),
    ]


async def test_compromiso_reminders_to_the_responsable_then_the_coordinador(
    bot: Harness, services: Services, engine: Engine
) -> None:
    world = await with_beto(services, bot.tg)
    await add_compromiso(world, "Beto", "Publicar el plan de acción", date(2009, 3, 20))
    await engine.tick()
    seen = []
    for day in (17, 20, 24, 27, 31):
        await engine.at(local(2009, 3, day))
        seen.append(len(world.to("Beto")))
    assert seen == [1, 2, 3, 3, 4]
    texts = [m.plain for m in world.to("Beto")]
    assert "vence el 20 de marzo de 2009, en 3 días" in texts[0]
    assert "vence hoy" in texts[1]
    assert "vencido desde el 20 de marzo de 2009 (hace 4 días)" in texts[2]
    assert "hace 11 días" in texts[3]
    [coordinador] = world.to("Ana")  # 27 March: seven days overdue
    assert "una semana o más de vencidos" in coordinador.plain
    assert "Beto" in coordinador.plain
    # The reminder starts the compromiso's follow-up flow (conversations/).
    first = world.to("Beto")[0]
    [button] = first.buttons()
    assert button["text"].startswith("Responder sobre #")
    asked = await bot.press(world.users["Beto"], first, 1)
    assert any("¿Cómo va el compromiso «Publicar el plan de acción»" in m.plain for m in asked)


async def test_convocatoria_and_the_morning_of_the_meeting(
    bot: Harness, services: Services, engine: Engine
) -> None:
    world = await with_beto(services, bot.tg)
    await add_compromiso(world, "Beto", "Revisar los trámites", date(2009, 4, 3))
    await add_compromiso(world, "Beto", "Algo para mayo", date(2009, 5, 20))
    await engine.tick()
    await engine.at(local(2009, 4, 2))  # three working days before Tuesday 7 April
    [call] = [m for m in world.in_group() if "Convocatoria" in m.plain]
    assert "reunión del comité de la Alcaldía de Mocoa el 7 de abril de 2009, a las 09:00" in (
        call.plain
    )
    assert "Revisar los trámites" in call.plain and "Algo para mayo" not in call.plain
    await engine.at(local(2009, 4, 7, 7, 30))
    [today] = [m for m in world.in_group() if "Hoy hay reunión del comité" in m.plain]
    assert "Revisar los trámites" in today.plain


async def test_no_morning_reminder_when_the_meeting_is_already_recorded(
    bot: Harness, services: Services, engine: Engine
) -> None:
    world = await make_world(services, bot.tg)
    await engine.at(local(2009, 3, 2, 8))
    await world.closed_meeting(date(2009, 3, 3), started_at=local(2009, 3, 2, 7))
    report = await engine.at(local(2009, 3, 3, 7, 30))
    assert report.dispatch.dropped["sin_contenido"] == 1
    assert [m for m in world.in_group() if "Hoy hay reunión" in m.plain] == []


async def test_phase_deadline_warning_with_share_met_and_first_unmet(
    bot: Harness, services: Services, clock: ManualClock, engine: Engine
) -> None:
    world = await make_world(services, bot.tg)
    async with services.transaction() as session:
        for key in ("interaccion.buzon_pqr", "interaccion.busqueda"):
            session.add(CriterionStatus(committee_id=world.committee_id, criterion_key=key,
                                        met=True, updated_at=clock.now()))  # fmt: skip
    await engine.at(local(2009, 8, 20))
    await engine.at(local(2009, 9, 2))
    [warning] = [m for m in world.in_group() if "Faltan" in m.plain]
    assert "Faltan 90 días para el plazo de la fase de Interacción (1 de diciembre de 2009)" in (
        warning.plain
    )
    assert "Cumplimiento: " in warning.plain and "de 13 criterios" in warning.plain
    assert "Primeros criterios pendientes:" in warning.plain
    # The warning starts the criteria review flow for the coordinador who presses it.
    assert [b["text"] for b in warning.buttons()] == ["Revisar criterios: Interacción"]
    asked = await bot.press(world.users["Ana"], warning, 1)
    assert any("¿Ya se cumple?" in m.plain for m in asked)


async def test_delegate_digest_covers_every_followed_committee(
    bot: Harness, services: Services, clock: ManualClock, engine: Engine
) -> None:
    mocoa = await make_world(services, bot.tg)
    await add_person(mocoa, "Beto")
    await add_compromiso(mocoa, "Beto", "Vencido", date(2009, 3, 3))
    await add_compromiso(mocoa, "Beto", "Abierto", date(2009, 3, 30))
    villa = await make_world(services, bot.tg, entity="Alcaldía de Villagarzón", coordinador="Caro")
    quiet = await make_world(services, bot.tg, entity="Alcaldía de Orito", coordinador="Dora")
    await add_person(mocoa, "Delia", Role.DELEGADO)
    delia, delegada = mocoa.person_ids["Delia"], mocoa.users["Delia"]
    async with services.transaction() as session:
        for world in (mocoa, villa, quiet):
            session.add(DelegateFollow(person_id=delia, committee_id=world.committee_id,
                                       status="aceptado", requested_at=clock.now()))  # fmt: skip
        await apply_change(session, quiet.committee_id, Change(Aspect.RESUMEN, enabled=False),
                           by=None, now=clock.now())  # fmt: skip
    await engine.tick()
    await engine.at(local(2009, 3, 6, 16))  # Friday 16:00
    await engine.at(local(2009, 3, 9, 9))  # the week of 23 February closes unanswered
    await engine.at(local(2009, 3, 13, 16))
    digests = [m for m in bot.tg.messages_to(delegada.id) if "Resumen semanal" in m.plain]
    assert len(digests) == 2  # one a week, each covering every committee
    text = digests[-1].plain
    assert "Alcaldía de Mocoa" in text and "Alcaldía de Villagarzón" in text
    assert "Orito" not in text  # its coordinador took it out of the digests
    assert "0 cumplidos, 1 abierto, 1 vencido" in text
    assert "Indicadores: 0 al día, 1 atrasado (Número de veces que se actualiza" in text
    assert "Próximo plazo: fase de Interacción, 1 de diciembre de 2009" in text
    assert "próxima 7 de abril de 2009, 09:00" in text


async def test_vacation_pauses_personal_reminders_and_summarises_on_return(
    bot: Harness, services: Services, clock: ManualClock, engine: Engine
) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    await add_compromiso(world, "Eva", "Subir las actas", date(2009, 3, 11))
    await engine.at(local(2009, 3, 2, 8))
    async with services.transaction() as session:
        eva = await session.get(Person, world.person_ids["Eva"])
        assert eva is not None
        await start_vacation(session, eva, date(2009, 3, 13), now=clock.now(), tz=BOGOTA,
                             calendar=engine.dispatcher.calendar)  # fmt: skip
    await engine.at(local(2009, 3, 2, 8, 1))
    [notice] = world.to("Ana")
    assert "Eva está de vacaciones hasta el 13 de marzo de 2009" in notice.plain
    for day in (2, 4, 6, 9, 11, 12, 13):
        await engine.at(local(2009, 3, day, 9, 30))
    assert world.to("Eva") == []  # nothing while away
    await engine.at(local(2009, 3, 16, 9))  # back on Monday
    welcome = [m for m in world.to("Eva") if "Bienvenido(a) de vuelta" in m.plain]
    assert len(welcome) == 1
    assert "preguntas sobre la actualización del sitio web que no le envié" in welcome[0].plain
    assert "3 recordatorios de compromisos que no le envié" in welcome[0].plain
    assert "Subir las actas" in welcome[0].plain and "vencido hace 5 días" in welcome[0].plain


async def test_group_only_reminders_skip_a_committee_bot_was_removed_from(
    bot: Harness, services: Services, engine: Engine
) -> None:
    world = await make_world(services, bot.tg)
    await engine.at(local(2009, 3, 2, 8))
    async with services.transaction() as session:
        committee = await session.get(Committee, world.committee_id)
        assert committee is not None
        committee.reachable = False
    report = await engine.at(local(2009, 3, 3, 7, 30))
    # Monday's nag (no editor, so to the group) and the morning-of-meeting reminder.
    assert report.dispatch.dropped["grupo_inaccesible"] == 2 and bot.tg.sent == []


async def test_a_batch_never_splits_one_targets_message(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await with_beto(services, bot.tg)
    await add_person(world, "Caro")
    for n in range(3):
        await add_compromiso(world, "Beto", f"Tarea de Beto {n}", date(2009, 3, 5))
        await add_compromiso(world, "Caro", f"Tarea de Caro {n}", date(2009, 3, 5))
    engine = Engine(bot, services, clock, batch_size=2)  # smaller than any target's group
    report = await engine.tick()
    assert report.dispatch.rows_sent == 6 + 1  # six compromiso reminders and the group's nag
    [beto] = world.to("Beto")
    [caro] = world.to("Caro")
    assert all(f"Tarea de Beto {n}" in beto.plain for n in range(3))
    assert all(f"Tarea de Caro {n}" in caro.plain for n in range(3))


async def test_a_responsable_is_read_once_with_their_compromisos(
    bot: Harness, services: Services, engine: Engine
) -> None:
    # The batch's compromisos come with their responsables; reading those people again (the
    # people a compromiso reminder goes to) cost a query and as much ORM work again per batch.
    world = await make_world(services, bot.tg)
    await add_person(world, "Beto")
    await add_compromiso(world, "Beto", "Publicar el organigrama", date(2009, 3, 5))
    people_read: list[Any] = []

    def seen(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        if statement.startswith("SELECT people."):
            people_read.append(params)

    event.listen(services.engine.sync_engine, "before_cursor_execute", seen)
    try:
        await engine.tick()  # Monday 2 March 2009, 09:00: three working days before
    finally:
        event.remove(services.engine.sync_engine, "before_cursor_execute", seen)
    [beto] = world.to("Beto")
    assert "Publicar el organigrama" in beto.plain
    beto_id = world.person_ids["Beto"]
    assert not any(beto_id in flatten(params) for params in people_read), people_read


def flatten(params: Any) -> list[Any]:
    """A statement's parameters as one list, whatever the driver's form."""
    values = params.values() if isinstance(params, dict) else params
    found: list[Any] = []
    for value in values:
        found += flatten(value) if isinstance(value, list | tuple | dict) else [value]
    return found
