"""Committee meetings: the monthly rule, the open meeting record, attendance, decisions, the acta.

Permissions, decided here for every entry point: a coordinador sets the rule, opens, records
after the fact and closes meetings; in the roll call a coordinador marks anyone and a member
marks only themself; any member records a decision while a meeting is open. Delegados are
outside advisors: they are not called in the roll call and do not count for quorum.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gelbot.db import insert_missing
from gelbot.domain import compromisos, meeting_details
from gelbot.domain import meeting_corrections as corrections
from gelbot.domain.actas import acta_of as acta_of
from gelbot.domain.committees import members
from gelbot.domain.errors import DomainError
from gelbot.domain.meeting_corrections import MAX_DECISION
from gelbot.domain.recurrence import MeetingRule, parse_meeting_rule
from gelbot.models import (
    Attendance,
    Committee,
    Compromiso,
    CorrectionKind,
    Decision,
    Meeting,
    MeetingAttendance,
    MeetingStatus,
    Membership,
    Person,
    Role,
)

__all__ = ["MAX_DECISION", "acta_of"]


def local_today(now: datetime, tz: tzinfo) -> date:
    return now.astimezone(tz).date()


# --- the rule --------------------------------------------------------------------------------


def meeting_rule(committee: Committee) -> MeetingRule | None:
    """The committee's monthly rule, or None when it has none (or it cannot be read)."""
    if not committee.meeting_rule:
        return None
    try:
        return MeetingRule.from_text(committee.meeting_rule)
    except ValueError:
        return None


def set_meeting_rule(committee: Committee, text: str) -> MeetingRule:
    """Store the rule read from Spanish ("primer martes 9:00"), or refuse with examples."""
    rule = parse_meeting_rule(text)
    if rule is None:
        raise DomainError("reunion_regla_ilegible", given=text)
    committee.meeting_rule = rule.to_text()
    return rule


def next_meeting(committee: Committee, after: datetime, tz: tzinfo) -> datetime | None:
    """When the committee meets next, strictly after `after`, by its rule (None without one)."""
    rule = meeting_rule(committee)
    return None if rule is None else rule.next_after(after, tz)


# --- queries ---------------------------------------------------------------------------------


