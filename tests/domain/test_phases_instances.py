"""Two gelbot instances marking the same criterion of a committee at once.

Before a criterion's status row was created with INSERT … ON CONFLICT DO NOTHING, the instance
that came second failed on the (committee, criterion) unique constraint: «algo falló».
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import phases
from gelbot.models import Committee, CriterionEvent, CriterionStatus
from gelbot.services import Services
from tests.domain.test_phases import NOW, a_committee
from tests.support.instances import Work, race

KEY = "informacion.mision_vision"


async def test_two_people_marking_one_criterion_at_once_leave_one_status(
    services: Services, other: Services
) -> None:
    committee_id = (await a_committee(services)).id

    def marking(met: bool, evidence: str) -> Work[bool]:
        async def work(session: AsyncSession) -> bool:
            committee = await session.get(Committee, committee_id)
            assert committee is not None
            _, changed = await phases.mark_criterion(
                session, committee, KEY, met, evidence, None, NOW
            )
            return changed

        return work

    changed = await race(
        services, other, marking(True, "https://x.gov.co"), marking(False, "Enlace roto")
    )

    assert changed == [True, True]  # the second one unmarked what the first one marked
    async with services.transaction() as session:
        rows = list(await session.scalars(select(CriterionStatus)))
        events = list(await session.scalars(select(CriterionEvent).order_by(CriterionEvent.id)))
    assert [(r.criterion_key, r.met, r.evidence) for r in rows] == [(KEY, False, "Enlace roto")]
    assert [e.evidence for e in events] == ["https://x.gov.co", "Enlace roto"]
