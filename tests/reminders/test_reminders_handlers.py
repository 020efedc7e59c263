"""Reminders in the conversation: /recordatorios, the nag's answers, /vacaciones — as dialogs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from gelbot.clock import ManualClock
from gelbot.models import Indicator, IndicatorReading, Role
from gelbot.services import Services
from tests.support.harness import Harness, texts
from tests.support.reminders_world import (
    Engine,
    World,
    add_compromiso,
    add_person,
    local,
    make_world,
)


async def nag_world(bot: Harness, services: Services, clock: ManualClock) -> World:
    """A committee with Eva (editor web, private chat) and Beto (miembro); Monday's nag sent."""
    world = await make_world(services, bot.tg)
    await add_person(world, "Eva", Role.EDITOR_WEB)
    await add_person(world, "Beto")
    await Engine(bot, services, clock).tick()
    return world


async def readings(services: Services) -> list[tuple[date, str, float | None, int | None]]:
    async with services.transaction() as session:
        return [
            (r.period_start, r.status, r.value, r.person_id)
            for r in await session.scalars(select(IndicatorReading))
        ]


# --- /recordatorios --------------------------------------------------------------------------


async def test_anyone_sees_the_schedule(bot: Harness, services: Services) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Beto")
    [shown] = await bot.say(world.users["Beto"], world.group, "/recordatorios")
    assert "Recordatorios del comité de la Alcaldía de Mocoa" in shown.plain
    assert "cada lunes a las 09:00" in shown.plain
    assert "próximo: 2 de marzo de 2009, 09:00" in shown.plain  # due now, not yet sent
    assert "primer martes de cada mes a las 09:00" in shown.plain
    assert "entre las 07:00 y las 19:00" in shown.plain
    assert shown.buttons() == []  # a member looks; the switches are the coordinador's
    [coordinated] = await bot.say(world.users["Ana"], world.group, "/recordatorios")
    assert [b["text"] for b in coordinated.buttons()] == [
        "✅ Sitio web", "✅ Reunión", "✅ Compromisos", "✅ Plazos de fase", "✅ Resumen delegados"
    ]  # fmt: skip


