"""What the record holds for one committee and period: every query the informe makes, and no more.

Each function runs a fixed number of queries bounded by the period (the indexes are declared in
gelbot.models.informe), so compiling the informe of a committee with five years of history
costs what its last semester holds. The ORM objects come back with the names the annex needs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import compromisos as compromiso_domain
from gelbot.domain import meetings as meeting_domain
from gelbot.domain.indicators import PHASE_SHARE_PREFIX
from gelbot.models import (
    Committee,
    Compromiso,
    CompromisoEvent,
    CompromisoEventKind,
    CriterionEvent,
    Decision,
    Indicator,
    IndicatorReading,
    Meeting,
    MeetingAttendance,
    Membership,
    Person,
    PlanAction,
    ProgressNote,
    Role,
    SemesterItem,
)

# A questionnaire answer belongs to the informe whose window holds its date, or, undated, its
# period's start; no semester item is dated more than a year before its period starts.
_ITEM_LOOKBACK = timedelta(days=366)


@dataclass(frozen=True)
class Window:
    """The period as days (both ends included) and as moments [start_at, end_at)."""

    start: date
    end: date
    start_at: datetime
    end_at: datetime  # the end of the last day, or now if the period is still running
    tz: tzinfo

    @property
    def last_day(self) -> date:
        """The last day with a record: the period's end, or today while it runs."""
        return min(self.end, (self.end_at - timedelta(microseconds=1)).astimezone(self.tz).date())


@dataclass
class MeetingRecord:
    meeting: Meeting
    attendance: Counter[str] = field(default_factory=Counter)
    decisions: list[str] = field(default_factory=list)
    assigned: int = 0


@dataclass
class CompromisoRecord:
    compromiso: Compromiso
    done_by: int | None = None  # who marked it cumplido
    done_in_meeting: int | None = None
    rescheduled: int = 0


@dataclass
class IndicatorRecord:
    indicator: Indicator
    readings: list[IndicatorReading] = field(default_factory=list)


@dataclass(frozen=True)
class NoteRecord:
    note: ProgressNote
    author: Person | None
    compromiso: str | None  # the description of the compromiso it reports on
    action: str | None  # or the plan's acción


@dataclass(frozen=True)
class CriterionChange:
    key: str
    met: bool
    at: datetime
    actor_id: int | None


@dataclass
class Record:
    """Everything the period's informe is written from."""

    meetings: list[MeetingRecord]
    done: list[CompromisoRecord]
    open_at_end: list[CompromisoRecord]
    meeting_days: dict[int, date]  # any meeting a compromiso names, by id
    indicators: list[IndicatorRecord]
    criteria: list[CriterionChange]  # every change up to the end of the period, oldest first
    notes: list[NoteRecord]
    items: list[tuple[SemesterItem, Person | None]]
    people: dict[int, Person]
    coordinadores: list[tuple[Person, Membership]]


async def _meetings(session: AsyncSession, committee: Committee, w: Window) -> list[MeetingRecord]:
    held = await meeting_domain.meetings_between(
        session, committee, w.start, w.last_day + timedelta(days=1)
    )
    records = {m.id: MeetingRecord(m) for m in held}
    if not records:
        return []
    ids = list(records)
    for meeting_id, status, count in await session.execute(
        select(MeetingAttendance.meeting_id, MeetingAttendance.status, func.count())
        .where(MeetingAttendance.meeting_id.in_(ids))
        .group_by(MeetingAttendance.meeting_id, MeetingAttendance.status)
    ):
        records[meeting_id].attendance[status] = count
    for meeting_id, text in await session.execute(
        select(Decision.meeting_id, Decision.text)
        .where(Decision.meeting_id.in_(ids))
        .order_by(Decision.meeting_id, Decision.id)
    ):
        records[meeting_id].decisions.append(text)
    for assigned_in, count in await session.execute(
        select(Compromiso.meeting_id, func.count())
        .where(Compromiso.meeting_id.in_(ids))
        .group_by(Compromiso.meeting_id)
    ):
        if assigned_in is not None:
            records[assigned_in].assigned = count
    return list(records.values())


