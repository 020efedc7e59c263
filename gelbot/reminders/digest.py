"""The delegado's weekly digest: how each committee they follow is doing, in one message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import meetings as meetings_domain
from gelbot.domain.frameworks import Phase, compliance
from gelbot.models import (
    OPEN_COMPROMISO_STATUSES,
    Committee,
    Compromiso,
    CompromisoStatus,
    CriterionStatus,
    DelegateFollow,
    FollowStatus,
    Indicator,
    IndicatorReading,
    Meeting,
    ReadingStatus,
)
from gelbot.reminders.facts import meetings_between
from gelbot.reminders.job import Job
from gelbot.reminders.outbox import Outgoing
from gelbot.reminders.planner import meeting_rule
from gelbot.reminders.rules import framework
from gelbot.reminders.schedule import Aspect, load_schedules

MAX_OFF_TRACK = 3


@dataclass
class NextDeadline:
    phase: Phase
    deadline: date
    percentage: int


@dataclass
class CommitteeSummary:
    """One committee's state, as a delegado reads it."""

    committee: Committee
    last_meeting: date | None
    next_meeting: datetime | None
    done: int
    open: int
    overdue: int
    on_track: int
    off_track: list[tuple[str, str]] = field(default_factory=list)  # (indicator, why)
    next_deadline: NextDeadline | None = None
    missed_meeting: date | None = None  # the last scheduled meeting, when nothing was recorded


async def summarize(
    session: AsyncSession, committee: Committee, *, now: datetime, today: date, tz: Any
) -> CommitteeSummary:
    """Meetings, compromisos, indicators and the next phase deadline of one committee."""
    last = await meetings_domain.last_meeting(session, committee)
    counted = await session.execute(
        select(Compromiso.status, Compromiso.due_on, func.count())
        .where(Compromiso.committee_id == committee.id)
        .group_by(Compromiso.status, Compromiso.due_on)
    )
    done = open_ = overdue = 0
    for status, due_on, n in counted:
        if status == CompromisoStatus.CUMPLIDO.value:
            done += n
        elif status in OPEN_COMPROMISO_STATUSES and due_on < today:
            overdue += n
        elif status in OPEN_COMPROMISO_STATUSES:
            open_ += n
    on_track, off_track = await _indicators(session, committee)
    # Without `/reunion programar` there is no next meeting to announce (nor one missed).
    scheduled = bool(committee.meeting_rule)
    return CommitteeSummary(
        committee=committee,
        last_meeting=last.held_on if last is not None else None,
        next_meeting=meeting_rule(committee).next_after(now, tz) if scheduled else None,
        done=done,
        open=open_,
        overdue=overdue,
        on_track=on_track,
        off_track=off_track,
        next_deadline=await _next_deadline(session, committee, today),
        missed_meeting=await _missed_meeting(session, committee, now, tz) if scheduled else None,
    )


async def _missed_meeting(
    session: AsyncSession, committee: Committee, now: datetime, tz: Any
) -> date | None:
    """The last meeting the rule scheduled in the past month, if nothing was recorded for it."""
    past = meetings_between(meeting_rule(committee), now - timedelta(days=35), now, tz)
    if not past:
        return None
    due = past[-1].date()
    held = await session.scalar(
        select(Meeting.id).where(
            Meeting.committee_id == committee.id, Meeting.held_on >= due - timedelta(days=7)
        )
    )
    return due if held is None else None


async def _indicators(
    session: AsyncSession, committee: Committee
) -> tuple[int, list[tuple[str, str]]]:
    """Count indicators whose latest reading meets the meta; name the ones that do not."""
    latest = (
        select(IndicatorReading.indicator_id, func.max(IndicatorReading.period_start).label("p"))
        .join(Indicator)
        .where(Indicator.committee_id == committee.id)
        .group_by(IndicatorReading.indicator_id)
        .subquery()
    )
    found = await session.execute(
        select(Indicator, IndicatorReading)
        .join(latest, latest.c.indicator_id == Indicator.id)
        .join(
            IndicatorReading,
            (IndicatorReading.indicator_id == Indicator.id)
            & (IndicatorReading.period_start == latest.c.p),
        )
        .order_by(Indicator.id)
    )
    on_track = 0
    off_track: list[tuple[str, str]] = []
    for indicator, reading in found:
        if reading.status == ReadingStatus.SIN_RESPUESTA or reading.value is None:
            off_track.append((indicator.name, "sin respuesta"))
        elif indicator.meta is not None and reading.value < indicator.meta:
            off_track.append((indicator.name, f"{reading.value:g} de {indicator.meta:g}"))
        else:
            on_track += 1
    return on_track, off_track


async def _next_deadline(
    session: AsyncSession, committee: Committee, today: date
) -> NextDeadline | None:
    chosen = framework(committee.framework_id)
    if chosen is None or committee.orden is None:
        return None
    upcoming = [
        (p, deadline)
        for p in chosen.phases
        if (deadline := p.deadline_for(committee.orden)) is not None and deadline >= today
    ]
    if not upcoming:
        return None
    phase, deadline = upcoming[0]
    met = set(
        await session.scalars(
            select(CriterionStatus.criterion_key).where(
                CriterionStatus.committee_id == committee.id, CriterionStatus.met.is_(True)
            )
        )
    )
    return NextDeadline(phase, deadline, round(compliance(phase, met) * 100))


async def followed(session: AsyncSession, person_id: int) -> list[Committee]:
    """The active committees a delegado follows (accepted), by name."""
    found = await session.scalars(
        select(Committee)
        .join(DelegateFollow, DelegateFollow.committee_id == Committee.id)
        .where(
            DelegateFollow.person_id == person_id,
            DelegateFollow.status == FollowStatus.ACEPTADO.value,
            Committee.active.is_(True),
        )
        .order_by(Committee.entity_name, Committee.id)
    )
    return list(found)


async def build(session: AsyncSession, job: Job) -> Outgoing | None:
    """The digest of every committee the delegado follows that takes part in digests."""
    if job.person is None:
        return None
    committees = await followed(session, job.person.id)
    schedules = await load_schedules(session, [c.id for c in committees])
    summaries = [
        await summarize(session, c, now=job.now, today=job.today, tz=job.tz)
        for c in committees
        if schedules[c.id][Aspect.RESUMEN].enabled
    ]
    if not summaries:
        return None
    return Outgoing(
        "recordatorio_resumen_delegado", {"resumenes": summaries, "max_atrasados": MAX_OFF_TRACK}
    )
