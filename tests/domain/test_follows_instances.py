"""A delegado's request to follow a committee reaching two gelbot instances at once.

Before the request was created with INSERT … ON CONFLICT DO NOTHING, the instance that came
second failed on the (person, committee) unique constraint: the delegado read «algo falló».
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import committees, follows
from gelbot.domain.committees import PersonInfo
from gelbot.domain.follows import Asked
from gelbot.models import Committee, DelegateFollow, FollowStatus, Person, PlanScope, ReminderPlan
from gelbot.services import Services
from tests.support.instances import race

NOW = datetime(2009, 3, 2, 14, 0, tzinfo=UTC)


async def test_a_request_sent_twice_at_once_is_one_request_asked_once(
    services: Services, other: Services
) -> None:
    async with services.transaction() as session:
        ana = await committees.upsert_person(session, PersonInfo(101, "Ana"), now=NOW)
        eva = await committees.upsert_person(session, PersonInfo(105, "Eva"), now=NOW)
        committee, _ = await committees.register_committee(
            session, chat_id=-1001, entity_name="Alcaldía de Mocoa", founder=ana, now=NOW
        )
        committee_id, eva_id = committee.id, eva.id

    async def requesting(session: AsyncSession) -> Asked:
        committee = await session.get(Committee, committee_id)
        person = await session.get(Person, eva_id)
        assert committee is not None and person is not None
        return (await follows.request(session, person, committee, now=NOW)).outcome

    outcomes = await race(services, other, requesting, requesting)

    assert outcomes == [Asked.NEW, Asked.PENDING]  # the coordinador is asked once
    async with services.transaction() as session:
        rows = list(await session.scalars(select(DelegateFollow)))
    assert [(r.person_id, r.status) for r in rows] == [(eva_id, FollowStatus.PENDIENTE.value)]


async def test_a_request_still_has_the_delegados_digest_planned(services: Services) -> None:
    # The request is inserted past the ORM's flush hook that tells the planner.
    async with services.transaction() as session:
        ana = await committees.upsert_person(session, PersonInfo(101, "Ana"), now=NOW)
        eva = await committees.upsert_person(session, PersonInfo(105, "Eva"), now=NOW)
        committee, _ = await committees.register_committee(
            session, chat_id=-1001, entity_name="Alcaldía de Mocoa", founder=ana, now=NOW
        )
        await follows.request(session, eva, committee, now=NOW)
    async with services.transaction() as session:
        plans = await session.execute(select(ReminderPlan.scope, ReminderPlan.scope_id))
        assert (PlanScope.DELEGADO.value, eva.id) in set(plans.all())
