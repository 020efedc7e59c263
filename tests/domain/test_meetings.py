"""Meetings as dialogs: the monthly rule, the meeting record, the review, decisions, the acta."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from docx import Document
from sqlalchemy import select

from gelbot.models import (
    Committee,
    CompromisoEvent,
    Decision,
    Meeting,
)
from gelbot.services import Services
from gelbot.telegram.fake_api import SentMessage
from tests.support.committee_world import World, attendance, close_anyway, confirmed
from tests.support.committee_world import stored_meeting as meeting
from tests.support.harness import texts


def labels(message: SentMessage) -> list[str]:
    return [b["text"] for b in message.buttons()]


def docx_text(message: SentMessage) -> str:
    assert message.kind == "document" and message.file_bytes is not None
    document = Document(io.BytesIO(message.file_bytes))
    return "\n".join(p.text for p in document.paragraphs)


# --- the rule --------------------------------------------------------------------------------


async def test_program_the_rule_and_see_next_and_last(world: World, services: Services) -> None:
    [answer] = await world.say(world.ana, "/reunion")
    assert (
        "sin programar" in answer.plain and "/reunion programar primer martes 9:00" in answer.plain
    )
    assert "ninguna registrada" in answer.plain

    [done] = await world.say(world.ana, "/reunion programar primer martes 9:00")
    assert "primer martes de cada mes a las 09:00" in done.plain
    assert "Próxima reunión: 3 de marzo de 2009, 09:00" in done.plain
    async with services.transaction() as session:
        stored = await session.scalar(select(Committee.meeting_rule))
    assert stored == "1st tue 09:00"

    [done] = await world.say(world.ana, "/reunion programar cada mes el día 15 a las 10:00")
    assert (
        "día 15 de cada mes a las 10:00" in done.plain
        and "15 de marzo de 2009, 10:00" in done.plain
    )
    [done] = await world.say(world.ana, "/reunion programar último viernes 15:00")
    assert "último viernes de cada mes a las 15:00" in done.plain
    assert "27 de marzo de 2009, 15:00" in done.plain

    [answer] = await world.say(world.beto, "/reunion")
    assert "Próxima reunión: 27 de marzo de 2009, 15:00" in answer.plain


@pytest.mark.parametrize(
    "rule", ["todos los martes", "cada quince días", "15 de diciembre", "", "x" * 300]
)
async def test_a_rule_the_bot_cannot_read_gets_examples(
    world: World, services: Services, rule: str
) -> None:
    [answer] = await world.say(world.ana, f"/reunion programar {rule}")
    assert "Ejemplos de reglas que entiendo" in answer.plain
    assert "/reunion programar último viernes 15:00" in answer.plain
    async with services.transaction() as session:
        assert await session.scalar(select(Committee.meeting_rule)) is None


async def test_only_the_coordinador_runs_meetings(world: World, services: Services) -> None:
    for sub in ["programar primer martes", "iniciar", "registrar 2009-02-27", "cerrar"]:
        [answer] = await world.say(world.beto, f"/reunion {sub}")
        assert "Solo el coordinador" in answer.plain
    async with services.transaction() as session:
        assert await session.scalar(select(Meeting)) is None


async def test_unknown_subcommands_and_private_chats(world: World) -> None:
    [answer] = await world.say(world.ana, "/reunion mañana")
    assert "No conozco «/reunion mañana»" in answer.plain and "/reunion iniciar" in answer.plain
    [answer] = await world.bot.say(world.ana, world.bot.tg.private_chat(world.ana), "/reunion")
    assert "se usa en el grupo del comité" in answer.plain
    extra = world.bot.tg.add_user("Extraño")
    [answer] = await world.say(extra, "/reunion")
    assert "Solo los miembros" in answer.plain


# --- a meeting, start to acta ----------------------------------------------------------------


async def test_a_whole_meeting(world: World, services: Services) -> None:
    # Three compromisos due by the meeting, one due later (not reviewed).
    for text in [
        "/compromiso @beto Actualizar el sitio web para el 27 de febrero de 2009",
        "/compromiso @carla Publicar los trámites para el 1 de marzo de 2009",
        "/compromiso @beto Enviar el informe para el 2 de marzo de 2009",
        "/compromiso @carla Encuesta en el sitio para el 30 de marzo",
    ]:
        await confirmed(world, world.ana, text)

    sent = await world.say(world.ana, "/reunion iniciar")
    started, roll, review = sent
    assert "Reunión iniciada" in started.plain
    assert "Llamado a lista — reunión del 2 de marzo de 2009" in roll.plain
    # Ana opened it: counted present from the start (issue 12).
    assert labels(roll)[:3] == ["• Ana: presente", "ausente", "excusa"]
    assert "Revisión de compromisos" in review.plain
    assert "#1" in review.plain and "#2" in review.plain and "#3" in review.plain
    assert "#4" not in review.plain
    assert labels(review)[:3] == ["#1 cumplido", "#1 en curso", "#1 reprogramar"]

    # Llamado a lista: the coordinador marks Ana and Carla; Beto marks himself.
    await world.bot.press(world.ana, roll, 1)
    await world.bot.press(world.ana, roll, 9)  # Carla: excusa
    [updated] = await world.bot.press(world.beto, roll, 4)
    assert "Beto Ruiz, Secretario de Planeación: ✅ presente" in updated.plain
    assert "Carla, Encargada del sitio web: 📝 excusa" in updated.plain
    assert "Presentes: 2 de 3. Quórum: ✅ sí" in updated.plain

    # Review: #1 cumplido (asks the result), #2 en curso, #3 reprogramado.
    services.clock.advance(minutes=20)  # type: ignore[attr-defined]
    [question] = await world.bot.press(world.beto, review, 1)
    sent = await world.answer(world.beto, question, "Sitio actualizado con el menú nuevo")
    assert "Compromiso #1 cumplido" in texts(sent)
    redrawn = next(m for m in sent if m.message_id == review.message_id)
    assert "→ ✅ cumplido" in redrawn.plain
    assert "#1 cumplido" not in labels(redrawn)  # settled: no more buttons for it
    [redrawn] = await world.bot.press(world.ana, redrawn, labels(redrawn).index("#2 en curso") + 1)
    assert "#2 Publicar los trámites" in redrawn.plain and "→ ⏳ en curso" in redrawn.plain
    [question] = await world.bot.press(
        world.ana, redrawn, labels(redrawn).index("#3 reprogramar") + 1
    )
    sent = await world.answer(world.ana, question, "el 16 de marzo")
    redrawn = next(m for m in sent if m.message_id == review.message_id)
    assert "→ 📅 reprogramado para el 16 de marzo de 2009" in redrawn.plain

    # Decisions and a new compromiso during the meeting.
    [noted] = await world.say(world.beto, "/decision Aprobar el plan de acción 2009")
    assert "Decisión anotada" in noted.plain
    [question] = await world.say(world.ana, "/decision")
    assert "¿qué se decidió?" in question.plain and question.reply_markup is not None
    await world.answer(world.ana, question, "Reunirse el primer martes de cada mes")
    await confirmed(world, world.ana, "/compromiso @carla Publicar el acta para el viernes")

    services.clock.advance(minutes=40)  # type: ignore[attr-defined]
    sent = await world.say(world.ana, "/reunion cerrar")
    acta, document = sent[-2], sent[-1]
    # The roll call and the review lose their buttons.
    assert all(not m.buttons() for m in (roll, review))
    plain = acta.plain
    assert "ACTA — Comité de Gobierno en Línea, Alcaldía de Mocoa" in plain
    assert "Fecha: 2 de marzo de 2009, de 09:00 a 10:00" in plain
    assert "Carla, Encargada del sitio web: 📝 excusa" in plain
    assert "✅ Hubo quórum: 2 de 3 presentes" in plain
    assert (
        "#1 Beto Ruiz: Actualizar el sitio web — cumplido: Sitio actualizado con el menú nuevo"
        in plain
    )
    assert "#2 Carla: Publicar los trámites — en curso" in plain
    moved = "reprogramado: del 2 de marzo de 2009 al 16 de marzo de 2009"
    assert f"#3 Beto Ruiz: Enviar el informe — {moved}" in plain
    assert "1. Aprobar el plan de acción 2009" in plain
    assert "2. Reunirse el primer martes de cada mes" in plain
    assert "#5 Carla: Publicar el acta — para el 6 de marzo de 2009" in plain
    assert "#4" not in plain
    assert document.file_name == "acta_2009-03-02.docx"
    assert "con quórum" in document.plain
    word = docx_text(document)
    assert "Hubo quórum: 2 de 3 miembros presentes" in word
    assert "Aprobar el plan de acción 2009" in word

    closed = await meeting(services)
    assert (closed.status, closed.quorum) == ("cerrada", True)
    assert closed.closed_at == datetime(2009, 3, 2, 15, 0, tzinfo=UTC)
    assert closed.acta_message_id == document.message_id
    assert await attendance(services) == {"Ana": "presente", "Beto": "presente", "Carla": "excusa"}
    async with services.transaction() as session:
        decisions = list(await session.scalars(select(Decision.text).order_by(Decision.id)))
        reviewed = list(
            await session.execute(
                select(CompromisoEvent.compromiso_id, CompromisoEvent.kind)
                .where(CompromisoEvent.meeting_id == 1)
                .order_by(CompromisoEvent.id)
            )
        )
    assert decisions == ["Aprobar el plan de acción 2009", "Reunirse el primer martes de cada mes"]
    assert [tuple(r) for r in reviewed] == [
        (1, "cumplido"), (2, "en_curso"), (3, "reprogramado"), (5, "creado"),
    ]  # fmt: skip

    # After closing: the buttons and /decision are refused; /reunion shows the last meeting.
    await world.bot.press_data(world.ana, roll, "rel:1:1:p")
    assert world.bot.answers()[-1][1]["text"] == "Esa reunión ya se cerró."
    [answer] = await world.say(world.ana, "/decision Otra cosa")
    assert "No hay una reunión abierta" in answer.plain
    [answer] = await world.say(world.ana, "/reunion")
    assert "Última reunión: 2 de marzo de 2009 — con quórum" in answer.plain


async def test_without_quorum_whoever_was_not_called_is_absent(
    world: World, services: Services
) -> None:
    _, roll, _ = await world.say(world.ana, "/reunion iniciar")
    await world.bot.press(world.ana, roll, 1)  # she is present already: no roll call taken
    sent = await close_anyway(world)
    assert "⚠️ No hubo quórum: 1 de 3 presentes" in sent[-2].plain
    assert (await meeting(services)).quorum is False
    assert await attendance(services) == {"Ana": "presente", "Beto": "ausente", "Carla": "ausente"}


async def test_half_is_not_quorum(world: World, services: Services) -> None:
    dario = world.bot.tg.add_user("Darío", "dario")
    await world.say(dario, "/unirme Jefe de Control Interno")
    _, roll, _ = await world.say(world.ana, "/reunion iniciar")
    await world.bot.press(world.ana, roll, 1)
    await world.bot.press(world.beto, roll, 4)
    sent = await world.say(world.ana, "/reunion cerrar")
    assert "No hubo quórum: 2 de 4 presentes" in sent[-2].plain


async def test_roll_call_permissions(world: World, services: Services) -> None:
    _, roll, _ = await world.say(world.ana, "/reunion iniciar")
    assert await world.bot.press(world.beto, roll, 7) == []  # Beto marking Carla
    assert "Solo el coordinador o el mismo miembro" in world.bot.answers()[-1][1]["text"]
    assert await attendance(services) == {"Ana": "presente"}  # who opened it (issue 12)
    # Pressing one's current choice again changes nothing and edits nothing.
    await world.bot.press(world.carla, roll, 7)
    assert await world.bot.press(world.carla, roll, 7) == []
    for data in ["rel:1:99:p", "rel:99:1:p", "rel:1:1:z", "rel:1:1"]:
        await world.bot.press_data(world.ana, roll, data)
        assert world.bot.answers()[-1][1]["text"] == "Ese botón ya no es válido."
    assert await attendance(services) == {"Ana": "presente", "Carla": "presente"}


async def test_delegados_are_not_called(world: World) -> None:
    eva = world.bot.tg.add_user("Eva", "eva")
    await world.say(eva, "/unirme Delegada de la ESAP")
    await world.say(world.ana, "/rol @eva delegado")
    _, roll, _ = await world.say(world.ana, "/reunion iniciar")
    assert "Eva" not in roll.plain and "de 3" in roll.plain


async def test_one_open_meeting_at_a_time(world: World) -> None:
    await world.say(world.ana, "/reunion iniciar")
    [answer] = await world.say(world.ana, "/reunion iniciar")
    assert "Ya hay una reunión abierta" in answer.plain
    [answer] = await world.say(world.ana, "/reunion registrar 2009-02-27")
    assert "Ya hay una reunión abierta" in answer.plain
    [answer] = await world.say(world.ana, "/reunion")
    assert "Hay una reunión abierta, del 2 de marzo de 2009" in answer.plain


async def test_nothing_open(world: World) -> None:
    [answer] = await world.say(world.ana, "/reunion cerrar")
    assert "No hay una reunión abierta" in answer.plain
    [answer] = await world.say(world.beto, "/decision Aprobar algo")
    assert "No hay una reunión abierta" in answer.plain
    [answer] = await world.say(world.beto, "/reunion acta")
    assert "Todavía no hay reuniones cerradas" in answer.plain


async def test_a_decision_asked_for_is_answered_by_reply(world: World, services: Services) -> None:
    await world.say(world.ana, "/reunion iniciar")
    [question] = await world.say(world.beto, "/decision")
    assert question.reply_markup == {
        "force_reply": True,
        "selective": True,
        "input_field_placeholder": "La decisión, en una frase",
    }
    # Someone else's reply is not Beto's answer.
    assert await world.answer(world.carla, question, "Otra cosa") == []
    [noted] = await world.answer(world.beto, question, "Contratar el hosting")
    assert "Contratar el hosting" in noted.plain
    async with services.transaction() as session:
        assert list(await session.scalars(select(Decision.text))) == ["Contratar el hosting"]


# --- meetings recorded after the fact --------------------------------------------------------


async def test_register_a_past_meeting(world: World, services: Services) -> None:
    await confirmed(
        world, world.ana, "/compromiso @beto Actualizar el sitio para el 1 de marzo de 2009"
    )
    sent = await world.say(world.ana, "/reunion registrar 27 de febrero")
    assert len(sent) == 2  # no review: what was reviewed then is not today's business
    registering, roll = sent
    assert "Registro de la reunión del 27 de febrero de 2009" in registering.plain
    assert "(registro posterior)" in roll.plain
    await world.bot.press(world.ana, roll, 1)
    await world.bot.press(world.ana, roll, 4)
    await world.say(world.ana, "/decision Crear el comité de Gobierno en Línea")
    await confirmed(world, world.ana, "/compromiso @carla Diagnóstico del sitio para 2009-03-13")
    services.clock.advance(hours=1)  # type: ignore[attr-defined]
    sent = await world.say(world.ana, "/reunion cerrar")
    acta = sent[-2].plain
    assert "Fecha: 27 de febrero de 2009\n" in acta
    assert "Registrada con posterioridad, el 2 de marzo de 2009." in acta
    assert "#2 Carla: Diagnóstico del sitio" in acta and "#1" not in acta
    assert "Registrada con posterioridad" in docx_text(sent[-1])
    recorded = await meeting(services)
    assert (recorded.status, recorded.held_on) == ("registrada", date(2009, 2, 27))

    [answer] = await world.say(world.ana, "/reunion")
    assert "Última reunión: 27 de febrero de 2009 — con quórum" in answer.plain
    [answer] = await world.say(world.ana, "/reunion registrar 2009-02-27")
    assert "Ya hay una reunión registrada el 27 de febrero de 2009" in answer.plain


@pytest.mark.parametrize(
    ("given", "answer"),
    [
        ("", "Falta la fecha de la reunión"),
        ("cuando sea", "No entendí «cuando sea» como fecha"),
        ("2009-03-20", "todavía no ha llegado"),
    ],
)
async def test_register_needs_a_past_date(
    world: World, services: Services, given: str, answer: str
) -> None:
    [reply] = await world.say(world.ana, f"/reunion registrar {given}")
    assert answer in reply.plain and "/reunion" in reply.plain
    async with services.transaction() as session:
        assert await session.scalar(select(Meeting)) is None


async def test_the_acta_is_sent_again_on_request(world: World) -> None:
    await world.say(world.ana, "/reunion registrar 2009-02-27")
    await close_anyway(world)
    sent = await world.say(world.beto, "/reunion acta")
    assert "Fecha: 27 de febrero de 2009" in sent[0].plain and sent[-1].kind == "document"
    sent = await world.say(world.beto, "/reunion acta 27/02/2009")
    assert sent[-1].file_name == "acta_2009-02-27.docx"
    [answer] = await world.say(world.beto, "/reunion acta 2009-01-15")
    assert "No hay una reunión cerrada el día «2009-01-15»" in answer.plain
    [answer] = await world.say(world.beto, "/reunion acta pronto")
    assert "No entendí «pronto» como fecha" in answer.plain


async def test_a_long_acta_is_split_under_telegram_limits(world: World) -> None:
    await world.say(world.ana, "/reunion iniciar")
    for n in range(8):
        await world.say(world.ana, f"/decision {n} " + "<b>Decisión</b> & más " * 90)
    sent = await close_anyway(world)
    parts = [m for m in sent if m.kind == "text" and m.edits == 0]
    assert len(parts) >= 2  # over 4096 characters in all, sent in parts Telegram accepts
    assert "<b>Decisión</b> & más" in texts(parts)
    assert "Algo salió mal" not in texts(sent)


async def test_an_answer_after_the_meeting_closed_is_not_in_its_acta(
    world: World, services: Services
) -> None:
    await confirmed(world, world.ana, "/compromiso @beto Actualizar el sitio para 2009-03-01")
    _, _, review = await world.say(world.ana, "/reunion iniciar")
    [question] = await world.bot.press(world.beto, review, 1)
    await close_anyway(world)
    [done] = await world.answer(world.beto, question, "Actualizado al día siguiente")
    assert "cumplido" in done.plain
    async with services.transaction() as session:
        event = await session.scalar(
            select(CompromisoEvent).where(CompromisoEvent.kind == "cumplido")
        )
    assert event is not None and event.meeting_id is None
