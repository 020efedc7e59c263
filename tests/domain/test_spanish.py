"""Spanish as committee members type it: yes/no, numbers, percentages, dates, times, rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gelbot.domain.recurrence import LAST, MeetingRule, parse_meeting_rule
from gelbot.domain.spanish import (
    format_date,
    format_date_short,
    format_datetime,
    month_name,
    normalize,
    parse_date,
    parse_number,
    parse_percentage,
    parse_time,
    parse_yes_no,
    weekday_name,
)

BOGOTA = ZoneInfo("America/Bogota")
TODAY = date(2009, 2, 27)  # a Friday; the date of seed 000's informe


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Return a Bogotá datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=BOGOTA)


# --- normalize -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Sí,  CLARO  ", "si, claro"),
        ("Año\tnuevo\n", "ano nuevo"),
        ("MIÉRCOLES 3", "miercoles 3"),
        ("Pingüino", "pinguino"),
        ("1º de marzo", "1o de marzo"),
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


# --- yes / no --------------------------------------------------------------------------------

YES_NO = [
    ("sí", True),
    ("si", True),
    ("Si claro", True),
    ("claro que sí", True),
    ("SÍ!", True),
    ("¡Sííí!", True),
    ("ya", True),
    ("Ya, ayer lo subimos", True),
    ("listo", True),
    ("Listo ✅", True),
    ("ok", True),
    ("de una", True),
    ("sisas", True),
    ("por supuesto", True),
    ("ya está", True),
    ("no falta nada", True),
    ("no hay problema", True),
    ("👍", True),
    ("no", False),
    ("NO.", False),
    ("no todavía", False),
    ("todavía no", False),
    ("aún no", False),
    ("Aun no, la próxima semana", False),
    ("nop", False),
    ("nooo", False),
    ("negativo", False),
    ("claro que no", False),
    ("por supuesto que no", False),
    ("pendiente", False),
    ("en eso estamos", False),
    ("👎", False),
    ("no sé", None),
    ("tal vez", None),
    ("ya casi", None),
    ("creo que sí", None),
    ("sí y no", None),
    ("más o menos", None),
    ("hola", None),
    ("", None),
    ("???", None),
]


@pytest.mark.parametrize(("text", "expected"), YES_NO)
def test_parse_yes_no(text: str, expected: bool | None) -> None:
    assert parse_yes_no(text) is expected


# --- numbers ---------------------------------------------------------------------------------

NUMBERS = [
    ("3", 3.0),
    ("3,5", 3.5),
    ("3.5", 3.5),
    ("1.000", 1000.0),
    ("1.000.000", 1_000_000.0),
    ("1.234,5", 1234.5),
    ("1,234.5", 1234.5),
    ("0.500", 0.5),
    ("1,000", 1.0),  # the comma is the decimal mark in Colombia
    ("-3", -3.0),
    ("dos veces", 2.0),
    ("una vez", 1.0),
    ("una vez por semana", 1.0),
    ("doce", 12.0),
    ("veinte y uno", 21.0),
    ("veintiuno", 21.0),
    ("treinta y cinco", 35.0),
    ("ciento veinte", 120.0),
    ("dos mil nueve", 2009.0),
    ("un millón", 1_000_000.0),
    ("dos y media", 2.5),
    ("ninguna", 0.0),
    ("ninguna vez", 0.0),
    ("nada", 0.0),
    ("cero", 0.0),
    ("más o menos 4", 4.0),
    ("unas 5 veces", 5.0),
    ("12 actualizaciones", 12.0),
    ("Fueron 3.", 3.0),
    ("más de 3", None),
    ("2 o 3", None),
    ("dos tres", None),
    ("3 de 5", None),
    ("no sé", None),
    ("muchas", None),
    ("", None),
    ("1.2.3", None),
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_parse_number(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected


# --- percentages -----------------------------------------------------------------------------

PERCENTAGES = [
    ("80 %", 80.0),
    ("80%", 80.0),
    ("80", 80.0),
    ("el 98 %", 98.0),
    ("98,5%", 98.5),
    ("69 por ciento", 69.0),
    ("ochenta por ciento", 80.0),
    ("noventa y ocho por ciento", 98.0),
    ("cien por ciento", 100.0),
    ("100%", 100.0),
    ("0 %", 0.0),
    ("ninguno", 0.0),
    ("0,5", 0.5),  # an explicit value, never a fraction: 0,5 % is not 50 %
    ("0.5", 0.5),
    ("8 de 10", 80.0),
    ("ocho de diez", 80.0),
    ("3/4", 75.0),
    ("la mitad", 50.0),
    ("120%", None),
    ("-5%", None),
    ("11 de 10", None),
    ("80 o 90 %", None),
    ("mucho", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), PERCENTAGES)
def test_parse_percentage(text: str, expected: float | None) -> None:
    assert parse_percentage(text) == expected


# --- times -----------------------------------------------------------------------------------

TIMES = [
    ("9:00", time(9)),
    ("09:00", time(9)),
    ("14:30", time(14, 30)),
    ("9h30", time(9, 30)),
    ("14h", time(14)),
    ("15 horas", time(15)),
    ("a las 9", time(9)),
    ("a las nueve", time(9)),
    ("10am", time(10)),
    ("10 a. m.", time(10)),
    ("3 pm", time(15)),
    ("2 de la tarde", time(14)),
    ("8 de la mañana", time(8)),
    ("9 de la noche", time(21)),
    ("12 de la noche", time(0)),
    ("12 pm", time(12)),
    ("mediodía", time(12)),
    ("9 y media", time(9, 30)),
    ("9 y cuarto", time(9, 15)),
    ("9 menos cuarto", time(8, 45)),
    ("a las 9 y cuarenta y cinco", time(9, 45)),
    ("a las 2", time(14)),  # office hours: 1–6 without am/pm is the afternoon
    ("03:00", time(3)),  # a leading zero is the 24-hour clock on purpose
    ("a la una", time(13)),
    ("7", time(7)),
    ("25", None),
    ("9:75", None),
    ("13 pm", None),
    ("hola", None),
]


@pytest.mark.parametrize(("text", "expected"), TIMES)
def test_parse_time(text: str, expected: time | None) -> None:
    assert parse_time(text) == expected


# --- dates -----------------------------------------------------------------------------------

DATES = [
    ("2009-12-15", date(2009, 12, 15)),
    ("15/12/2009", date(2009, 12, 15)),
    ("15-12-09", date(2009, 12, 15)),
    ("15.12.2009", date(2009, 12, 15)),
    ("5/3", date(2009, 3, 5)),  # day first
    ("15 de diciembre", date(2009, 12, 15)),
    ("el 15 de diciembre", date(2009, 12, 15)),
    ("15 de diciembre de 2009", date(2009, 12, 15)),
    ("15 de diciembre del 2009", date(2009, 12, 15)),
    ("15 dic 2009", date(2009, 12, 15)),
    ("dic 15", date(2009, 12, 15)),
    ("martes 15 de diciembre", date(2009, 12, 15)),
    ("primero de marzo", date(2009, 3, 1)),
    ("1º de marzo", date(2009, 3, 1)),
    ("12 de enero", date(2009, 1, 12)),  # this year: only six weeks ago
    ("hoy", date(2009, 2, 27)),
    ("mañana", date(2009, 2, 28)),
    ("pasado mañana", date(2009, 3, 1)),
    ("ayer", date(2009, 2, 26)),
    ("antes de ayer", date(2009, 2, 25)),
    ("el martes", date(2009, 3, 3)),
    ("martes", date(2009, 3, 3)),
    ("el próximo viernes", date(2009, 3, 6)),  # today is Friday: the next one
    ("el viernes que viene", date(2009, 3, 6)),
    ("este lunes", date(2009, 3, 2)),
    ("el martes pasado", date(2009, 2, 24)),
    ("en dos semanas", date(2009, 3, 13)),
    ("en 3 días", date(2009, 3, 2)),
    ("dentro de un mes", date(2009, 3, 27)),
    ("dentro de 15 días", date(2009, 3, 14)),
    ("en un año", date(2010, 2, 27)),
    ("hace una semana", date(2009, 2, 20)),
    ("en 3 días hábiles", date(2009, 3, 4)),
    ("para el 3", date(2009, 3, 3)),  # the 3rd of February is weeks gone: next month's
    ("el 20", date(2009, 2, 20)),  # a week ago is still this month's
    ("el día 15", date(2009, 2, 15)),
    ("fin de mes", date(2009, 2, 28)),
    ("a fin de año", date(2009, 12, 31)),
    ("el 15 del próximo mes", date(2009, 3, 15)),
    ("quince de diciembre", date(2009, 12, 15)),
    ("el quince", date(2009, 2, 15)),
    ("viernes 6", date(2009, 3, 6)),
    ("viernes 7", None),  # 7 March 2009 is a Saturday: the answer contradicts itself
    ("3 de marzo a las 9", date(2009, 3, 3)),
    ("mañana a las 2 de la tarde", date(2009, 2, 28)),
    ("a más tardar el 10 de marzo", date(2009, 3, 10)),
    ("Hasta el 30/06/2009.", date(2009, 6, 30)),
    ("１５／１２／２００９", date(2009, 12, 15)),  # full-width digits from some keyboards
    ("٣/١٢/٢٠٠٩", date(2009, 12, 3)),  # Arabic-Indic digits are digits too
    ("30/02/2009", None),
    ("la próxima semana", date(2009, 3, 6)),  # its Friday: the end of the working week
    ("diciembre", None),
    ("hola", None),
    ("3 veces", None),
    ("1234567890", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "today", "prefer", "expected"),
    [
        # Without a year: this year, unless that is more than half a year gone.
        ("15 de enero", date(2009, 9, 1), "current", date(2010, 1, 15)),
        ("15 de diciembre", date(2010, 1, 5), "current", date(2010, 12, 15)),
        ("15 de diciembre", date(2010, 1, 5), "past", date(2009, 12, 15)),
        ("12 de enero", TODAY, "future", date(2010, 1, 12)),
        ("12 de enero", TODAY, "past", date(2009, 1, 12)),
        ("29 de febrero", TODAY, "current", date(2012, 2, 29)),
        ("el 3", TODAY, "past", date(2009, 2, 3)),
        ("el 20", TODAY, "future", date(2009, 3, 20)),
        ("el martes", TODAY, "past", date(2009, 2, 24)),
        ("el próximo martes", TODAY, "past", date(2009, 3, 3)),
        ("15 de diciembre de 2009", date(2012, 1, 1), "future", date(2009, 12, 15)),
    ],
)
def test_parse_date_prefer(text: str, today: date, prefer: Any, expected: date) -> None:
    assert parse_date(text, today=today, prefer=prefer) == expected


def test_working_days_skip_festivos() -> None:
    # From Friday 20 March 2009: Monday 23 is San José, so three working days is Thursday 26.
    assert parse_date("en tres días hábiles", today=date(2009, 3, 20)) == date(2009, 3, 26)


# --- formatting ------------------------------------------------------------------------------


def test_every_month_and_weekday_is_written_with_our_words() -> None:
    """The committee reads our words, not a locale library's current data."""
    short = [format_date_short(date(2009, month, 1)) for month in range(1, 13)]
    assert short == [
        "1 ene 2009", "1 feb 2009", "1 mar 2009", "1 abr 2009", "1 may 2009", "1 jun 2009",
        "1 jul 2009", "1 ago 2009", "1 sept 2009", "1 oct 2009", "1 nov 2009", "1 dic 2009",
    ]  # fmt: skip
    assert format_date(date(2010, 9, 15)) == "15 de septiembre de 2010"
    days = [weekday_name(date(2009, 3, 2 + offset)) for offset in range(7)]
    assert days == ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]


