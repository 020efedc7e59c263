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
from tests.committee_world import committee
from tests.harness import Harness
from tests.reminders_world import Engine, local

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
