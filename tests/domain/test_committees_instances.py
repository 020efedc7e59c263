"""Two gelbot instances on one database meeting the same new person, or the same join.

Before people and memberships were created with INSERT … ON CONFLICT DO NOTHING, the instance
that came second failed on the unique constraint (people.telegram_id, or the membership's
committee and person) and its person read «algo falló».
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import committees
from gelbot.domain.committees import PersonInfo
from gelbot.models import Committee, Membership, Person, ReminderPlan
from gelbot.services import Services
from tests.support.instances import Work, race

NOW = datetime(2009, 3, 2, 14, 0, tzinfo=UTC)
DORA = PersonInfo(301, "Dora", username="dora_mocoa")


def meeting(info: PersonInfo) -> Work[int]:
    async def work(session: AsyncSession) -> int:
        return (await committees.upsert_person(session, info, now=NOW)).id

    return work


async def test_a_new_persons_first_two_updates_at_once_make_one_person(
    services: Services, other: Services
) -> None:
    ids = await race(services, other, meeting(DORA), meeting(DORA))

    async with services.transaction() as session:
        people = list(await session.scalars(select(Person)))
    assert [(p.telegram_id, p.display_name) for p in people] == [(301, "Dora")]
    assert ids == [people[0].id, people[0].id]


async def test_joining_twice_at_once_makes_one_membership_and_one_welcome(
    services: Services, other: Services
) -> None:
    async with services.transaction() as session:
        ana = await committees.upsert_person(session, PersonInfo(101, "Ana"), now=NOW)
        dora = await committees.upsert_person(session, DORA, now=NOW)
        committee, _ = await committees.register_committee(
            session, chat_id=-1001, entity_name="Alcaldía de Mocoa", founder=ana, now=NOW
        )
        committee_id, dora_id = committee.id, dora.id

    def joining(cargo: str) -> Work[bool]:
        async def work(session: AsyncSession) -> bool:
            found = await session.get(Committee, committee_id)
            person = await session.get(Person, dora_id)
            assert found is not None and person is not None
            _, newly = await committees.join(session, found, person, cargo, now=NOW)
            return newly

        return work

    newly = await race(services, other, joining("Editora web"), joining("Jefa de prensa"))

    assert newly == [True, False]  # one «bienvenida», not two
    async with services.transaction() as session:
        count = await session.scalar(select(func.count()).where(Membership.person_id == dora_id))
        member = await session.scalar(select(Membership).where(Membership.person_id == dora_id))
    assert count == 1
    assert member is not None and member.cargo == "Jefa de prensa"


async def test_a_new_persons_name_keeps_no_nul_character(services: Services) -> None:
    # PostgreSQL refuses NUL in text, SQLite would keep it; the bot drops it (gelbot.db).
    async with services.transaction() as session:
        person = await committees.upsert_person(session, PersonInfo(302, "Do\x00ra"), now=NOW)
    assert person.display_name == "Dora"


async def test_a_new_member_still_has_the_committees_reminders_planned_again(
    services: Services,
) -> None:
    # The membership is inserted past the ORM's flush hook that tells the planner.
    async with services.transaction() as session:
        ana = await committees.upsert_person(session, PersonInfo(101, "Ana"), now=NOW)
        dora = await committees.upsert_person(session, DORA, now=NOW)
        committee, _ = await committees.register_committee(
            session, chat_id=-1001, entity_name="Alcaldía de Mocoa", founder=ana, now=NOW
        )
    plan = select(ReminderPlan.changes).where(ReminderPlan.scope_id == committee.id)
    async with services.transaction() as session:
        before = await session.scalar(plan)
        await committees.join(session, committee, dora, "Editora web", now=NOW)
    async with services.transaction() as session:
        assert await session.scalar(plan) == (before or 0) + 1