def test_formats_in_colombian_spanish() -> None:
    assert format_date(date(2009, 2, 27)) == "27 de febrero de 2009"
    assert format_date(date(2009, 12, 1)) == "1 de diciembre de 2009"
    assert format_date_short(date(2009, 2, 27)) == "27 feb 2009"
    assert format_date_short(date(2009, 9, 3)) == "3 sept 2009"  # ours, whatever CLDR says
    assert format_datetime(at(2009, 3, 3, 9)) == "3 de marzo de 2009, 09:00"
    utc = datetime(2009, 3, 3, 14, 0, tzinfo=UTC)
    assert format_datetime(utc, "America/Bogota") == "3 de marzo de 2009, 09:00"
    assert weekday_name(date(2009, 3, 3)) == "martes"
    assert weekday_name(date(2009, 3, 4)) == "miércoles"
    assert month_name(2) == "febrero"
    assert month_name(12) == "diciembre"
    with pytest.raises(ValueError):
        month_name(13)


# --- the monthly meeting rule ----------------------------------------------------------------

RULES = [
    ("primer martes 9:00", MeetingRule(at=time(9), ordinal=1, weekday=1)),
    ("primer martes del mes a las 9", MeetingRule(at=time(9), ordinal=1, weekday=1)),
    ("El primer martes de cada mes, 9 am", MeetingRule(at=time(9), ordinal=1, weekday=1)),
    ("1er martes 9", MeetingRule(at=time(9), ordinal=1, weekday=1)),
    ("segundo jueves 14:30", MeetingRule(at=time(14, 30), ordinal=2, weekday=3)),
    ("2do jueves a las 2 y media", MeetingRule(at=time(14, 30), ordinal=2, weekday=3)),
    ("tercer miércoles, 2 de la tarde", MeetingRule(at=time(14), ordinal=3, weekday=2)),
    ("cuarto lunes a las 8:00", MeetingRule(at=time(8), ordinal=4, weekday=0)),
    ("último viernes 15:00", MeetingRule(at=time(15), ordinal=LAST, weekday=4)),
    ("ultimo viernes del mes a las 3", MeetingRule(at=time(15), ordinal=LAST, weekday=4)),
    ("cada mes el día 15 a las 10:00", MeetingRule(at=time(10), day=15)),
    ("el 15 de cada mes 10am", MeetingRule(at=time(10), day=15)),
    ("todos los meses el día 3", MeetingRule(at=time(9), day=3)),  # no time: 09:00
    ("el primero de cada mes a las 8", MeetingRule(at=time(8), day=1)),
    ("el último día del mes a las 3", MeetingRule(at=time(15), day=31)),
    ("el 31 de cada mes", MeetingRule(at=time(9), day=31)),
    ("el 15 10", MeetingRule(at=time(10), day=15)),
    ("el quince de cada mes a las 10", MeetingRule(at=time(10), day=15)),
    ("los primeros martes, 9 am", MeetingRule(at=time(9), ordinal=1, weekday=1)),
    ("una vez al mes, el día 5", MeetingRule(at=time(9), day=5)),
    ("mensual el 5 a las 2 pm", MeetingRule(at=time(14), day=5)),
    ("todos los martes", None),  # weekly, not monthly
    ("cada 15 días", None),
    ("cada semana", None),
    ("el último día hábil del mes", None),
    ("15 de diciembre a las 10", None),  # one date, not a rule
    ("primer martes y tercer jueves", None),
    ("el 32 de cada mes", None),
    ("9:00", None),
    ("hola", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), RULES)
