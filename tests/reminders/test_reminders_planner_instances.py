"""Two instances' planners adopting the same committee that has no plan row yet.

Committees created by bulk inserts (or before the flush hook) get their plan row from whichever
planner ticks first. Before that row was inserted with ON CONFLICT DO NOTHING, the other
instance's tick failed on the (scope, scope_id) unique constraint.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import committees
from gelbot.domain.committees import PersonInfo
from gelbot.models import PlanScope, ReminderPlan
from gelbot.reminders import planner
from gelbot.services import Services
from tests.support.instances import race

NOW = datetime(2009, 3, 2, 14, 0, tzinfo=UTC)


async def adopting(session: AsyncSession) -> None:
    await planner._adopt_new_committees(session)
    await session.flush()


async def test_two_planners_adopt_a_committee_without_a_plan_row_once(
    services: Services, other: Services
) -> None:
    async with services.transaction() as session:
        ana = await committees.upsert_person(session, PersonInfo(101, "Ana"), now=NOW)
        committee, _ = await committees.register_committee(
            session, chat_id=-1001, entity_name="Alcaldía de Mocoa", founder=ana, now=NOW
        )
        committee_id = committee.id
    async with services.transaction() as session:  # as a bulk insert would have left it
        await session.execute(delete(ReminderPlan))

    await race(services, other, adopting, adopting)

    async with services.transaction() as session:
        rows = list(await session.scalars(select(ReminderPlan)))
    assert [(r.scope, r.scope_id, r.changes) for r in rows] == [
        (PlanScope.COMITE.value, committee_id, 1)
    ]
