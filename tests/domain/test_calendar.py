"""Colombian working days and quiet hours, checked against the real 2009 festivos."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gelbot.domain.calendar import QuietHours, WorkingCalendar

BOGOTA = ZoneInfo("America/Bogota")
CALENDAR = WorkingCalendar()

# Every festivo of 2009 (Ley 51 de 1983 moved most of them to a Monday).
FESTIVOS_2009 = [
    date(2009, 1, 1),  # Año Nuevo
    date(2009, 1, 12),  # Reyes Magos, moved from 6 January
    date(2009, 3, 23),  # San José, moved from 19 March
    date(2009, 4, 9),  # Jueves Santo
    date(2009, 4, 10),  # Viernes Santo
    date(2009, 5, 1),  # Día del Trabajo
    date(2009, 5, 25),  # Ascensión
    date(2009, 6, 15),  # Corpus Christi
    date(2009, 6, 22),  # Sagrado Corazón
    date(2009, 6, 29),  # San Pedro y San Pablo
    date(2009, 7, 20),  # Independencia
    date(2009, 8, 7),  # Batalla de Boyacá
    date(2009, 8, 17),  # Asunción
    date(2009, 10, 12),  # Día de la Raza
    date(2009, 11, 2),  # Todos los Santos
    date(2009, 11, 16),  # Independencia de Cartagena
    date(2009, 12, 8),  # Inmaculada Concepción
    date(2009, 12, 25),  # Navidad
]


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Return a Bogotá datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=BOGOTA)


@pytest.mark.parametrize("festivo", FESTIVOS_2009, ids=str)
def test_festivos_2009_are_not_working_days(festivo: date) -> None:
    assert not CALENDAR.is_working_day(festivo)
    assert CALENDAR.festivo(festivo)


def test_2009_has_exactly_these_festivos() -> None:
    days = [date(2009, 1, 1) + timedelta(days=i) for i in range(365)]
    assert [d for d in days if CALENDAR.festivo(d)] == FESTIVOS_2009


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2009, 2, 27), True),  # viernes
        (date(2009, 2, 28), False),  # sábado
        (date(2009, 3, 1), False),  # domingo
        (date(2009, 3, 19), True),  # San José's own date: the festivo moved to Monday
        (date(2009, 3, 24), True),
        (date(2009, 8, 6), True),
        (date(2009, 12, 7), True),
        (date(2009, 12, 9), True),
        (date(2009, 1, 6), True),  # Reyes' own date, moved to the 12th
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CALENDAR.is_working_day(day) is working


def test_festivo_names_are_spanish() -> None:
    assert "San José" in (CALENDAR.festivo(date(2009, 3, 23)) or "")
    assert "Boyacá" in (CALENDAR.festivo(date(2009, 8, 7)) or "")
    assert CALENDAR.festivo(date(2009, 3, 24)) is None


def test_a_datetime_is_judged_on_its_local_date() -> None:
    # 03:00 UTC on the 24th is still Monday the 23rd (San José) in Bogotá.
    assert not CALENDAR.is_working_day(datetime(2009, 3, 24, 3, 0, tzinfo=UTC))
    assert CALENDAR.is_working_day(datetime(2009, 3, 24, 6, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2009, 2, 27), date(2009, 2, 27)),  # a working day is its own next
        (date(2009, 2, 28), date(2009, 3, 2)),
        (date(2009, 3, 21), date(2009, 3, 24)),  # weekend, then San José on Monday
        (date(2009, 4, 9), date(2009, 4, 13)),  # Semana Santa
        (date(2009, 8, 7), date(2009, 8, 10)),  # Batalla de Boyacá on a Friday
        (date(2009, 12, 8), date(2009, 12, 9)),
        (date(2009, 12, 25), date(2009, 12, 28)),
        (date(2009, 12, 31), date(2009, 12, 31)),
    ],
)
def test_next_working_day(day: date, expected: date) -> None:
    assert CALENDAR.next_working_day(day) == expected


def test_previous_working_day() -> None:
    assert CALENDAR.previous_working_day(date(2009, 3, 23)) == date(2009, 3, 20)
    assert CALENDAR.previous_working_day(date(2009, 3, 24)) == date(2009, 3, 24)


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2009, 3, 20), 1, date(2009, 3, 24)),
        (date(2009, 3, 24), -1, date(2009, 3, 20)),
        (date(2009, 4, 8), 1, date(2009, 4, 13)),
        (date(2009, 12, 7), 1, date(2009, 12, 9)),
        (date(2009, 12, 1), -3, date(2009, 11, 26)),  # "tres días hábiles antes"
        (date(2009, 8, 3), 5, date(2009, 8, 11)),  # 7 August falls inside the week
        (date(2009, 12, 31), 1, date(2010, 1, 4)),  # across the year: 1 January is a festivo
        (date(2009, 2, 28), 0, date(2009, 2, 28)),  # zero moves nothing, not even a Saturday
        (date(2009, 2, 28), 1, date(2009, 3, 2)),
        (date(2009, 2, 28), -1, date(2009, 2, 27)),
        (date(2009, 2, 27), 10, date(2009, 3, 13)),
    ],
)
def test_add_working_days(day: date, n: int, expected: date) -> None:
    assert CALENDAR.add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2009, 3, 20), date(2009, 3, 24), 1),
        (date(2009, 3, 24), date(2009, 3, 20), -1),
        (date(2009, 3, 24), date(2009, 3, 24), 0),
        (date(2009, 2, 28), date(2009, 3, 31), 21),  # March 2009: 22 weekdays less San José
        (date(2008, 12, 31), date(2009, 12, 31), 243),  # 261 weekdays less 18 festivos
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert CALENDAR.working_days_between(start, end) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(2008, 1, 1), max_value=date(2012, 12, 31)),
    st.integers(min_value=-60, max_value=60),
)
def test_working_days_between_inverts_add_working_days(day: date, n: int) -> None:
    moved = CALENDAR.add_working_days(day, n)
    assert CALENDAR.working_days_between(day, moved) == n
    if n:
        assert CALENDAR.is_working_day(moved)
        assert (moved > day) is (n > 0)


def test_calendar_for_another_zone_reads_dates_there() -> None:
    madrid = WorkingCalendar("Europe/Madrid")
    # 23:30 in Bogotá on Friday the 20th is already Saturday in Madrid.
    assert CALENDAR.is_working_day(at(2009, 3, 20, 23, 30))
    assert not madrid.is_working_day(at(2009, 3, 20, 23, 30))


QUIET = QuietHours()


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2009, 2, 27, 10, 0), at(2009, 2, 27, 10, 0)),  # inside the window: unchanged
        (at(2009, 2, 27, 7, 0), at(2009, 2, 27, 7, 0)),  # the start is allowed
        (at(2009, 2, 27, 6, 59), at(2009, 2, 27, 7, 0)),
        (at(2009, 2, 27, 0, 0), at(2009, 2, 27, 7, 0)),
        (at(2009, 2, 27, 19, 0), at(2009, 2, 28, 7, 0)),  # the end is already quiet
        (at(2009, 2, 27, 23, 59), at(2009, 2, 28, 7, 0)),
        (at(2009, 2, 28, 12, 0), at(2009, 2, 28, 12, 0)),  # without a calendar, Saturday is fine
    ],
)
def test_quiet_hours_without_calendar(moment: datetime, expected: datetime) -> None:
    assert QUIET.next_allowed(moment) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2009, 3, 20, 20, 0), at(2009, 3, 24, 7, 0)),  # Friday night → past San José
        (at(2009, 3, 21, 12, 0), at(2009, 3, 24, 7, 0)),
        (at(2009, 8, 7, 9, 0), at(2009, 8, 10, 7, 0)),  # Batalla de Boyacá
        (at(2009, 12, 8, 5, 0), at(2009, 12, 9, 7, 0)),
        (at(2009, 12, 9, 5, 0), at(2009, 12, 9, 7, 0)),
        (at(2009, 12, 9, 18, 59), at(2009, 12, 9, 18, 59)),
    ],
)
def test_quiet_hours_on_working_days(moment: datetime, expected: datetime) -> None:
    assert QUIET.next_allowed(moment, CALENDAR) == expected


def test_quiet_hours_read_any_zone_in_bogota() -> None:
    # 23:30 UTC is 18:30 in Bogotá: still allowed, and the same instant comes back.
    moment = datetime(2009, 3, 20, 23, 30, tzinfo=UTC)
    assert QUIET.next_allowed(moment, CALENDAR) == moment
    assert QUIET.next_allowed(moment).tzinfo == BOGOTA


def test_quiet_hours_with_a_custom_window() -> None:
    window = QuietHours(start=time(8, 30), end=time(17))
    assert window.next_allowed(at(2009, 2, 27, 8, 0)) == at(2009, 2, 27, 8, 30)
    assert window.next_allowed(at(2009, 2, 27, 17, 0)) == at(2009, 2, 28, 8, 30)


def test_quiet_hours_refuse_naive_datetimes_and_empty_windows() -> None:
    with pytest.raises(ValueError):
        QUIET.next_allowed(datetime(2009, 2, 27, 10, 0))
    with pytest.raises(ValueError):
        QuietHours(start=time(19), end=time(7))


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(2008, 1, 1), max_value=datetime(2012, 12, 31)),
    st.booleans(),
)
def test_next_allowed_is_allowed_and_not_earlier(naive: datetime, working_only: bool) -> None:
    moment = naive.replace(tzinfo=BOGOTA)
    calendar = CALENDAR if working_only else None
    allowed = QUIET.next_allowed(moment, calendar)
    assert allowed >= moment
    assert QUIET.is_allowed(allowed, calendar)
    assert allowed - moment < timedelta(days=6)  # Semana Santa is the longest gap