def test_parse_meeting_rule(text: str, expected: MeetingRule | None) -> None:
    assert parse_meeting_rule(text) == expected


@pytest.mark.parametrize(
    ("rule", "description", "stored"),
    [
        (MeetingRule(at=time(9), ordinal=1, weekday=1), "primer martes de cada mes a las 09:00",
         "1st tue 09:00"),
        (MeetingRule(at=time(14, 30), ordinal=2, weekday=3),
         "segundo jueves de cada mes a las 14:30", "2nd thu 14:30"),
        (MeetingRule(at=time(15), ordinal=LAST, weekday=4),
         "último viernes de cada mes a las 15:00", "last fri 15:00"),
        (MeetingRule(at=time(10), day=15), "día 15 de cada mes a las 10:00", "day 15 10:00"),
        (MeetingRule(at=time(9), day=31), "último día de cada mes a las 09:00", "day 31 09:00"),
    ],
)  # fmt: skip
def test_rule_describe_and_storage(rule: MeetingRule, description: str, stored: str) -> None:
    assert rule.describe() == description
    assert rule.to_text() == stored
    assert MeetingRule.from_text(stored) == rule
    assert parse_meeting_rule(description) == rule


@pytest.mark.parametrize("stored", ["", "1st tue", "5th tue 09:00", "day 0 09:00", "x y 09:00"])
def test_rule_from_bad_storage_raises(stored: str) -> None:
    with pytest.raises(ValueError):
        MeetingRule.from_text(stored)


