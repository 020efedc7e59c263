"""Compromisos: their life (cumplido, reprogramado, cancelado) and the empalme of cargos.

Every change leaves a CompromisoEvent with its actor and moment, so the informe can say who did
what and when. Permissions, decided here so every entry point applies the same ones:
any member proposes a compromiso (its author or a coordinador confirms it); the responsable or
a coordinador marks it cumplido, en curso or reprogramado; only a coordinador cancels it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import BindParameter, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from gelbot.domain.cargos import cargo_key, record_holder
from gelbot.domain.errors import DomainError
from gelbot.models import (
    OPEN_COMPROMISO_STATUSES,
    Committee,
    Compromiso,
    CompromisoDraft,
    CompromisoEvent,
    CompromisoEventKind,
    CompromisoStatus,
    Membership,
    Person,
    Role,
)

MAX_DESCRIPTION = 1000
MAX_RESULT = 2000
MAX_REASON = 1000

# Load the responsable (membership and person) with every compromiso we show. Joined in the
# same query: both are many-to-one, so no row is repeated, and selectin's two extra queries
# took two thirds of the dispatcher's read of a batch (20 of 30 ms per 100 reminders).
WITH_OWNER = joinedload(Compromiso.owner).joinedload(Membership.person)


@dataclass(frozen=True)
class Evidence:
    """What proves a compromiso was met: a link, or a file or photo sent in the chat."""

    kind: str  # an EvidenceKind value
    value: str  # the URL, or the file's name
    file_id: str | None = None


@dataclass(frozen=True)
class Responsable:
    """Who answers for a compromiso: a member, a cargo (held by `membership`, or vacant)."""

    membership: Membership | None
    cargo: str | None = None


@dataclass
class Handover:
    """The empalme of one cargo: the open compromisos that moved to its new holder."""

    cargo: str
    successor: Membership
    moved: list[tuple[Compromiso, Membership | None]] = field(default_factory=list)


def responsable_label(compromiso: Compromiso | CompromisoDraft) -> str:
    """Say who answers for a compromiso: "Beto Ruiz (Secretario de Planeación)"."""
    owner = compromiso.owner
    if owner is not None:
        name = owner.person.display_name
        return f"{name} ({compromiso.owner_cargo})" if compromiso.owner_cargo else name
    if compromiso.owner_cargo:
        return f"{compromiso.owner_cargo} (cargo sin titular)"
    return "sin responsable"


def is_open(compromiso: Compromiso) -> bool:
    return compromiso.status in OPEN_COMPROMISO_STATUSES


def is_coordinador(member: Membership | None) -> bool:
    return member is not None and member.active and member.role == Role.COORDINADOR.value


def may_update(compromiso: Compromiso, member: Membership | None) -> bool:
    """The responsable or a coordinador may mark a compromiso cumplido, en curso, reprogramado."""
    if member is None or not member.active or member.committee_id != compromiso.committee_id:
        return False
    return is_coordinador(member) or compromiso.owner_membership_id == member.id


def may_cancel(compromiso: Compromiso, member: Membership | None) -> bool:
    """Only a coordinador cancels: a cancelled compromiso disappears from the informe."""
    return (
        member is not None
        and member.committee_id == compromiso.committee_id
        and is_coordinador(member)
    )


# --- queries (the reminder engine and the informe use these) ---------------------------------


def _open_of(committee_id: int | BindParameter[int]) -> Select[Compromiso]:
    return (
        select(Compromiso)
        .where(
            Compromiso.committee_id == committee_id,
            Compromiso.status.in_(OPEN_COMPROMISO_STATUSES),
        )
        .options(WITH_OWNER)
        .order_by(Compromiso.due_on, Compromiso.id)
    )


def _open(committee: Committee) -> Select[Compromiso]:
    return _open_of(committee.id)


# Asked on every /unirme with a cargo: built once (building it cost more than running it).
_OPEN_OWNED_BY_A_CARGO = _open_of(bindparam("committee_id")).where(
    Compromiso.owner_cargo.is_not(None)
)


async def open_compromisos(session: AsyncSession, committee: Committee) -> list[Compromiso]:
    """Open compromisos (abierto, en curso, bloqueado), soonest due first."""
    return list(await session.scalars(_open(committee)))


async def due_between(
    session: AsyncSession, committee: Committee, start: date, end: date
) -> list[Compromiso]:
    """Open compromisos due on a day in [start, end) — end excluded, as in date ranges."""
    query = _open(committee).where(Compromiso.due_on >= start, Compromiso.due_on < end)
    return list(await session.scalars(query))


async def overdue(session: AsyncSession, committee: Committee, today: date) -> list[Compromiso]:
    """Open compromisos whose due date has passed (vencidos)."""
    return list(await session.scalars(_open(committee).where(Compromiso.due_on < today)))


async def completed_between(
    session: AsyncSession, committee: Committee, start: datetime, end: datetime
) -> list[Compromiso]:
    """Compromisos marked cumplido at a moment in [start, end), with their result: the informe."""
    query = (
        select(Compromiso)
        .where(
            Compromiso.committee_id == committee.id,
            Compromiso.status == CompromisoStatus.CUMPLIDO.value,
            Compromiso.closed_at >= start,
            Compromiso.closed_at < end,
        )
        .options(WITH_OWNER)
        .order_by(Compromiso.closed_at, Compromiso.id)
    )
    return list(await session.scalars(query))


async def fulfilled(
    session: AsyncSession, committee: Committee, *, owner: Membership | None = None, limit: int = 20
) -> list[Compromiso]:
    """The latest compromisos marked cumplido (of `owner` when given), newest first."""
    query = select(Compromiso).where(
        Compromiso.committee_id == committee.id,
        Compromiso.status == CompromisoStatus.CUMPLIDO.value,
    )
    if owner is not None:
        query = query.where(Compromiso.owner_membership_id == owner.id)
    query = query.options(WITH_OWNER).order_by(Compromiso.closed_at.desc(), Compromiso.id.desc())
    return list(await session.scalars(query.limit(limit)))


async def owned_by(
    session: AsyncSession, committee: Committee, member: Membership
) -> list[Compromiso]:
    """Open compromisos `member` answers for."""
    query = _open(committee).where(Compromiso.owner_membership_id == member.id)
    return list(await session.scalars(query))


async def get(session: AsyncSession, committee: Committee, compromiso_id: int) -> Compromiso | None:
    """A compromiso of this committee (never another committee's, whatever id was forged)."""
    return await session.scalar(
        select(Compromiso)
        .where(Compromiso.id == compromiso_id, Compromiso.committee_id == committee.id)
        .options(WITH_OWNER)
    )


async def history(session: AsyncSession, compromiso: Compromiso) -> list[CompromisoEvent]:
    """Every change to a compromiso, oldest first."""
    found = await session.scalars(
        select(CompromisoEvent)
        .where(CompromisoEvent.compromiso_id == compromiso.id)
        .order_by(CompromisoEvent.at, CompromisoEvent.id)
    )
    return list(found)


# --- changes ---------------------------------------------------------------------------------


def record_event(
    session: AsyncSession,
    compromiso: Compromiso,
    kind: CompromisoEventKind,
    actor: Person | None,
    now: datetime,
    **fields: object,
) -> CompromisoEvent:
    event = CompromisoEvent(
        compromiso_id=compromiso.id,
        kind=kind.value,
        actor_id=actor.id if actor is not None else None,
        at=now,
        **fields,
    )
    session.add(event)
    return event


def _require_open(compromiso: Compromiso) -> None:
    if not is_open(compromiso):
        raise DomainError("compromiso_cerrado", compromiso=compromiso)


async def complete(
    session: AsyncSession,
    compromiso: Compromiso,
    actor: Person,
    *,
    result: str,
    evidence: Evidence | None = None,
    now: datetime,
    meeting_id: int | None = None,
) -> None:
    """Mark a compromiso cumplido with what resulted (a sentence) and, optionally, evidence."""
    _require_open(compromiso)
    result = " ".join(result.split())
    if not result:
        raise DomainError("compromiso_sin_resultado")
    if len(result) > MAX_RESULT:
        raise DomainError("compromiso_largo", limit=MAX_RESULT, length=len(result))
    compromiso.status = CompromisoStatus.CUMPLIDO.value
    compromiso.result = result
    if evidence is not None:
        compromiso.evidence = evidence.value
        compromiso.evidence_kind = evidence.kind
        compromiso.evidence_file_id = evidence.file_id
    compromiso.closed_at = now
    note = result if evidence is None else f"{result} [evidencia: {evidence.value}]"
    record_event(session, compromiso, CompromisoEventKind.CUMPLIDO, actor, now,
           note=note, meeting_id=meeting_id)  # fmt: skip
    await session.flush()


async def reschedule(
    session: AsyncSession,
    compromiso: Compromiso,
    actor: Person,
    *,
    new_due_on: date,
    now: datetime,
    meeting_id: int | None = None,
) -> date:
    """Move a compromiso's due date; the old one stays in its history. Returns the old date."""
    _require_open(compromiso)
    old = compromiso.due_on
    if new_due_on == old:
        raise DomainError("compromiso_misma_fecha", compromiso=compromiso)
    compromiso.due_on = new_due_on
    record_event(session, compromiso, CompromisoEventKind.REPROGRAMADO, actor, now,
           old_due_on=old, new_due_on=new_due_on, meeting_id=meeting_id)  # fmt: skip
    await session.flush()
    return old


async def mark_in_progress(
    session: AsyncSession,
    compromiso: Compromiso,
    actor: Person,
    *,
    now: datetime,
    meeting_id: int | None = None,
) -> None:
    """Reviewed and still in progress (en curso): recorded, due date unchanged."""
    _require_open(compromiso)
    compromiso.status = CompromisoStatus.EN_CURSO.value
    record_event(
        session, compromiso, CompromisoEventKind.EN_CURSO, actor, now, meeting_id=meeting_id
    )
    await session.flush()


async def cancel(
    session: AsyncSession, compromiso: Compromiso, actor: Person, *, reason: str, now: datetime
) -> None:
    """Cancel a compromiso, saying why."""
    _require_open(compromiso)
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError("compromiso_sin_motivo")
    if len(reason) > MAX_REASON:
        raise DomainError("compromiso_largo", limit=MAX_REASON, length=len(reason))
    compromiso.status = CompromisoStatus.CANCELADO.value
    compromiso.closed_at = now
    record_event(session, compromiso, CompromisoEventKind.CANCELADO, actor, now, note=reason)
    await session.flush()


# --- the empalme ----------------------------------------------------------------------------


async def take_cargo(
    session: AsyncSession,
    committee: Committee,
    member: Membership,
    *,
    actor: Person | None,
    now: datetime,
) -> Handover | None:
    """`member` now holds their cargo: its open compromisos move to them (the empalme).

    Called after someone declares a cargo (/unirme). Each move leaves a "reasignado" event
    naming both holders, so the history shows who had it before. Idempotent.
    """
    if not member.active or not member.cargo:
        return None
    key = cargo_key(member.cargo)
    await record_holder(session, committee, member, now=now)
    handover = Handover(cargo=member.cargo, successor=member)
    owned = await session.scalars(_OPEN_OWNED_BY_A_CARGO, {"committee_id": committee.id})
    for compromiso in owned:
        if (
            compromiso.owner_cargo is None
            or cargo_key(compromiso.owner_cargo) != key
            or compromiso.owner_membership_id == member.id
        ):
            continue
        previous = compromiso.owner
        compromiso.owner = member
        record_event(
            session, compromiso, CompromisoEventKind.REASIGNADO, actor, now,
            from_membership_id=previous.id if previous else None, to_membership_id=member.id,
            note=f"Empalme del cargo {member.cargo}",
        )  # fmt: skip
        handover.moved.append((compromiso, previous))
    await session.flush()
    return handover if handover.moved else None