async def test_coordinador_moves_the_nag_with_arguments(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    [shown] = await bot.say(world.users["Ana"], world.group, "/recordatorios sitio martes 10:00")
    assert "Listo, cambié los recordatorios" in shown.plain
    assert "cada martes a las 10:00" in shown.plain
    assert "próximo: 3 de marzo de 2009, 10:00" in shown.plain
    engine = Engine(bot, services, clock)
    await engine.at(local(2009, 3, 3, 10))
    assert "¿Se actualizó el sitio web" in world.in_group()[-1].plain


async def test_coordinador_turns_compromiso_reminders_off(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Beto")
    await add_compromiso(world, "Beto", "Publicar el plan", date(2009, 3, 20))
    [shown] = await bot.say(world.users["Ana"], world.group, "/recordatorios compromisos no")
    assert "Compromisos</b>" in shown.text and "⏸ desactivado" in shown.plain
    engine = Engine(bot, services, clock)
    assert await engine.rows(kind="compromiso", status="pendiente") == []
    await engine.at(local(2009, 3, 17))
    assert world.to("Beto") == []


async def test_only_the_coordinador_changes_reminders(bot: Harness, services: Services) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Beto")
    [answer] = await bot.say(world.users["Beto"], world.group, "/recordatorios sitio no")
    assert "Solo el coordinador del comité puede usar /recordatorios" in answer.plain
    [shown] = await bot.say(world.users["Ana"], world.group, "/recordatorios")
    [alert] = [
        c for c in (await bot.press(world.users["Beto"], shown, 1)) if "Solo" in c.plain
    ] or [None]
    assert alert is None  # the refusal is an alert on the button, not a message
    answers = bot.answers()
    assert "Solo el coordinador" in answers[-1][1]["text"]
    assert "✅ Sitio web" in shown.buttons()[0]["text"]


async def test_coordinador_toggles_with_buttons(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    [shown] = await bot.say(world.users["Ana"], world.group, "/recordatorios")
    [edited] = await bot.press(world.users["Ana"], shown, 4)  # plazos de fase
    assert edited.buttons()[3]["text"] == "⏸ Plazos de fase"
    assert "Plazos de fase</b> (en el grupo): 90, 30, 7 y 1 día antes de cada plazo — ⏸" in (
        edited.text
    )
    [again] = await bot.press(world.users["Ana"], edited, 4)
    assert again.buttons()[3]["text"] == "✅ Plazos de fase"


async def test_forged_toggle_data_is_refused(bot: Harness, services: Services) -> None:
    world = await make_world(services, bot.tg)
    other = await make_world(services, bot.tg, entity="Alcaldía de Orito", coordinador="Dora")
    [shown] = await bot.say(world.users["Ana"], world.group, "/recordatorios")
    for data in ("rc:999:sitio", f"rc:{other.committee_id}:sitio", "rc:1:nada", "rc:x", "rc"):
        assert await bot.press_data(world.users["Ana"], shown, data) == []
        assert "ya no es válido" in bot.answers()[-1][1]["text"]


async def test_bad_arguments_get_examples(bot: Harness, services: Services) -> None:
    world = await make_world(services, bot.tg)
    ana = world.users["Ana"]
    [unknown] = await bot.say(ana, world.group, "/recordatorios pagos no")
    assert "No conozco el recordatorio «pagos»" in unknown.plain
    assert "/recordatorios sitio martes 10:00" in unknown.plain
    [bad] = await bot.say(ana, world.group, "/recordatorios sitio cuando pueda")
    assert "No entendí el cambio para «sitio»" in bad.plain
    [quiet] = await bot.say(ana, world.group, "/recordatorios silencio 18:00-08:00")
    assert "/recordatorios silencio 08:00-18:00" in quiet.plain
    [empty] = await bot.say(ana, world.group, "/recordatorios fases")
    assert "/recordatorios fases no" in empty.plain
    [html] = await bot.say(ana, world.group, "/recordatorios <b>x</b> no")
    assert "«<b>x</b>»" in html.plain  # shown escaped, as typed


async def test_schedule_is_a_group_command(bot: Harness, services: Services) -> None:
    world = await make_world(services, bot.tg)
    private = bot.tg.private_chat(world.users["Ana"])
    [answer] = await bot.say(world.users["Ana"], private, "/recordatorios")
    assert "se usa en el grupo del comité" in answer.plain


async def test_quiet_hours_change(bot: Harness, services: Services) -> None:
    world = await make_world(services, bot.tg)
    [shown] = await bot.say(world.users["Ana"], world.group, "/recordatorios silencio 8am a 6pm")
    assert "entre las 08:00 y las 18:00" in shown.plain


# --- the weekly nag's answers ----------------------------------------------------------------


async def test_the_nag_starts_the_weekly_site_flow(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await nag_world(bot, services, clock)
    eva, private = world.users["Eva"], bot.tg.private_chat(world.users["Eva"])
    [nag] = world.to("Eva")
    [question] = await bot.press(eva, nag, 5)  # Responder con detalle
    assert "¿Se actualizó el sitio web de" in question.plain
    assert "23 de febrero de 2009" in question.plain
    texts_seen = [m.plain for m in await bot.say(eva, private, "sí")]
    texts_seen += [m.plain for m in await bot.say(eva, private, "dos veces")]
    texts_seen += [m.plain for m in await bot.say(eva, private, "noticias y contratación")]
    assert any("secciones" in t for t in texts_seen)
    assert await readings(services) == [
        (date(2009, 2, 23), "respondido", 2.0, world.person_ids["Eva"])
    ]
    async with services.transaction() as session:
        [reading] = list(await session.scalars(select(IndicatorReading)))
    assert "noticias y contratación" in str(reading.details)


async def test_editor_answers_with_a_button(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await nag_world(bot, services, clock)
    [nag] = world.to("Eva")
    [edited] = await bot.press(world.users["Eva"], nag, 3)  # Sí, 2 veces
    assert "Registrado: el sitio web de la Alcaldía de Mocoa se actualizó 2 veces" in edited.plain
    assert "semana del 23 de febrero de 2009" in edited.plain and edited.buttons() == []
    assert await readings(services) == [
        (date(2009, 2, 23), "respondido", 2.0, world.person_ids["Eva"])
    ]
    async with services.transaction() as session:
        [indicator] = list(await session.scalars(select(Indicator)))
    assert (indicator.key, indicator.meta) == ("sitio_web_semanal", 1.0)


async def test_no_means_zero_and_a_second_answer_replaces_the_first(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await nag_world(bot, services, clock)
    [nag] = world.to("Eva")
    once = nag.buttons()[1]["callback_data"]
    [first] = await bot.press(world.users["Eva"], nag, 1)
    assert "ninguna vez" in first.plain and "mínimo una actualización" in first.plain
    [again] = await bot.press_data(world.users["Eva"], nag, once)
    assert "reemplaza la respuesta anterior" in again.plain
    assert [r[2] for r in await readings(services)] == [1.0]


async def test_three_or_more_asks_how_many(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await nag_world(bot, services, clock)
    eva = world.users["Eva"]
    chat = bot.tg.private_chat(eva)
    [nag] = world.to("Eva")
    [question] = await bot.press(eva, nag, 4)
    assert "¿cuántas veces se actualizó el sitio web" in question.plain
    assert question.reply_markup and question.reply_markup.get("force_reply")
    [bad] = await bot.say(eva, chat, "muchísimas", reply_to=question)
    assert "No entendí el número" in bad.plain
    [fraction] = await bot.say(eva, chat, "2,5", reply_to=question)
    assert "No entendí el número" in fraction.plain
    [done] = await bot.say(eva, chat, "cinco", reply_to=question)
    assert "se actualizó 5 veces" in done.plain
    assert [r[2] for r in await readings(services)] == [5.0]


async def test_replying_to_the_nag_with_a_number_answers_it(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await nag_world(bot, services, clock)
    eva = world.users["Eva"]
    [nag] = world.to("Eva")
    [huge] = await bot.say(eva, bot.tg.private_chat(eva), "500", reply_to=nag)
    assert "entre 0 y 100" in huge.plain
    [done] = await bot.say(eva, bot.tg.private_chat(eva), "3", reply_to=nag)
    assert "se actualizó 3 veces" in done.plain


async def test_only_editor_or_coordinador_answer_in_the_group(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Fede", Role.EDITOR_WEB, private=False)
    await add_person(world, "Beto")
    await Engine(bot, services, clock).tick()
    [nag] = world.in_group()
    assert await bot.press(world.users["Beto"], nag, 2) == []
    assert "Solo el editor web o el coordinador" in bot.answers()[-1][1]["text"]
    [edited] = await bot.press(world.users["Ana"], nag, 2)  # the coordinador may answer
    assert "1 vez" in edited.plain and "Respondió Ana" in edited.plain


async def test_forged_nag_answers_are_refused(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await nag_world(bot, services, clock)
    other = await make_world(services, bot.tg, entity="Alcaldía de Orito", coordinador="Dora")
    eva = world.users["Eva"]
    [nag] = world.to("Eva")
    cid = world.committee_id
    for data in ("rw:999:20090223:1", f"rw:{cid}:20090223:7", f"rw:{cid}:2009:1", "rw:1",
                 f"rw:{cid}:20090231:1"):  # fmt: skip
        assert await bot.press_data(eva, nag, data) == []
        assert "ya no es válido" in bot.answers()[-1][1]["text"]
    # Another committee's id in Eva's private chat: she is not its editor.
    assert await bot.press_data(eva, nag, f"rw:{other.committee_id}:20090223:1") == []
    assert "Solo el editor web o el coordinador" in bot.answers()[-1][1]["text"]
    # Not a Monday; the future; weeks before the committee existed (created on 2 March 2009,
    # its first nag asked about the week of 23 February).
    for data in (f"rw:{cid}:20090224:1", f"rw:{cid}:20090309:1", f"rw:{cid}:00010101:1",
                 f"rw:{cid}:20090216:m", f"rw:{cid}:20090216:1"):  # fmt: skip
        assert await bot.press_data(eva, nag, data) == []
        assert "Esa semana no es válida" in bot.answers()[-1][1]["text"]
    assert await readings(services) == []


# --- /vacaciones -----------------------------------------------------------------------------


async def test_vacation_dialog(bot: Harness, services: Services, clock: ManualClock) -> None:
    world = await make_world(services, bot.tg)
    await add_person(world, "Beto")
    beto = world.users["Beto"]
    chat = bot.tg.private_chat(beto)
    [explain] = await bot.say(beto, chat, "/vacaciones")
    assert "/vacaciones 20 de marzo" in explain.plain
    [done] = await bot.say(beto, chat, "/vacaciones 13 de marzo")
    assert "pauso sus recordatorios personales hasta el 13 de marzo de 2009" in done.plain
    assert "Aviso al coordinador de: Alcaldía de Mocoa" in done.plain
    [status] = await bot.say(beto, chat, "/vacaciones")
    assert "Está de vacaciones hasta el 13 de marzo de 2009" in status.plain
    engine = Engine(bot, services, clock)
    await engine.tick()
    assert "Beto está de vacaciones hasta el 13 de marzo de 2009" in world.to("Ana")[-1].plain
    [back] = await bot.say(beto, chat, "/vacaciones fin")
    assert "Bienvenido(a) de vuelta" in back.plain
    await engine.tick()
    assert "no dejé de enviarle ningún recordatorio" in world.to("Beto")[-1].plain
    [not_away] = await bot.say(beto, chat, "/vacaciones fin")
    assert "Usted no está de vacaciones" in not_away.plain


async def test_vacation_bad_dates(bot: Harness, services: Services) -> None:
    world = await make_world(services, bot.tg)
    ana = world.users["Ana"]
    [past] = await bot.say(ana, world.group, "/vacaciones 2009-02-01")
    assert "ya pasó" in past.plain
    [far] = await bot.say(ana, world.group, "/vacaciones 2011-01-01")
    assert "más de 366 días" in far.plain
    [nonsense] = await bot.say(ana, world.group, "/vacaciones cuando <b>pueda</b>")
    assert "No entendí hasta qué fecha («cuando <b>pueda</b>»)" in nonsense.plain
    assert "/vacaciones 20 de marzo" in texts([nonsense])