@pytest.mark.parametrize(
    ("text", "after", "expected"),
    [
        ("primer martes 9:00", at(2009, 2, 27, 9), at(2009, 3, 3, 9)),
        ("primer martes 9:00", at(2009, 3, 3, 8, 59), at(2009, 3, 3, 9)),
        ("primer martes 9:00", at(2009, 3, 3, 9), at(2009, 4, 7, 9)),  # strictly after
        ("segundo jueves 14:30", at(2009, 2, 27, 9), at(2009, 3, 12, 14, 30)),
        ("último viernes 15:00", at(2009, 2, 27, 9), at(2009, 2, 27, 15)),
        ("último viernes 15:00", at(2009, 2, 27, 15), at(2009, 3, 27, 15)),
        ("cada mes el día 15 a las 10:00", at(2009, 2, 27, 9), at(2009, 3, 15, 10)),
        ("el 15 de cada mes 10am", at(2009, 3, 15, 10), at(2009, 4, 15, 10)),
        ("todos los meses el día 3", at(2009, 2, 27, 9), at(2009, 3, 3, 9)),
        ("el 31 de cada mes", at(2009, 3, 31, 9), at(2009, 4, 30, 9)),
        ("el 30 de cada mes", at(2009, 1, 30, 9), at(2009, 2, 28, 9)),
        ("el 30 de cada mes", at(2009, 2, 28, 9), at(2009, 3, 30, 9)),
        ("el 29 de cada mes", at(2008, 1, 30), at(2008, 2, 29, 9)),  # a leap year
        ("cuarto lunes 8:00", at(2009, 12, 28, 8), at(2010, 1, 25, 8)),
    ],
)
def test_next_meeting(text: str, after: datetime, expected: datetime) -> None:
    rule = parse_meeting_rule(text)
    assert rule is not None
    assert rule.next_after(after, "America/Bogota") == expected


