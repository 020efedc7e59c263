"""Correcting a closed meeting's acta: /reunion reabrir (confirmed by a button) and
/reunion decisiones (editar / borrar). Who may: gelbot.domain.meeting_corrections; every change
keeps its history there."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from gelbot.domain import committees, meetings, pending_prompts
from gelbot.domain import meeting_corrections as corrections
from gelbot.domain.spanish import parse_date
from gelbot.models import Decision, Meeting, PendingPrompt, Person
from gelbot.telegram import callbacks
from gelbot.telegram.common import Context, button, edit, label, reply
from gelbot.telegram.handlers import meeting_roll
from gelbot.telegram.place import Place, in_group
from gelbot.telegram.prompts import Answer, ask
from gelbot.texts import render

REOPEN = "rra"  # rra:<meeting id>:<s|n>
DECISION = "rdc"  # rdc:<decision id>:<e|b>  editar / borrar
ASK_EDIT = "reunion_decision_editar"  # prompt kind


def buttons(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in pairs]])


async def coordinador_button(
    update: Update, context: Context, session: AsyncSession, prefix: str, choices: set[str]
) -> tuple[Place, Meeting, str] | None:
    """The coordinador, the meeting and the choice a button names; answers any refusal."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    parts = callbacks.decode(query.data, prefix, 2)
    meeting_id = callbacks.decode_int(parts[0]) if parts else None
    if parts is None or meeting_id is None or parts[1] not in choices:
        await query.answer(render("reunion_alerta", motivo="invalido"), show_alert=True)
        return None
    chat_id = query.message.chat.id if query.message is not None else None
    found = await in_group(session, chat_id, update.effective_user, context)
    meeting = await session.get(Meeting, meeting_id) if found else None
    if found is None or meeting is None or meeting.committee_id != found.committee.id:
        await query.answer(render("reunion_alerta", motivo="invalido"), show_alert=True)
        return None
    if not corrections.may_correct(found.member):
        await query.answer(render("reunion_alerta", motivo="coordinador"), show_alert=True)
        return None
    return found, meeting, parts[1]


# --- reabrir y corregir ----------------------------------------------------------------------


async def reopen(
    update: Update, context: Context, session: AsyncSession, found: Place, rest: str
) -> None:
    """`/reunion reabrir [fecha]`: ask before opening a closed acta again to correct it."""
    if rest:
        day = parse_date(rest, today=context.today(), prefer="past")
        if day is None:
            await reply(update, context, "reunion_fecha_ilegible", given=rest)
            return
        meeting = await meetings.meeting_on(session, found.committee, day)
    else:
        meeting = await meetings.last_meeting(session, found.committee)
    if meeting is None or meetings.is_open(meeting):
        await reply(update, context, "reunion_sin_acta", given=rest)
        return
    if await meetings.open_meeting(session, found.committee) is not None:
        await reply(update, context, "reunion_ya_abierta")
        return
    keyboard = buttons(
        ("Reabrir", callbacks.encode(REOPEN, meeting.id, "s")),
        ("No", callbacks.encode(REOPEN, meeting.id, "n")),
    )
    await reply(update, context, "reunion_reabrir_confirmar", reply_markup=keyboard,
                meeting=meeting)  # fmt: skip


async def confirm_reopen(update: Update, context: Context) -> None:
    """«Reabrir» opens the closed meeting again and posts its roll call for corrections."""
    query = update.callback_query
    assert query is not None
    async with context.services.transaction() as session:
        chosen = await coordinador_button(update, context, session, REOPEN, {"s", "n"})
        if chosen is None:
            return
        found, meeting, choice = chosen
        await query.answer()
        if choice == "n":
            await edit(update, "reunion_reabrir_no", meeting=meeting)
            return
        try:
            await corrections.reopen_meeting(session, found.committee, meeting, found.person,
                                             now=context.now())  # fmt: skip
        except committees.DomainError as error:
            await edit(update, error.code, **error.details)
            return
        await edit(update, "reunion_reabierta", meeting=meeting, person=found.person)
        await meeting_roll.post_roll_call(context, session, found.committee, meeting)


