"""A run's life: restart mid-flow, corrections with history, expiry, queueing, versions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import select

from gelbot.app import build_application
from gelbot.clock import ManualClock
from gelbot.db import make_engine, make_sessionmaker
from gelbot.flows.engine import Subject, start_button_data
from gelbot.jobs import flows_pass
from gelbot.models import Compromiso, IndicatorReading, Role
from gelbot.models.flows import FlowAnswer, FlowDefinition, FlowRun
from gelbot.services import Services
from gelbot.settings import Settings
from gelbot.telegram.fake_api import FakeBotApiRequest
from tests.support.flows_world import FlowWorld, make_world
from tests.support.harness import Harness, texts

WEEK = date(2009, 2, 23)
T = TypeVar("T")


async def all_of(services: Services, model: type[T]) -> list[T]:
    async with services.transaction() as session:
        return list(await session.scalars(select(model).order_by(model.id)))  # type: ignore[attr-defined]


# --- restart -------------------------------------------------------------------------------------


async def test_a_restart_mid_flow_resumes_at_the_next_question(
    world: FlowWorld, settings: Settings, clock: ManualClock, services: Services
) -> None:
    assert await world.start("sitio_web", Subject.week(WEEK))
    chat = world.chat("Carla")
    first_question = world.latest(chat)
    stale = first_question.buttons()[0]["callback_data"]  # «Sí», pressed again later
    await world.dialog([("Carla", "sí", "¿Cuántas veces")], chat)
    await world.bot.app.shutdown()

    # A new process: its own engine and Application over the same database and Telegram.
    engine = make_engine(settings.database_url)
    fresh = Services(settings, engine, make_sessionmaker(engine), clock)
    again = build_application(
        settings, services=fresh, request=FakeBotApiRequest(world.bot.tg), rate_limit=False
    )
    await again.initialize()
    world.bot.app = again
    try:
        # The old question's buttons are stale now; the run waits on «¿Cuántas veces?».
        await world.bot.press_data(world.users["Carla"], first_question, stale)
        assert "ya quedó atrás" in world.bot.answers()[-1][1]["text"]
        await world.dialog(
            [("Carla", "tres", "¿Qué secciones"), ("Carla", "noticias", "3 actualización(es)")],
            chat,
        )
    finally:
        await again.shutdown()
        await engine.dispose()
    [reading] = await all_of(services, IndicatorReading)
    assert reading.value == 3
    answers = await all_of(services, FlowAnswer)
    assert [(a.question_id, a.raw_text) for a in answers] == [
        ("actualizado", "sí"),
        ("veces", "tres"),
        ("secciones", "noticias"),
    ]


# --- corrections ---------------------------------------------------------------------------------


async def finish_site_update(world: FlowWorld, times: str = "2") -> None:
    assert await world.start("sitio_web", Subject.week(WEEK))
    chat = world.chat("Carla")
    await world.dialog(
        [
            ("Carla", "sí", "¿Cuántas"),
            ("Carla", times, "¿Qué secciones"),
            ("Carla", "noticias", "Gracias"),
        ],
        chat,
    )


async def test_correcting_a_number_updates_the_reading_and_keeps_history(
    world: FlowWorld, services: Services
) -> None:
    await finish_site_update(world)
    chat = world.chat("Carla")
    [listing] = await world.say_and_get("Carla", "/corregir", chat)
    assert "¿Cuántas veces se actualizó esa semana?" in listing.plain
    labels = [b["text"] for b in listing.buttons()]
    assert labels == ["1. noticias", "2. 2", "3. sí"]
    await world.dialog(
        [
            ("Carla", "[2. 2]", "¿Cuántas veces"),
            ("Carla", "cuatro", "Antes: 2"),
        ],
        chat,
    )
    assert "Ahora: 4" in world.latest(chat).plain
    [reading] = await all_of(services, IndicatorReading)
    assert reading.value == 4
    assert reading.details is not None
    assert [h["value"] for h in reading.details["history"]] == [2]
    assert reading.details["secciones"] == "noticias"
    answers = [a for a in await all_of(services, FlowAnswer) if a.question_id == "veces"]
    assert [(a.value, a.superseded_by_id) for a in answers] == [(2, answers[1].id), (4, None)]
    # The corrected answer is history: it is no longer offered.
    [listing] = await world.say_and_get("Carla", "/corregir", chat)
    assert [b["text"] for b in listing.buttons()] == ["1. 4", "2. noticias", "3. sí"]


async def test_correcting_a_branch_asks_the_questions_of_the_new_path(
    world: FlowWorld, services: Services
) -> None:
    await finish_site_update(world, "5")
    chat = world.chat("Carla")
    await world.say_and_get("Carla", "/corregir", chat)
    await world.dialog(
        [("Carla", "[3. sí]", "¿Se actualizó"), ("Carla", "[No]", "¿Qué lo impidió?")], chat
    )
    [reading] = await all_of(services, IndicatorReading)
    assert reading.value == 0
    await world.dialog([("Carla", "Se cayó el servidor", "0 actualización(es)")], chat)


async def test_only_ones_own_answers_of_this_period_can_be_corrected(
    world: FlowWorld, services: Services, clock: ManualClock
) -> None:
    await finish_site_update(world)
    [listing] = await world.say_and_get("Carla", "/corregir", world.chat("Carla"))
    # Beto presses Carla's button (forwarded data): refused.
    await world.bot.press(world.users["Beto"], listing, 1)
    assert "sus propias respuestas" in world.bot.answers()[-1][1]["text"]
    [nothing] = await world.say_and_get("Beto", "/corregir", world.chat("Beto"))
    assert "No tiene respuestas" in nothing.plain
    clock.advance(days=180)  # the informe period (February–July) is over
    [late] = await world.say_and_get("Carla", "/corregir", world.chat("Carla"))
    assert "No tiene respuestas" in late.plain
    await world.bot.press(world.users["Carla"], listing, 1)
    assert "ya no se puede corregir" in world.bot.answers()[-1][1]["text"]


async def test_correcting_a_compromiso_result(world: FlowWorld, services: Services) -> None:
    cid = await world.compromiso("Beto", "Publicar el plan", date(2009, 3, 6))
    await world.start("compromiso", Subject.compromiso(cid))
    chat = world.chat("Beto")
    await world.dialog(
        [
            ("Beto", "hecho", "resultado"),
            ("Beto", "Publicado", "evidencia"),
            ("Beto", "omitir", "cumplido"),
        ],
        chat,
    )
    await world.say_and_get("Beto", "/corregir", chat)
    await world.dialog(
        [
            ("Beto", "[2. Publicado]", "¿Qué resultado"),
            ("Beto", "Publicado en la sección de planeación", "Compromiso"),
        ],
        chat,
    )
    async with services.transaction() as session:
        found = await session.get(Compromiso, cid)
        assert found is not None
    assert (found.status, found.result) == ("cumplido", "Publicado en la sección de planeación")


# --- expiry and queueing -------------------------------------------------------------------------


async def test_an_unanswered_flow_expires_sin_respuesta(
    world: FlowWorld, services: Services, clock: ManualClock, bot: Harness
) -> None:
    assert await world.start("sitio_web", Subject.week(WEEK))
    clock.advance(hours=95)
    assert await flows_pass(bot.app.bot, services) == (0, 0)
    clock.advance(hours=2)  # the flow allows 96 hours
    assert await flows_pass(bot.app.bot, services) == (1, 0)
    [run] = await all_of(services, FlowRun)
    assert run.status == "sin_respuesta"
    [answer] = await all_of(services, FlowAnswer)
    assert (answer.question_id, answer.status, answer.value) == (
        "actualizado",
        "sin_respuesta",
        None,
    )
    [reading] = await all_of(services, IndicatorReading)
    assert (reading.status, reading.value, reading.period_start) == ("sin_respuesta", None, WEEK)
    # A late answer finds the conversation closed.
    [late] = await world.says("Carla", "sí", world.chat("Carla"))
    assert "Este es su chat privado" in late.plain  # nothing waits: what this chat is for


async def test_an_expired_run_keeps_an_earlier_answer(
    world: FlowWorld, services: Services, clock: ManualClock, bot: Harness
) -> None:
    assert await world.start("sitio_web", Subject.week(WEEK))
    await world.dialog(
        [("Carla", "sí", "¿Cuántas"), ("Carla", "2", "¿Qué secciones")], world.chat("Carla")
    )
    clock.advance(days=5)
    assert await flows_pass(bot.app.bot, services) == (1, 0)
    [reading] = await all_of(services, IndicatorReading)
    assert (reading.status, reading.value) == ("respondido", 2)


async def test_a_second_flow_waits_its_turn_in_private(
    world: FlowWorld, services: Services
) -> None:
    cid = await world.compromiso("Carla", "Subir las noticias", date(2009, 3, 6))
    assert await world.start("sitio_web", Subject.week(WEEK))
    assert not await world.start("compromiso", Subject.compromiso(cid))  # queued, not asked
    chat = world.chat("Carla")
    await world.dialog(
        [
            ("Carla", "no", "¿Qué lo impidió?"),
            ("Carla", "omitir", "«Subir las noticias»"),  # the queued flow starts right after
            ("Carla", "en curso", "¿Para qué fecha"),
        ],
        chat,
    )


# --- versions: a coordinador's own flows ---------------------------------------------------------

CUSTOM = """\
id: sitio_web_semanal
name: Sitio web (versión del comité)
starts: {reminder: sitio_web}
asks: {roles: [editor_web]}
subject: semana
questions:
  - id: veces
    type: numero
    text: ¿Cuántas veces actualizaron el sitio la semana del {{ asunto.inicio | fecha }}?
    updates:
      - indicator_reading: {indicator: sitio_web_semanal}
