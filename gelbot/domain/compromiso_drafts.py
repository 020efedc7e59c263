"""Compromiso drafts: what the bot understood, kept until its author or a coordinador decides."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gelbot.domain.cargos import holder_of
from gelbot.domain.compromisos import MAX_DESCRIPTION, Responsable, is_coordinador, record_event
from gelbot.domain.errors import DomainError
from gelbot.models import (
    Committee,
    Compromiso,
    CompromisoDraft,
    CompromisoEventKind,
    CompromisoStatus,
    Membership,
    Person,
)


async def create_draft(
    session: AsyncSession,
    committee: Committee,
    author: Person,
    *,
    responsable: Responsable,
    description: str,
    due_on: date,
    meeting_id: int | None,
    now: datetime,
) -> CompromisoDraft:
    """Remember what the bot understood, until its author confirms or cancels it."""
    description = " ".join(description.split())
    if not description:
        raise DomainError("compromiso_sin_descripcion")
    if len(description) > MAX_DESCRIPTION:
        raise DomainError("compromiso_largo", limit=MAX_DESCRIPTION, length=len(description))
    draft = CompromisoDraft(
        committee_id=committee.id,
        author_id=author.id,
        description=description,
        owner=responsable.membership,
        owner_cargo=responsable.cargo,
        due_on=due_on,
        meeting_id=meeting_id,
        created_at=now,
    )
    session.add(draft)
    await session.flush()
    return draft


async def get_draft(
    session: AsyncSession, committee: Committee, draft_id: int
) -> CompromisoDraft | None:
    return await session.scalar(
        select(CompromisoDraft)
        .where(CompromisoDraft.id == draft_id, CompromisoDraft.committee_id == committee.id)
        .options(selectinload(CompromisoDraft.owner).selectinload(Membership.person))
    )


def may_decide_draft(draft: CompromisoDraft, person: Person, member: Membership | None) -> bool:
    """The draft's author, or a coordinador, confirms or cancels it."""
    return draft.author_id == person.id or is_coordinador(member)


async def confirm_draft(
    session: AsyncSession, draft: CompromisoDraft, actor: Person, *, now: datetime
) -> Compromiso:
    """Turn a confirmed draft into a compromiso, with its "creado" event."""
    owner = draft.owner
    if owner is None and draft.owner_cargo:
        # The cargo may have found a holder between the echo and the confirmation.
        owner = await holder_of(session, draft.committee_id, draft.owner_cargo)
    compromiso = Compromiso(
        committee_id=draft.committee_id,
        description=draft.description,
        owner=owner,
        owner_cargo=draft.owner_cargo,
        due_on=draft.due_on,
        status=CompromisoStatus.ABIERTO.value,
        meeting_id=draft.meeting_id,
        created_by_id=draft.author_id,
        created_at=now,
    )
    session.add(compromiso)
    await session.flush()
    record_event(
        session, compromiso, CompromisoEventKind.CREADO, actor, now,
        new_due_on=draft.due_on, to_membership_id=owner.id if owner else None,
        meeting_id=draft.meeting_id,
    )  # fmt: skip
    await session.delete(draft)
    await session.flush()
    return compromiso


async def discard_draft(session: AsyncSession, draft: CompromisoDraft) -> None:
    await session.delete(draft)
    await session.flush()
