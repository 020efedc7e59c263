"""Indicators: periods, readings and who gave them, status against the meta, /indicadores."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import example, given
from sqlalchemy import select

from gelbot.clock import ManualClock
from gelbot.domain import indicators
from gelbot.domain.indicator_periods import Period, period_of, periods_between
from gelbot.domain.indicators import IndicatorStatus
from gelbot.domain.plan_import import parse_plan
from gelbot.domain.plans import import_plan
from gelbot.models import Committee, Indicator, IndicatorReading, Person, ReadingStatus
from gelbot.services import Services
from tests.domain.test_plans import seed_file, send_file
from tests.support.committee_world import World, committee
from tests.support.harness import Harness, texts
from tests.support.hostile import (
    HYPOTHESIS,
    Hostile,
    arguments,
    command_word,
)

NOW = datetime(2009, 3, 2, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("frequency", "day", "start", "end"),
    [
        # Weeks run Monday to Sunday.
        ("semanal", date(2009, 3, 4), date(2009, 3, 2), date(2009, 3, 8)),
        ("semanal", date(2009, 3, 8), date(2009, 3, 2), date(2009, 3, 8)),
        ("semanal", date(2009, 1, 1), date(2008, 12, 29), date(2009, 1, 4)),
        ("mensual", date(2009, 2, 14), date(2009, 2, 1), date(2009, 2, 28)),
        ("mensual", date(2008, 12, 31), date(2008, 12, 1), date(2008, 12, 31)),
        ("trimestral", date(2009, 5, 31), date(2009, 4, 1), date(2009, 6, 30)),
        ("trimestral", date(2009, 12, 1), date(2009, 10, 1), date(2009, 12, 31)),
        # Calendar semesters, January–June and July–December.
        ("semestral", date(2009, 6, 30), date(2009, 1, 1), date(2009, 6, 30)),
        ("semestral", date(2009, 7, 1), date(2009, 7, 1), date(2009, 12, 31)),
        ("anual", date(2009, 8, 3), date(2009, 1, 1), date(2009, 12, 31)),
        # A once-only indicator: each reading is that day's snapshot.
        ("unica", date(2009, 8, 3), date(2009, 8, 3), date(2009, 8, 3)),
    ],
)
def test_periods(frequency: str, day: date, start: date, end: date) -> None:
    assert period_of(frequency, day) == Period(start, end)
    assert day in period_of(frequency, day)


def test_periods_between_and_unknown_frequency() -> None:
    weeks = periods_between("semanal", date(2009, 2, 1), date(2009, 7, 31))
    assert weeks[0].start == date(2009, 2, 2)  # the week that began on 26 January is not in
    assert weeks[-1].start == date(2009, 7, 27)
    assert len(weeks) == 26
    assert len(periods_between("mensual", date(2009, 2, 1), date(2009, 7, 31))) == 6
    assert periods_between("unica", date(2009, 1, 1), date(2009, 12, 31)) == []
    assert periods_between("mensual", date(2009, 3, 1), date(2009, 2, 1)) == []
    with pytest.raises(ValueError):
        period_of("diaria", date(2009, 3, 2))
    assert indicators.period_noun("semanal", 1) == "semana"
    assert indicators.period_noun("mensual", 2) == "meses"


def _indicator(frequency: str = "semanal", meta: float | None = 1) -> Indicator:
    return Indicator(id=1, committee_id=1, key="k", name="n", meta=meta, frequency=frequency)


def _reading(start: date, value: float | None) -> IndicatorReading:
    return IndicatorReading(
        indicator_id=1,
        period_start=start,
        period_end=start,
        value=value,
        status=(ReadingStatus.RESPONDIDO if value is not None else ReadingStatus.SIN_RESPUESTA),
    )


def test_status_against_the_meta() -> None:
    weekly = _indicator()
    monday = date(2009, 3, 2)
    assert indicators.indicator_status(weekly, [], monday) is IndicatorStatus.NO_DATA
    met = [_reading(monday, 2)]
    assert indicators.indicator_status(weekly, met, date(2009, 3, 6)) is IndicatorStatus.ON_TRACK
    short = [_reading(monday, 0)]
    assert indicators.indicator_status(weekly, short, monday) is IndicatorStatus.OFF_TRACK
    # Last week's value does not speak for this week.
    assert indicators.indicator_status(weekly, met, date(2009, 3, 9)) is IndicatorStatus.NO_DATA
    silent = [_reading(monday, None)]
    assert indicators.indicator_status(weekly, silent, monday) is IndicatorStatus.NO_DATA
    # A meta that is not a number ("Excelente") can't be judged.
    wordy = _indicator("anual", meta=None)
    answered = [_reading(date(2009, 1, 1), 5)]
    assert indicators.indicator_status(wordy, answered, monday) is IndicatorStatus.NO_DATA
    # Once-only: the latest snapshot so far.
    once = _indicator("unica", meta=80)
    snapshots = [_reading(date(2009, 1, 10), 85), _reading(date(2009, 2, 10), 60)]
    assert indicators.indicator_status(once, snapshots, monday) is IndicatorStatus.OFF_TRACK
    assert (
        indicators.indicator_status(once, snapshots, date(2009, 2, 1)) is IndicatorStatus.ON_TRACK
    )


def test_compliance_counts_periods_that_met_the_meta() -> None:
    weekly = _indicator()
    weeks = periods_between("semanal", date(2009, 2, 1), date(2009, 7, 31))
    readings = [_reading(w.start, 1) for w in weeks[:24]] + [_reading(weeks[24].start, 0)]
    result = indicators.compliance_between(
        weekly, readings, date(2009, 2, 1), date(2009, 7, 31), today=date(2009, 8, 3)
    )
    assert result.describe() == "24 de 26 semanas"
    assert (result.answered, result.missing) == (25, 1)
    # Mid-way, the running week without a value yet is not a missed week.
    result = indicators.compliance_between(
        weekly, readings[:4], date(2009, 2, 1), date(2009, 7, 31), today=date(2009, 3, 4)
    )
    assert result.describe() == "4 de 4 semanas"
    monthly = indicators.compliance_between(
        _indicator("mensual"), [], date(2009, 2, 1), date(2009, 7, 31), today=date(2009, 8, 3)
    )
    assert monthly.describe() == "0 de 6 meses"


async def _committee_and_person(services: Services) -> tuple[Committee, Person]:
    async with services.transaction() as session:
        person = Person(telegram_id=5, first_name="Ana", created_at=NOW)
        found = Committee(chat_id=-5, entity_name="Alcaldía de Mocoa", created_at=NOW)
        session.add_all([person, found])
    return found, person


async def test_readings_upsert_and_keep_who(services: Services) -> None:
    found, ana = await _committee_and_person(services)
    async with services.transaction() as session:
        site = await indicators.ensure_indicator(
            session, found, "sitio_web_semanal", "Actualizaciones del sitio web", 1, "semanal"
        )
        again = await indicators.ensure_indicator(
            session, found, "sitio_web_semanal", "Otro nombre", 3, "mensual"
        )
        assert again.id == site.id and again.name == "Actualizaciones del sitio web"
        # Any day of the week stores the week's reading.
        first = await indicators.record_reading(session, site, date(2009, 3, 4), 0, None, 11, NOW)
        later = NOW + timedelta(days=2)
        second = await indicators.record_reading(session, site, date(2009, 3, 2), 2, ana, 12, later)
        assert second.id == first.id
        assert (second.period_start, second.period_end) == (date(2009, 3, 2), date(2009, 3, 8))
        assert (second.value, second.person_id, second.answer_id) == (2, ana.id, 12)
        assert second.recorded_at == later
        assert second.details is not None
        [earlier] = second.details["history"]
        assert (earlier["value"], earlier["answer_id"], earlier["person_id"]) == (0, 11, None)
        # «Sin respuesta» never overwrites an answer, and fills a silent week.
        assert await indicators.record_no_answer(session, site, date(2009, 3, 5), later) is None
        silent = await indicators.record_no_answer(session, site, date(2009, 3, 9), later)
        assert silent is not None and silent.status == ReadingStatus.SIN_RESPUESTA.value
        between = await indicators.readings_between(
            session, site, date(2009, 3, 1), date(2009, 3, 31)
        )
        assert [r.period_start for r in between] == [date(2009, 3, 2), date(2009, 3, 9)]
        # A retired indicator comes back when someone ensures it again.
        site.retired_at = NOW
        revived = await indicators.ensure_indicator(
            session, found, "sitio_web_semanal", "x", 1, "semanal"
        )
        assert revived.retired_at is None
        with pytest.raises(ValueError):
            await indicators.ensure_indicator(session, found, "k", "n", 1, "diaria")


# --- /indicadores ------------------------------------------------------------------------------


async def with_plan(bot: Harness) -> World:
    world = await committee(bot)
    content = seed_file("puerto_santander_2008.yaml")
    await send_file(bot, world.ana, world.group, "ps.yaml", content, "/plan")
    await world.say(world.ana, "/rol @carla editor_web")
    return world


async def test_indicadores_lists_this_period_against_the_meta(bot: Harness) -> None:
    world = await committee(bot)
    [empty] = await world.say(world.beto, "/indicadores")
    assert "aún no tiene indicadores" in empty.plain
    content = seed_file("puerto_santander_2008.yaml")
    await send_file(bot, world.ana, world.group, "ps.yaml", content, "/plan")
    await world.say(world.ana, "/indicadores 1 2")
    await world.say(world.ana, "/indicadores 10 40")
    [listing] = await world.say(world.beto, "/indicadores")
    shown = listing.plain
    assert "✅ 1 en la meta · ⚠️ 1 por debajo · ▫️ 9 sin datos" in shown
    assert "✅ 1. Número de veces que se actualiza el sitio Web por semana" in shown
    assert (
        "Semana del 2 de marzo de 2009: 2 actualizaciones · meta 1 actualización por semana"
        in shown
    )
    assert "⚠️ 10. Porcentaje de cumplimiento de metas por dependencia" in shown
    assert "Marzo de 2009: sin datos · meta 100 % al mes" in shown


async def test_recording_values_and_history(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await with_plan(bot)
    [done] = await world.say(world.carla, "/indicadores 1 dos")
    assert "✅ Registrado por Carla" in done.plain
    assert "semana del 2 de marzo de 2009: 2 actualizaciones" in done.plain
    [done] = await world.say(world.ana, "/indicadores sitio_web_semanal 0 anterior")
    assert "⚠️" in done.plain and "semana del 23 de febrero de 2009: 0 actualizaciones" in done.plain
    [done] = await world.say(world.ana, "/indicadores 2 80 %")
    assert "medición del 2 de marzo de 2009: 80 %" in done.plain
    assert "Por debajo de la meta (100 % en total)" in done.plain
    [detail] = await world.say(world.beto, "/indicadores 1")
    assert "Clave:" not in detail.plain and "sitio_web_semanal" not in detail.plain
    assert (
        "Semana del 2 de marzo de 2009: 2 actualizaciones — Carla, 2 de marzo de 2009"
        in detail.plain
    )
    assert "Semana del 23 de febrero de 2009: 0 actualizaciones — Ana" in detail.plain
    async with services.transaction() as session:
        people = {p.id: p.first_name for p in await session.scalars(select(Person))}
        rows = await session.scalars(select(IndicatorReading).order_by(IndicatorReading.id))
        assert [(r.period_start, r.value, people[r.person_id or 0]) for r in rows] == [
            (date(2009, 3, 2), 2, "Carla"),
            (date(2009, 2, 23), 0, "Ana"),
            (date(2009, 3, 2), 80, "Ana"),
        ]


async def test_the_week_is_the_committees_local_week(
    bot: Harness, services: Services, clock: ManualClock
) -> None:
    world = await with_plan(bot)
    # Sunday 8 March, 22:00 in Bogotá is already Monday in UTC: still the week of 2 March.
    clock.set(datetime(2009, 3, 9, 3, 0, tzinfo=UTC))
    [done] = await world.say(world.ana, "/indicadores 1 1")
    assert "semana del 2 de marzo de 2009" in done.plain


async def test_bad_input_and_permissions(bot: Harness, services: Services) -> None:
    world = await with_plan(bot)
    [answer] = await world.say(world.beto, "/indicadores 1 2")
    assert "Solo el coordinador, control interno o el editor web" in answer.plain
    for text, expected in [
        ("/indicadores 99 2", "No hay indicador «99». Use el número de la lista (de 1 a 11)"),
        ("/indicadores nada 2", "No hay indicador «nada»"),
        ("/indicadores 1 muchas", "«muchas» no es un valor que entienda"),
        ("/indicadores 1 -3", "«-3» no es un valor que entienda"),
        ("/indicadores 2 150 %", "Escriba un número de 0 a 100"),
        ("/indicadores 1 anterior", "Falta el valor"),
        ("/indicadores 1 <b>&amp;", "no es un valor que entienda"),
    ]:
        [answer] = await world.say(world.ana, text)
        assert expected in answer.plain, (text, answer.plain)
    async with services.transaction() as session:
        assert list(await session.scalars(select(IndicatorReading))) == []


async def test_indicadores_in_private(bot: Harness) -> None:
    world = await with_plan(bot)
    [listing] = await bot.say(world.beto, bot.tg.private_chat(world.beto), "/indicadores")
    assert "Indicadores — Alcaldía de Mocoa" in listing.plain
    stranger = bot.tg.add_user("Dora", "dora")
    [answer] = await bot.say(stranger, bot.tg.private_chat(stranger), "/indicadores")
    assert "no pertenece a ningún comité" in answer.plain
    assert "indicadores" in texts([answer])


@HYPOTHESIS
@given(word=command_word("indicadores"), arg=arguments("indicadores"))
@example(word="/indicadores", arg="1 {{ 7*7 }}")
@example(word="/indicadores", arg="1 <b>3</b> anterior")
@example(word="/indicadores", arg="999999999999999999999 1")
@example(word="/indicadores", arg="2 1e400")
async def test_indicadores_arguments_are_answered_cleanly(
    hostile: Hostile, word: str, arg: str
) -> None:
    group, ana, found = await hostile.committee()
    async with hostile.services.transaction() as session:
        plan = parse_plan(seed_file("chitaga.csv"), "chitaga.csv")
        await import_plan(session, found, plan, now=NOW, actor=None)
    plain = await hostile.says(ana, group, f"{word} {arg}")
    assert "indicador" in plain.lower() or "Registrado" in plain or "valor" in plain