async def _compromisos(
    session: AsyncSession, committee: Committee, w: Window
) -> tuple[list[CompromisoRecord], list[CompromisoRecord]]:
    """Those marked cumplido in the period, and those still open when it ended."""
    done = [
        CompromisoRecord(c)
        for c in await compromiso_domain.completed_between(session, committee, w.start_at, w.end_at)
    ]
    # Open at the end: created before it, and not closed until after it (if ever).
    pending = [
        CompromisoRecord(c)
        for c in await session.scalars(
            select(Compromiso)
            .where(
                Compromiso.committee_id == committee.id,
                or_(Compromiso.closed_at.is_(None), Compromiso.closed_at >= w.end_at),
                Compromiso.created_at < w.end_at,
            )
            .options(compromiso_domain.WITH_OWNER)
            .order_by(Compromiso.due_on, Compromiso.id)
        )
    ]
    by_id = {r.compromiso.id: r for r in [*done, *pending]}
    if by_id:
        for compromiso_id, kind, actor_id, meeting_id in await session.execute(
            select(
                CompromisoEvent.compromiso_id, CompromisoEvent.kind,
                CompromisoEvent.actor_id, CompromisoEvent.meeting_id,
            )
            .where(
                CompromisoEvent.compromiso_id.in_(list(by_id)),
                CompromisoEvent.kind.in_(
                    [CompromisoEventKind.CUMPLIDO.value, CompromisoEventKind.REPROGRAMADO.value]
                ),
                CompromisoEvent.at < w.end_at,
            )
            .order_by(CompromisoEvent.at, CompromisoEvent.id)
        ):  # fmt: skip
            record = by_id[compromiso_id]
            if kind == CompromisoEventKind.CUMPLIDO.value:
                record.done_by, record.done_in_meeting = actor_id, meeting_id
            else:
                record.rescheduled += 1
    return done, pending


async def _indicators(
    session: AsyncSession, committee: Committee, w: Window
) -> list[IndicatorRecord]:
    """The plan's indicators with their readings for periods that begin in the window.

    The share of each phase's criteria (criterios_fase_*) is left out: the phase rows say it.
    """
    records = {
        i.id: IndicatorRecord(i)
        for i in await session.scalars(
            select(Indicator)
            .where(
                Indicator.committee_id == committee.id,
                Indicator.key.not_like(f"{PHASE_SHARE_PREFIX}%"),
            )
            .order_by(Indicator.plan_action_id.is_(None), Indicator.position, Indicator.id)
        )
    }
    if records:
        for reading in await session.scalars(
            select(IndicatorReading)
            .where(
                IndicatorReading.indicator_id.in_(list(records)),
                IndicatorReading.period_start >= w.start,
                IndicatorReading.period_start <= w.last_day,
            )
            .order_by(IndicatorReading.period_start)
        ):
            records[reading.indicator_id].readings.append(reading)
    # Retired indicators speak only for the periods they still have readings in.
    return [r for r in records.values() if r.indicator.retired_at is None or r.readings]


async def _criteria(
    session: AsyncSession, committee: Committee, w: Window
) -> list[CriterionChange]:
    rows = await session.execute(
        select(
            CriterionEvent.criterion_key, CriterionEvent.met, CriterionEvent.at,
            CriterionEvent.actor_id,
        )
        .where(CriterionEvent.committee_id == committee.id, CriterionEvent.at < w.end_at)
        .order_by(CriterionEvent.at, CriterionEvent.id)
    )  # fmt: skip
    return [CriterionChange(key, met, at, actor) for key, met, at, actor in rows]


