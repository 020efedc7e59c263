"""The reporting calendar as reminders: the 31 January ladder, windows, the informe's end."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from gelbot.clock import ManualClock
from gelbot.domain.calendar import WorkingCalendar
from gelbot.domain.frameworks import get_framework
from gelbot.reminders.calendar_rules import due_dates, warning_ladder
from gelbot.services import Services
from tests.support.committee_world import committee
from tests.support.harness import Harness, texts
from tests.support.reminders_world import Engine, local

BOGOTA = ZoneInfo("America/Bogota")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 10, 26, 14, 0, tzinfo=UTC))


def _days(ladder: tuple[tuple[int, datetime, datetime], ...]) -> list[tuple[int, date]]:
    return [(days, at.astimezone(BOGOTA).date()) for days, at, _ in ladder]


def test_the_31_january_ladder_avoids_weekends_and_festivos() -> None:
    # 31 January 2027 is a Sunday. 90 days before is 2 November 2026, Todos los Santos moved
    # to Monday; 30 days before is New Year's Day; 1 day before is a Saturday, and moving on
    # would pass the date, so that warning goes out the Friday before.
    calendar = WorkingCalendar(BOGOTA)
    ladder = warning_ladder(date(2027, 1, 31), BOGOTA, calendar)
    assert _days(ladder) == [
        (90, date(2026, 11, 3)),
        (30, date(2027, 1, 4)),
        (7, date(2027, 1, 25)),
        (1, date(2027, 1, 29)),
    ]
    assert all(at.astimezone(BOGOTA).hour == 9 for _, at, _ in ladder)


def test_dates_come_from_the_file_or_the_committee_never_guessed() -> None:
    transparencia = {o.key: o for o in get_framework("res1519_transparencia").calendar}
    gobierno = {o.key: o for o in get_framework("decreto_767").calendar}
    around = date(2026, 11, 2)
    assert due_dates(transparencia["plan_accion"], around, 6, 2) == [
        date(2025, 1, 31), date(2026, 1, 31), date(2027, 1, 31),
    ]  # fmt: skip
    # Quarterly reports and the ITA: the reference confirms no day, so nothing is planned.
    assert transparencia["ejecucion_plan_accion"].configurable
    assert due_dates(transparencia["ejecucion_plan_accion"], around, 6, 2) == []
    assert due_dates(transparencia["ita"], around, 6, 2) == []
    # FURAG: the windows Función Pública announced, closing dates as deadlines.
    assert due_dates(gobierno["furag"], around, 6, 2) == [date(2024, 5, 22), date(2025, 4, 22)]
    # The committee's own informe: the end of each of its periods (February–July, August–January).
    ends = due_dates(gobierno["informe_comite"], around, 6, 2)
    assert date(2026, 7, 31) in ends and date(2027, 1, 31) in ends
    assert date(2026, 12, 31) not in ends
    assert date(2026, 12, 31) in due_dates(gobierno["informe_comite"], around, 3, 1)


async def test_a_2026_committee_is_warned_90_days_before_31_january(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await committee(bot)
    engine = Engine(bot, services, clock)
    await engine.tick()
    rows = await engine.rows(kind="calendario")
    occurrences = {r.occurrence for r in rows}
    assert "plan_accion:2027-01-31:90" in occurrences
    assert "informe_gestion:2027-01-31:90" in occurrences
    await engine.at(local(2026, 11, 3, 9))
    warnings = [m for m in bot.tg.messages_to(world.group) if "Faltan" in m.plain]
    assert len(warnings) == 1
    text = warnings[0].plain
    assert (
        "Faltan 89 días: Publicación del Plan de Acción institucional — plazo el "
        "31 de enero de 2027." in text
    )
    assert "Norma: Ley 1474 de 2011, art. 74; Decreto 612 de 2018." in text
    assert "Publicación del Informe de gestión" in text
    assert "Calendario del Comité Institucional de Gestión y Desempeño" in text


async def test_a_2009_committee_gets_no_calendar_warnings(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    clock.set(datetime(2009, 10, 26, 14, 0, tzinfo=UTC))
    await committee(bot)
    engine = Engine(bot, services, clock)
    await engine.tick()
    assert await engine.rows(kind="calendario") == []


async def test_the_coordinador_sets_the_furag_window_and_is_warned(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await committee(bot)
    [listing] = await world.say(world.beto, "/calendario")
    text = listing.plain
    assert "Calendario de reportes — Alcaldía de Mocoa" in text
    assert (
        "Publicación del Plan de Acción institucional (plan_accion), anual: 31 de enero de 2027"
        in text
    )
    assert "Reporte FURAG" in text and "sin fecha confirmada; el coordinador la fija" in text
    [refused] = await world.say(world.beto, "/calendario furag 16/03/2027 24/04/2027")
    assert "Solo el coordinador fija las fechas" in refused.plain
    [fixed] = await world.say(world.ana, "/calendario plan_accion 15/01/2027")
    assert "la fija la norma (Ley 1474 de 2011, art. 74; Decreto 612 de 2018)" in fixed.plain
    [unknown] = await world.say(world.ana, "/calendario furagg 24/04/2027")
    assert "El calendario del comité no tiene «furagg»" in unknown.plain
    [bad] = await world.say(world.ana, "/calendario furag el día del FURAG")
    assert "No entiendo la fecha" in bad.plain
    [backwards] = await world.say(world.ana, "/calendario furag 24/04/2027 16/03/2027")
    assert "La apertura (24 de abril de 2027) va antes del cierre" in backwards.plain
    [done] = await world.say(world.ana, "/calendario furag 16/03/2027 24/04/2027")
    assert "Ana fijó la fecha de furag" in done.plain
    assert "del 16 de marzo de 2027 al 24 de abril de 2027 (fijada por el coordinador)" in (
        done.plain
    )
    # A new window for the same year replaces the old one.
    [moved] = await world.say(world.ana, "/calendario furag del 17/03/2027 al 30/04/2027")
    assert "del 17 de marzo de 2027 al 30 de abril de 2027" in moved.plain
    assert "24 de abril de 2027" not in moved.plain
    engine = Engine(bot, services, clock)
    await engine.at(local(2027, 1, 29, 9))
    rows = {r.occurrence for r in await engine.rows(kind="calendario")}
    assert "furag:2027-04-30:90" in rows and "furag:2027-04-24:90" not in rows
    await engine.at(local(2027, 1, 30, 9))
    await engine.at(local(2027, 2, 1, 9))
    warnings = [m for m in bot.tg.messages_to(world.group) if "Faltan" in m.plain]
    furag = [m for m in warnings if "Reporte FURAG" in m.plain]
    assert len(furag) == 1
    assert "Faltan 88 días: Reporte FURAG" in furag[0].plain  # the 90-day rung, on Monday
    assert "plazo el 30 de abril de 2027" in furag[0].plain


async def test_the_plan_de_accion_warning_starts_the_review_of_section_4(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await committee(bot)
    await world.say(world.ana, "/criterio 4.1,4.2 cumple")
    engine = Engine(bot, services, clock)
    await engine.tick()
    await engine.at(local(2026, 11, 3, 9))
    [warning] = [m for m in bot.tg.messages_to(world.group) if "Faltan" in m.plain]
    assert [b["text"] for b in warning.buttons()] == [
        "Revisar ítems: 4. Planeación, Presupuesto e Informes"
    ]
    asked = await bot.press(world.ana, warning, 1)
    question = texts(asked)
    assert "Sección 4. Planeación, Presupuesto e Informes." in question
    assert "Ítem 4.3: «Plan de Acción (antes del 31 de enero; ejecución trimestral)»" in question
    assert "¿Ya se cumple?" in question
