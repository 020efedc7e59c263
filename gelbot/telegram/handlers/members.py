"""Members and roles: /unirme, /miembros, /rol."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import MessageEntity, Update

from gelbot.domain import committees as domain
from gelbot.domain import compromisos
from gelbot.models import Committee, Membership, Role
from gelbot.telegram.common import (
    Context,
    in_group_chat,
    is_group,
    person_info,
    raw_args,
    reply,
    send,
)
from gelbot.telegram.handlers.onboarding import private_chat_keyboard


async def join(update: Update, context: Context) -> None:
    """Add the sender to this group's committee with the cargo they name."""
    where = await in_group_chat(update, context, "unirme")
    if where is None:
        return
    chat, user = where
    svc = context.services
    now = context.now()
    async with svc.transaction() as session:
        committee = await domain.committee_for_chat(session, chat.id)
        if committee is None or not committee.active:
            await reply(update, context, "grupo_sin_comite")
            return
        person = await domain.upsert_person(session, person_info(user), now=now)
        try:
            member, joined = await domain.join(
                session, committee, person, raw_args(update), now=now
            )
        except domain.DomainError as error:
            await reply(update, context, error.code, **error.details)
            return
        # The empalme: the cargo's open compromisos follow their new holder, in this same unit
        # of work (one transaction for /unirme, not a second handler looking everything up again).
        handover = await compromisos.take_cargo(session, committee, member, actor=person, now=now)
        moved = [
            (c, previous.person.display_name if previous else None)
            for c, previous in (handover.moved if handover else [])
        ]
    keyboard = (
        None
        if person.reachable_privately
        else private_chat_keyboard(context.bot.username, committee.id)
    )
    await reply(
        update, context, "unirme_listo", reply_markup=keyboard, committee=committee,
        member=member, person=person, joined=joined,
    )  # fmt: skip
    if handover is not None:
        await send(
            context, chat.id, "compromiso_empalme", cargo=handover.cargo, successor=person,
            moved=moved,
        )  # fmt: skip


async def list_members(update: Update, context: Context) -> None:
    """List members with role and cargo: this group's committee, or in private all of mine."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    svc = context.services
    async with svc.transaction() as session:
        if is_group(chat):
            committee = await domain.committee_for_chat(session, chat.id)
            if committee is None:
                await reply(update, context, "grupo_sin_comite")
                return
            listing = [(committee, await domain.members(session, committee))]
        else:
            person = await domain.upsert_person(session, person_info(user), now=context.now())
            listing = [
                (c, await domain.members(session, c))
                for c, _ in await domain.committees_of(session, person)
            ]
    await reply(update, context, "miembros", listing=listing)


async def set_role(update: Update, context: Context) -> None:
    """Coordinador only: give a member one of the committee's roles."""
    where = await in_group_chat(update, context, "rol")
    if where is None:
        return
    chat, user = where
    svc = context.services
    async with svc.transaction() as session:
        committee = await domain.committee_for_chat(session, chat.id)
        if committee is None:
            await reply(update, context, "grupo_sin_comite")
            return
        sender = await domain.upsert_person(session, person_info(user), now=context.now())
        sender_membership = await domain.membership(session, committee, sender)
        if sender_membership is None or sender_membership.role != Role.COORDINADOR.value:
            await reply(update, context, "solo_coordinador", command="rol")
            return
        target, role_text = await _target_and_rest(session, committee, update)
        if target is None:
            await reply(update, context, "rol_sin_destino", roles=list(Role), given=role_text)
            return
        if isinstance(target, str):
            await reply(update, context, "rol_no_miembro", who=target)
            return
        try:
            role = domain.parse_role(role_text)
            await domain.set_role(session, committee, target, role)
        except domain.DomainError as error:
            await reply(update, context, error.code, roles=list(Role), given=role_text)
            return
        person = target.person
    await reply(update, context, "rol_listo", person=person, role=role)


async def _target_and_rest(
    session: AsyncSession, committee: Committee, update: Update
) -> tuple[Membership | str | None, str]:
    """Who /rol is about (a mention, a @username, an id or a replied-to message) and the rest.

    Returns the membership, or the text that named someone who is not a member, or None.
    """
    message = update.effective_message
    assert message is not None
    args = raw_args(update)
    # A text mention carries the user even when they have no @username.
    for entity, value in message.parse_entities([MessageEntity.TEXT_MENTION]).items():
        if entity.user is not None:
            found = await domain.find_member(session, committee, telegram_id=entity.user.id)
            return found or value, _after(message.text or "", value)
    words = args.split(maxsplit=1)
    rest = words[1] if len(words) > 1 else ""
    if words and words[0].startswith("@") and len(words[0]) > 1:
        found = await domain.find_member(session, committee, username=words[0][1:])
        return found or words[0], rest
    # isascii: str.isdigit() accepts "²" and other digits int() refuses.
    if words and words[0].isascii() and words[0].isdigit() and len(words[0]) <= 18:
        found = await domain.find_member(session, committee, telegram_id=int(words[0]))
        return found or words[0], rest
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        found = await domain.find_member(session, committee, telegram_id=replied.from_user.id)
        return found or replied.from_user.full_name, args
    return None, args


def _after(text: str, value: str) -> str:
    index = text.find(value)
    return text[index + len(value) :].strip() if index >= 0 else ""
