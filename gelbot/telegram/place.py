"""Which committee a command is about: the group's, or in private the sender's only one."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update, User

from gelbot.domain import committees
from gelbot.models import Committee, Membership, Person, Role
from gelbot.telegram.common import Context, Handler, in_group_chat, is_group, person_info, reply


@dataclass
class Place:
    """The committee a command is about and who sent it."""

    committee: Committee
    person: Person
    member: Membership | None

    @property
    def coordinates(self) -> bool:
        return self.member is not None and self.member.role == Role.COORDINADOR.value


@dataclass
class MemberPlace(Place):
    """A Place whose sender is a member of the committee."""

    member: Membership


MemberCommand = Callable[[Update, Context, AsyncSession, MemberPlace], Awaitable[None]]


def member_command(command: str, *, refusal: str) -> Callable[[MemberCommand], Handler]:
    """A command for the members of a group's committee, run in one transaction with its Place.

    Anywhere but a group, or from someone who is not a member, it answers why not instead
    (`solo_en_grupo`, `grupo_sin_comite` or `refusal`, each told which `command` it was).
    """

    def wrap(handler: MemberCommand) -> Handler:
        @functools.wraps(handler)
        async def run(update: Update, context: Context) -> None:
            if await in_group_chat(update, context, command) is None:
                return
            async with context.services.transaction() as session:
                found = await member_in_group(
                    update, context, session, refusal=refusal, command=command
                )
                if found is not None and found.member is not None:
                    place = MemberPlace(found.committee, found.person, found.member)
                    await handler(update, context, session, place)

        return run

    return wrap


async def in_group(
    session: AsyncSession, chat_id: int | None, user: User, context: Context
) -> Place | None:
    """The group's active committee and the sender in it (None when the chat has none)."""
    if chat_id is None:
        return None
    committee = await committees.committee_for_chat(session, chat_id)
    if committee is None or not committee.active:
        return None
    person = await committees.upsert_person(session, person_info(user), now=context.now())
    return Place(committee, person, await committees.membership(session, committee, person))


async def member_in_group(
    update: Update, context: Context, session: AsyncSession, *, refusal: str, command: str
) -> Place | None:
    """The group's committee and the sender, who must be a member; otherwise answer why not."""
    chat, user = update.effective_chat, update.effective_user
    assert user is not None
    found = await in_group(session, chat.id if chat else None, user, context)
    if found is None:
        await reply(update, context, "grupo_sin_comite")
        return None
    if found.member is None:
        await reply(update, context, refusal, command=command)
        return None
    return found


async def locate(
    update: Update, context: Context, session: AsyncSession, command: str
) -> Place | None:
    """The group's committee or, in private, the sender's only one; otherwise say why not."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    person = await committees.upsert_person(session, person_info(user), now=context.now())
    if is_group(chat):
        committee = await committees.committee_for_chat(session, chat.id)
        if committee is None or not committee.active:
            await reply(update, context, "grupo_sin_comite")
            return None
        return Place(committee, person, await committees.membership(session, committee, person))
    mine = [(c, m) for c, m in await committees.committees_of(session, person) if c.active]
    if len(mine) == 1:
        return Place(mine[0][0], person, mine[0][1])
    template = "privado_varios" if mine else "privado_sin_comite"
    await reply(update, context, template, command=command)
    return None
