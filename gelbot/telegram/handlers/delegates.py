"""Delegados: /seguir and /dejar a committee; its coordinador accepts or rejects in the group."""

from __future__ import annotations

import logging
import math

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.error import TelegramError

from gelbot.domain import committees as domain
from gelbot.domain import follows
from gelbot.models import Committee, DelegateFollow, FollowStatus, Person, Role
from gelbot.telegram import callbacks
from gelbot.telegram.common import (
    Context,
    alert,
    edit,
    is_group,
    notify,
    person_info,
    raw_args,
    reply,
    send,
)

log = logging.getLogger(__name__)

CHOOSE = "sg"  # sg:<committee id>  follow this one (from a list of matches)
DECIDE = "sd"  # sd:<follow id>:<a|r>  the coordinador accepts or rejects
LEAVE = "dj"  # dj:<committee id>  stop following


def _buttons(prefix: str, committees: list[Committee]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(c.entity_name[:60], callback_data=callbacks.encode(prefix, c.id))]
            for c in committees[: follows.MAX_MATCHES]
        ]
    )


async def _me(session: AsyncSession, user: User, context: Context, *, private: bool) -> Person:
    person = await domain.upsert_person(session, person_info(user), now=context.now())
    if private:  # writing to the bot privately opens the chat digests are sent to
        person.private_chat_open = True
        person.private_blocked = False
    return person


async def follow(update: Update, context: Context) -> None:
    """Ask to follow a committee: by name, or (in its group, without a name) this one."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    text = raw_args(update)
    svc = context.services
    async with svc.transaction() as session:
        person = await _me(session, user, context, private=not is_group(chat))
        hidden = 0
        if text:
            delegado = user.id in svc.settings.delegados  # configured by the operator
            search = await follows.search(session, text, list_all=delegado)
            found, hidden = search.found, search.hidden
        elif is_group(chat):
            here = await domain.committee_for_chat(session, chat.id)
            found = [here] if here is not None and here.active else []
        else:
            await reply(update, context, "seguir_uso")
            return
        if not found:
            await reply(update, context, "seguir_sin_resultados", buscado=text, varios=hidden)
            return
        if len(found) > 1:
            await reply(
                update, context, "seguir_elegir", reply_markup=_buttons(CHOOSE, found),
                total=len(found), maximo=follows.MAX_MATCHES,
            )  # fmt: skip
            return
        await _request(update, context, session, person, found[0])


async def choose(update: Update, context: Context) -> None:
    """The delegado picked one committee from the list of matches."""
    pressed = await callbacks.read(update, CHOOSE, 1, ids=1)
    if pressed is None:
        return
    query, user = pressed.query, pressed.user
    async with context.services.transaction() as session:
        committee = await session.get(Committee, pressed.ids[0])
        if committee is None or not committee.active:
            await pressed.stale()
            return
        chat = query.message.chat if query.message is not None else None
        person = await _me(session, user, context, private=chat is not None and not is_group(chat))
        await query.answer()
        await _request(update, context, session, person, committee)


async def _request(
    update: Update, context: Context, session: AsyncSession, person: Person, committee: Committee
) -> None:
    """Record the request and ask the coordinador in the committee's group (once)."""
    svc = context.services
    now = context.now()
    request = await follows.request(session, person, committee, now=now)
    if request.outcome is follows.Asked.ACCEPTED:
        await reply(update, context, "seguir_ya", comite=committee)
        return
    if request.outcome not in (follows.Asked.NEW, follows.Asked.AGAIN):
        asked = request.follow.requested_at if request.follow is not None else now
        until = request.until or now
        await reply(
            update, context, "seguir_no_ahora", comite=committee, motivo=request.outcome.value,
            desde=asked.astimezone(svc.settings.zone).date(),
            hasta=until.astimezone(svc.settings.zone).date(),
            minutos=math.ceil((until - now).total_seconds() / 60),
        )  # fmt: skip
        return
    assert request.follow is not None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label, callback_data=callbacks.encode(DECIDE, request.follow.id, code)
                )
                for code, label in (("a", "Aceptar"), ("r", "Rechazar"))
            ]
        ]
    )
    try:
        await send(
            context, committee.chat_id, "seguir_solicitud", reply_markup=keyboard,
            persona=person, comite=committee,
        )  # fmt: skip
    except TelegramError as error:
        log.warning("could not ask committee %s about a follow: %s", committee.id, error)
        await reply(update, context, "seguir_sin_grupo", comite=committee)
        return
    await reply(
        update, context, "seguir_pedido", comite=committee, persona=person,
        privado=person.reachable_privately, bot_username=context.bot.username,
    )  # fmt: skip


