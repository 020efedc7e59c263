"""Committees and their members: registration, joining, roles, lifecycle. No Telegram here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gelbot.db import insert_missing
from gelbot.domain.committee_frameworks import default_ids

# DomainError lives in domain.errors; handlers and the CLI still reach it through here.
from gelbot.domain.errors import DomainError as DomainError
from gelbot.models import Base, Committee, Membership, Nivel, Orden, Person, PlanScope, Role
from gelbot.models.reminders import plan_again

# Every group command starts with these lookups: built once, since building a statement
# costs more than SQLite takes to run it (bench/README.md).
_PERSON_BY_TELEGRAM_ID = select(Person).where(Person.telegram_id == bindparam("telegram_id"))
_COMMITTEE_BY_CHAT = select(Committee).where(Committee.chat_id == bindparam("chat_id"))
_MEMBERSHIP = select(Membership).where(
    Membership.committee_id == bindparam("committee_id"),
    Membership.person_id == bindparam("person_id"),
)
_ACTIVE_MEMBERSHIP = _MEMBERSHIP.where(Membership.active.is_(True))

MAX_ENTITY_NAME = 200
MAX_CARGO = 120


@dataclass(frozen=True)
class PersonInfo:
    """Who someone is on Telegram, as the edge tells the domain."""

    telegram_id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None


async def upsert_person(session: AsyncSession, info: PersonInfo, *, now: datetime) -> Person:
    """The Person for a Telegram user, created or refreshed (names and usernames change)."""
    who = {"telegram_id": info.telegram_id}
    person = await session.scalar(_PERSON_BY_TELEGRAM_ID, who)
    if person is None:
        # Their first two updates may reach two gelbot instances at once: the second waits.
        values = {
            "first_name": info.first_name[:200],
            "username": info.username,
            "last_name": (info.last_name or None) and info.last_name[:200],
            "private_chat_open": False,
            "private_blocked": False,
            "created_at": now,
        }
        created = await insert_missing(session, cast(Table, Person.__table__), who, values)
        person = await session.scalar(_PERSON_BY_TELEGRAM_ID, who)
        assert person is not None
        if created:
            return person
    person.first_name = info.first_name[:200]
    person.last_name = (info.last_name or None) and info.last_name[:200]
    if info.username != person.username:
        # A username moves with its owner: whoever held it before no longer does.
        if info.username:
            previous = await session.scalars(
                select(Person).where(
                    func.lower(Person.username) == info.username.lower(), Person.id != person.id
                )
            )
            for other in previous:
                other.username = None
        person.username = info.username
    return person


async def committee_for_chat(session: AsyncSession, chat_id: int) -> Committee | None:
    return await session.scalar(_COMMITTEE_BY_CHAT, {"chat_id": chat_id})


async def register_committee(
    session: AsyncSession, *, chat_id: int, entity_name: str, founder: Person, now: datetime
) -> tuple[Committee, bool]:
    """Create the chat's committee with `founder` as coordinador; (committee, created?)."""
    name = " ".join(entity_name.split())
    if not name:
        raise DomainError("comite_sin_nombre")
    if len(name) > MAX_ENTITY_NAME:
        raise DomainError("comite_nombre_largo", limit=MAX_ENTITY_NAME, length=len(name))
    existing = await committee_for_chat(session, chat_id)
    if existing is not None:
        if not existing.active:
            existing.active = True
            existing.reachable = True
            existing.deactivated_at = None
        return existing, False
    committee = Committee(
        chat_id=chat_id,
        entity_name=name,
        # The rules in force the day it registers: Decreto 1151 in 2009, Res. 1519 and
        # Decreto 767 today (domain/committee_frameworks.py).
        framework_id=default_ids(now.date()),
        informe_months=6,
        informe_start_month=2,
        active=True,
        reachable=True,
        created_at=now,
    )
    session.add(committee)
    await session.flush()
    session.add(
        Membership(
            committee_id=committee.id,
            person_id=founder.id,
            role=Role.COORDINADOR.value,
            active=True,
            joined_at=now,
        )
    )
    await session.flush()
    return committee, True


def set_orden(committee: Committee, orden: str) -> None:
    if orden not in {o.value for o in Orden}:
        raise DomainError("opcion_invalida")
    committee.orden = orden


def set_nivel(committee: Committee, nivel: str) -> None:
    if nivel not in {n.value for n in Nivel}:
        raise DomainError("opcion_invalida")
    committee.nivel = nivel


async def membership(
    session: AsyncSession, committee: Committee, person: Person
) -> Membership | None:
    return await session.scalar(
        _ACTIVE_MEMBERSHIP, {"committee_id": committee.id, "person_id": person.id}
    )


