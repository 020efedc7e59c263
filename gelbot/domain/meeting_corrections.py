"""Correcting a meeting's record: reopen it, fix attendance, edit or delete a decision.

Every change keeps a row (who, when, before and after) in meeting_corrections; the acta lists
them and `meeting_corrections` gives them to whoever cites the record (the informe's annex).
Only coordinadores correct: `may_correct` is the one rule, checked at every entry point.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import compromisos
from gelbot.domain.errors import DomainError
from gelbot.models import (
    Committee,
    CorrectionKind,
    Decision,
    Meeting,
    MeetingCorrection,
    MeetingStatus,
    Membership,
    Person,
)

MAX_DECISION = 2000
_STATUS_WORDS = {"presente": "presente", "ausente": "ausente", "excusa": "excusa"}
_MEETING_WORDS = {"abierta": "abierta", "cerrada": "cerrada", "registrada": "registrada"}


def may_correct(member: Membership | None) -> bool:
    return compromisos.is_coordinador(member)


def was_closed(meeting: Meeting) -> bool:
    """A reopened meeting: what changes in it now is a correction of a closed record."""
    return meeting.closed_at is not None


async def record(
    session: AsyncSession,
    meeting: Meeting,
    kind: CorrectionKind,
    actor: Person,
    *,
    now: datetime,
    subject: str | None = None,
    before: str | None = None,
    after: str | None = None,
) -> MeetingCorrection:
    row = MeetingCorrection(meeting_id=meeting.id, kind=kind.value, subject=subject,
                            before=before, after=after, by_id=actor.id, at=now)  # fmt: skip
    session.add(row)
    await session.flush()
    return row


async def reopen_meeting(
    session: AsyncSession, committee: Committee, meeting: Meeting, actor: Person, *, now: datetime
) -> Meeting:
    """Open a closed meeting's record again, to correct it; closing it again redoes the acta."""
    if meeting.committee_id != committee.id:
        raise DomainError("reunion_no_encontrada")
    if meeting.status == MeetingStatus.ABIERTA.value:
        raise DomainError("reunion_ya_abierta")
    other = await session.scalar(
        select(Meeting.id).where(
            Meeting.committee_id == committee.id, Meeting.status == MeetingStatus.ABIERTA.value
        )
    )
    if other is not None:
        raise DomainError("reunion_ya_abierta")
    await record(session, meeting, CorrectionKind.REABIERTA, actor, now=now,
                 before=meeting.status, after=MeetingStatus.ABIERTA.value)  # fmt: skip
    meeting.status = MeetingStatus.ABIERTA.value
    await session.flush()
    return meeting


def _decision_text(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise DomainError("reunion_decision_vacia")
    if len(text) > MAX_DECISION:
        raise DomainError("reunion_texto_largo", limit=MAX_DECISION, length=len(text))
    return text


async def decision_number(session: AsyncSession, decision: Decision) -> int:
    """The decision's number in its acta (1, 2, …), as people read it."""
    ids = list(
        await session.scalars(
            select(Decision.id).where(Decision.meeting_id == decision.meeting_id)
            .order_by(Decision.id)
        )
    )  # fmt: skip
    return ids.index(decision.id) + 1


async def edit_decision(
    session: AsyncSession, decision: Decision, text: str, actor: Person, *, now: datetime
) -> Decision:
    meeting = await session.get(Meeting, decision.meeting_id)
    assert meeting is not None
    if meeting.status != MeetingStatus.ABIERTA.value:
        raise DomainError("reunion_cerrada_corregir")
    text = _decision_text(text)
    if text == decision.text:
        return decision
    number = await decision_number(session, decision)
    await record(session, meeting, CorrectionKind.DECISION_EDITADA, actor, now=now,
                 subject=f"decisión {number}", before=decision.text, after=text)  # fmt: skip
    decision.text = text
    await session.flush()
    return decision


async def delete_decision(
    session: AsyncSession, decision: Decision, actor: Person, *, now: datetime
) -> None:
    meeting = await session.get(Meeting, decision.meeting_id)
    assert meeting is not None
    if meeting.status != MeetingStatus.ABIERTA.value:
        raise DomainError("reunion_cerrada_corregir")
    number = await decision_number(session, decision)
    await record(session, meeting, CorrectionKind.DECISION_BORRADA, actor, now=now,
                 subject=f"decisión {number}", before=decision.text)  # fmt: skip
    await session.delete(decision)
    await session.flush()


# --- the history, in words -------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """One change to a meeting's record, as the acta and the informe's annex cite it."""

    kind: str  # a CorrectionKind value
    at: datetime
    by: str | None  # the full name of who made it
    subject: str | None
    before: str | None
    after: str | None

    def describe(self) -> str:
        """The change in plain Spanish: «asistencia de Beto Ruiz: ausente → presente»."""
        kind, before, after = self.kind, self.before, self.after
        if kind == CorrectionKind.REABIERTA.value:
            return "reabrió el acta para corregirla"
        if kind == CorrectionKind.ASISTENCIA.value:
            old = _STATUS_WORDS.get(before or "", "sin marcar")
            return f"asistencia de {self.subject}: {old} → {_STATUS_WORDS.get(after or '', after)}"
        if kind == CorrectionKind.DECISION_EDITADA.value:
            return f"{self.subject} cambió de «{before}» a «{after}»"
        if kind == CorrectionKind.DECISION_BORRADA.value:
            return f"{self.subject} borrada: «{before}»"
        if kind == CorrectionKind.DECISION_AGREGADA.value:
            return f"decisión agregada: «{after}»"
        if kind == CorrectionKind.INVITADO_AGREGADO.value:
            return f"invitado agregado: {after}"
        if kind == CorrectionKind.INVITADO_QUITADO.value:
            return f"invitado retirado: {before}"
        if kind == CorrectionKind.LUGAR.value:
            return f"lugar: {before or 'sin lugar'} → {after}"
        if kind == CorrectionKind.ORDEN.value:
            return "orden del día corregido"
        if kind == CorrectionKind.SECRETARIO.value:
            return f"secretario(a) de la reunión: {before or 'sin designar'} → {after}"
        if kind == CorrectionKind.PRESIDENTE.value:
            return f"presidente de la reunión: {before or 'quien la abrió'} → {after}"
        return kind


async def meeting_corrections(session: AsyncSession, meeting_id: int) -> list[Correction]:
    """Every correction of one meeting's record, oldest first."""
    rows = list(
        await session.execute(
            select(MeetingCorrection, Person)
            .outerjoin(Person, Person.id == MeetingCorrection.by_id)
            .where(MeetingCorrection.meeting_id == meeting_id)
            .order_by(MeetingCorrection.at, MeetingCorrection.id)
        )
    )
    meeting = await session.get(Meeting, meeting_id)
    names = await signing_names(session, meeting.committee_id if meeting else None,
                                 {p.id for _, p in rows if p is not None})  # fmt: skip
    return [
        Correction(
            row.kind,
            row.at,
            names.get(person.id) if person else None,
            row.subject,
            row.before,
            row.after,
        )
        for row, person in rows
    ]


async def signing_names(
    session: AsyncSession, committee_id: int | None, person_ids: set[int]
) -> dict[int, str]:
    """Person id → the full name their membership signs with (Telegram's name otherwise)."""
    if not person_ids:
        return {}
    people = {
        p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(person_ids)))
    }
    return {pid: p.signing_name for pid, p in people.items()}
