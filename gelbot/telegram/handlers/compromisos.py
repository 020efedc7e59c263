"""Compromisos in the group: /compromiso (echo and confirm), /compromisos, and the empalme.

Who may do what is decided in gelbot.domain.compromisos; buttons re-check it on every press,
since callback data comes from the client.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, Update
from telegram.error import BadRequest

from gelbot.domain import committees, compromiso_drafts, meetings
from gelbot.domain import compromisos as domain
from gelbot.domain.calendar import WorkingCalendar
from gelbot.domain.compromiso_text import non_working_day, read_request
from gelbot.domain.spanish import normalize
from gelbot.models import Compromiso, Membership, Person
from gelbot.telegram import callbacks
from gelbot.telegram.common import (
    Context,
    button,
    edit,
    is_group,
    label,
    person_info,
    raw_args,
    reply,
)
from gelbot.telegram.place import MemberPlace, Place, in_group, member_command, member_in_group
from gelbot.texts import render

DRAFT = "cpd"  # cpd:<draft id>:<s|n>  confirmar / cancelar a draft
ACTION = "cpa"  # cpa:<compromiso id>:<c|r|x>  cumplido / reprogramar / cancelar
PAGE = "cpl"  # cpl:<view t|m|v>:<person id>:<page>
PAGE_SIZE = 8
_VIEWS = {
    "": "t", "todos": "t", "mios": "m", "mias": "m", "mis": "m", "mio": "m", "mia": "m",
    "vencidos": "v", "cumplidos": "c", "cumplido": "c", "hechos": "c",
}  # fmt: skip
_FULFILLED_SHOWN = 20


# --- /compromiso -----------------------------------------------------------------------------


def _draft_keyboard(draft_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[
            button("confirmar", DRAFT, draft_id, "s"),
            button("cancelar", DRAFT, draft_id, "n"),
        ]]
    )  # fmt: skip


def _mention(update: Update) -> tuple[str, int] | None:
    """A text mention (a member without @username, picked from the client's list)."""
    message = update.effective_message
    assert message is not None
    for entity, value in message.parse_entities([MessageEntity.TEXT_MENTION]).items():
        if entity.user is not None:
            return " ".join(value.split()), entity.user.id
    return None


@member_command("compromiso", refusal="compromiso_solo_miembros")
async def propose(
    update: Update, context: Context, session: AsyncSession, found: MemberPlace
) -> None:
    """Echo back what a /compromiso says, with confirmar / cancelar; nothing stored yet."""
    now, today = context.now(), context.today()
    meeting = await meetings.open_meeting(session, found.committee)
    # Dictated while recording a past meeting, "para el 10 de marzo" was said that day.
    said_on = meeting.held_on if meeting is not None and meeting.after_the_fact else today
    try:
        request = await read_request(
            session, found.committee, found.member, raw_args(update),
            today=said_on, mention=_mention(update),
        )  # fmt: skip
        draft = await compromiso_drafts.create_draft(
            session, found.committee, found.person, responsable=request.responsable,
            description=request.description, due_on=request.due_on,
            meeting_id=meeting.id if meeting else None, now=now,
        )  # fmt: skip
    except committees.DomainError as error:
        await reply(update, context, error.code, **error.details)
        return
    await reply(
        update, context, "compromiso_confirmar", reply_markup=_draft_keyboard(draft.id),
        draft=draft, responsable=domain.responsable_label(draft), today=today,
        meeting=meeting,
        no_habil=non_working_day(draft.due_on, WorkingCalendar(context.services.settings.zone)),
    )  # fmt: skip


async def decide_draft(update: Update, context: Context) -> None:
    """Confirmar turns the draft into a compromiso; cancelar discards it."""
    pressed = await callbacks.read(update, DRAFT, 2, ids=1, choices={"s", "n"})
    if pressed is None:
        return
    query, (draft_id,), parts = pressed.query, pressed.ids, pressed.parts
    svc = context.services
    now = context.now()
    async with svc.transaction() as session:
        found = await in_group(session, pressed.chat_id, pressed.user, context)
        draft = (
            await compromiso_drafts.get_draft(session, found.committee, draft_id) if found else None
        )
        if found is None or draft is None:
            await query.answer(render("compromiso_alerta", motivo="resuelto"), show_alert=True)
            return
        if not compromiso_drafts.may_decide_draft(draft, found.person, found.member):
            await query.answer(render("compromiso_alerta", motivo="autor"), show_alert=True)
            return
        if parts[1] == "n":
            await compromiso_drafts.discard_draft(session, draft)
            await query.answer()
            await edit(update, "compromiso_descartado", draft=draft, person=found.person)
            return
        compromiso = await compromiso_drafts.confirm_draft(session, draft, found.person, now=now)
        label = domain.responsable_label(compromiso)
    await query.answer()
    await edit(update, "compromiso_registrado", compromiso=compromiso, responsable=label)


# --- /compromisos ----------------------------------------------------------------------------


def _page_keyboard(
    items: list[Compromiso], view: str, person_id: int, page: int, pages: int, coordinador: bool
) -> InlineKeyboardMarkup | None:
    rows = []
    actions = [("c", "cumplido"), ("r", "reprogramar")] + (
        [("x", "cancelar")] if coordinador else []
    )
    for c in items:
        rows.append(
            [
                InlineKeyboardButton(
                    f"#{c.id} {label}", callback_data=callbacks.encode(ACTION, c.id, code)
                )
                for code, label in actions
            ]
        )
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                label("anteriores"), callback_data=callbacks.encode(PAGE, view, person_id, page - 1)
            )
        )
    if page + 1 < pages:
        nav.append(
            InlineKeyboardButton(
                label("siguientes"), callback_data=callbacks.encode(PAGE, view, person_id, page + 1)
            )
        )
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows) if rows else None


