"""Delegados following committees: asked with /seguir, accepted by the committee's coordinador."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.spanish import normalize
from gelbot.models import Committee, DelegateFollow, FollowStatus, Person

MAX_MATCHES = 8


async def search(session: AsyncSession, text: str) -> list[Committee]:
    """Active committees whose entity name contains every word of `text` (accents ignored)."""
    words = normalize(text).split()
    if not words:
        return []
    found = []
    for committee in await session.scalars(
        select(Committee).where(Committee.active.is_(True)).order_by(Committee.entity_name)
    ):
        name = normalize(committee.entity_name)
        if name == " ".join(words):
            return [committee]  # an exact name wins over longer ones that contain it
        if all(word in name for word in words):
            found.append(committee)
    return found


async def follow_of(
    session: AsyncSession, person_id: int, committee_id: int
) -> DelegateFollow | None:
    return await session.scalar(
        select(DelegateFollow).where(
            DelegateFollow.person_id == person_id, DelegateFollow.committee_id == committee_id
        )
    )


async def request(
    session: AsyncSession, person: Person, committee: Committee, *, now: datetime
) -> DelegateFollow:
    """Ask to follow `committee` (again, if a request was pending); accepted ones stay so."""
    follow = await follow_of(session, person.id, committee.id)
    if follow is None:
        follow = DelegateFollow(
            person_id=person.id,
            committee_id=committee.id,
            status=FollowStatus.PENDIENTE.value,
            requested_at=now,
        )
        session.add(follow)
        await session.flush()
    return follow


async def decide(
    session: AsyncSession, follow: DelegateFollow, *, accept: bool, by: Person, now: datetime
) -> None:
    """The coordinador accepts (the digest starts) or rejects (the request disappears)."""
    if accept:
        follow.status = FollowStatus.ACEPTADO.value
        follow.decided_at = now
        follow.decided_by_id = by.id
    else:
        await session.delete(follow)
    await session.flush()


async def following(session: AsyncSession, person: Person) -> list[tuple[Committee, str]]:
    """Every committee the person follows or asked to follow, with the request's status."""
    rows = await session.execute(
        select(Committee, DelegateFollow.status)
        .join(DelegateFollow, DelegateFollow.committee_id == Committee.id)
        .where(DelegateFollow.person_id == person.id)
        .order_by(Committee.entity_name)
    )
    return [(c, status) for c, status in rows]


async def unfollow(session: AsyncSession, person: Person, committee: Committee) -> bool:
    follow = await follow_of(session, person.id, committee.id)
    if follow is None:
        return False
    await session.delete(follow)
    await session.flush()
    return True
