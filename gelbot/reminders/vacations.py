"""A member's vacation: personal reminders pause, the coordinador is told, a summary on return."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import compromisos as compromisos_domain
from gelbot.domain.calendar import WorkingCalendar
from gelbot.domain.committees import committees_of, coordinators
from gelbot.domain.errors import DomainError
from gelbot.models import (
    OPEN_COMPROMISO_STATUSES,
    Committee,
    Compromiso,
    Membership,
    Person,
    Reminder,
    ReminderStatus,
    TargetKind,
)
from gelbot.reminders.job import Job
from gelbot.reminders.kinds import MORNING, PAUSED_BY_VACATION, Kind
from gelbot.reminders.outbox import Outgoing, enqueue, person_targets

PAUSED = "vacaciones"  # last_error of the reminders a vacation held back
MAX_DAYS = 366


def on_vacation(person: Person, today: date) -> bool:
    return person.vacation_until is not None and today <= person.vacation_until


async def _pending_return(session: AsyncSession, person: Person) -> Reminder | None:
    return await session.scalar(
        select(Reminder).where(
            Reminder.kind == Kind.REGRESO_VACACIONES.value,
            Reminder.target_kind == TargetKind.PERSONA.value,
            Reminder.target_id == person.id,
            Reminder.status == ReminderStatus.PENDIENTE.value,
        )
    )


async def start_vacation(
    session: AsyncSession,
    person: Person,
    until: date,
    *,
    now: datetime,
    tz: ZoneInfo,
    calendar: WorkingCalendar,
) -> list[Committee]:
    """Pause `person`'s reminders through `until`; tell each committee's coordinador."""
    today = now.astimezone(tz).date()
    if until < today:
        raise DomainError("vacaciones_pasado", hasta=until)
    if until > today + timedelta(days=MAX_DAYS):
        raise DomainError("vacaciones_lejos", hasta=until, limite=MAX_DAYS)
    since = today
    previous = await _pending_return(session, person)
    if previous is not None:  # extended or shortened: one summary, from the first day away
        since = date.fromisoformat(previous.payload.get("desde", today.isoformat()))
        previous.status = ReminderStatus.DESCARTADO.value
        previous.last_error = "replanificado"
    person.vacation_until = until
    back = calendar.next_working_day(until + timedelta(days=1))
    back_at = datetime.combine(back, MORNING, tzinfo=tz)
    payload = {"desde": since.isoformat(), "hasta": until.isoformat()}
    await session.flush()
    await enqueue(
        session,
        Kind.REGRESO_VACACIONES,
        targets=person_targets([person.id]),
        occurrence=f"{since}:{until}",
        committee_id=None,
        due=back_at,
        payload=payload,
        now=now,
    )
    mine = [c for c, _ in await committees_of(session, person) if c.active]
    for committee in mine:
        others = [p for p in await coordinators(session, committee.id) if p != person.id]
        await enqueue(
            session,
            Kind.AVISO_COORDINADOR,
            targets=person_targets(others),
            occurrence=f"vacaciones:{person.id}:{until}",
            committee_id=committee.id,
            due=now,
            payload={"motivo": "vacaciones", "persona": person.id, "hasta": until.isoformat()},
            now=now,
        )
    return mine


async def end_vacation(
    session: AsyncSession, person: Person, *, now: datetime, today: date
) -> None:
    """Back early: reminders resume and the summary goes out now."""
    if not on_vacation(person, today):
        raise DomainError("vacaciones_no_esta")
    person.vacation_until = None
    await session.execute(
        update(Reminder)
        .where(
            Reminder.kind == Kind.REGRESO_VACACIONES.value,
            Reminder.target_kind == TargetKind.PERSONA.value,
            Reminder.target_id == person.id,
            Reminder.status == ReminderStatus.PENDIENTE.value,
        )
        .values(due_at=now)
    )


async def welcome_back(session: AsyncSession, job: Job) -> Outgoing | None:
    """Summarise what a vacation held back, and the compromisos waiting for the person."""
    person = job.person
    if person is None or on_vacation(person, job.today):
        return None
    payload = job.latest().payload
    since = date.fromisoformat(payload["desde"])
    start = datetime.combine(since, time(0, 0), tzinfo=job.tz)
    skipped = dict(
        (
            await session.execute(
                select(Reminder.kind, func.count())
                .where(
                    # Only these kinds are ever paused; naming them lets the database find the
                    # person's rows through the (kind, target, occurrence) key.
                    Reminder.kind.in_(PAUSED_BY_VACATION),
                    Reminder.target_kind == TargetKind.PERSONA.value,
                    Reminder.target_id == person.id,
                    Reminder.status == ReminderStatus.DESCARTADO.value,
                    Reminder.last_error == PAUSED,
                    Reminder.due_at >= start,
                )
                .group_by(Reminder.kind)
            )
        ).all()
    )
    waiting = list(
        await session.scalars(
            select(Compromiso)
            .join(Membership, Compromiso.owner_membership_id == Membership.id)
            .where(
                Membership.person_id == person.id,
                Compromiso.status.in_(OPEN_COMPROMISO_STATUSES),
                Compromiso.due_on <= job.today + timedelta(days=7),
            )
            .options(compromisos_domain.WITH_OWNER)
            .order_by(Compromiso.due_on, Compromiso.id)
        )
    )
    return Outgoing(
        "recordatorio_regreso_vacaciones",
        {
            "desde": since,
            "hasta": date.fromisoformat(payload["hasta"]),
            "omitidos": skipped,
            "compromisos": [(c, (job.today - c.due_on).days) for c in waiting],
        },
    )
