"""Cargos: who holds each one now, so compromisos owned by a cargo can follow it (empalme).

A cargo is matched by its normalised spelling ("Secretaría" and "secretaria " are one). The
holder is whoever last declared it (/unirme), recorded in cargo_holders; members who declared
it before the bot kept that record count too, the most recent first.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gelbot.db import insert_missing
from gelbot.domain.spanish import normalize
from gelbot.models import CargoHolder, Committee, Compromiso, Membership

_HOLDER = select(CargoHolder).where(
    CargoHolder.committee_id == bindparam("committee_id"),
    CargoHolder.cargo_key == bindparam("cargo_key"),
)


def cargo_key(cargo: str) -> str:
    """The form two spellings of one cargo share ("Secretaría" and "secretaria ")."""
    return normalize(cargo)[:120]


async def known_cargos(session: AsyncSession, committee: Committee) -> dict[str, str]:
    """Every cargo this committee has named (members', past holders', compromisos'), by key."""
    found: dict[str, str] = {}
    for cargo in await session.scalars(
        select(CargoHolder.cargo).where(CargoHolder.committee_id == committee.id)
    ):
        found.setdefault(cargo_key(cargo), cargo)
    for owner_cargo in await session.scalars(
        select(Compromiso.owner_cargo).where(
            Compromiso.committee_id == committee.id, Compromiso.owner_cargo.is_not(None)
        )
    ):
        if owner_cargo:
            found.setdefault(cargo_key(owner_cargo), owner_cargo)
    for member_cargo in await session.scalars(
        select(Membership.cargo).where(
            Membership.committee_id == committee.id,
            Membership.active.is_(True),
            Membership.cargo.is_not(None),
        )
    ):
        if member_cargo:
            found[cargo_key(member_cargo)] = member_cargo  # a current member's spelling wins
    return found


async def holder_of(session: AsyncSession, committee_id: int, cargo: str) -> Membership | None:
    """The member who holds `cargo` now: its last claimant, else a member with that cargo."""
    key = cargo_key(cargo)
    row = await session.scalar(
        select(CargoHolder).where(
            CargoHolder.committee_id == committee_id, CargoHolder.cargo_key == key
        )
    )
    candidates = list(
        await session.scalars(
            select(Membership)
            .where(
                Membership.committee_id == committee_id,
                Membership.active.is_(True),
                Membership.cargo.is_not(None),
            )
            .options(selectinload(Membership.person))
            .order_by(Membership.joined_at.desc(), Membership.id.desc())
        )
    )
    holders = [m for m in candidates if cargo_key(m.cargo or "") == key]
    for member in holders:
        if row is not None and member.id == row.membership_id:
            return member
    return holders[0] if holders else None


async def record_holder(
    session: AsyncSession, committee: Committee, member: Membership, *, now: datetime
) -> None:
    """`member` has just declared their cargo: they hold it from `now`."""
    assert member.cargo
    key = cargo_key(member.cargo)
    held = {"committee_id": committee.id, "cargo_key": key}
    row = await session.scalar(_HOLDER, held)
    if row is None:
        # Two people declaring the same cargo at once may reach two gelbot instances: the
        # second waits, then takes the cargo over as if it had come a moment later.
        values = {"cargo": member.cargo, "membership_id": member.id, "since": now}
        if await insert_missing(session, cast(Table, CargoHolder.__table__), held, values):
            return
        row = await session.scalar(_HOLDER, held)
        assert row is not None
    if row.membership_id != member.id:
        row.membership_id, row.cargo, row.since = member.id, member.cargo, now
