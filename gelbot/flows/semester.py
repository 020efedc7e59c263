"""When the semester questionnaire is due: a few working days before the informe period ends."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.calendar import WorkingCalendar
from gelbot.flows.context import informe_period
from gelbot.models import Committee
from gelbot.models.flows import FlowRun

REMINDER = "cuestionario_semestral"  # the reminder kind the questionnaire's flow starts on
TRIGGER = f"recordatorio:{REMINDER}"
WORKING_DAYS_BEFORE = 5  # a working week before the period closes: time to answer and write


def questionnaire_day(
    committee: Committee, today: date, calendar: WorkingCalendar, days: int = WORKING_DAYS_BEFORE
) -> date:
    """The day the questionnaire goes out for the informe period `today` is in."""
    end = informe_period(committee, today)[1]
    return calendar.add_working_days(end, -days)


async def due(
    session: AsyncSession, today: date, calendar: WorkingCalendar
) -> list[tuple[Committee, date]]:
    """Committees whose questionnaire is due today and not yet sent, with their period's start."""
    found: list[tuple[Committee, date]] = []
    for committee in await session.scalars(
        select(Committee).where(Committee.active.is_(True)).order_by(Committee.id)
    ):
        start, end = informe_period(committee, today)
        if not questionnaire_day(committee, today, calendar) <= today <= end:
            continue
        asked = await session.scalar(
            select(FlowRun.id)
            .where(
                FlowRun.committee_id == committee.id,
                FlowRun.trigger == TRIGGER,
                FlowRun.subject_kind == "periodo",
                FlowRun.subject_key == start.isoformat(),
            )
            .limit(1)
        )
        if asked is None:
            found.append((committee, start))
    return found