def _decision_keyboard(items: list[Decision]) -> InlineKeyboardMarkup | None:
    rows = [
        [button("editar_decision", DECISION, d.id, "e", n=n),
         button("borrar_decision", DECISION, d.id, "b", n=n)]
        for n, d in enumerate(items, 1)
    ]  # fmt: skip
    return InlineKeyboardMarkup(rows) if rows else None


async def decisions(
    update: Update, context: Context, session: AsyncSession, found: Place, _: str
) -> None:
    """`/reunion decisiones`: the open meeting's decisions, each with editar / borrar."""
    meeting = await meetings.open_meeting(session, found.committee)
    if meeting is None:
        await reply(update, context, "reunion_decisiones_sin_reunion")
        return
    items = await meetings.decisions_of(session, meeting)
    await reply(update, context, "reunion_decisiones", reply_markup=_decision_keyboard(items),
                meeting=meeting, items=items, deleted=None)  # fmt: skip


async def act_on_decision(update: Update, context: Context) -> None:
    """✏️ asks for the new text; 🗑 deletes the decision (both recorded in the history)."""
    pressed = await callbacks.read(update, DECISION, 2, ids=1, choices={"e", "b"})
    if pressed is None:
        return
    query, (decision_id,), parts = pressed.query, pressed.ids, pressed.parts
    svc = context.services
    async with svc.transaction() as session:
        found = await in_group(session, pressed.chat_id, pressed.user, context)
        decision = await session.get(Decision, decision_id) if found else None
        meeting = await session.get(Meeting, decision.meeting_id) if decision else None
        if found is None or meeting is None or meeting.committee_id != found.committee.id:
            await query.answer(render("reunion_alerta", motivo="invalido"), show_alert=True)
            return
        assert decision is not None
        if not corrections.may_correct(found.member):
            await query.answer(render("reunion_alerta", motivo="coordinador"), show_alert=True)
            return
        if not meetings.is_open(meeting):
            await query.answer(render("reunion_alerta", motivo="cerrada"), show_alert=True)
            return
        number = await corrections.decision_number(session, decision)
        await query.answer()
        if parts[1] == "e":
            await ask(context, session, found.committee.chat_id, "reunion_pide_decision_nueva",
                      person=found.person, kind=ASK_EDIT, subject_id=decision.id,
                      placeholder=label("pide_decision_corregida"), decision=decision,
                      number=number)  # fmt: skip
            return
        await corrections.delete_decision(session, decision, found.person, now=context.now())
        items = await meetings.decisions_of(session, meeting)
        await edit(update, "reunion_decisiones", reply_markup=_decision_keyboard(items),
                   meeting=meeting, items=items, deleted=number)  # fmt: skip


async def _answer_edit(
    update: Update, context: Context, session: AsyncSession, prompt: PendingPrompt, person: Person
) -> None:
    """The corrected text of a decision, asked for by ✏️."""
    message = update.effective_message
    assert message is not None
    decision = await session.get(Decision, prompt.subject_id or 0)
    committee = await committees.committee_for_chat(session, prompt.chat_id)
    meeting = await session.get(Meeting, decision.meeting_id) if decision else None
    member = await committees.membership(session, committee, person) if committee else None
    if (
        decision is None or committee is None or meeting is None
        or meeting.committee_id != committee.id or not corrections.may_correct(member)
    ):  # fmt: skip
        await pending_prompts.resolve(session, prompt)
        return
    try:
        number = await corrections.decision_number(session, decision)
        before = decision.text
        await corrections.edit_decision(session, decision, message.text or "", person,
                                        now=context.now())  # fmt: skip
    except committees.DomainError as error:
        await reply(update, context, error.code, **error.details)
        if error.code == "reunion_cerrada_corregir":
            await pending_prompts.resolve(session, prompt)
        return
    await pending_prompts.resolve(session, prompt)
    await reply(update, context, "reunion_decision_editada", number=number, before=before,
                decision=decision)  # fmt: skip


ANSWERS: dict[str, Answer] = {ASK_EDIT: _answer_edit}
