"""A department for board tests: municipalities with known histories and a delegada following them.

Built through the domain layer and plain rows, at known moments, so each committee's figures
on the board are known in advance:
- Mocoa: met every month, site updated, información complete, informe sent — al día.
- Villagarzón: never met.
- Puerto Asís: met once, three compromisos overdue and one open.
- Sibundoy: the delegada asked to follow it, but its coordinador has not accepted.
- Colón: the delegada never asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from gelbot.clock import ManualClock
from gelbot.domain import committees as domain
from gelbot.domain.committees import PersonInfo
from gelbot.domain.frameworks import get_framework
from gelbot.domain.indicator_periods import period_of
from gelbot.domain.indicators import SITIO_WEB_SEMANAL
from gelbot.models import (
    Committee,
    CriterionStatus,
    DelegateFollow,
    FollowStatus,
    Indicator,
    IndicatorReading,
    InformeDraft,
    Meeting,
)
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeTelegram, FakeUser
from tests.support.reminders_world import World, add_compromiso, local, make_world

CREATED = local(2009, 1, 5)
TODAY = local(2009, 3, 20, 10)  # a Friday: February and March meetings were due


@dataclass
class Department:
    services: Services
    tg: FakeTelegram
    worlds: dict[str, World] = field(default_factory=dict)
    delegada: FakeUser | None = None
    delegada_id: int = 0

    def committee_id(self, name: str) -> int:
        return self.worlds[name].committee_id


async def _meeting(world: World, day: date) -> None:
    async with world.services.transaction() as session:
        session.add(
            Meeting(committee_id=world.committee_id, held_on=day, status="cerrada",
                    started_at=local(day.year, day.month, day.day))
        )  # fmt: skip


async def _follow(dept: Department, name: str, status: FollowStatus) -> None:
    async with dept.services.transaction() as session:
        session.add(
            DelegateFollow(person_id=dept.delegada_id, committee_id=dept.committee_id(name),
                           status=status.value, requested_at=CREATED)
        )  # fmt: skip


async def _mocoa_is_up_to_date(world: World) -> None:
    for day in (date(2009, 1, 6), date(2009, 2, 3), date(2009, 3, 3)):
        await _meeting(world, day)
    información = get_framework("decreto_1151").phase("informacion")
    async with world.services.transaction() as session:
        for criterion in información.criteria:
            session.add(
                CriterionStatus(committee_id=world.committee_id, criterion_key=criterion.key,
                                met=True, updated_at=CREATED)
            )  # fmt: skip
        indicator = Indicator(committee_id=world.committee_id, key=SITIO_WEB_SEMANAL,
                              name="Actualizaciones del sitio web por semana", meta=1,
                              frequency="semanal")  # fmt: skip
        session.add(indicator)
        await session.flush()
        week = period_of("semanal", date(2009, 2, 2))
        # Every week from February to the one before today: seven weeks, five updated.
        for number in range(7):
            start = week.start + timedelta(weeks=number)
            session.add(
                IndicatorReading(indicator_id=indicator.id, period_start=start,
                                 period_end=start + timedelta(days=6),
                                 value=0 if number in (2, 4) else 1,
                                 person_id=world.person_ids["Ana"],
                                 recorded_at=datetime.combine(start, datetime.min.time(), UTC)
                                 + timedelta(days=4))
            )  # fmt: skip
        session.add(
            InformeDraft(committee_id=world.committee_id, kind="semestral",
                         period_start=date(2008, 8, 1), period_end=date(2009, 1, 31),
                         created_at=local(2009, 2, 9), updated_at=local(2009, 2, 10),
                         generated_at=local(2009, 2, 10))
        )  # fmt: skip


async def make_department(services: Services, tg: FakeTelegram, clock: ManualClock) -> Department:
    clock.set(CREATED)
    dept = Department(services, tg)
    for entity, coordinador in (
        ("Alcaldía de Mocoa", "Ana"),
        ("Alcaldía de Villagarzón", "Vilma"),
        ("Alcaldía de Puerto Asís", "Pedro"),
        ("Alcaldía de Sibundoy", "Sara"),
        ("Alcaldía de Colón", "Carlos"),
    ):
        dept.worlds[entity.split(" de ", 1)[1]] = await make_world(
            services, tg, entity=entity, coordinador=coordinador
        )
    delegada = tg.add_user("Delia", "delia")
    tg.private_chat(delegada)
    async with services.transaction() as session:
        person = await domain.upsert_person(
            session, PersonInfo(delegada.id, "Delia", "delia"), now=CREATED
        )
        person.private_chat_open = True
        await session.flush()
        dept.delegada, dept.delegada_id = delegada, person.id
    for name in ("Mocoa", "Villagarzón", "Puerto Asís"):
        await _follow(dept, name, FollowStatus.ACEPTADO)
    await _follow(dept, "Sibundoy", FollowStatus.PENDIENTE)

    await _mocoa_is_up_to_date(dept.worlds["Mocoa"])
    asis = dept.worlds["Puerto Asís"]
    await _meeting(asis, date(2009, 2, 3))
    for number, due in enumerate((date(2009, 2, 20), date(2009, 3, 1), date(2009, 3, 13))):
        await add_compromiso(asis, "Pedro", f"Tarea vencida {number + 1}", due)
    await add_compromiso(asis, "Pedro", "Tarea a tiempo", date(2009, 4, 30))
    # Sibundoy and Colón look like Mocoa's worst case, so leaking them would show.
    for hidden in ("Sibundoy", "Colón"):
        for number in range(4):
            await add_compromiso(dept.worlds[hidden], "Sara" if hidden == "Sibundoy" else "Carlos",
                                 f"Secreto de {hidden} {number}", date(2009, 2, 1))  # fmt: skip
    clock.set(TODAY)
    return dept


async def committee(services: Services, committee_id: int) -> Committee:
    async with services.sessions() as session:
        found = await session.get(Committee, committee_id)
        assert found is not None
        return found
