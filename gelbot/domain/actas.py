"""The acta of a meeting: what it says, gathered from the database (gelbot.acta lays it out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, tzinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gelbot.domain import compromisos
from gelbot.domain import meeting_corrections as corrections
from gelbot.domain.meeting_details import agenda_items, guests
from gelbot.domain.spanish import format_date
from gelbot.models import (
    Committee,
    Compromiso,
    CompromisoEvent,
    CompromisoEventKind,
    Decision,
    Meeting,
    MeetingAttendance,
    Membership,
)

# The order every meeting follows when the coordinador sets none (seed 004's monthly meeting).
DEFAULT_AGENDA = (
    "Llamado a lista y verificación del quórum",
    "Revisión de los compromisos de la reunión anterior",
    "Decisiones",
    "Compromisos nuevos",
)


@dataclass(frozen=True)
class ActaAttendee:
    name: str
    cargo: str | None
    status: str  # presente, ausente, excusa


@dataclass(frozen=True)
class ActaGuest:
    """Someone present who is not a member: «María Pérez, Delegada de la UT»."""

    name: str
    cargo: str | None


@dataclass(frozen=True)
class ActaSigner:
    """One signature line: the full name, the cargo, and the part taken in the meeting."""

    role: str  # "Presidente de la reunión", "Secretario(a) de la reunión"
    name: str | None  # None: nobody designated yet, a blank line to sign by hand
    cargo: str | None


@dataclass(frozen=True)
class ActaCorrection:
    """A change made to the record after the meeting closed, in words."""

    on: date
    by: str | None
    text: str


@dataclass(frozen=True)
class ActaDecision:
    text: str
    by: str | None


@dataclass(frozen=True)
class ActaCompromiso:
    """A compromiso as the acta shows it; `outcome`/`detail` only for reviewed ones."""

    number: int
    responsable: str
    description: str
    due_on: date
    outcome: str | None = None  # a CompromisoEventKind value
    detail: str | None = None  # the result of a cumplido, the dates of a reprogramado…


@dataclass(frozen=True)
class Acta:
    """Everything the acta of one meeting says."""

    entity: str
    held_on: date
    started: str | None  # "09:05" (local), None for meetings recorded after the fact
    ended: str | None
    after_the_fact: bool
    recorded_on: date | None  # when a past meeting was recorded
    attendees: list[ActaAttendee]
    decisions: list[ActaDecision]
    reviewed: list[ActaCompromiso]
    new: list[ActaCompromiso]
    opened_by: str | None
    closed_by: str | None
    place: str | None = None
    agenda: list[str] = field(default_factory=list)  # as the coordinador set it; else DEFAULT
    guests: list[ActaGuest] = field(default_factory=list)
    signers: list[ActaSigner] = field(default_factory=list)
    corrections: list[ActaCorrection] = field(default_factory=list)

    @property
    def orden_del_dia(self) -> list[str]:
        return self.agenda or list(DEFAULT_AGENDA)

    @property
    def present(self) -> int:
        return sum(1 for a in self.attendees if a.status == "presente")

    @property
    def quorum(self) -> bool:
        """More than half of the members present."""
        return self.present * 2 > len(self.attendees)

    @property
    def title(self) -> str:
        return f"Acta de reunión del Comité de Gobierno en Línea — {self.entity}"


PRESIDENTE = "Presidente de la reunión"
SECRETARIO = "Secretario(a) de la reunión"


async def acta_of(
    session: AsyncSession, committee: Committee, meeting: Meeting, tz: tzinfo
) -> Acta:
    """Everything the acta of `meeting` says, as the record stands now (corrections included)."""
    status = {
        row.membership_id: row.status
        for row in await session.scalars(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
        )
    }
    memberships = {
        m.id: m
        for m in await session.scalars(
            select(Membership)
            .where(
                Membership.id.in_(
                    set(status)
                    | {meeting.secretary_membership_id or 0, meeting.president_membership_id or 0}
                )
            )
            .options(selectinload(Membership.person))
        )
    }
    attendees = [
        ActaAttendee(m.signing_name, m.cargo, status[m.id])
        for m in sorted(memberships.values(), key=lambda m: m.signing_name.casefold())
        if m.id in status
    ]
    decisions = list(
        await session.scalars(
            select(Decision).where(Decision.meeting_id == meeting.id).order_by(Decision.id)
        )
    )
    names = await corrections.signing_names(
        session,
        committee.id,
        {d.created_by_id for d in decisions if d.created_by_id}
        | {i for i in (meeting.opened_by_id, meeting.closed_by_id) if i},
    )
    history = await corrections.meeting_corrections(session, meeting.id)
    reviewed, new = await _compromisos(session, meeting)
    return Acta(
        entity=committee.entity_name,
        held_on=meeting.held_on,
        started=None if meeting.after_the_fact else f"{meeting.started_at.astimezone(tz):%H:%M}",
        ended=(
            None
            if meeting.after_the_fact or meeting.closed_at is None
            else f"{meeting.closed_at.astimezone(tz):%H:%M}"
        ),
        after_the_fact=meeting.after_the_fact,
        recorded_on=meeting.started_at.astimezone(tz).date() if meeting.after_the_fact else None,
        attendees=attendees,
        decisions=[ActaDecision(d.text, names.get(d.created_by_id or 0)) for d in decisions],
        reviewed=reviewed,
        new=new,
        opened_by=names.get(meeting.opened_by_id or 0),
        closed_by=names.get(meeting.closed_by_id or 0),
        place=meeting.place,
        agenda=agenda_items(meeting.agenda),
        guests=[ActaGuest(g.name, g.cargo) for g in await guests(session, meeting)],
        signers=await _signers(session, committee, meeting, memberships),
        corrections=[
            ActaCorrection(c.at.astimezone(tz).date(), c.by, c.describe()) for c in history
        ],
    )


async def _signers(
    session: AsyncSession,
    committee: Committee,
    meeting: Meeting,
    memberships: dict[int, Membership],
) -> list[ActaSigner]:
    """The presidente (designated, else who opened the meeting) and the secretario (designated,
    or a blank line to sign by hand)."""
    president = memberships.get(meeting.president_membership_id or 0)
    if president is None and meeting.opened_by_id is not None:
        president = await session.scalar(
            select(Membership)
            .where(
                Membership.committee_id == committee.id,
                Membership.person_id == meeting.opened_by_id,
            )
            .options(selectinload(Membership.person))
        )
    signers = [
        ActaSigner(PRESIDENTE, president.signing_name, president.cargo)
        if president is not None
        else ActaSigner(PRESIDENTE, None, None)
    ]
    secretary = memberships.get(meeting.secretary_membership_id or 0)
    signers.append(
        ActaSigner(SECRETARIO, secretary.signing_name, secretary.cargo)
        if secretary is not None
        else ActaSigner(SECRETARIO, None, None)
    )
    return signers


def _review_detail(event: CompromisoEvent) -> str | None:
    if (
        event.kind == CompromisoEventKind.REPROGRAMADO.value
        and event.old_due_on
        and event.new_due_on
    ):
        return f"del {format_date(event.old_due_on)} al {format_date(event.new_due_on)}"
    return event.note


async def _compromisos(
    session: AsyncSession, meeting: Meeting
) -> tuple[list[ActaCompromiso], list[ActaCompromiso]]:
    """The compromisos reviewed in the meeting (with the last word on each) and the new ones."""
    events = list(
        await session.scalars(
            select(CompromisoEvent)
            .where(
                CompromisoEvent.meeting_id == meeting.id,
                CompromisoEvent.kind != CompromisoEventKind.CREADO.value,
            )
            .order_by(CompromisoEvent.at, CompromisoEvent.id)
        )
    )
    last_event = {e.compromiso_id: e for e in events}  # the last word on each one
    touched = {
        c.id: c
        for c in await session.scalars(
            select(Compromiso)
            .where((Compromiso.id.in_(last_event)) | (Compromiso.meeting_id == meeting.id))
            .options(compromisos.WITH_OWNER)
            .order_by(Compromiso.id)
        )
    }
    reviewed = [
        _acta_compromiso(touched[cid], last_event[cid].kind, _review_detail(last_event[cid]))
        for cid in sorted(last_event)
        if cid in touched
    ]
    new = [_acta_compromiso(c, None, None) for c in touched.values() if c.meeting_id == meeting.id]
    return reviewed, new


def _acta_compromiso(c: Compromiso, outcome: str | None, detail: str | None) -> ActaCompromiso:
    return ActaCompromiso(
        number=c.id,
        responsable=compromisos.responsable_label(c),
        description=c.description,
        due_on=c.due_on,
        outcome=outcome,
        detail=detail,
    )
