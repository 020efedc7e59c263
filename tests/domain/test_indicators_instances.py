"""Two gelbot instances on one database recording indicator values for the same committee.

Each race is played out, not left to chance: the first instance's transaction stays open after
it wrote, the second one runs until it waits on the first, then the first commits. Before
indicators were claimed (INSERT … ON CONFLICT DO NOTHING, then SELECT), the second one found
no row, inserted its own and failed on the unique constraint: its person read «algo falló».
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import indicators, sitio_web
from gelbot.models import Committee, Indicator, IndicatorReading, Person
from gelbot.services import Services
from tests.support.instances import Work, mocoa_with_ana_and_beto, race

NOW = datetime(2009, 3, 2, 14, 0, tzinfo=UTC)  # a Monday
TODAY = NOW.date()
LAST_WEEK, THIS_WEEK = date(2009, 2, 23), date(2009, 3, 2)


async def setup(services: Services) -> tuple[int, int, int]:
    """Alcaldía de Mocoa with Ana and Beto; (committee id, Ana's id, Beto's id)."""
    return await mocoa_with_ana_and_beto(services, NOW)


def answering(committee_id: int, person_id: int, week: date, times: int) -> Work[bool]:
    """The weekly «¿cuántas veces actualizaron el sitio web?» answered; did it replace one?"""

    async def work(session: AsyncSession) -> bool:
        _, replaced = await sitio_web.record_answer(
            session, committee_id, week, times, person_id=person_id, now=NOW, today=TODAY
        )
        return replaced

    return work


async def site_readings(services: Services) -> tuple[int, dict[date, float | None]]:
    """How many sitio web indicators there are, and each week's recorded number."""
    async with services.transaction() as session:
        count = await session.scalar(
            select(func.count()).where(Indicator.key == sitio_web.INDICATOR_KEY)
        )
        rows = await session.execute(
            select(IndicatorReading.period_start, IndicatorReading.value).join(Indicator)
        )
        return count or 0, {week: value for week, value in rows}


async def test_two_first_answers_at_once_are_both_recorded_on_one_indicator(
    services: Services, other: Services
) -> None:
    committee_id, ana, beto = await setup(services)

    await race(
        services,
        other,
        answering(committee_id, ana, LAST_WEEK, 2),
        answering(committee_id, beto, THIS_WEEK, 3),
    )

    assert await site_readings(services) == (1, {LAST_WEEK: 2.0, THIS_WEEK: 3.0})


async def test_two_answers_for_the_same_week_at_once_the_second_replaces_the_first(
    services: Services, other: Services
) -> None:
    committee_id, ana, beto = await setup(services)
    async with services.transaction() as session:
        await sitio_web.indicator(session, committee_id)  # asked before: the indicator exists

    replaced = await race(
        services,
        other,
        answering(committee_id, ana, THIS_WEEK, 2),
        answering(committee_id, beto, THIS_WEEK, 3),
    )

    assert replaced == [False, True]  # Beto is told he replaced Ana's answer
    assert await site_readings(services) == (1, {THIS_WEEK: 3.0})


async def test_two_values_of_a_new_indicator_at_once_keep_both_in_its_history(
    services: Services, other: Services
) -> None:
    committee_id, ana, beto = await setup(services)

    def recording(person_id: int, value: float) -> Work[None]:
        async def work(session: AsyncSession) -> None:
            committee = await session.get(Committee, committee_id)
            person = await session.get(Person, person_id)
            assert committee is not None
            indicator = await indicators.ensure_indicator(
                session, committee, "actas_publicadas", "Actas publicadas", 1, "mensual"
            )
            await indicators.record_reading(session, indicator, TODAY, value, person, None, NOW)

        return work

    await race(services, other, recording(ana, 1), recording(beto, 2))

    async with services.transaction() as session:
        found = list(await session.scalars(select(Indicator)))
        reading = await session.scalar(select(IndicatorReading))
    assert [i.key for i in found] == ["actas_publicadas"]
    assert reading is not None
    assert (reading.value, reading.person_id) == (2, beto)
    assert [(h["value"], h["person_id"]) for h in reading.details["history"]] == [(1, ana)]


async def test_two_values_replacing_one_at_once_keep_every_value_in_its_history(
    services: Services, other: Services
) -> None:
    committee_id, ana, beto = await setup(services)
    async with services.transaction() as session:
        committee = await session.get(Committee, committee_id)
        assert committee is not None
        indicator = await indicators.ensure_indicator(
            session, committee, "actas_publicadas", "Actas publicadas", 1, "mensual"
        )
        await indicators.record_reading(session, indicator, TODAY, 0, None, None, NOW)

    def recording(person_id: int, value: float) -> Work[None]:
        async def work(session: AsyncSession) -> None:
            found = await session.get(Indicator, indicator.id)
            person = await session.get(Person, person_id)
            assert found is not None
            await indicators.record_reading(session, found, TODAY, value, person, None, NOW)

        return work

    await race(services, other, recording(ana, 1), recording(beto, 2))

    async with services.transaction() as session:
        reading = await session.scalar(select(IndicatorReading))
    assert reading is not None
    assert (reading.value, reading.person_id) == (2, beto)
    history = [(h["value"], h["person_id"]) for h in reading.details["history"]]
    assert history == [(0, None), (1, ana)]  # Ana's value is not lost to Beto's
