"""Two gelbot instances recording who holds the same cargo at once.

Before the holder row was created with INSERT … ON CONFLICT DO NOTHING, the instance that came
second failed on the (committee, cargo) unique constraint: its person read «algo falló».
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import cargos, committees
from gelbot.domain.committees import PersonInfo
from gelbot.models import CargoHolder, Committee, Membership
from gelbot.services import Services
from tests.support.instances import Work, race

NOW = datetime(2009, 3, 2, 14, 0, tzinfo=UTC)


async def test_two_people_declaring_one_cargo_at_once_leave_one_holder(
    services: Services, other: Services
) -> None:
    async with services.transaction() as session:
        ana = await committees.upsert_person(session, PersonInfo(101, "Ana"), now=NOW)
        committee, _ = await committees.register_committee(
            session, chat_id=-1001, entity_name="Alcaldía de Mocoa", founder=ana, now=NOW
        )
        members = []
        for telegram_id, name in ((102, "Beto"), (103, "Carla")):
            person = await committees.upsert_person(session, PersonInfo(telegram_id, name), now=NOW)
            member, _ = await committees.join(session, committee, person, "Jefe de prensa", now=NOW)
            members.append(member.id)
        committee_id = committee.id

    def declaring(member_id: int) -> Work[None]:
        async def work(session: AsyncSession) -> None:
            found = await session.get(Committee, committee_id)
            member = await session.get(Membership, member_id)
            assert found is not None and member is not None
            await cargos.record_holder(session, found, member, now=NOW)

        return work

    await race(services, other, declaring(members[0]), declaring(members[1]))

    async with services.transaction() as session:
        rows = list(await session.scalars(select(CargoHolder)))
    assert [(r.cargo, r.membership_id) for r in rows] == [("Jefe de prensa", members[1])]
