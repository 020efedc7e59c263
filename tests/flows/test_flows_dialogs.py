"""Each shipped flow as a dialog: what people say (typed, pressed, sent), what the bot answers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from gelbot.clock import ManualClock
from gelbot.domain import phases
from gelbot.flows.engine import Subject
from gelbot.jobs import flows_pass
from gelbot.models import (
    Committee,
    Compromiso,
    CompromisoEvent,
    CriterionStatus,
    IndicatorReading,
    PlanAction,
    Role,
)
from gelbot.models.flows import FlowAnswer, FlowRun, ProgressNote, SemesterItem
from gelbot.services import Services
from tests.support.flows_world import FlowWorld, Step, make_world
from tests.support.harness import Harness, texts

WEEK = date(2009, 2, 23)  # the week before the clock's Monday, 2 March 2009


async def readings(services: Services) -> list[IndicatorReading]:
    async with services.transaction() as session:
        return list(await session.scalars(select(IndicatorReading)))


async def compromiso(services: Services, compromiso_id: int) -> Compromiso:
    async with services.transaction() as session:
        found = await session.get(Compromiso, compromiso_id)
        assert found is not None
        return found


# --- 1. the weekly site update -------------------------------------------------------------------

SITE_DIALOGS: dict[str, tuple[list[Step], float, dict[str, str]]] = {
    "typed": (
        [
            ("Carla", "si claro", "¿Cuántas veces"),
            ("Carla", "dos veces", "¿Qué secciones"),
            ("Carla", "noticias y contratación", "Gracias"),
        ],
        2,
        {"secciones": "noticias y contratación"},
    ),
    "buttons": (
        [
            ("Carla", "[Sí]", "¿Cuántas veces"),
            ("Carla", "3", "¿Qué secciones"),
            ("Carla", "[Omitir]", "3 actualización(es)"),
        ],
        3,
        {},
    ),
    "not updated": (
        [
            ("Carla", "no todavía", "¿Qué lo impidió?"),
            ("Carla", "No hubo conexión en la alcaldía", "0 actualización(es)"),
        ],
        0,
        {"impedimento": "No hubo conexión en la alcaldía"},
    ),
    "retries": (
        [
            ("Carla", "puede ser", "Esperaba «sí» o «no»"),
            ("Carla", "👍", "¿Cuántas veces"),
            ("Carla", "varias", "por ejemplo: «2»"),
            ("Carla", "0", "al menos 1"),
            ("Carla", "1", "¿Qué secciones"),
            ("Carla", "omitir", "Gracias"),
        ],
        1,
        {},
    ),
}


@pytest.mark.parametrize("name", list(SITE_DIALOGS))
async def test_weekly_site_update_in_private(
    world: FlowWorld, services: Services, name: str
) -> None:
    steps, value, details = SITE_DIALOGS[name]
    assert await world.start("sitio_web", Subject.week(WEEK))
    chat = world.chat("Carla")
    question = world.latest(chat)
    assert "¿Se actualizó el sitio web de Alcaldía de Mocoa la semana del 23 de febrero" in (
        question.plain
    )
    assert [b["text"] for b in question.buttons()] == ["Sí", "No"]
    await world.dialog(steps, chat)
    [reading] = await readings(services)
    assert (reading.value, reading.period_start, reading.status) == (value, WEEK, "respondido")
    assert reading.details is not None
    assert {k: reading.details[k] for k in details} == details
    assert "history" not in reading.details  # one pass, one value: no repeated history


async def test_weekly_site_update_in_the_group_without_private_chat(
    bot: Harness, services: Services
) -> None:
    world = await make_world(bot, services)
    await world.add("Carla", Role.EDITOR_WEB, private=False)
    await world.add("Beto")
    assert await world.start("sitio_web", Subject.week(WEEK))
    question = world.latest(world.group)
    assert question.plain.startswith("Carla:")  # the mention a selective ForceReply needs
    # Beto's reply to Carla's question is not an answer, and nobody else takes it either.
    assert await world.says("Beto", "sí, 5 veces", world.group) == []
    # Typed free text that replies to nothing is invisible under privacy mode: no answer.
    assert await bot.say(world.users["Carla"], world.group, "sí") == []
    await world.dialog(
        [
            ("Carla", "sí", "¿Cuántas veces"),
            ("Carla", "4", "¿Qué secciones"),
            ("Carla", "trámites", "4 actualización(es)"),
        ],
        world.group,
    )
    asked = [m for m in bot.tg.messages_to(world.group) if m.reply_markup]
    assert {"force_reply": True, "selective": True} in [m.reply_markup for m in asked]
    assert [r.value for r in await readings(services)] == [4]


async def test_without_an_editor_web_the_coordinadora_is_asked(
    bot: Harness, services: Services
) -> None:
    world = await make_world(bot, services)
    assert await world.start("sitio_web", Subject.week(WEEK))
    await world.dialog([("Ana", "no", "¿Qué lo impidió?")], world.chat("Ana"))


async def test_a_reminder_that_fires_again_asks_the_same_run_again(
    world: FlowWorld, services: Services
) -> None:
    assert await world.start("sitio_web", Subject.week(WEEK))
    assert await world.start("sitio_web_repeticion", Subject.week(WEEK))
    async with services.transaction() as session:
        assert len(list(await session.scalars(select(FlowRun)))) == 1
    await world.dialog([("Carla", "no", "¿Qué lo impidió?")], world.chat("Carla"))


# --- 2. compromiso follow-up ---------------------------------------------------------------------


async def test_compromiso_done_with_a_link_as_evidence(
    world: FlowWorld, services: Services
) -> None:
    cid = await world.compromiso("Beto", "Publicar el plan de acción", date(2009, 3, 6))
    assert await world.start("compromiso", Subject.compromiso(cid))
    chat = world.chat("Beto")
    assert "«Publicar el plan de acción»" in world.latest(chat).plain
    await world.dialog(
        [
            ("Beto", "ya lo hice", "¿Qué resultado dejó?"),
            ("Beto", "Se publicó en la sección de planeación", "¿Tiene evidencia?"),
            ("Beto", "está aquí: https://www.mocoa-putumayo.gov.co/plan.", "cumplido"),
        ],
        chat,
    )
    found = await compromiso(services, cid)
    assert (found.status, found.result) == ("cumplido", "Se publicó en la sección de planeación")
    assert (found.evidence_kind, found.evidence) == (
        "enlace",
        "https://www.mocoa-putumayo.gov.co/plan",
    )


async def test_compromiso_done_with_a_file(world: FlowWorld, services: Services) -> None:
    cid = await world.compromiso("Beto", "Enviar el acta", date(2009, 3, 6))
    await world.start("compromiso", Subject.compromiso(cid))
    await world.dialog(
        [
            ("Beto", "[✅ Hecho]", "¿Qué resultado dejó?"),
            ("Beto", "Acta enviada a todos", "¿Tiene evidencia?"),
            ("Beto", "📎acta.pdf", "cumplido"),
        ],
        world.chat("Beto"),
    )
    found = await compromiso(services, cid)
    assert (found.evidence_kind, found.evidence) == ("documento", "acta.pdf")
    assert found.evidence_file_id


async def test_compromiso_in_progress_moves_its_date(world: FlowWorld, services: Services) -> None:
    cid = await world.compromiso("Beto", "Actualizar el directorio", date(2009, 3, 2))
    await world.start("compromiso", Subject.compromiso(cid))
    await world.dialog(
        [
            ("Beto", "no todavía", "¿Para qué fecha queda?"),
            ("Beto", "15/12/2008", "ya pasó"),
            ("Beto", "el viernes", "nueva fecha 6 de marzo de 2009"),
        ],
        world.chat("Beto"),
    )
    found = await compromiso(services, cid)
    assert (found.status, found.due_on) == ("en_curso", date(2009, 3, 6))


async def test_compromiso_blocked_keeps_the_obstacle(world: FlowWorld, services: Services) -> None:
    cid = await world.compromiso("Beto", "Firmar el convenio", date(2009, 3, 2))
    await world.start("compromiso", Subject.compromiso(cid))
    await world.dialog(
        [
            ("Beto", "está bloqueado", "¿Qué lo impide?"),
            ("Beto", "Falta la firma del gobernador", "¿Para qué fecha queda?"),
            ("Beto", "omitir", "bloqueado"),
        ],
        world.chat("Beto"),
    )
    found = await compromiso(services, cid)
    assert (found.status, found.due_on) == ("bloqueado", date(2009, 3, 2))
    async with services.transaction() as session:
        notes = list(await session.scalars(select(CompromisoEvent.note)))
    assert "Falta la firma del gobernador" in notes


# --- 3. criteria review --------------------------------------------------------------------------


async def test_criteria_review_asks_each_unmet_criterion(
    world: FlowWorld, services: Services
) -> None:
    await world.add("Dora", Role.CONTROL_INTERNO)
    keys = [
        c.key
        for c in phases.framework_of(Committee(framework_id="decreto_1151"))
        .phase("democracia")
        .criteria
    ]
    async with services.transaction() as session:
        committee = await session.get(Committee, world.committee_id)
        assert committee is not None
        for key in keys[:4]:
            await phases.mark_criterion(
                session, committee, key, True, None, None, services.clock.now()
            )
    assert await world.start("fase", Subject.phase("democracia"))
    ana, dora = world.chat("Ana"), world.chat("Dora")
    assert "Criterio 1 de 2" in world.latest(ana).plain
    assert "Fase de Democracia" in world.latest(dora).plain
    await world.dialog(
        [
            ("Ana", "no", "¿Para cuándo esperan cumplirlo?"),
            ("Ana", "30/06/2009", "Criterio 2 de 2"),
            ("Ana", "sí", "¿Cuál es la evidencia?"),
            ("Ana", "https://www.mocoa-putumayo.gov.co/politica", "cumple"),
        ],
        ana,
    )
    # Dora was already asked the first criterion; the second, settled by Ana meanwhile, is
    # skipped, so her review ends after the first.
    await world.dialog([("Dora", "no", "¿Para cuándo"), ("Dora", "omitir", "Gracias")], dora)
    async with services.transaction() as session:
        rows = {r.criterion_key: r for r in await session.scalars(select(CriterionStatus))}
    assert not rows[keys[4]].met and rows[keys[4]].target_on == date(2009, 6, 30)
    assert rows[keys[5]].met
    assert rows[keys[5]].evidence == "https://www.mocoa-putumayo.gov.co/politica"


async def test_nothing_to_review_asks_nothing(world: FlowWorld, services: Services) -> None:
    keys = [
        c.key
        for c in phases.framework_of(Committee(framework_id="decreto_1151"))
        .phase("democracia")
        .criteria
    ]
    async with services.transaction() as session:
        committee = await session.get(Committee, world.committee_id)
        assert committee is not None
        for key in keys:
            await phases.mark_criterion(
                session, committee, key, True, None, None, services.clock.now()
            )
    assert not await world.start("fase", Subject.phase("democracia"))


# --- 4. the semester questionnaire ---------------------------------------------------------------


async def test_semester_questionnaire(
    world: FlowWorld, services: Services, clock: ManualClock, bot: Harness
) -> None:
    clock.set(datetime(2009, 7, 23, 14, 0, tzinfo=UTC))  # six working days before 31 July
    assert await flows_pass(bot.app.bot, services) == (0, 0)
    clock.set(datetime(2009, 7, 24, 14, 0, tzinfo=UTC))
    assert await flows_pass(bot.app.bot, services) == (0, 1)
    assert await flows_pass(bot.app.bot, services) == (0, 0)  # once per period
    ana = world.chat("Ana")
    assert "1 de febrero de 2009 – 31 de julio de 2009" in world.latest(ana).plain
    await world.dialog(
        [
            ("Ana", "sí", "¿Qué fue?"),
            ("Ana", "un taller", "¿Cuántas personas"),
            ("Ana", "24", "columna ACCIONES"),
            ("Ana", "Taller de sensibilización para los alcaldes", "columna RESULTADOS"),
            ("Ana", "Asistieron 24 de los 40 municipios", "¿En qué fecha fue?"),
            ("Ana", "15/07/2009", "¿Hubo otro logro"),
            ("Ana", "si", "¿Qué fue?"),
            ("Ana", "[Equipos o tecnología]", "columna ACCIONES"),
            ("Ana", "Adquisición de 50 equipos", "columna RESULTADOS"),
            ("Ana", "Distribuidos entre las dependencias", "¿En qué fecha fue?"),
            ("Ana", "omitir", "¿Hubo otro logro"),
            ("Ana", "no", "¿Qué dificultades"),
            ("Ana", "La conectividad de los municipios", "próximos pasos"),
            ("Ana", "ninguno", "irá en el informe"),
        ],
        ana,
    )
    async with services.transaction() as session:
        items = list(await session.scalars(select(SemesterItem).order_by(SemesterItem.id)))
    assert [(i.kind, i.accion, i.asistentes, i.fecha) for i in items] == [
        ("taller", "Taller de sensibilización para los alcaldes", 24, date(2009, 7, 15)),
        ("equipos", "Adquisición de 50 equipos", None, None),
        ("dificultad", "La conectividad de los municipios", None, None),
    ]
    assert {i.period_start for i in items} == {date(2009, 2, 1)}
    assert items[0].resultado == "Asistieron 24 de los 40 municipios"


# --- 5. /avance ----------------------------------------------------------------------------------


async def test_avance_in_the_group_with_buttons(world: FlowWorld, services: Services) -> None:
    cid = await world.compromiso("Beto", "Publicar el directorio de funcionarios", date(2009, 3, 9))
    async with services.transaction() as session:
        session.add(
            PlanAction(
                committee_id=world.committee_id,
                position=1,
                accion="Actualizar el sitio web",
                imported_at=services.clock.now(),
            )
        )
    [question] = await world.bot.say(
        world.users["Beto"], world.group, "/avance Ya está el borrador del directorio"
    )
    labels = [b["text"] for b in question.buttons()]
    assert labels == [
        "📌 Publicar el directorio de funcionarios",
        "🗂 Actualizar el sitio web",
        "Otro / ninguno",
    ]
    await world.dialog(
        [("Beto", "[📌 Publicar el directorio de funcionarios]", "Guardé su avance")], world.group
    )
    async with services.transaction() as session:
        [note] = list(await session.scalars(select(ProgressNote)))
    assert (note.text, note.compromiso_id, note.plan_action_id) == (
        "Ya está el borrador del directorio",
        cid,
        None,
    )


async def test_avance_in_private_typed(world: FlowWorld, services: Services) -> None:
    chat = world.chat("Carla")
    await world.dialog(
        [
            ("Carla", "/avance", "/avance Se publicó"),
            ("Carla", "/avance Se subió la galería de fotos", "¿A qué compromiso"),
            ("Carla", "otro", "Guardé su avance"),
        ],
        chat,
    )
    async with services.transaction() as session:
        [note] = list(await session.scalars(select(ProgressNote)))
    assert (note.text, note.compromiso_id, note.plan_action_id) == (
        "Se subió la galería de fotos",
        None,
        None,
    )


async def test_avance_needs_membership(world: FlowWorld) -> None:
    outsider = world.bot.tg.add_user("Pepe", "pepe")
    [answer] = await world.bot.say(outsider, world.group, "/avance algo")
    assert "Solo los miembros" in answer.plain


# --- three failed tries --------------------------------------------------------------------------


async def test_three_failed_tries_leave_the_question_open_and_tell_the_coordinadora(
    world: FlowWorld, services: Services
) -> None:
    assert await world.start("sitio_web", Subject.week(WEEK))
    chat = world.chat("Carla")
    await world.dialog(
        [("Carla", "quizás", "Esperaba «sí» o «no»"), ("Carla", "no sé", "Esperaba «sí» o «no»")],
        chat,
    )
    third = texts(await world.says("Carla", "depende", chat))
    assert "Dejo la pregunta abierta" in third
    told = world.bot.tg.last_to(world.chat("Ana"))
    assert "Carla no logró responder" in told.plain and "¿Se actualizó el sitio web" in told.plain
    # Private text no longer goes to the open question; a reply to it still answers it.
    open_question = world.latest(chat)
    [hint] = await world.bot.say(world.users["Carla"], chat, "sí")
    assert "Este es su chat privado" in hint.plain and "Registr" not in hint.plain
    answer = await world.bot.say(world.users["Carla"], chat, "sí", reply_to=open_question)
    assert "¿Cuántas veces" in texts(answer)
    async with services.transaction() as session:
        [stored] = list(await session.scalars(select(FlowAnswer)))
    assert (stored.question_id, stored.value, stored.raw_text) == ("actualizado", True, "sí")


async def test_commands_pass_while_a_flow_waits(world: FlowWorld) -> None:
    assert await world.start("sitio_web", Subject.week(WEEK))
    answer = await world.bot.say(world.users["Carla"], world.chat("Carla"), "/ayuda")
    assert answer and "¿Cuántas veces" not in texts(answer)
    assert "¿Se actualizó" not in texts(answer)


async def test_an_edited_message_is_not_an_answer(world: FlowWorld) -> None:
    assert await world.start("sitio_web", Subject.week(WEEK))
    chat = world.chat("Carla")
    sent = world.bot.tg.send_text(world.users["Carla"], chat, "hola")["message"]
    edited = {
        "update_id": 99_999,
        "edited_message": {**sent, "text": "sí", "edit_date": sent["date"]},
    }
    assert await world.bot.deliver(edited) == []
    await world.dialog([("Carla", "sí", "¿Cuántas veces")], chat)
