"""Registering a committee (/comite) and opening the private chat (/start)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from gelbot.domain import committees as domain
from gelbot.domain.follows import following
from gelbot.models import Committee, Nivel, Orden, Role
from gelbot.telegram import callbacks
from gelbot.telegram.common import (
    Context,
    alert,
    deep_link,
    edit,
    in_group_chat,
    is_group,
    is_group_admin,
    label,
    person_info,
    raw_args,
    reply,
)

SETUP = "co"  # callback prefix: co:<committee id>:<o|n>:<value>
_ORDEN = {"t": Orden.TERRITORIAL, "n": Orden.NACIONAL}
_NIVEL = {"m": Nivel.MUNICIPAL, "d": Nivel.DEPARTAMENTAL}


def _choices(committee_id: int, field: str, options: dict[str, str]) -> InlineKeyboardMarkup:
    row = [
        InlineKeyboardButton(
            label, callback_data=callbacks.encode(SETUP, committee_id, field, code)
        )
        for code, label in options.items()
    ]
    return InlineKeyboardMarkup([row])


def orden_keyboard(committee_id: int) -> InlineKeyboardMarkup:
    return _choices(committee_id, "o", {"t": "Territorial", "n": "Nacional"})


def nivel_keyboard(committee_id: int) -> InlineKeyboardMarkup:
    return _choices(committee_id, "n", {"m": "Municipal", "d": "Departamental"})


def private_chat_keyboard(bot_username: str, committee_id: int) -> InlineKeyboardMarkup:
    url = deep_link(bot_username, committee_id)
    return InlineKeyboardMarkup([[InlineKeyboardButton(label("abrir_chat_privado"), url=url)]])


def _next_setup_step(committee: Committee) -> tuple[str, InlineKeyboardMarkup | None]:
    if committee.orden is None:
        return "comite_pregunta_orden", orden_keyboard(committee.id)
    if committee.nivel is None:
        return "comite_pregunta_nivel", nivel_keyboard(committee.id)
    return "comite_listo", None


async def register(update: Update, context: Context) -> None:
    """Register this group's committee and make the sender its coordinador."""
    where = await in_group_chat(update, context, "comite")
    if where is None:
        return
    chat, user = where
    if not await is_group_admin(context, chat.id, user.id):
        await reply(update, context, "comite_no_admin")
        return
    svc = context.services
    now = context.now()
    async with svc.transaction() as session:
        founder = await domain.upsert_person(session, person_info(user), now=now)
        try:
            committee, created = await domain.register_committee(
                session, chat_id=chat.id, entity_name=raw_args(update), founder=founder, now=now
            )
        except domain.DomainError as error:
            await reply(update, context, error.code, **error.details)
            return
        template, keyboard = _next_setup_step(committee)
    if not created and template == "comite_listo":
        await reply(update, context, "comite_ya_existe", committee=committee)
        return
    await reply(
        update, context, template, reply_markup=keyboard, committee=committee, created=created
    )


async def choose_setup(update: Update, context: Context) -> None:
    """A coordinador pressed territorial/nacional or municipal/departamental."""
    pressed = await callbacks.read(update, SETUP, 3, ids=1)
    if pressed is None:
        return
    query, (committee_id,), (_, field, value) = pressed.query, pressed.ids, pressed.parts
    if field not in {"o", "n"}:
        await pressed.stale()
        return
    async with context.services.transaction() as session:
        committee = await session.get(Committee, committee_id)
        # The button must belong to this chat's committee and be pressed by its coordinador.
        if committee is None or committee.chat_id != pressed.chat_id:
            await pressed.stale()
            return
        person = await domain.upsert_person(session, person_info(pressed.user), now=context.now())
        member = await domain.membership(session, committee, person)
        if member is None or member.role != Role.COORDINADOR.value:
            await alert(query, "comite_alerta", motivo="solo_coordinador")
            return
        choice = (_ORDEN if field == "o" else _NIVEL).get(value)
        if choice is None:
            await pressed.stale()
            return
        if field == "o":
            domain.set_orden(committee, choice.value)
        else:
            domain.set_nivel(committee, choice.value)
        template, keyboard = _next_setup_step(committee)
    await query.answer()
    if template == "comite_listo":
        keyboard = private_chat_keyboard(context.bot.username, committee.id)
    await edit(update, template, reply_markup=keyboard, committee=committee, created=True)


async def start(update: Update, context: Context) -> None:
    """Open the private chat: remember the person can be reached, show their committees."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if is_group(chat):
        await reply(update, context, "start_en_grupo", bot_username=context.bot.username)
        return
    payload = raw_args(update)
    svc = context.services
    async with svc.transaction() as session:
        person = await domain.upsert_person(session, person_info(user), now=context.now())
        person.private_chat_open = True
        person.private_blocked = False
        mine = await domain.committees_of(session, person)
        followed = await following(session, person)
    from_link = None
    committee_id = callbacks.decode_int(payload[1:]) if payload.startswith("c") else None
    if committee_id is not None:
        from_link = next((c for c, _ in mine if c.id == committee_id), None)
    await reply(
        update, context, "start_privado", person=person, mine=mine, from_link=from_link,
        linked_but_not_member=committee_id is not None and from_link is None,
        siguiendo=followed,
    )  # fmt: skip