def test_next_meeting_from_another_zone() -> None:
    rule = MeetingRule(at=time(9), ordinal=1, weekday=1)
    found = rule.next_after(datetime(2009, 3, 3, 13, 59, tzinfo=UTC), BOGOTA)
    assert found == at(2009, 3, 3, 9)
    assert found.tzinfo == BOGOTA


def test_occurrences_of_the_first_semester_of_2009() -> None:
    rule = MeetingRule(at=time(9), ordinal=1, weekday=1)
    found = rule.occurrences(at(2009, 1, 1), at(2009, 7, 1), "America/Bogota")
    assert [d.date() for d in found] == [
        date(2009, 1, 6),
        date(2009, 2, 3),
        date(2009, 3, 3),
        date(2009, 4, 7),
        date(2009, 5, 5),
        date(2009, 6, 2),
    ]
    # The start is included, the end is not.
    assert rule.occurrences(at(2009, 3, 3, 9), at(2009, 4, 7, 9), BOGOTA) == [at(2009, 3, 3, 9)]


@pytest.mark.parametrize("day", [29, 30, 31])
def test_late_days_fall_once_a_month_on_the_last_day_at_most(day: int) -> None:
    rule = MeetingRule(at=time(10), day=day)
    found = rule.occurrences(at(2009, 1, 1), at(2010, 1, 1), BOGOTA)
    assert len(found) == 12
    assert [d.month for d in found] == list(range(1, 13))
    assert found[1].date() == date(2009, 2, 28)


