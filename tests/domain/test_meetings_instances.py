"""Two gelbot instances recording the same member's attendance at once.

Before attendance was created with INSERT … ON CONFLICT DO NOTHING, the instance that came
second failed on the (meeting, membership) unique constraint: its person read «algo falló».
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import committees, meetings
from gelbot.domain.committees import PersonInfo
from gelbot.models import Attendance, Meeting, MeetingAttendance, Membership, Person
from gelbot.services import Services
from tests.support.instances import Work, race

NOW = datetime(2009, 3, 2, 14, 0, tzinfo=UTC)


async def test_a_member_answering_while_called_leaves_one_attendance_row(
    services: Services, other: Services
) -> None:
    async with services.transaction() as session:
        ana = await committees.upsert_person(session, PersonInfo(101, "Ana"), now=NOW)
        beto = await committees.upsert_person(session, PersonInfo(102, "Beto"), now=NOW)
        committee, _ = await committees.register_committee(
            session, chat_id=-1001, entity_name="Alcaldía de Mocoa", founder=ana, now=NOW
        )
        member, _ = await committees.join(session, committee, beto, "Jefe de prensa", now=NOW)
        meeting = await meetings.start_meeting(session, committee, ana, now=NOW, tz=UTC)
        ids = meeting.id, member.id, ana.id, beto.id

    def marking(actor_id: int, status: Attendance) -> Work[None]:
        async def work(session: AsyncSession) -> None:
            meeting_id, member_id, _, _ = ids
            found = await session.get(Meeting, meeting_id)
            target = await session.get(Membership, member_id)
            actor = await session.get(Person, actor_id)
            assert found is not None and target is not None and actor is not None
            await meetings.mark_attendance(session, found, target, status, actor, now=NOW)

        return work

    # Beto says «presente» as Ana, calling the roll, marks him: the last word stays.
    await race(
        services, other, marking(ids[3], Attendance.PRESENTE), marking(ids[2], Attendance.AUSENTE)
    )

    async with services.transaction() as session:
        rows = list(
            await session.scalars(
                select(MeetingAttendance).where(MeetingAttendance.membership_id == ids[1])
            )
        )
    assert [(r.status, r.recorded_by_id) for r in rows] == [(Attendance.AUSENTE.value, ids[2])]
