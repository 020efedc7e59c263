"""What the convocatoria and the acta say besides the record: the place, the orden del día,
guests who are not members, the secretario who signs, and members' full names.

The coordinador sets them (the edge checks the role). Place and orden del día given while no
meeting is open belong to the next convocatoria; a meeting takes them when it starts.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gelbot.domain import meeting_corrections as corrections
from gelbot.domain.errors import DomainError
from gelbot.models import (
    Committee,
    CorrectionKind,
    Meeting,
    MeetingGuest,
    MeetingNotice,
    MeetingStatus,
    Membership,
    Person,
    Role,
)

MAX_PLACE = 200
MAX_AGENDA_ITEMS = 15
MAX_AGENDA_ITEM = 300
MAX_NAME = 200
# "1.", "2)", "3 -", "•", "-" at the start of an item: the numbers are the acta's to write.
_ITEM_MARK = re.compile(r"^\s*(?:\d{1,2}\s*[.)\-:]|[-•*])\s*")


async def notice_of(session: AsyncSession, committee: Committee) -> MeetingNotice | None:
    """The next convocatoria's place and orden del día, if the coordinador gave any."""
    return await session.get(MeetingNotice, committee.id)


async def _notice(
    session: AsyncSession, committee: Committee, actor: Person, now: datetime
) -> MeetingNotice:
    notice = await notice_of(session, committee)
    if notice is None:
        notice = MeetingNotice(committee_id=committee.id, updated_at=now)
        session.add(notice)
    notice.updated_at, notice.updated_by_id = now, actor.id
    return notice


def read_place(text: str) -> str:
    place = " ".join(text.split()).strip(" .")
    if not place:
        raise DomainError("reunion_lugar_falta")
    if len(place) > MAX_PLACE:
        raise DomainError("reunion_texto_largo", limit=MAX_PLACE, length=len(place))
    return place


def read_agenda(text: str) -> list[str]:
    """The orden del día from "1. Llamado a lista; 2. Revisión…" (or one item a line)."""
    pieces = [p for line in text.splitlines() for p in line.split(";")]
    items = [" ".join(_ITEM_MARK.sub("", p).split()).rstrip(" .") for p in pieces]
    items = [item for item in items if item]
    if not items:
        raise DomainError("reunion_orden_falta")
    if len(items) > MAX_AGENDA_ITEMS:
        raise DomainError("reunion_orden_larga", limit=MAX_AGENDA_ITEMS, count=len(items))
    longest = max(len(item) for item in items)
    if longest > MAX_AGENDA_ITEM:
        raise DomainError("reunion_texto_largo", limit=MAX_AGENDA_ITEM, length=longest)
    return items


def agenda_items(stored: str | None) -> list[str]:
    return [line for line in (stored or "").splitlines() if line]


async def set_place(
    session: AsyncSession,
    committee: Committee,
    meeting: Meeting | None,
    text: str,
    actor: Person,
    *,
    now: datetime,
) -> str:
    """The open meeting's place; also the usual place for the next convocatorias."""
    place = read_place(text)
    if meeting is None or not meeting.after_the_fact:
        (await _notice(session, committee, actor, now)).place = place
    if meeting is not None:
        if meeting.closed_at is not None and meeting.place != place:
            await corrections.record(session, meeting, CorrectionKind.LUGAR, actor, now=now,
                                     before=meeting.place, after=place)  # fmt: skip
        meeting.place = place
    await session.flush()
    return place


async def set_agenda(
    session: AsyncSession,
    committee: Committee,
    meeting: Meeting | None,
    text: str,
    actor: Person,
    *,
    now: datetime,
) -> list[str]:
    """The open meeting's orden del día, or the next convocatoria's when none is open."""
    items = read_agenda(text)
    stored = "\n".join(items)
    if meeting is None:
        (await _notice(session, committee, actor, now)).agenda = stored
    else:
        if meeting.closed_at is not None and meeting.agenda != stored:
            await corrections.record(session, meeting, CorrectionKind.ORDEN, actor, now=now,
                                     before=meeting.agenda, after=stored)  # fmt: skip
        meeting.agenda = stored
    await session.flush()
    return items


async def take_notice(session: AsyncSession, committee: Committee, meeting: Meeting) -> None:
    """A meeting held today starts with the convocatoria's place and orden del día."""
    notice = await notice_of(session, committee)
    if notice is None:
        return
    meeting.place = notice.place
    meeting.agenda, notice.agenda = notice.agenda, None


# --- guests ------------------------------------------------------------------------------------


