"""The acta a committee signs, from a record it can correct (issue 12): place, orden del día,
full names and cargos, guests, signatures; closing without a roll call asks; reopening,
correcting attendance and decisions with their history; dates of a past meeting."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from docx import Document
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from gelbot.clock import ManualClock
from gelbot.domain.meeting_corrections import meeting_corrections
from gelbot.domain.meeting_details import read_agenda
from gelbot.models import Compromiso, Decision, Meeting
from gelbot.services import Services
from gelbot.telegram.fake_api import SentMessage
from tests.support.committee_world import (
    World,
    attendance,
    confirmed,
    register,
    stored_meeting,
)
from tests.support.harness import Harness, texts
from tests.support.hostile import HYPOTHESIS, arguments
from tests.support.reminders_world import Engine, local


def labels(message: SentMessage) -> list[str]:
    return [b["text"] for b in message.buttons()]


def word(message: SentMessage) -> str:
    assert message.kind == "document" and message.file_bytes is not None
    return "\n".join(p.text for p in Document(io.BytesIO(message.file_bytes)).paragraphs)


async def held_meeting(world: World, services: Services) -> list[SentMessage]:
    """2 March 2009, 09:00–10:00: Ana and Beto present, Carla not marked; two decisions."""
    _, roll, _ = await world.say(world.ana, "/reunion iniciar")
    await world.bot.press(world.beto, roll, 4)  # Beto: presente
    await world.say(world.ana, "/decision Aprobar el plan")
    await world.say(world.ana, "/decision Contratar el hosting")
    services.clock.advance(hours=1)  # type: ignore[attr-defined]
    return await world.say(world.ana, "/reunion cerrar")


# --- the acta --------------------------------------------------------------------------------


async def test_the_acta_has_place_orden_full_names_guests_quorum_and_signatures(
    world: World, services: Services
) -> None:
    [named] = await world.say(world.ana, "/nombre Ana María Gómez Pardo")
    assert "firma Ana María Gómez Pardo, Coordinadora GEL" in named.plain
    await world.say(world.ana, "/nombre @beto Roberto Ruiz Peña")
    [refused] = await world.say(world.beto, "/nombre @carla Carla Díaz")
    assert "Solo el coordinador" in refused.plain
    [bad] = await world.say(world.carla, "/nombre Carla")
    assert "no parece un nombre completo" in bad.plain and "/nombre Fernando" in bad.plain

    # Set before the meeting: they go to the convocatoria and the meeting takes them.
    [placed] = await world.say(world.ana, "/reunion lugar Salón de juntas del Palacio Municipal")
    assert "Lugar de la próxima reunión: Salón de juntas del Palacio Municipal" in placed.plain
    [ordered] = await world.say(
        world.ana,
        "/reunion orden 1. Llamado a lista; 2. Revisión de compromisos; "
        "3. Avance de la fase de interacción",
    )
    assert "3. Avance de la fase de interacción" in ordered.plain

    started, roll, _ = await world.say(world.ana, "/reunion iniciar")
    assert "Lugar: Salón de juntas del Palacio Municipal" in started.plain
    await world.bot.press(world.beto, roll, 4)
    [guest] = await world.say(world.ana, "/reunion invitado María Pérez, Delegada de la UT")
    assert "María Pérez, Delegada de la UT" in guest.plain
    [secretary] = await world.say(world.ana, "/reunion secretario @beto")
    assert "Roberto Ruiz Peña, Secretario de Planeación" in secretary.plain
    await world.say(world.ana, "/decision Aprobar el plan de acción 2009")
    services.clock.advance(hours=1)  # type: ignore[attr-defined]
    sent = await world.say(world.ana, "/reunion cerrar")
    acta, document = sent[-2], sent[-1]

    plain = acta.plain
    for expected in [
        "Fecha: 2 de marzo de 2009, de 09:00 a 10:00",
        "Lugar: Salón de juntas del Palacio Municipal",
        "Orden del día\n1. Llamado a lista\n2. Revisión de compromisos\n"
        "3. Avance de la fase de interacción",
        "Ana María Gómez Pardo, Coordinadora GEL: ✅ presente",
        "Roberto Ruiz Peña, Secretario de Planeación: ✅ presente",
        "Carla, Encargada del sitio web: ❌ ausente",
        "Invitados:\n• María Pérez, Delegada de la UT",
        "✅ Hubo quórum: 2 de 3 presentes",
        "1. Aprobar el plan de acción 2009",
        "Ana María Gómez Pardo, Coordinadora GEL — Presidente de la reunión",
        "Roberto Ruiz Peña, Secretario de Planeación — Secretario(a) de la reunión",
    ]:
        assert expected in plain, expected
    text = word(document)
    for expected in [
        "Lugar: Salón de juntas del Palacio Municipal",
        "3. Avance de la fase de interacción",
        "Ana María Gómez Pardo, Coordinadora GEL: Presente",
        "Invitado(a): María Pérez, Delegada de la UT",
        "Hubo quórum: 2 de 3 miembros presentes",
        "En constancia firman:",
        "Ana María Gómez Pardo\nCoordinadora GEL\nPresidente de la reunión",
        "Roberto Ruiz Peña\nSecretario de Planeación\nSecretario(a) de la reunión",
    ]:
        assert expected in text, expected
    assert not text.rstrip().endswith("Firmas:")
    assert document.file_bytes is not None
    with io.BytesIO(document.file_bytes) as raw:
        styles = Document(raw).styles.element.xml
    assert 'w:val="es-CO"' in styles and "en-US" not in styles

    # The orden del día was that meeting's: the next one, without its own, shows the usual one.
    await world.say(world.ana, "/reunion registrar 2009-02-27")
    [question] = await world.say(world.ana, "/reunion cerrar")
    await world.bot.press(world.ana, question, 1)
    shown = (await world.say(world.ana, "/reunion acta 2009-02-27"))[0].plain
    assert "2. Revisión de los compromisos de la reunión anterior" in shown
    assert "Avance de la fase de interacción" not in shown


async def test_without_a_secretario_the_signature_line_is_blank_and_says_how(
    world: World,
) -> None:
    _, roll, _ = await world.say(world.ana, "/reunion iniciar")
    await world.bot.press(world.ana, roll, 4)
    sent = await world.say(world.ana, "/reunion cerrar")
    plain = sent[-2].plain
    assert "Ana, Coordinadora GEL — Presidente de la reunión" in plain
    assert "__________ — Secretario(a) de la reunión" in plain
    assert "/reunion secretario @usuario" in plain
    assert "Ana\nCoordinadora GEL\nPresidente de la reunión" in word(sent[-1])


async def test_a_designated_presidente_and_a_delegado_as_guest(
    world: World, services: Services
) -> None:
    eva = world.bot.tg.add_user("Eva", "eva", last_name="Rojas")
    await world.say(eva, "/unirme Delegada de la ESAP")
    await world.say(world.ana, "/rol @eva delegado")
    _, roll, _ = await world.say(world.ana, "/reunion iniciar")
    await world.bot.press(world.beto, roll, 4)
    [chosen] = await world.say(world.ana, "/reunion presidente @beto")
    assert "Presidente de la reunión del 2 de marzo de 2009: Beto Ruiz" in chosen.plain
    [guest] = await world.say(world.ana, "/reunion invitado @eva")
    assert "Eva Rojas, Delegada de la ESAP" in guest.plain
    [refused] = await world.say(world.ana, "/reunion invitado @carla")
    assert "Carla es miembro del comité: su asistencia va en el llamado a lista" in refused.plain
    [refused] = await world.say(world.ana, "/reunion invitado @nadie")
    assert "@nadie no es miembro del comité" in refused.plain
    sent = await world.say(world.ana, "/reunion cerrar")
    acta = sent[-2].plain
    assert "Invitados:\n• Eva Rojas, Delegada de la ESAP" in acta
    assert "Beto Ruiz, Secretario de Planeación — Presidente de la reunión" in acta
    assert "de 2 presentes" not in acta and "2 de 3 presentes" in acta  # a guest is no quórum


async def test_reunion_shows_the_next_convocatorias_place_and_orden(world: World) -> None:
    await world.say(world.ana, "/reunion lugar Salón de juntas")
    await world.say(world.ana, "/reunion orden Llamado a lista; Proposiciones y varios")
    [answer] = await world.say(world.beto, "/reunion")
    assert "Lugar habitual: Salón de juntas" in answer.plain
    assert "1. Llamado a lista\n2. Proposiciones y varios" in answer.plain
    await world.say(world.ana, "/reunion iniciar")  # the meeting takes the orden del día
    [answer] = await world.say(world.beto, "/reunion")
    assert "Lugar habitual: Salón de juntas" in answer.plain
    assert "Proposiciones y varios" not in answer.plain


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/reunion invitado María Pérez", "¿Qué cargo o entidad tiene María Pérez?"),
        ("/reunion invitado , Delegada", "Falta el nombre del invitado"),
        ("/reunion invitado quitar Pedro", "No hay un invitado «Pedro»"),
        ("/reunion orden ;;", "Falta el orden del día"),
        ("/reunion orden " + "; ".join(f"Punto {n}" for n in range(20)), "el máximo es 15"),
        ("/reunion lugar " + "x" * 300, "el máximo es 200"),
        ("/reunion secretario Beto", "Nómbrelo con su @usuario"),
        ("/reunion secretario @nadie", "@nadie no es miembro del comité"),
    ],
)
async def test_bad_details_get_a_clear_answer(world: World, command: str, answer: str) -> None:
    await world.say(world.ana, "/reunion iniciar")
    [reply] = await world.say(world.ana, command)
    assert answer in reply.plain


@HYPOTHESIS
@given(
    command=st.sampled_from(
        ["/reunion lugar", "/reunion orden", "/reunion invitado", "/reunion invitado quitar",
         "/reunion secretario", "/reunion reabrir", "/nombre", "/nombre @beto", "/decision"]
    ),
    text=arguments("reunion invitado quitar"),
)  # fmt: skip
@example(command="/reunion orden", text="<b>1.</b> x & y;" * 200)
@example(command="/reunion invitado", text="<i>María</i>, {{ 7*7 }} & UT")
async def test_any_text_in_the_acta_gets_an_answer_and_an_acta_telegram_accepts(
    world: World, command: str, text: str
) -> None:
    # FakeTelegram refuses bad HTML and overlong messages as Telegram does; a refusal would
    # reach the error handler, whose "Algo salió mal" is what we look for.
    await world.say(world.ana, "/reunion iniciar")
    replies = await world.say(world.ana, f"{command} {text}")
    assert replies and "Algo salió mal" not in texts(replies)
    sent = await world.say(world.ana, "/reunion cerrar")
    if sent and sent[0].buttons():
        sent = await world.bot.press(world.ana, sent[0], 1)
    assert "Algo salió mal" not in texts(sent)


async def test_a_bare_lugar_is_asked_and_answered_by_reply(
    world: World, services: Services
) -> None:
    await world.say(world.ana, "/reunion iniciar")
    [question] = await world.say(world.ana, "/reunion lugar")
    assert "¿dónde es la reunión del 2 de marzo de 2009?" in question.plain
    assert await world.answer(world.beto, question, "La cafetería") == []  # not Beto's question
    [done] = await world.answer(world.ana, question, "Sala de sistemas")
    assert "Sala de sistemas" in done.plain
    assert (await stored_meeting(services)).place == "Sala de sistemas"


async def test_the_convocatoria_carries_place_and_orden_del_dia(
    bot: Harness, world: World, services: Services, clock: ManualClock
) -> None:
    await world.say(world.ana, "/reunion programar primer martes 9:00")
    await world.say(world.ana, "/reunion lugar Salón de juntas")
    await world.say(world.ana, "/reunion orden Llamado a lista\nInforme de la fase de información")
    await Engine(bot, services, clock).at(local(2009, 4, 2))
    [call] = [m for m in bot.tg.messages_to(world.group) if "7 de abril de 2009" in m.plain]
    assert "Lugar: Salón de juntas" in call.plain
    assert "Orden del día\n1. Llamado a lista\n2. Informe de la fase de información" in call.plain


# --- closing without a roll call -------------------------------------------------------------


async def test_closing_without_a_roll_call_asks_first(world: World, services: Services) -> None:
    await world.say(world.ana, "/reunion iniciar")
    [question] = await world.say(world.ana, "/reunion cerrar")
    assert "Nadie tomó el llamado a lista" in question.plain
    assert "no asistieron: Beto Ruiz, Carla" in question.plain
    assert labels(question) == ["Cerrar así", "Tomar asistencia"]
    assert (await stored_meeting(services)).status == "abierta"  # nothing closed silently
    assert await attendance(services) == {"Ana": "presente"}  # who opened it is present

    assert await world.bot.press(world.beto, question, 1) == []
    assert world.bot.answers()[-1][1]["text"] == "Solo el coordinador puede hacer esto."
    await world.bot.press_data(world.ana, question, "rcc:1:z")
    assert world.bot.answers()[-1][1]["text"] == "Ese botón ya no es válido."
    assert (await stored_meeting(services)).status == "abierta"

    edited, roll = await world.bot.press(world.ana, question, 2)  # Tomar asistencia
    assert "Tomen asistencia con los botones" in edited.plain and not edited.buttons()
    assert "Llamado a lista — reunión del 2 de marzo de 2009" in roll.plain
    await world.bot.press(world.beto, roll, 4)
    sent = await world.say(world.ana, "/reunion cerrar")  # a roll call taken: no question
    assert "✅ Hubo quórum: 2 de 3 presentes" in sent[-2].plain
    assert (await stored_meeting(services)).roll_message_id == roll.message_id


async def test_closing_anyway_records_the_unmarked_absent(world: World, services: Services) -> None:
    await world.say(world.ana, "/reunion registrar 2009-02-27")
    [question] = await world.say(world.ana, "/reunion cerrar")
    assert "no asistieron: Ana, Beto Ruiz, Carla" in question.plain  # registrar marks nobody
    sent = await world.bot.press(world.ana, question, 1)
    [decided] = [m for m in sent if m.message_id == question.message_id]
    assert "cerrada sin llamado a lista" in decided.plain and not decided.buttons()
    assert "No hubo quórum: 0 de 3" in sent[-2].plain
    assert (await stored_meeting(services)).status == "registrada"


# --- reopening and correcting ----------------------------------------------------------------


async def test_reopen_fix_attendance_edit_and_delete_decisions_with_history(
    world: World, services: Services
) -> None:
    sent = await held_meeting(world, services)
    assert "Carla, Encargada del sitio web: ❌ ausente" in sent[-2].plain
    services.clock.set(datetime(2009, 3, 3, 15, 0, tzinfo=UTC))  # type: ignore[attr-defined]

    [question] = await world.say(world.ana, "/reunion reabrir")
    assert "¿Reabro el acta de la reunión del 2 de marzo de 2009" in question.plain
    edited, roll = await world.bot.press(world.ana, question, 1)
    assert "Acta del 2 de marzo de 2009 reabierta" in edited.plain
    assert "solo el coordinador cambia la asistencia" in roll.plain
    [roll] = await world.bot.press(world.ana, roll, 7)  # Carla: presente, after the fact
    assert "Carla, Encargada del sitio web: ✅ presente" in roll.plain
    await world.say(world.ana, "/reunion secretario @carla")

    [listing] = await world.say(world.ana, "/reunion decisiones")
    assert "1. Aprobar el plan\n2. Contratar el hosting" in listing.plain
    assert labels(listing) == ["✏️ Editar 1", "🗑 Borrar 1", "✏️ Editar 2", "🗑 Borrar 2"]
    [ask] = await world.bot.press(world.ana, listing, 1)
    assert "la decisión 1 dice: «Aprobar el plan»" in ask.plain
    [edited_decision] = await world.answer(world.ana, ask, "Aprobar el plan de acción 2009")
    assert "Decisión 1 corregida" in edited_decision.plain
    [listing] = await world.bot.press(world.ana, listing, 4)  # Borrar 2
    assert "Decisión 2 borrada" in listing.plain and "Contratar" not in listing.plain

    sent = await world.say(world.ana, "/reunion cerrar")
    acta = sent[-2].plain
    assert "Fecha: 2 de marzo de 2009, de 09:00 a 10:00" in acta  # the meeting's hours
    assert "Carla, Encargada del sitio web: ✅ presente" in acta
    assert "✅ Hubo quórum: 3 de 3 presentes" in acta
    assert "1. Aprobar el plan de acción 2009" in acta and "2. Contratar" not in acta
    assert "Correcciones posteriores al cierre" in acta
    assert "3 de marzo de 2009, Ana: asistencia de Carla: ausente → presente" in acta
    assert "decisión 1 cambió de «Aprobar el plan» a «Aprobar el plan de acción 2009»" in acta
    assert "decisión 2 borrada: «Contratar el hosting»" in acta
    assert "secretario(a) de la reunión: sin designar → Carla" in acta
    assert "Carla, Encargada del sitio web — Secretario(a) de la reunión" in acta
    assert "asistencia de Carla: ausente → presente" in word(sent[-1])

    # The record the informe reads agrees, and the history is one call away.
    closed = await stored_meeting(services)
    assert (closed.status, closed.quorum) == ("cerrada", True)
    assert closed.closed_at == datetime(2009, 3, 2, 15, 0, tzinfo=UTC)
    assert await attendance(services) == {
        "Ana": "presente",
        "Beto": "presente",
        "Carla": "presente",
    }
    async with services.transaction() as session:
        assert list(await session.scalars(select(Decision.text))) == [
            "Aprobar el plan de acción 2009"
        ]
        history = await meeting_corrections(session, 1)
    at = datetime(2009, 3, 3, 15, 0, tzinfo=UTC)
    assert [(c.kind, c.by, c.at, c.subject, c.before, c.after) for c in history] == [
        ("reabierta", "Ana", at, None, "cerrada", "abierta"),
        ("asistencia", "Ana", at, "Carla", "ausente", "presente"),
        ("secretario", "Ana", at, None, None, "Carla"),
        ("decision_editada", "Ana", at, "decisión 1", "Aprobar el plan",
         "Aprobar el plan de acción 2009"),
        ("decision_borrada", "Ana", at, "decisión 2", "Contratar el hosting", None),
    ]  # fmt: skip


async def test_only_a_coordinador_reopens_and_corrects(world: World, services: Services) -> None:
    await held_meeting(world, services)
    [answer] = await world.say(world.beto, "/reunion reabrir")
    assert "Solo el coordinador" in answer.plain
    [question] = await world.say(world.ana, "/reunion reabrir")
    assert await world.bot.press(world.beto, question, 1) == []
    assert world.bot.answers()[-1][1]["text"] == "Solo el coordinador puede hacer esto."
    for forged in ["rra:1:s", "rra:99:s", "rra:1", "rra:x:s"]:
        await world.bot.press_data(world.beto, question, forged)
    assert (await stored_meeting(services)).status == "cerrada"

    _, roll = await world.bot.press(world.ana, question, 1)
    assert await world.bot.press(world.beto, roll, 5) == []  # Beto, ausente: himself
    assert "solo el coordinador cambia la asistencia" in world.bot.answers()[-1][1]["text"]
    [answer] = await world.say(world.beto, "/decision Otra decisión")
    assert "solo el coordinador hace cambios" in answer.plain
    [answer] = await world.say(world.beto, "/reunion decisiones")
    assert "Solo el coordinador" in answer.plain
    [listing] = await world.say(world.ana, "/reunion decisiones")
    assert await world.bot.press(world.beto, listing, 2) == []  # 🗑 Borrar 1
    await world.bot.press_data(world.beto, listing, "rdc:1:e")
    assert world.bot.answers()[-1][1]["text"] == "Solo el coordinador puede hacer esto."
    await world.bot.press_data(world.ana, listing, "rdc:999:b")
    assert world.bot.answers()[-1][1]["text"] == "Ese botón ya no es válido."
    async with services.transaction() as session:
        assert len(list(await session.scalars(select(Decision)))) == 2
        history = await meeting_corrections(session, 1)
    assert [c.kind for c in history] == ["reabierta"]
    assert await attendance(services) == {"Ana": "presente", "Beto": "presente", "Carla": "ausente"}


async def test_a_closed_meeting_is_corrected_only_after_reopening(world: World) -> None:
    await world.say(world.ana, "/reunion iniciar")
    [question] = await world.say(world.ana, "/reunion cerrar")
    await world.bot.press(world.ana, question, 1)
    [answer] = await world.say(world.ana, "/reunion decisiones")
    assert "/reunion reabrir" in answer.plain
    [answer] = await world.say(world.ana, "/reunion reabrir 2009-01-10")
    assert "No hay una reunión cerrada" in answer.plain


# --- dates dictated while recording a past meeting -------------------------------------------


async def test_dates_in_a_past_meeting_are_read_from_its_day(
    world: World, services: Services
) -> None:
    services.clock.set(datetime(2009, 4, 2, 14, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    await world.say(world.ana, "/reunion registrar 2009-02-27")
    [echo] = await world.say(
        world.ana, "/compromiso @carla Diagnóstico del sitio para el 10 de marzo"
    )
    assert "Para el: martes 10 de marzo de 2009" in echo.plain
    assert "reunión del 27 de febrero de 2009 (las fechas se leen desde ese día)" in echo.plain
    await world.bot.press(world.ana, echo, 1)
    async with services.transaction() as session:
        assert await session.scalar(select(Compromiso.due_on)) == date(2009, 3, 10)
    # Outside a past meeting, the same words mean the next 10 March after today.
    await confirmed(world, world.ana, "/compromiso @carla Otra cosa para el 10 de abril")
    async with services.transaction() as session:
        dues = list(await session.scalars(select(Compromiso.due_on).order_by(Compromiso.id)))
    assert dues == [date(2009, 3, 10), date(2009, 4, 10)]


async def test_buttons_forged_for_another_committees_meeting_do_nothing(
    world: World, services: Services
) -> None:
    # A second committee, in its own group, with a closed meeting and a decision.
    zoe = world.bot.tg.add_user("Zoe", "zoe")
    other = world.bot.tg.add_group("Comité GEL Pasto", admins=[zoe])
    await register(world.bot, zoe, other, "Alcaldía de Pasto")
    await world.bot.say(zoe, other, "/unirme Coordinadora GEL")
    await world.bot.say(zoe, other, "/reunion iniciar")
    await world.bot.say(zoe, other, "/decision Decisión de Pasto")
    await world.bot.say(zoe, other, "/reunion cerrar")

    # Ana coordinates Mocoa, not Pasto: from her group, Pasto's meeting 1 is out of reach.
    _, roll, _ = await world.say(world.ana, "/reunion iniciar")
    for forged in ["rra:1:s", "rcc:1:c", "rdc:1:b", "rdc:1:e", "rel:1:1:a"]:
        await world.bot.press_data(world.ana, roll, forged)
        assert world.bot.answers()[-1][1]["text"] == "Ese botón ya no es válido.", forged
    async with services.transaction() as session:
        pasto = await session.get(Meeting, 1)
        assert pasto is not None and pasto.status == "cerrada"
        assert list(await session.scalars(select(Decision.text))) == ["Decisión de Pasto"]
        assert await meeting_corrections(session, 1) == []


@pytest.mark.parametrize(
    ("given", "items"),
    [
        ("1. Llamado a lista; 2. Revisión", ["Llamado a lista", "Revisión"]),
        ("1) Llamado a lista\n2) Varios.", ["Llamado a lista", "Varios"]),
        ("- Informe del sitio web\n• Proposiciones", ["Informe del sitio web", "Proposiciones"]),
        ("Un solo punto", ["Un solo punto"]),
    ],
)  # fmt: skip
def test_the_orden_del_dia_is_read_in_the_ways_people_write_it(
    given: str, items: list[str]
) -> None:
    assert read_agenda(given) == items