async def _listing(
    session: AsyncSession, found: Place, view: str, owner: Membership | None, context: Context
) -> list[Compromiso]:
    today = context.today()
    if view == "m":
        return [] if owner is None else await domain.owned_by(session, found.committee, owner)
    if view == "v":
        return await domain.overdue(session, found.committee, today)
    return await domain.open_compromisos(session, found.committee)


def _page_values(
    listing: list[Compromiso], view: str, page: int, context: Context
) -> tuple[dict[str, Any], list[Compromiso], int]:
    # Grouped by responsable: sorted by who answers, then by due date.
    ordered = sorted(
        listing,
        key=lambda c: (normalize(domain.responsable_label(c)), c.due_on, c.id),
    )
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    items = ordered[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    groups: list[tuple[str, list[Compromiso]]] = []
    for c in items:
        label = domain.responsable_label(c)
        if groups and groups[-1][0] == label:
            groups[-1][1].append(c)
        else:
            groups.append((label, [c]))
    values: dict[str, Any] = {
        "groups": groups, "view": view, "page": page, "pages": pages, "total": len(ordered),
        "today": context.today(),
    }  # fmt: skip
    return values, items, pages


async def list_open(update: Update, context: Context) -> None:
    """List open compromisos grouped by responsable: all, `mios` or `vencidos`."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    view = _VIEWS.get(normalize(raw_args(update)))
    if view is None:
        await reply(update, context, "compromiso_vista_desconocida", given=raw_args(update))
        return
    if not is_group(chat):
        await _list_mine_privately(update, context, view)
        return
    if view == "c":
        await _list_fulfilled(update, context)
        return
    svc = context.services
    async with svc.transaction() as session:
        found = await member_in_group(
            update, context, session, refusal="compromiso_solo_miembros", command="compromisos"
        )
        if found is None or found.member is None:
            return
        listing = await _listing(session, found, view, found.member, context)
        values, items, pages = _page_values(listing, view, 0, context)
        keyboard = _page_keyboard(
            items, view, found.person.id, 0, pages, domain.is_coordinador(found.member)
        )
        await reply(update, context, "compromiso_lista", reply_markup=keyboard, **values)


async def _list_fulfilled(update: Update, context: Context) -> None:
    """The committee's latest compromisos cumplidos, with what each one resulted in."""
    async with context.services.transaction() as session:
        found = await member_in_group(
            update, context, session, refusal="compromiso_solo_miembros", command="compromisos"
        )
        if found is None:
            return
        done = await domain.fulfilled(session, found.committee, limit=_FULFILLED_SHOWN)
        shown = [(c, domain.responsable_label(c)) for c in done]
    await reply(update, context, "compromiso_cumplidos", compromisos=shown,
                limite=_FULFILLED_SHOWN)  # fmt: skip


async def _list_mine_privately(update: Update, context: Context, view: str) -> None:
    """In the private chat: the person's own compromisos in each committee, open or cumplidos."""
    user = update.effective_user
    assert user is not None
    svc = context.services
    today = context.today()
    async with svc.transaction() as session:
        person = await committees.upsert_person(session, person_info(user), now=context.now())
        mine = [(c, m) for c, m in await committees.committees_of(session, person) if c.active]
        listing = []
        for committee, member in mine:
            if view == "c":
                found = await domain.fulfilled(session, committee, owner=member,
                                               limit=_FULFILLED_SHOWN)  # fmt: skip
            else:
                found = await domain.owned_by(session, committee, member)
                if view == "v":
                    found = [c for c in found if c.due_on < today]
            listing.append((committee, sorted(found, key=lambda c: (c.due_on, c.id))))
    await reply(update, context, "compromiso_privado", listado=listing, vista=view, hoy=today)


async def turn_page(update: Update, context: Context) -> None:
    """Show another page of a /compromisos list."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    parts = callbacks.decode(query.data, PAGE, 3)
    person_id = callbacks.decode_int(parts[1]) if parts else None
    page = callbacks.decode_int(parts[2]) if parts else None
    if parts is None or person_id is None or page is None or parts[0] not in {"t", "m", "v"}:
        await query.answer(render("compromiso_alerta", motivo="invalido"), show_alert=True)
        return
    chat_id = query.message.chat.id if query.message is not None else None
    svc = context.services
    async with svc.transaction() as session:
        found = await in_group(session, chat_id, update.effective_user, context)
        if found is None or found.member is None:
            await query.answer(render("compromiso_alerta", motivo="miembros"), show_alert=True)
            return
        owner = await session.get(Person, person_id)
        owner_member = (
            await committees.membership(session, found.committee, owner) if owner else None
        )
        listing = await _listing(session, found, parts[0], owner_member, context)
        values, items, pages = _page_values(listing, parts[0], page, context)
        keyboard = _page_keyboard(
            items, parts[0], person_id, values["page"], pages,
            domain.is_coordinador(found.member),
        )  # fmt: skip
    await query.answer()
    try:
        await edit(update, "compromiso_lista", reply_markup=keyboard, **values)
    except BadRequest as error:
        # A stale page button that lands on what is already shown: nothing to change.
        if "not modified" not in error.message:
            raise


# --- the empalme -----------------------------------------------------------------------------
