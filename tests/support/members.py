"""A committee and its people written through the domain: set-up for tests, not their subject."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import committees as domain
from gelbot.domain.committees import PersonInfo
from gelbot.models import Committee, Compromiso, Membership, Person, Role
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeChat, FakeTelegram, FakeUser


@dataclass
class Joined:
    """Who a test added: their Telegram user and their rows."""

    user: FakeUser
    person_id: int
    membership_id: int


@dataclass
class Founded(Joined):
    group: FakeChat
    committee_id: int


@dataclass
class People:
    """A committee's group and who is in it, by first name."""

    services: Services
    tg: FakeTelegram
    committee_id: int
    group: FakeChat
    users: dict[str, FakeUser] = field(default_factory=dict)
    person_ids: dict[str, int] = field(default_factory=dict)
    membership_ids: dict[str, int] = field(default_factory=dict)

    def remember(self, name: str, joined: Joined) -> None:
        self.users[name] = joined.user
        self.person_ids[name] = joined.person_id
        self.membership_ids[name] = joined.membership_id

    async def join(self, name: str, role: Role = Role.MIEMBRO, *, private: bool = True) -> None:
        """A member; `private` when they opened a chat with the bot."""
        joined = await join_committee(
            self.services, self.tg, self.committee_id, name, role, private=private
        )
        self.remember(name, joined)

    async def add_compromiso(
        self, owner: str | None, description: str, due_on: date, *, cargo: str | None = None
    ) -> int:
        """An open compromiso of `owner` (a member's name) or of a `cargo`; returns its id."""
        async with self.services.transaction() as session:
            compromiso = Compromiso(
                committee_id=self.committee_id,
                description=description,
                owner_membership_id=self.membership_ids[owner] if owner else None,
                owner_cargo=cargo,
                due_on=due_on,
                status="abierto",
                created_at=self.services.clock.now(),
            )
            session.add(compromiso)
            await session.flush()
            return compromiso.id


async def found_committee(
    services: Services,
    tg: FakeTelegram,
    *,
    entity: str,
    founder: str,
    group_title: str,
    private: bool = True,
    cargo: str | None = None,
    **columns: object,
) -> Founded:
    """A group whose admin `founder` registered a committee and coordinates it."""
    user = _user(tg, founder, private)
    group = tg.add_group(group_title, admins=[user])
    now = services.clock.now()
    async with services.transaction() as session:
        person = await _person(session, user, private, now)
        committee, _ = await domain.register_committee(
            session, chat_id=group.id, entity_name=entity, founder=person, now=now
        )
        for name, value in columns.items():
            setattr(committee, name, value)
        member = await session.scalar(select(Membership).where(Membership.person_id == person.id))
        assert member is not None
        if cargo is not None:
            member.cargo = cargo
    return Founded(user, person.id, member.id, group, committee.id)


async def join_committee(
    services: Services,
    tg: FakeTelegram,
    committee_id: int,
    name: str,
    role: Role = Role.MIEMBRO,
    *,
    private: bool = True,
) -> Joined:
    """A member (cargo «Cargo de <name>»); `private` when they opened a chat with the bot."""
    user = _user(tg, name, private)
    now = services.clock.now()
    async with services.transaction() as session:
        person = await _person(session, user, private, now)
        committee = await session.get(Committee, committee_id)
        assert committee is not None
        member, _ = await domain.join(session, committee, person, f"Cargo de {name}", now=now)
        member.role = role.value
    return Joined(user, person.id, member.id)


def _user(tg: FakeTelegram, name: str, private: bool) -> FakeUser:
    """`name` on Telegram (username its lower case); `private` when they opened a chat with us."""
    user = tg.add_user(name, name.lower())
    if private:
        tg.private_chat(user)
    return user


async def _person(session: AsyncSession, user: FakeUser, private: bool, now: datetime) -> Person:
    person = await domain.upsert_person(
        session, PersonInfo(user.id, user.first_name, user.username), now=now
    )
    person.private_chat_open = private
    return person
