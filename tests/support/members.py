"""A committee and its people written through the domain: set-up for tests, not their subject."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from gelbot.domain import committees as domain
from gelbot.domain.committees import PersonInfo
from gelbot.models import Committee, Membership, Role
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
    user = tg.add_user(founder, founder.lower())
    group = tg.add_group(group_title, admins=[user])
    if private:
        tg.private_chat(user)
    now = services.clock.now()
    async with services.transaction() as session:
        person = await domain.upsert_person(
            session, PersonInfo(user.id, founder, founder.lower()), now=now
        )
        person.private_chat_open = private
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
    user = tg.add_user(name, name.lower())
    if private:
        tg.private_chat(user)
    now = services.clock.now()
    async with services.transaction() as session:
        person = await domain.upsert_person(
            session, PersonInfo(user.id, name, name.lower()), now=now
        )
        person.private_chat_open = private
        committee = await session.get(Committee, committee_id)
        assert committee is not None
        member, _ = await domain.join(session, committee, person, f"Cargo de {name}", now=now)
        member.role = role.value
    return Joined(user, person.id, member.id)