async def decide(update: Update, context: Context) -> None:
    """The coordinador accepts or rejects a delegado's request (buttons in the group)."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    parts = callbacks.decode(query.data, DECIDE, 2)
    follow_id = callbacks.decode_int(parts[0]) if parts else None
    chat_id = query.message.chat.id if query.message is not None else None
    svc = context.services
    async with svc.transaction() as session:
        request = await session.get(DelegateFollow, follow_id) if follow_id else None
        committee = await session.get(Committee, request.committee_id) if request else None
        if request is not None and request.status == FollowStatus.RECHAZADO:
            request = None  # already rejected: gone for the buttons
        if parts is None or parts[1] not in {"a", "r"} or committee is None or request is None:
            await alert(query, "delegado_alerta", motivo="inexistente")
            return
        if committee.chat_id != chat_id:
            await callbacks.answer_stale(query)
            return
        person = await _me(session, user, context, private=False)
        member = await domain.membership(session, committee, person)
        if member is None or member.role != Role.COORDINADOR.value:
            await alert(query, "delegado_alerta", motivo="solo_coordinador")
            return
        delegate = await session.get(Person, request.person_id)
        assert delegate is not None
        accepted = parts[1] == "a"
        await follows.decide(session, request, accept=accepted, by=person, now=context.now())
    await notify(query, "delegado_alerta", motivo="decidido", aceptado=accepted)
    await edit(
        update, "seguir_decidido", persona=delegate, comite=committee, aceptado=accepted,
        coordinador=person,
    )  # fmt: skip
    if delegate.reachable_privately:
        try:
            await send(
                context, delegate.telegram_id, "seguir_respuesta", comite=committee,
                aceptado=accepted,
            )  # fmt: skip
        except TelegramError as error:
            log.info("could not tell delegado %s: %s", delegate.id, error)


async def leave(update: Update, context: Context) -> None:
    """Stop following a committee (no one needs to accept that)."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    text = raw_args(update)
    svc = context.services
    async with svc.transaction() as session:
        person = await _me(session, user, context, private=not is_group(chat))
        mine = await follows.following(session, person)
        if not mine:
            await reply(update, context, "dejar_no_sigue", buscado=text)
            return
        if text:
            # Among the person's own committees: every name that contains the words.
            search = await follows.search(session, text, list_all=True)
            names = {c.id for c in search.found}
            matches = [c for c, _ in mine if c.id in names]
        elif is_group(chat):
            matches = [c for c, _ in mine if c.chat_id == chat.id]
        else:
            matches = []
        if len(matches) == 1:
            await follows.unfollow(session, person, matches[0])
            await reply(update, context, "dejar_listo", comite=matches[0])
            return
        if text and not matches:
            await reply(update, context, "dejar_no_sigue", buscado=text, siguiendo=mine)
            return
        choices = matches or [c for c, _ in mine]
        await reply(
            update, context, "dejar_lista", reply_markup=_buttons(LEAVE, choices),
            siguiendo=mine,
        )  # fmt: skip


async def leave_chosen(update: Update, context: Context) -> None:
    """The delegado pressed the committee to stop following."""
    pressed = await callbacks.read(
        update, LEAVE, 1, ids=1, refusal="delegado_alerta", motivo="no_sigue"
    )
    if pressed is None:
        return
    async with context.services.transaction() as session:
        committee = await session.get(Committee, pressed.ids[0])
        person = await _me(session, pressed.user, context, private=False)
        if committee is None or not await follows.unfollow(session, person, committee):
            await pressed.stale()
            return
    await notify(pressed.query, "delegado_alerta", motivo="dejado")
    await edit(update, "dejar_listo", comite=committee)
