"""Phases and criteria: the Decreto 1151 checklist, marking criteria, /fases and /criterio."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import example, given
from sqlalchemy import select

from gelbot.clock import ManualClock
from gelbot.domain import phases
from gelbot.domain.errors import DomainError
from gelbot.domain.frameworks import default_framework
from gelbot.informe.chart import PNG_SIGNATURE
from gelbot.models import Committee, CriterionEvent, CriterionStatus, Person
from gelbot.services import Services
from tests.domain.test_plans import seed_file, send_file
from tests.support.committee_world import committee
from tests.support.harness import Harness, texts
from tests.support.hostile import (
    HYPOTHESIS,
    Hostile,
    arguments,
    command_word,
)

NOW = datetime(2009, 3, 2, 14, 0, tzinfo=UTC)


async def a_committee(
    services: Services, orden: str | None = "territorial", chat_id: int = -7
) -> Committee:
    async with services.transaction() as session:
        found = Committee(
            chat_id=chat_id, entity_name="Alcaldía de Mocoa", orden=orden, created_at=NOW
        )
        session.add(found)
    return found


def test_numbering_and_naming_criteria() -> None:
    framework = default_framework()
    everything = phases.numbered(framework)
    assert len(everything) == 47 + 13 + 11 + 19 + 6
    assert everything[1].criterion.name == "Misión y visión"
    assert everything[47].criterion.key == "interaccion.buzon_contactenos"
    assert phases.resolve_criterion(framework, "2").criterion.key == "informacion.mision_vision"
    assert phases.resolve_criterion(framework, "mision_vision").number == 2
    assert phases.resolve_criterion(framework, "informacion.mision_vision").number == 2
    assert phases.resolve_criterion(framework, "Misión y visión").number == 2
    with pytest.raises(DomainError) as unknown:
        phases.resolve_criterion(framework, "97")
    assert unknown.value.code == "criterio_desconocido"
    # "tramites" is a criterion of transacción and of transformación.
    with pytest.raises(DomainError) as ambiguous:
        phases.resolve_criterion(framework, "tramites")
    assert ambiguous.value.code == "criterio_ambiguo"
    assert [c.number for c in phases.resolve_targets(framework, "1, 3,5-7,3")] == [1, 3, 5, 6, 7]
    for bad in ("0-5", "9-3", "1-200", ""):
        with pytest.raises(DomainError):
            phases.resolve_targets(framework, bad)
    assert phases.resolve_phase(framework, "Fase de Interacción") == framework.phases[1]
    assert phases.resolve_phase(framework, "12") is None


def test_informe_period_start() -> None:
    febrero = Committee(informe_months=6, informe_start_month=2)
    assert phases.informe_period_start(febrero, date(2009, 3, 2)) == date(2009, 2, 1)
    assert phases.informe_period_start(febrero, date(2009, 7, 31)) == date(2009, 2, 1)
    assert phases.informe_period_start(febrero, date(2009, 8, 1)) == date(2009, 8, 1)
    assert phases.informe_period_start(febrero, date(2010, 1, 15)) == date(2009, 8, 1)
    quarterly = Committee(informe_months=3, informe_start_month=1)
    assert phases.informe_period_start(quarterly, date(2009, 5, 5)) == date(2009, 4, 1)


async def test_criteria_status_shares_and_deadlines(services: Services) -> None:
    territorial = await a_committee(services)
    framework = default_framework()
    async with services.transaction() as session:
        for number in range(1, 47):  # the seed's informe: 98 % of información
            key = phases.numbered(framework)[number - 1].criterion.key
            await phases.mark_criterion(session, territorial, key, True, None, None, NOW)
        status = await phases.criteria_status(
            session, territorial, framework, today=date(2009, 3, 2)
        )
    informacion, interaccion = status[0], status[1]
    assert (informacion.met, informacion.total, round(informacion.share * 100)) == (46, 47, 98)
    assert informacion.first_unmet is not None and informacion.first_unmet.number == 47
    assert (informacion.deadline, informacion.days_left) == (date(2008, 11, 1), -121)
    assert (interaccion.deadline, interaccion.days_left) == (date(2009, 12, 1), 274)
    assert phases.current_phase(status) == informacion

    nacional = await a_committee(services, orden="nacional", chat_id=-8)
    sin_orden = await a_committee(services, orden=None, chat_id=-9)
    async with services.transaction() as session:
        status = await phases.criteria_status(session, nacional, framework, today=date(2009, 3, 2))
        assert status[1].deadline == date(2008, 12, 1)
        status = await phases.criteria_status(session, sin_orden, framework, today=date(2009, 3, 2))
        assert status[0].deadline is None and status[0].days_left is None


async def test_marking_leaves_events_and_share_at_replays_them(services: Services) -> None:
    found = await a_committee(services)
    framework = default_framework()
    informacion = framework.phases[0]
    t1, t2, t3 = NOW, NOW + timedelta(days=30), NOW + timedelta(days=60)
    async with services.transaction() as session:
        ana = Person(telegram_id=3, first_name="Ana", created_at=NOW)
        session.add(ana)
        await session.flush()
        row, changed = await phases.mark_criterion(
            session, found, "informacion.mision_vision", True, "https://x.gov.co", ana, t1
        )
        assert changed and row.met and row.evidence == "https://x.gov.co"
        _, changed = await phases.mark_criterion(
            session, found, "informacion.mision_vision", True, None, ana, t2
        )
        assert not changed and row.evidence == "https://x.gov.co"  # kept without new evidence
        await phases.mark_criterion(session, found, "informacion.organigrama", True, None, ana, t2)
        await phases.mark_criterion(
            session, found, "informacion.mision_vision", False, "Enlace roto", ana, t3
        )
        await phases.set_target(
            session, found, "informacion.mision_vision", date(2009, 6, 30), ana, t3
        )
        with pytest.raises(DomainError):
            await phases.mark_criterion(session, found, "no.existe", True, None, ana, t3)

        assert await phases.share_at(session, found, informacion, t1 - timedelta(seconds=1)) == 0
        assert await phases.share_at(session, found, informacion, t1) == 1 / 47
        assert await phases.share_at(session, found, informacion, t2) == 2 / 47
        assert await phases.share_at(session, found, informacion, t3) == 1 / 47
        shares = await phases.shares_at(session, found, framework, t2)
        assert shares["informacion"] == 2 / 47 and shares["democracia"] == 0

        status = (await phases.statuses(session, found))["informacion.mision_vision"]
        assert (status.met, status.evidence, status.target_on) == (
            False,
            "Enlace roto",
            date(2009, 6, 30),
        )
        assert (status.updated_by_id, status.updated_at) == (ana.id, t3)
        events = list(await session.scalars(select(CriterionEvent).order_by(CriterionEvent.id)))
        assert [(e.kind, e.met, e.actor_id) for e in events] == [
            ("cumple", True, ana.id),
            ("cumple", True, ana.id),
            ("cumple", True, ana.id),
            ("no_cumple", False, ana.id),
            ("fecha", False, ana.id),
        ]
        pending = await phases.pending_targets(session, found)
        assert [(c.number, s.target_on) for c, s in pending] == [(2, date(2009, 6, 30))]
        history = await phases.criterion_history(session, found, "informacion.mision_vision")
        assert [e.kind for e, _ in history] == ["fecha", "no_cumple", "cumple", "cumple"]


# --- the chat ------------------------------------------------------------------------------------


async def test_fases_sends_a_chart_and_the_days_left(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await committee(bot)
    await world.say(world.ana, "/criterio 1-30 cumple")
    clock.set(datetime(2009, 8, 3, 14, 0, tzinfo=UTC))
    await world.say(world.ana, "/criterio 31-46 cumple")
    [photo] = await world.say(world.beto, "/fases")
    assert photo.kind == "photo"
    assert photo.file_bytes is not None and photo.file_bytes.startswith(PNG_SIGNATURE)
    shown = photo.plain
    assert "Información: 46 de 47 (98 %; era 64 %)" in shown
    assert "plazo 1 de noviembre de 2008: venció hace 275 días" in shown
    assert "Interacción: 0 de 13 (0 %) — plazo 1 de diciembre de 2009: faltan 120 días" in shown
    assert "Siguiente pendiente en Información: 47. Tiempo de despliegue" in shown
    assert "1 de agosto de 2009" in shown
    assert photo.reply_to_message_id is not None


async def test_fases_before_the_orden_is_known(bot: Harness) -> None:
    ana = bot.tg.add_user("Ana", "ana")
    group = bot.tg.add_group("GEL", admins=[ana])
    await bot.say(ana, group, "/comite Alcaldía de Mocoa")  # buttons not pressed yet
    [photo] = await bot.say(ana, group, "/fases")
    assert "sin plazo" in photo.plain
    assert "nacional o territorial" in photo.plain


async def test_criterio_lists_the_current_phase_with_buttons(
    bot: Harness, services: Services
) -> None:
    world = await committee(bot)
    [listing] = await world.say(world.beto, "/criterio")
    assert "Fase de Información: criterios pendientes" in listing.plain
    assert "1. Información básica en el Portal del Estado Colombiano (Acerca de la Entidad)" in (
        listing.plain
    )
    assert "Página 1 de 5." in listing.plain
    labels = [b["text"] for b in listing.buttons()]
    assert labels[:3] == ["✓ 1", "✓ 2", "✓ 3"] and labels[-1] == "Siguiente ›"

    [page] = await bot.press(world.beto, listing, len(labels))  # anyone may turn the page
    assert "11. Directorio de agremiaciones y asociaciones" in page.plain
    assert "Página 2 de 5." in page.plain

    # A member who is not coordinador or control interno cannot tick.
    await bot.press(world.beto, page, 1)
    assert "Solo el coordinador o control interno" in bot.answers()[-1][1]["text"]
    [ticked] = await bot.press(world.ana, page, 1)
    assert "11. Directorio de agremiaciones" not in ticked.plain
    assert "1 de 47 cumplidos (2 %)" in ticked.plain
    assert "Cumplido: 11. Directorio de agremiaciones" in bot.answers()[-1][1]["text"]
    async with services.transaction() as session:
        [row] = list(await session.scalars(select(CriterionStatus)))
        assert (row.criterion_key, row.met) == ("informacion.directorio_agremiaciones", True)

    [other] = await world.say(world.beto, "/criterio democracia")
    assert "Fase de Democracia: criterios pendientes" in other.plain
    assert "96. Información, trámites y servicios dirigidos a población vulnerable" in other.plain


async def test_forged_and_stale_buttons_are_refused(bot: Harness, services: Services) -> None:
    world = await committee(bot)
    [listing] = await world.say(world.ana, "/criterio")
    intruder_group = bot.tg.add_group("Otro", admins=[world.ana])
    forged = (
        "crm:1:2",
        "crm:x:2:0",
        "crm:1:999:0",
        "crm:2:2:0",
        "crl:1:9:0",
        "crl:1:0",
        "crm:1:²:0",
    )
    for data in forged:
        await bot.press_data(world.ana, listing, data)
        assert "ya no es válido" in bot.answers()[-1][1]["text"], data
    # The right data pressed from another group's message: the committee is not that chat's.
    [elsewhere] = await bot.say(world.ana, intruder_group, "/ayuda")
    await bot.press_data(world.ana, elsewhere, "crm:1:2:0")
    assert "ya no es válido" in bot.answers()[-1][1]["text"]
    async with services.transaction() as session:
        assert list(await session.scalars(select(CriterionStatus))) == []


async def test_criterio_marks_with_evidence_dates_and_unmarks(
    bot: Harness, services: Services
) -> None:
    world = await committee(bot)
    [done] = await world.say(world.ana, "/criterio 2 cumple https://mocoa-putumayo.gov.co/mision")
    assert "✅ Ana marcó como cumplido:" in done.plain
    assert "2. Misión y visión" in done.plain
    assert "Evidencia: https://mocoa-putumayo.gov.co/mision" in done.plain
    assert "Fase de Información: 1 de 47 (2 %)." in done.plain

    await world.say(world.ana, "/rol @beto control_interno")
    [done] = await world.say(world.beto, "/criterio 1,3-4 si")
    assert "Fase de Información: 4 de 47 (9 %)." in done.plain
    [done] = await world.say(world.beto, "/criterio mision_vision no cumple el enlace no abre")
    assert "↩️ Beto Ruiz marcó como no cumplido" in done.plain
    assert "Motivo: el enlace no abre" in done.plain
    [dated] = await world.say(world.ana, "/criterio 48 fecha 1/12/2009")
    assert "fijó el 1 de diciembre de 2009 como fecha meta" in dated.plain

    [detail] = await world.say(world.carla, "/criterio 2")
    assert "Estado: ▫️ no cumple" in detail.plain
    assert "no cumple — Beto Ruiz («el enlace no abre»)" in detail.plain
    assert "cumple — Ana («https://mocoa-putumayo.gov.co/mision»)" in detail.plain
    [detail] = await world.say(world.carla, "/criterio interaccion.buzon_contactenos")
    assert "fecha meta 1 de diciembre de 2009" in detail.plain
    async with services.transaction() as session:
        mocoa = await session.scalar(select(Committee))
        assert mocoa is not None
        found = await phases.statuses(session, mocoa)
    assert {k for k, s in found.items() if s.met} == {
        "informacion.portal_estado",
        "informacion.objetivos_funciones",
        "informacion.organigrama",
    }


async def test_criterio_permissions_and_bad_input(bot: Harness, services: Services) -> None:
    world = await committee(bot)
    [answer] = await world.say(world.carla, "/criterio 2 cumple")
    assert "Solo el coordinador o control interno pueden marcar" in answer.plain
    for text, expected in [
        ("/criterio 999 cumple", "No encuentro el criterio «999». Use su número (de 1 a 96)"),
        ("/criterio tramites cumple", "puede ser varios criterios"),
        ("/criterio 0-3 cumple", "«0-3» no es un rango válido"),
        ("/criterio 2 quizás", "No entiendo «2 quizás»"),
        ("/criterio 1,2", "No entiendo «1,2»"),
        ("/criterio 2 fecha pronto", "No entiendo la fecha «pronto»"),
        ("/criterio 2 fecha", "Falta la fecha"),
        ("/criterio <b>x</b> cumple", "No encuentro el criterio «<b>x</b>»"),
    ]:
        [answer] = await world.say(world.ana, text)
        assert expected in answer.plain, (text, answer.plain)
    async with services.transaction() as session:
        assert list(await session.scalars(select(CriterionEvent))) == []


async def test_all_criteria_met(bot: Harness) -> None:
    world = await committee(bot)
    await world.say(world.ana, "/criterio 1-96 cumple")
    [answer] = await world.say(world.ana, "/criterio")
    assert "cumple todos los criterios de todas las fases" in answer.plain
    [photo] = await world.say(world.ana, "/fases")
    assert "¡Todos los criterios están cumplidos!" in photo.plain


async def test_marking_criteria_feeds_the_plans_phase_indicators(bot: Harness) -> None:
    world = await committee(bot)
    content = seed_file("mocoa_2009.yaml")
    await send_file(bot, world.ana, world.group, "mocoa.yaml", content, "/plan")
    await world.say(world.ana, "/criterio 48-55 cumple")
    shown = texts(await world.say(world.ana, "/indicadores"))
    # 8 of 13 interacción criteria: 61.5 %, short of the plan's 90 %.
    assert "⚠️ 14. Porcentaje de criterios cumplidos en la fase de interacción" in shown
    assert "Año 2009: 61,5 % · meta 90 % al año" in shown


async def test_fases_in_private_needs_one_committee(bot: Harness) -> None:
    world = await committee(bot)
    [photo] = await bot.say(world.beto, bot.tg.private_chat(world.beto), "/fases")
    assert photo.kind == "photo" and photo.reply_to_message_id is None
    other = bot.tg.add_group("Chitagá", admins=[world.beto])
    await bot.say(world.beto, other, "/comite Alcaldía de Chitagá")
    [answer] = await bot.say(world.beto, bot.tg.private_chat(world.beto), "/criterio")
    assert "Usted está en varios comités. Use /criterio en el grupo" in answer.plain


@HYPOTHESIS
@given(word=command_word("criterio"), arg=arguments("criterio"))
@example(word="/criterio", arg="2 cumple {{ 7*7 }} <b>x</b> &amp;")
@example(word="/criterio", arg="1-96 no cumple " + "x" * 3000)
@example(word="/criterio", arg="2 fecha 31/02/2009")
@example(word="/criterio", arg="99999999999999999999 cumple")
async def test_criterio_arguments_are_answered_cleanly(
    hostile: Hostile, word: str, arg: str
) -> None:
    plain = await hostile.coordinador_says(f"{word} {arg}")
    assert any(word in plain.lower() for word in ("criterio", "fecha", "marcó", "fase de"))


async def test_criteria_marked_before_the_plan_give_its_phase_indicators_a_value(
    bot: Harness,
) -> None:
    # /fases knows 2 of 47 información criteria before the plan arrives; its indicator
    # «Porcentaje de criterios cumplidos en la fase de información» must say so, not «sin datos».
    world = await committee(bot)
    await world.say(world.ana, "/criterio 1,2 cumple")
    content = seed_file("mocoa_2009.yaml")
    await send_file(bot, world.ana, world.group, "mocoa.yaml", content, "/plan")
    shown = texts(await world.say(world.ana, "/indicadores"))
    lines = shown.splitlines()
    [at] = [
        n
        for n, line in enumerate(lines)
        if "Porcentaje de criterios cumplidos en la fase de información" in line
    ]
    assert "Año 2009: 4,3 %" in lines[at + 1], lines[at : at + 2]
    assert "sin datos" not in lines[at + 1]