def test_rule_needs_aware_moments() -> None:
    with pytest.raises(ValueError):
        MeetingRule(day=3).next_after(datetime(2009, 2, 27, 9), BOGOTA)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"day": 3, "ordinal": 1},
        {"ordinal": 1},
        {"weekday": 1},
        {"ordinal": 5, "weekday": 1},
        {"ordinal": 1, "weekday": 7},
        {"day": 0},
        {"day": 32},
        {"day": 3, "at": time(9, tzinfo=BOGOTA)},
        {"day": 3, "at": time(9, 0, 30)},
    ],
)
def test_invalid_rules_are_refused(fields: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        MeetingRule(**fields)


RULE_STRATEGY = st.one_of(
    st.builds(
        MeetingRule,
        at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
        ordinal=st.sampled_from([1, 2, 3, 4, LAST]),
        weekday=st.integers(0, 6),
    ),
    st.builds(
        MeetingRule,
        at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
        day=st.integers(1, 31),
    ),
)
_ONE_MICROSECOND = timedelta(microseconds=1)
MOMENTS = st.datetimes(
    min_value=datetime(2008, 1, 1), max_value=datetime(2012, 12, 31), timezones=st.just(BOGOTA)
)


@settings(max_examples=100, deadline=None)
@given(RULE_STRATEGY, MOMENTS)
def test_rules_round_trip_and_next_is_an_occurrence(rule: MeetingRule, moment: datetime) -> None:
    assert MeetingRule.from_text(rule.to_text()) == rule
    assert parse_meeting_rule(rule.describe()) == rule
    following = rule.next_after(moment, BOGOTA)
    assert moment < following
    assert (following - moment).days < 36  # monthly: never more than five weeks away
    assert rule.occurrences(moment + _ONE_MICROSECOND, following, BOGOTA) == []
    assert rule.occurrences(following, following + _ONE_MICROSECOND, BOGOTA) == [following]


# --- nothing a person can type makes a parser raise ------------------------------------------

HOSTILE = [
    "<b>15/12/2009</b>",
    "<script>alert('sí')</script>",
    "{{ fecha }}",
    "{% if si %}no{% endif %}",
    "${7*7}",
    "%s %d %(x)s",
    "'; DROP TABLE compromisos; --",
    "\x00\x01\x02",
    "\u202e\u200b\ufeff",
    "🙂" * 100,
    "9" * 400,
    "1." * 300,
    "a las " * 200,
    "el martes " * 300,
    "15 de diciembre" + " " * 4000 + "de 2009",
]
REAL = [text for text, _ in YES_NO + NUMBERS + PERCENTAGES + TIMES + DATES + RULES]
ANY_TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(HOSTILE),
    # 4096 characters, Telegram's longest message, built cheaply from a short random piece.
    st.text(min_size=1, max_size=40).map(lambda piece: (piece * 4096)[:4096]),
    st.tuples(st.sampled_from(REAL), st.text(max_size=30), st.sampled_from(REAL)).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_fast_parsers_never_raise(text: str) -> None:
    assert parse_yes_no(text) in (True, False, None)
    assert isinstance(parse_number(text), float | None)
    percentage = parse_percentage(text)
    assert percentage is None or 0 <= percentage <= 100
    assert isinstance(parse_time(text), time | None)
    assert isinstance(parse_meeting_rule(text), MeetingRule | None)
    assert isinstance(normalize(text), str)


# dateparser is slow on arbitrary text, so this one looks at fewer examples.
@settings(max_examples=50, deadline=None)
@given(ANY_TEXT, st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
def test_parse_date_never_raises(text: str, today: date) -> None:
    assert isinstance(parse_date(text, today=today), date | None)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_not_a_value(text: str) -> None:
    assert parse_date(text, today=TODAY) is None
    assert parse_meeting_rule(text) is None