async def _notes(session: AsyncSession, committee: Committee, w: Window) -> list[NoteRecord]:
    rows = await session.execute(
        select(ProgressNote, Person, Compromiso.description, PlanAction.accion)
        .outerjoin(Person, Person.id == ProgressNote.person_id)
        .outerjoin(Compromiso, Compromiso.id == ProgressNote.compromiso_id)
        .outerjoin(PlanAction, PlanAction.id == ProgressNote.plan_action_id)
        .where(
            ProgressNote.committee_id == committee.id,
            ProgressNote.noted_on >= w.start,
            ProgressNote.noted_on <= w.last_day,
        )
        .order_by(ProgressNote.noted_on, ProgressNote.id)
    )
    return [NoteRecord(note, person, desc, accion) for note, person, desc, accion in rows]


async def _items(
    session: AsyncSession, committee: Committee, w: Window
) -> list[tuple[SemesterItem, Person | None]]:
    rows = await session.execute(
        select(SemesterItem, Person)
        .outerjoin(Person, Person.id == SemesterItem.person_id)
        .where(
            SemesterItem.committee_id == committee.id,
            SemesterItem.period_start >= w.start - _ITEM_LOOKBACK,
            SemesterItem.period_start <= w.last_day,
        )
        .order_by(SemesterItem.id)
    )
    found: list[tuple[SemesterItem, Person | None]] = []
    for item, person in rows:
        if w.start <= item_day(item, committee, w.tz) <= w.last_day:
            found.append((item, person))
    return found


def item_day(item: SemesterItem, committee: Committee, tz: tzinfo) -> date:
    """The day a questionnaire answer speaks for: its own date, or the day it was given.

    The questionnaire goes out a few days before its period ends and may be answered just
    after: an undated answer given late still belongs to the last day of its period.
    """
    if item.fecha is not None:
        return item.fecha
    index = item.period_start.year * 12 + item.period_start.month - 1
    index += max(committee.informe_months, 1)
    period_end = date(index // 12, index % 12 + 1, 1) - timedelta(days=1)
    given = item.created_at.astimezone(tz).date()
    return max(item.period_start, min(given, period_end))


async def _people(session: AsyncSession, ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    return {p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(ids)))}


async def _coordinadores(
    session: AsyncSession, committee: Committee
) -> list[tuple[Person, Membership]]:
    rows = await session.execute(
        select(Person, Membership)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.committee_id == committee.id,
            Membership.role == Role.COORDINADOR.value,
            Membership.active.is_(True),
        )
        .order_by(Membership.joined_at, Membership.id)
    )
    return [(person, member) for person, member in rows]


async def gather(session: AsyncSession, committee: Committee, w: Window) -> Record:
    """Read what the informe of `w` is written from."""
    meetings = await _meetings(session, committee, w)
    done, pending = await _compromisos(session, committee, w)
    known = {r.meeting.id: r.meeting.held_on for r in meetings}
    wanted = {
        meeting_id
        for r in [*done, *pending]
        for meeting_id in (r.compromiso.meeting_id, r.done_in_meeting)
        if meeting_id is not None and meeting_id not in known
    }
    if wanted:
        rows = await session.execute(
            select(Meeting.id, Meeting.held_on).where(Meeting.id.in_(list(wanted)))
        )
        known.update({meeting_id: held_on for meeting_id, held_on in rows})
    indicators = await _indicators(session, committee, w)
    criteria = await _criteria(session, committee, w)
    people_ids: set[int] = set()
    for m in meetings:
        people_ids.update(i for i in (m.meeting.opened_by_id, m.meeting.closed_by_id) if i)
    for r in [*done, *pending]:
        people_ids.update(i for i in (r.done_by, r.compromiso.created_by_id) if i)
    for ind in indicators:
        people_ids.update(reading.person_id for reading in ind.readings if reading.person_id)
    people_ids.update(c.actor_id for c in criteria if c.actor_id and c.at >= w.start_at)
    return Record(
        meetings=meetings,
        done=done,
        open_at_end=pending,
        meeting_days=known,
        indicators=indicators,
        criteria=criteria,
        notes=await _notes(session, committee, w),
        items=await _items(session, committee, w),
        people=await _people(session, people_ids),
        coordinadores=await _coordinadores(session, committee),
    )