def is_open(meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.ABIERTA.value


async def open_meeting(session: AsyncSession, committee: Committee) -> Meeting | None:
    """The meeting whose record is open in the group, if any (there is at most one)."""
    return await session.scalar(
        select(Meeting)
        .where(Meeting.committee_id == committee.id, Meeting.status == MeetingStatus.ABIERTA.value)
        .order_by(Meeting.id.desc())
    )


async def last_meeting(session: AsyncSession, committee: Committee) -> Meeting | None:
    """The last meeting held and closed (or recorded after the fact)."""
    return await session.scalar(
        select(Meeting)
        .where(Meeting.committee_id == committee.id, Meeting.status != MeetingStatus.ABIERTA.value)
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
    )


async def meetings_between(
    session: AsyncSession, committee: Committee, start: date, end: date
) -> list[Meeting]:
    """Meetings held (closed or recorded) on a day in [start, end), oldest first."""
    found = await session.scalars(
        select(Meeting)
        .where(
            Meeting.committee_id == committee.id,
            Meeting.status != MeetingStatus.ABIERTA.value,
            Meeting.held_on >= start,
            Meeting.held_on < end,
        )
        .order_by(Meeting.held_on, Meeting.id)
    )
    return list(found)


async def meeting_on(session: AsyncSession, committee: Committee, day: date) -> Meeting | None:
    """The last meeting held on `day`, if any."""
    return await session.scalar(
        select(Meeting)
        .where(Meeting.committee_id == committee.id, Meeting.held_on == day)
        .order_by(Meeting.id.desc())
    )


async def roll_call_members(session: AsyncSession, committee: Committee) -> list[Membership]:
    """Who is called in the llamado a lista: active members except delegados."""
    return [m for m in await members(session, committee) if m.role != Role.DELEGADO.value]


async def called_members(
    session: AsyncSession, committee: Committee, meeting: Meeting
) -> list[Membership]:
    """Who the meeting's roll call lists: today's members, or, once it was closed, its own.

    A meeting reopened months later is corrected against who was called then, not against
    members who joined since.
    """
    if not corrections.was_closed(meeting):
        return await roll_call_members(session, committee)
    found = await session.scalars(
        select(Membership)
        .join(MeetingAttendance, MeetingAttendance.membership_id == Membership.id)
        .join(Person, Person.id == Membership.person_id)
        .where(MeetingAttendance.meeting_id == meeting.id)
        .options(selectinload(Membership.person))
        .order_by(Membership.role != Role.COORDINADOR.value, func.lower(Person.first_name))
    )
    return list(found)


async def attendance(session: AsyncSession, meeting: Meeting) -> dict[int, str]:
    """Membership id → attendance status recorded so far."""
    rows = await session.scalars(
        select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
    )
    return {row.membership_id: row.status for row in rows}


async def decisions_of(session: AsyncSession, meeting: Meeting) -> list[Decision]:
    """The meeting's decisions in the order they were taken (the acta's numbering)."""
    found = await session.scalars(
        select(Decision).where(Decision.meeting_id == meeting.id).order_by(Decision.id)
    )
    return list(found)


async def compromisos_to_review(
    session: AsyncSession, committee: Committee, meeting: Meeting
) -> list[Compromiso]:
    """Open compromisos due on or before the meeting day: the review of the meeting."""
    end = date.fromordinal(meeting.held_on.toordinal() + 1)
    return await compromisos.due_between(session, committee, date.min, end)


# --- the meeting record ----------------------------------------------------------------------


def may_run_meetings(member: Membership | None) -> bool:
    return compromisos.is_coordinador(member)


async def start_meeting(
    session: AsyncSession, committee: Committee, opener: Person, *, now: datetime, tz: tzinfo
) -> Meeting:
    """Open today's meeting record (one open meeting at a time).

    It takes the convocatoria's place and orden del día, and counts whoever opened it present:
    they are there, and a roll call nobody took must not make the acta say they were not.
    """
    if await open_meeting(session, committee) is not None:
        raise DomainError("reunion_ya_abierta")
    meeting = Meeting(
        committee_id=committee.id, held_on=local_today(now, tz), started_at=now,
        status=MeetingStatus.ABIERTA.value, opened_by_id=opener.id, after_the_fact=False,
        review_messages=[],
    )  # fmt: skip
    session.add(meeting)
    await meeting_details.take_notice(session, committee, meeting)
    await session.flush()
    for member in await roll_call_members(session, committee):
        if member.person_id == opener.id:
            await mark_attendance(session, meeting, member, Attendance.PRESENTE, opener, now=now)
    return meeting


async def register_past_meeting(
    session: AsyncSession,
    committee: Committee,
    opener: Person,
    held_on: date,
    *,
    now: datetime,
    tz: tzinfo,
) -> Meeting:
    """Open the record of a meeting already held (committees start using gelbot mid-year)."""
    today = local_today(now, tz)
    if held_on > today:
        raise DomainError("reunion_registrar_futura", held_on=held_on)
    if await open_meeting(session, committee) is not None:
        raise DomainError("reunion_ya_abierta")
    existing = await meeting_on(session, committee, held_on)
    if existing is not None:
        raise DomainError("reunion_ya_registrada", held_on=held_on)
    meeting = Meeting(
        committee_id=committee.id, held_on=held_on, started_at=now,
        status=MeetingStatus.ABIERTA.value, opened_by_id=opener.id, after_the_fact=True,
        review_messages=[],
    )  # fmt: skip
    session.add(meeting)
    await session.flush()
    return meeting


def may_mark_attendance(actor: Membership | None, target: Membership) -> bool:
    """A coordinador calls anyone; a member answers only for themself."""
    if actor is None or not actor.active or actor.committee_id != target.committee_id:
        return False
    return compromisos.is_coordinador(actor) or actor.id == target.id


async def mark_attendance(
    session: AsyncSession,
    meeting: Meeting,
    target: Membership,
    status: Attendance,
    actor: Person,
    *,
    now: datetime,
) -> None:
    """Record (or correct) one member's attendance; in a reopened meeting, keep the history."""
    if meeting.status != MeetingStatus.ABIERTA.value:
        raise DomainError("reunion_cerrada")
    query = select(MeetingAttendance).where(
        MeetingAttendance.meeting_id == meeting.id, MeetingAttendance.membership_id == target.id
    )
    row = await session.scalar(query)
    before = None if row is None else row.status
    if corrections.was_closed(meeting) and before != status.value:
        person = await session.get(Person, target.person_id)
        name = person.signing_name if person else None
        await corrections.record(session, meeting, CorrectionKind.ASISTENCIA, actor, now=now,
                                 subject=name, before=before,
                                 after=status.value)  # fmt: skip
    if row is None:
        # A member answering «presente» while the coordinador calls them may reach two gelbot
        # instances at once: the second waits for the first, then corrects its row below.
        pair = {"meeting_id": meeting.id, "membership_id": target.id}
        values = {"status": status.value, "recorded_at": now, "recorded_by_id": actor.id}
        table = cast(Table, MeetingAttendance.__table__)
        if await insert_missing(session, table, pair, values):
            return
        row = await session.scalar(query)
        assert row is not None
    row.status, row.recorded_at, row.recorded_by_id = status.value, now, actor.id
    await session.flush()


async def add_decision(
    session: AsyncSession, meeting: Meeting, text: str, author: Person, *, now: datetime
) -> Decision:
    """Record a decision taken in an open meeting."""
    if meeting.status != MeetingStatus.ABIERTA.value:
        raise DomainError("reunion_cerrada")
    text = " ".join(text.split())
    if not text:
        raise DomainError("reunion_decision_vacia")
    if len(text) > MAX_DECISION:
        raise DomainError("reunion_texto_largo", limit=MAX_DECISION, length=len(text))
    decision = Decision(meeting_id=meeting.id, text=text, created_by_id=author.id, created_at=now)
    session.add(decision)
    if corrections.was_closed(meeting):
        await corrections.record(session, meeting, CorrectionKind.DECISION_AGREGADA, author,
                                 now=now, after=text)  # fmt: skip
    await session.flush()
    return decision


async def close_meeting(
    session: AsyncSession, committee: Committee, meeting: Meeting, closer: Person, *, now: datetime
) -> Meeting:
    """Close the record: whoever was not called is ausente; quorum is more than half present.

    Closing a reopened meeting keeps the first closing's time and person: the acta's hours are
    the meeting's, not the correction's.
    """
    if meeting.status != MeetingStatus.ABIERTA.value:
        raise DomainError("reunion_cerrada")
    called = await called_members(session, committee, meeting)
    recorded = await attendance(session, meeting)
    for member in called:
        if member.id not in recorded:
            session.add(MeetingAttendance(meeting_id=meeting.id, membership_id=member.id,
                                          status=Attendance.AUSENTE.value, recorded_at=now,
                                          recorded_by_id=closer.id))  # fmt: skip
    present = sum(1 for m in called if recorded.get(m.id) == Attendance.PRESENTE.value)
    meeting.quorum = present * 2 > len(called)
    meeting.status = (
        MeetingStatus.REGISTRADA.value if meeting.after_the_fact else MeetingStatus.CERRADA.value
    )
    meeting.closed_at = meeting.closed_at or now
    meeting.closed_by_id = meeting.closed_by_id or closer.id
    await session.flush()
    return meeting