"""


async def test_a_coordinadora_uploads_a_flow_and_new_runs_use_it(
    services: Services, bot: Harness
) -> None:
    world = await make_world(bot, services)
    await world.add("Carla", Role.EDITOR_WEB, private=False)  # both runs in the group, at once
    # A run started under the shipped version keeps it.
    assert await world.start("sitio_web", Subject.week(WEEK - timedelta(days=7)))
    [saved] = await bot.deliver(
        bot.tg.send_document(
            world.users["Ana"], world.group, "sitio.yaml", CUSTOM.encode(), "/flujo"
        )
    )
    assert "versión 1 de la Alcaldía de Mocoa" in saved.plain
    [same] = await bot.deliver(
        bot.tg.send_document(
            world.users["Ana"], world.group, "sitio.yaml", CUSTOM.encode(), "/flujo"
        )
    )
    assert "no hay cambios" in same.plain
    assert await world.start("sitio_web", Subject.week(WEEK))
    chat = world.group
    assert "¿Cuántas veces actualizaron el sitio" in world.latest(chat).plain
    await world.dialog([("Carla", "2", "Gracias")], chat)
    old_question = next(m for m in bot.tg.messages_to(chat) if "¿Se actualizó" in m.plain)
    await world.bot.press(world.users["Carla"], old_question, 2)  # «No», in the old version
    runs = await all_of(services, FlowRun)
    definitions = {d.id: d for d in await all_of(services, FlowDefinition)}
    assert [(definitions[r.definition_id].committee_id is None, r.flow_version) for r in runs] == [
        (True, 1),
        (False, 1),
    ]
    answers = await all_of(services, FlowAnswer)
    assert {(a.question_id, a.definition_id) for a in answers} == {
        ("veces", runs[1].definition_id),
        ("actualizado", runs[0].definition_id),
    }
    [listing] = await world.say_and_get("Ana", "/flujos", world.group)
    assert "versión 1 del comité" in listing.plain


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("type: numero", "pregunta «veces» (n.º 1), campo «type»"),
        ("{indicator: sitio_web_semanal}", "campo «updates[0].indicator_reading.indicator»"),
        ("asks: {roles: [editor_web]}", "campo «asks»: falta"),
    ],
)
async def test_an_invalid_upload_is_refused_naming_the_field(
    world: FlowWorld, bot: Harness, services: Services, change: str, expected: str
) -> None:
    broken = {
        "type: numero": CUSTOM.replace("type: numero", "type: numeros"),
        "{indicator: sitio_web_semanal}": CUSTOM.replace("{indicator: sitio_web_semanal}", "{}"),
        "asks: {roles: [editor_web]}": CUSTOM.replace("asks: {roles: [editor_web]}\n", ""),
    }[change]
    [answer] = await bot.deliver(
        bot.tg.send_document(world.users["Ana"], world.group, "mio.yaml", broken.encode(), "/flujo")
    )
    assert "No guardé el flujo: mio.yaml" in answer.plain and expected in answer.plain
    assert await all_of(services, FlowDefinition) == []
    # The bot goes on with the shipped flow.
    assert await world.start("sitio_web", Subject.week(WEEK))
    assert "¿Se actualizó" in world.latest(world.chat("Carla")).plain


async def test_only_a_coordinador_uploads_flows_and_privately_too(
    world: FlowWorld, bot: Harness, services: Services
) -> None:
    [refused] = await bot.deliver(
        bot.tg.send_document(world.users["Beto"], world.group, "x.yaml", CUSTOM.encode(), "/flujo")
    )
    assert "Solo el coordinador" in refused.plain
    [saved] = await bot.deliver(
        bot.tg.send_document(
            world.users["Ana"], world.chat("Ana"), "x.yaml", CUSTOM.encode(), "/flujo"
        )
    )
    assert "versión 1" in saved.plain
    [bad] = await bot.deliver(
        bot.tg.send_document(world.users["Ana"], world.chat("Ana"), "x.pdf", b"%PDF", "/flujo")
    )
    assert "no parece un flujo" in bad.plain
    # A file without the caption is not for flows (the plan import may take it).
    assert not any(
        "flujo" in m.plain
        for m in await bot.deliver(
            bot.tg.send_document(world.users["Beto"], world.group, "x.yaml", CUSTOM.encode())
        )
    )


# --- start buttons -------------------------------------------------------------------------------


async def test_a_start_button_starts_the_flow_for_whoever_may_answer(
    world: FlowWorld, bot: Harness
) -> None:
    data = start_button_data(world.committee_id, "sitio_web_semanal", Subject.week(WEEK))
    [announce] = await bot.say(world.users["Ana"], world.group, "/ayuda")
    await bot.press_data(world.users["Beto"], announce, data)  # not the editor web
    assert "para otra persona" in bot.answers()[-1][1]["text"]
    answer = await bot.press_data(world.users["Carla"], announce, data)
    assert "¿Se actualizó el sitio web" in texts(answer)
    await bot.press_data(world.users["Carla"], announce, "flb:1:sitio_web_semanal:x1")
    assert "ya no es válido" in bot.answers()[-1][1]["text"]


# --- living with the other features --------------------------------------------------------------


async def test_replies_to_other_features_questions_are_left_to_them(
    services: Services, bot: Harness
) -> None:
    world = await make_world(bot, services)
    await world.add("Beto", private=False)
    cid = await world.compromiso("Beto", "Publicar el plan", date(2009, 3, 6))
    assert await world.start("compromiso", Subject.compromiso(cid))  # a flow waits in the group
    # The compromiso feature asks its own ForceReply question (pending_prompts)...
    await bot.press_data(world.users["Beto"], world.latest(world.group), f"cpa:{cid}:c")
    prompt = world.latest(world.group)
    assert "¿qué resultado dejó este compromiso?" in prompt.plain
    # ...and its answer goes to that feature, not to the flow.
    done = await bot.say(world.users["Beto"], world.group, "Publicado en la web", reply_to=prompt)
    assert "¿Qué resultado" not in texts(done)
    async with services.transaction() as session:
        found = await session.get(Compromiso, cid)
        assert found is not None and found.status == "cumplido"
        [run] = list(await session.scalars(select(FlowRun)))
        assert run.status == "esperando" and await session.scalar(select(FlowAnswer.id)) is None


async def test_each_answer_records_who_when_what_and_under_which_version(
    world: FlowWorld, services: Services, clock: ManualClock
) -> None:
    assert await world.start("sitio_web", Subject.week(WEEK))
    clock.advance(minutes=3)
    await world.dialog([("Carla", "sí señor", "¿Cuántas")], world.chat("Carla"))
    [answer] = await all_of(services, FlowAnswer)
    [definition] = await all_of(services, FlowDefinition)
    assert (answer.person_id, answer.answered_at, answer.raw_text, answer.value) == (
        world.person_ids["Carla"],
        clock.now(),
        "sí señor",
        True,
    )
    assert (answer.flow_id, answer.definition_id, answer.flow_version) == (
        "sitio_web_semanal",
        definition.id,
        1,
    )
    assert definition.committee_id is None and "¿Se actualizó" in definition.yaml_text


@pytest.mark.parametrize(
    "data",
    [
        "fl:1:1:7",  # a choice the question does not have
        "fl:1:1:o",  # «Omitir» on a required question
        "fl:1:9:0",  # a step that is not the current one
        "fl:99:1:0",  # a run that does not exist
        "fl:1:1:²",
        "fl:x:1:0",
        "fl:1",
        "flc:abc",
        "flc:999",
        "flb:1:nada:",
        "flb:1:sitio_web_semanal:c<b>",
        "flb:99:sitio_web_semanal:",
        "flb:1:avance:",  # started by a command, not by a button
    ],
)
async def test_forged_flow_buttons_are_refused_and_change_nothing(
    world: FlowWorld, services: Services, bot: Harness, data: str
) -> None:
    assert await world.start("sitio_web", Subject.week(WEEK))
    question = world.latest(world.chat("Carla"))
    before = len(bot.answers())
    assert await bot.press_data(world.users["Carla"], question, data) == []
    [(_, alert)] = bot.answers()[before:]
    assert alert.get("show_alert") is True
    assert await all_of(services, FlowAnswer) == []
    stranger = bot.tg.add_user("Zoe", "zoe")
    await bot.press_data(stranger, question, question.buttons()[0]["callback_data"])
    assert "para otra persona" in bot.answers()[-1][1]["text"]
    assert await all_of(services, FlowAnswer) == []