def read_guest(text: str) -> tuple[str, str]:
    """«María Pérez, Delegada de la UT» → (name, cargo or entity)."""
    name, comma, cargo = " ".join(text.split()).partition(",")
    name, cargo = name.strip(" ."), cargo.strip(" .")
    if not name:
        raise DomainError("reunion_invitado_formato", given=text)
    if not comma or not cargo:
        raise DomainError("reunion_invitado_sin_cargo", guest_name=name)
    longest = max(len(name), len(cargo))
    if longest > MAX_NAME:
        raise DomainError("reunion_texto_largo", limit=MAX_NAME, length=longest)
    return name, cargo


async def guests(session: AsyncSession, meeting: Meeting) -> list[MeetingGuest]:
    found = await session.scalars(
        select(MeetingGuest).where(MeetingGuest.meeting_id == meeting.id).order_by(MeetingGuest.id)
    )
    return list(found)


def _is_open(meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.ABIERTA.value


async def add_guest(
    session: AsyncSession,
    meeting: Meeting,
    text: str,
    actor: Person,
    *,
    now: datetime,
    delegado: Membership | None = None,
) -> MeetingGuest:
    """A guest from «María Pérez, Delegada de la UT», or a delegado of the committee (who is
    not called in the roll call, but whose presence the acta records)."""
    if not _is_open(meeting):
        raise DomainError("reunion_cerrada")
    if delegado is None:
        name, cargo = read_guest(text)
    elif delegado.role != Role.DELEGADO.value:
        raise DomainError("reunion_invitado_es_miembro", member_name=delegado.signing_name)
    else:
        name, cargo = delegado.signing_name, delegado.cargo or "Delegado(a)"
    guest = MeetingGuest(meeting_id=meeting.id, name=name, cargo=cargo, added_by_id=actor.id,
                         added_at=now)  # fmt: skip
    session.add(guest)
    if meeting.closed_at is not None:
        await corrections.record(session, meeting, CorrectionKind.INVITADO_AGREGADO, actor,
                                 now=now, after=f"{name}, {cargo}")  # fmt: skip
    await session.flush()
    return guest


async def remove_guest(
    session: AsyncSession, meeting: Meeting, text: str, actor: Person, *, now: datetime
) -> MeetingGuest:
    """Take a guest off the acta, found by the start of the name ("María", "maria perez")."""
    if not _is_open(meeting):
        raise DomainError("reunion_cerrada")
    wanted = " ".join(text.split()).casefold()
    found = [g for g in await guests(session, meeting) if wanted and
             g.name.casefold().startswith(wanted)]  # fmt: skip
    if len(found) != 1:
        raise DomainError("reunion_invitado_desconocido", given=text, count=len(found))
    guest = found[0]
    if meeting.closed_at is not None:
        await corrections.record(session, meeting, CorrectionKind.INVITADO_QUITADO, actor,
                                 now=now, before=f"{guest.name}, {guest.cargo}")  # fmt: skip
    await session.delete(guest)
    await session.flush()
    return guest


# --- who signs -----------------------------------------------------------------------------------


SIGNERS = {"presidente": CorrectionKind.PRESIDENTE, "secretario": CorrectionKind.SECRETARIO}


async def set_signer(
    session: AsyncSession, meeting: Meeting, part: str, signer: Membership, actor: Person, *,
    now: datetime,
) -> None:  # fmt: skip
    """Who signs the acta as presidente (who presided) or secretario (who took the acta)."""
    if signer.committee_id != meeting.committee_id or not signer.active:
        raise DomainError("reunion_secretario_no_miembro")
    column = f"{'president' if part == 'presidente' else 'secretary'}_membership_id"
    current: int | None = getattr(meeting, column)
    if meeting.closed_at is not None and current != signer.id:
        before = await session.get(
            Membership, current or 0, options=[selectinload(Membership.person)]
        )
        await corrections.record(session, meeting, SIGNERS[part], actor, now=now,
                                 before=before.signing_name if before else None,
                                 after=signer.signing_name)  # fmt: skip
    setattr(meeting, column, signer.id)


def set_full_name(person: Person, text: str) -> str:
    """The name the committee's documents sign with: "Fernando Chávez Ayala"."""
    name = " ".join(text.split()).strip(" .,")
    if len(name.split()) < 2 or any(ch.isdigit() for ch in name):
        raise DomainError("nombre_completo_formato", given=text)
    if len(name) > MAX_NAME:
        raise DomainError("reunion_texto_largo", limit=MAX_NAME, length=len(name))
    person.full_name = name
    return name
