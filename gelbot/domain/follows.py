"""Delegados following committees: asked with /seguir, accepted by the committee's coordinador.

Anyone can write /seguir, and each request is posted in the committee's group, so three limits
keep a stranger from flooding a group or listing committees: one pending request per person and
committee (asking again posts nothing); one new request per person every REQUEST_COOLDOWN, and
none to a committee that rejected them within REJECTION_COOLDOWN; and the search shows a
committee only to whoever names it closely enough to single it out — a list of matches (with
buttons) only to the delegados the operator configured (GELBOT_DELEGADOS).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.db import insert_missing
from gelbot.domain.spanish import normalize
from gelbot.models import Committee, DelegateFollow, FollowStatus, Person, PlanScope
from gelbot.models.reminders import plan_again

MAX_MATCHES = 8
MIN_WORD = 4  # a word of the query names a word of the entity when it starts it with 4+ letters
REQUEST_COOLDOWN = timedelta(minutes=10)
REJECTION_COOLDOWN = timedelta(days=30)
ASK_AGAIN_AFTER = timedelta(days=7)  # a request pending this long may be posted once more


def _names(query: list[str], name: str) -> bool:
    """Whether every word of the query is a word of the name, or starts one (4+ letters)."""
    words = name.split()
    return all(
        any(w == q or (len(q) >= MIN_WORD and w.startswith(q)) for w in words) for q in query
    )


@dataclass(frozen=True)
class Search:
    """What /seguir may show: the committees found, or how many matched without naming them."""

    found: list[Committee]
    hidden: int = 0  # several matched a stranger's words: none is shown


async def search(session: AsyncSession, text: str, *, list_all: bool = False) -> Search:
    """Active committees named by `text` (accents ignored). An exact name wins; otherwise a
    delegado the operator configured (`list_all`) gets every name containing the words, anyone
    else a committee only when their words name exactly one."""
    words = normalize(text).split()
    if not words:
        return Search([])
    exact, close, containing = [], [], []
    for committee in await session.scalars(
        select(Committee).where(Committee.active.is_(True)).order_by(Committee.entity_name)
    ):
        name = normalize(committee.entity_name)
        if name == " ".join(words):
            exact.append(committee)
        if _names(words, name):
            close.append(committee)
        if all(word in name for word in words):
            containing.append(committee)
    if exact:
        return Search(exact)  # an exact name wins over longer ones that contain it
    if list_all:
        return Search(containing)
    if len(close) > 1:
        return Search([], hidden=len(close))
    return Search(close)


class Asked(enum.Enum):
    """What became of a /seguir request."""

    NEW = "new"  # recorded: post it in the group
    AGAIN = "again"  # pending for long: post it once more
    PENDING = "pending"  # already asked: post nothing
    ACCEPTED = "accepted"
    REJECTED = "rejected"  # rejected recently: not again before `until`
    WAIT = "wait"  # this person asked for another committee a moment ago


@dataclass(frozen=True)
class Request:
    outcome: Asked
    follow: DelegateFollow | None
    until: datetime | None = None  # when the person may ask (REJECTED, WAIT)


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
) -> Request:
    """Ask to follow `committee`, within the limits above; accepted ones stay so."""
    follow = await follow_of(session, person.id, committee.id)
    if follow is not None and follow.status == FollowStatus.ACEPTADO:
        return Request(Asked.ACCEPTED, follow)
    pending = follow is not None and follow.status == FollowStatus.PENDIENTE
    if pending and follow is not None and now - follow.requested_at < ASK_AGAIN_AFTER:
        return Request(Asked.PENDING, follow)
    if follow is not None and follow.status == FollowStatus.RECHAZADO:
        until = (follow.decided_at or follow.requested_at) + REJECTION_COOLDOWN
        if now < until:
            return Request(Asked.REJECTED, follow, until)
    latest = await session.scalar(
        select(func.max(DelegateFollow.requested_at)).where(DelegateFollow.person_id == person.id)
    )
    if latest is not None and now - latest < REQUEST_COOLDOWN:
        return Request(Asked.WAIT, follow, latest + REQUEST_COOLDOWN)
    outcome = (
        Asked.NEW if follow is None or follow.status == FollowStatus.RECHAZADO else Asked.AGAIN
    )
    if follow is None:
        # Asked twice at once, the request may reach two gelbot instances: the second one
        # waits, then finds the first one's request pending.
        pair = {"person_id": person.id, "committee_id": committee.id}
        values = {"status": FollowStatus.PENDIENTE.value, "requested_at": now}
        created = await insert_missing(session, cast(Table, DelegateFollow.__table__), pair, values)
        follow = await follow_of(session, person.id, committee.id)
        assert follow is not None
        if not created:
            return Request(Asked.PENDING, follow)
        await plan_again(session, PlanScope.DELEGADO, person.id)  # as the flush hook would
        return Request(Asked.NEW, follow)
    follow.status, follow.requested_at = FollowStatus.PENDIENTE.value, now
    follow.decided_at = follow.decided_by_id = None
    await session.flush()
    return Request(outcome, follow)


async def decide(
    session: AsyncSession, follow: DelegateFollow, *, accept: bool, by: Person, now: datetime
) -> None:
    """The coordinador accepts (the digest starts) or rejects (kept, so it is not asked again
    at once: REJECTION_COOLDOWN)."""
    follow.status = (FollowStatus.ACEPTADO if accept else FollowStatus.RECHAZADO).value
    follow.decided_at = now
    follow.decided_by_id = by.id
    await session.flush()


async def following(session: AsyncSession, person: Person) -> list[tuple[Committee, str]]:
    """Every committee the person follows or asked to follow, with the request's status."""
    rows = await session.execute(
        select(Committee, DelegateFollow.status)
        .join(DelegateFollow, DelegateFollow.committee_id == Committee.id)
        .where(
            DelegateFollow.person_id == person.id,
            DelegateFollow.status != FollowStatus.RECHAZADO.value,
        )
        .order_by(Committee.entity_name)
    )
    return [(c, status) for c, status in rows]


async def unfollow(session: AsyncSession, person: Person, committee: Committee) -> bool:
    follow = await follow_of(session, person.id, committee.id)
    if follow is None or follow.status == FollowStatus.RECHAZADO:
        return False
    await session.delete(follow)
    await session.flush()
    return True


async def accepted_committees(session: AsyncSession, person_id: int) -> list[Committee]:
    """The active committees that accepted this person as delegado, by name."""
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