async def join(
    session: AsyncSession, committee: Committee, person: Person, cargo: str, *, now: datetime
) -> tuple[Membership, bool]:
    """Add `person` with `cargo` (or update the cargo); (membership, newly joined?)."""
    cargo = " ".join(cargo.split())
    if not cargo:
        raise DomainError("unirme_sin_cargo")
    if len(cargo) > MAX_CARGO:
        raise DomainError("cargo_largo", limit=MAX_CARGO, length=len(cargo))
    pair = {"committee_id": committee.id, "person_id": person.id}
    found = await session.scalar(_MEMBERSHIP, pair)
    if found is None:
        # The same person joining twice may reach two gelbot instances at once: one waits.
        values = {"role": Role.MIEMBRO.value, "cargo": cargo, "active": True, "joined_at": now}
        created = await insert_missing(session, cast(Table, Membership.__table__), pair, values)
        found = await session.scalar(_MEMBERSHIP, pair)
        assert found is not None
        if created:  # inserted past the ORM's flush hook, which would have said so
            await plan_again(session, PlanScope.COMITE, committee.id)
            return found, True
    was_active = found.active
    found.cargo = cargo
    found.active = True
    return found, not was_active


async def members(session: AsyncSession, committee: Committee) -> list[Membership]:
    """Active members, coordinadores first, then by name."""
    rows = await session.scalars(
        select(Membership)
        .join(Person)
        .where(Membership.committee_id == committee.id, Membership.active.is_(True))
        .options(selectinload(Membership.person))
        .order_by(Membership.role != Role.COORDINADOR.value, func.lower(Person.first_name))
    )
    return list(rows)


def parse_role(text: str) -> Role:
    """A role from what a person typed ("control interno", "Editor_Web", "coordinadora")."""
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    aliases = {
        "coordinadora": "coordinador",
        "delegada": "delegado",
        "editor": "editor_web",
        "editora_web": "editor_web",
        "editora": "editor_web",
        "control": "control_interno",
    }
    key = aliases.get(key, key)
    try:
        return Role(key)
    except ValueError:
        raise DomainError("rol_desconocido") from None


async def set_role(
    session: AsyncSession, committee: Committee, target: Membership, role: Role
) -> None:
    """Give `target` a role; a committee always keeps at least one coordinador."""
    if target.role == Role.COORDINADOR.value and role != Role.COORDINADOR:
        count = await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.committee_id == committee.id,
                Membership.role == Role.COORDINADOR.value,
                Membership.active.is_(True),
            )
        )
        if (count or 0) <= 1:
            raise DomainError("ultimo_coordinador")
    target.role = role.value


async def find_member(
    session: AsyncSession,
    committee: Committee,
    *,
    username: str | None = None,
    telegram_id: int | None = None,
) -> Membership | None:
    """A committee member by @username or Telegram id; never someone from another committee."""
    query = (
        select(Membership)
        .join(Person)
        .where(Membership.committee_id == committee.id, Membership.active.is_(True))
        .options(selectinload(Membership.person))
    )
    if username is not None:
        query = query.where(func.lower(Person.username) == username.lower().lstrip("@"))
    elif telegram_id is not None:
        query = query.where(Person.telegram_id == telegram_id)
    else:
        return None
    return await session.scalar(query)


async def committees_of(
    session: AsyncSession, person: Person
) -> list[tuple[Committee, Membership]]:
    rows = await session.execute(
        select(Committee, Membership)
        .join(Membership, Membership.committee_id == Committee.id)
        .where(Membership.person_id == person.id, Membership.active.is_(True))
        .order_by(Committee.entity_name)
    )
    return [(c, m) for c, m in rows]


def deactivate(committee: Committee, *, now: datetime) -> None:
    """The bot left the group: keep everything, stop acting for it."""
    committee.active = False
    committee.deactivated_at = now


async def follow_migration(
    session: AsyncSession, old_chat_id: int, new_chat_id: int
) -> Committee | None:
    """A group became a supergroup: the committee follows the new chat id."""
    committee = await committee_for_chat(session, old_chat_id)
    if committee is None:
        return None
    clash = await committee_for_chat(session, new_chat_id)
    if clash is not None and clash.id != committee.id:
        return clash  # already followed (the migration message arrives twice: old and new chat)
    committee.chat_id = new_chat_id
    # Everything else that remembers the chat (flow runs, open questions, queued reminders)
    # follows too, so the next question or reminder goes to the chat that exists.
    for table in Base.metadata.sorted_tables:
        if "chat_id" in table.c and table.name != Committee.__tablename__:
            await session.execute(
                update(table).where(table.c.chat_id == old_chat_id).values(chat_id=new_chat_id)
            )
    return committee


async def coordinators(session: AsyncSession, committee_id: int) -> list[int]:
    """The person ids of a committee's coordinadores."""
    return list(
        await session.scalars(
            select(Membership.person_id).where(
                Membership.committee_id == committee_id,
                Membership.role == Role.COORDINADOR.value,
                Membership.active.is_(True),
            )
        )
    )
