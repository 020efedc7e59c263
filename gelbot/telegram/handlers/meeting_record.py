"""/reunion steps that make the acta complete and correct: lugar, orden del día, invitados,
secretario; closing (which asks first when nobody took the roll call); reopening a closed
meeting and correcting its decisions. Permissions: gelbot.domain.meeting_corrections."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, Update

from gelbot.domain import committees, meeting_details, meetings
from gelbot.domain import meeting_corrections as corrections
from gelbot.domain import prompts as pending
from gelbot.domain.spanish import normalize, parse_date
from gelbot.models import Decision, Meeting, PendingPrompt, Person
from gelbot.telegram import callbacks
from gelbot.telegram.common import Context, edit, reply, services
from gelbot.telegram.handlers import meeting_review, meeting_roll
from gelbot.telegram.handlers.compromisos import local_today
from gelbot.telegram.place import Place, in_group
from gelbot.telegram.prompts import Answer, ask
from gelbot.texts import render

CLOSE = "rcc"  # rcc:<meeting id>:<c|l>  cerrar así / tomar asistencia
REOPEN = "rra"  # rra:<meeting id>:<s|n>
DECISION = "rdc"  # rdc:<decision id>:<e|b>  editar / borrar
ASK_PLACE, ASK_AGENDA, ASK_EDIT = "reunion_lugar", "reunion_orden", "reunion_decision_editar"


def _buttons(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in pairs]])


# --- lugar y orden del día -------------------------------------------------------------------


async def _set_place(
    update: Update, context: Context, session: AsyncSession, found: Place, text: str
) -> None:
    meeting = await meetings.open_meeting(session, found.committee)
    now = services(context).clock.now()
    place = await meeting_details.set_place(
        session, found.committee, meeting, text, found.person, now=now
    )
    await reply(update, context, "reunion_lugar_listo", place=place, meeting=meeting)


async def _set_agenda(
    update: Update, context: Context, session: AsyncSession, found: Place, text: str
) -> None:
    meeting = await meetings.open_meeting(session, found.committee)
    now = services(context).clock.now()
    items = await meeting_details.set_agenda(
        session, found.committee, meeting, text, found.person, now=now
    )
    await reply(update, context, "reunion_orden_listo", items=items, meeting=meeting)


async def place(
    update: Update, context: Context, session: AsyncSession, found: Place, rest: str
) -> None:
    """`/reunion lugar Salón de juntas`, or a bare `/reunion lugar` that asks for it."""
    if rest:
        await _set_place(update, context, session, found, rest)
        return
    await _ask(update, context, session, found, "reunion_pide_lugar", ASK_PLACE, "Salón de juntas")


async def agenda(
    update: Update, context: Context, session: AsyncSession, found: Place, rest: str
) -> None:
    """`/reunion orden 1. Llamado a lista; 2. …`, or a bare `/reunion orden` that asks for it."""
    if rest:
        await _set_agenda(update, context, session, found, rest)
        return
    await _ask(update, context, session, found, "reunion_pide_orden", ASK_AGENDA,
               "1. Llamado a lista; 2. …")  # fmt: skip


async def _ask(
    update: Update, context: Context, session: AsyncSession, found: Place,
    template: str, kind: str, placeholder: str,
) -> None:  # fmt: skip
    message = update.effective_message
    assert message is not None
    await ask(context, session, found.committee.chat_id, template, person=found.person, kind=kind,
              reply_to=message.message_id, placeholder=placeholder,
              meeting=await meetings.open_meeting(session, found.committee))  # fmt: skip


async def _answer_detail(
    update: Update, context: Context, session: AsyncSession, prompt: PendingPrompt, person: Person
) -> None:
    """The place or orden del día asked for by a bare /reunion lugar or /reunion orden."""
    message = update.effective_message
    assert message is not None
    committee = await committees.committee_for_chat(session, prompt.chat_id)
    member = await committees.membership(session, committee, person) if committee else None
    if committee is None or not meetings.may_run_meetings(member):
        await pending.resolve(session, prompt)
        return
    found = Place(committee, person, member)
    setter = _set_place if prompt.kind == ASK_PLACE else _set_agenda
    try:
        await setter(update, context, session, found, message.text or "")
    except committees.DomainError as error:
        await reply(update, context, error.code, **error.details)
        return
    await pending.resolve(session, prompt)


# --- invitados y secretario ------------------------------------------------------------------


async def guest(
    update: Update, context: Context, session: AsyncSession, found: Place, rest: str
) -> None:
    """`/reunion invitado María Pérez, Delegada de la UT` (or `… invitado quitar María`)."""
    meeting = await meetings.open_meeting(session, found.committee)
    if meeting is None:
        await reply(update, context, "reunion_no_abierta")
        return
    word, _, name = rest.partition(" ")
    now = services(context).clock.now()
    if normalize(word) in {"quitar", "borrar", "retirar"}:
        removed = await meeting_details.remove_guest(session, meeting, name, found.person, now=now)
        await reply(update, context, "reunion_invitado_quitado", guest=removed)
        return
    delegado = None
    if word.startswith("@"):
        delegado = await committees.find_member(session, found.committee, username=word)
        if delegado is None:
            await reply(update, context, "reunion_invitado_no_miembro", given=word)
            return
    added = await meeting_details.add_guest(
        session, meeting, rest, found.person, now=now, delegado=delegado
    )
    await reply(update, context, "reunion_invitado_anotado", guest=added, meeting=meeting)


async def secretary(
    update: Update, context: Context, session: AsyncSession, found: Place, rest: str
) -> None:
    """`/reunion secretario @beto`: who takes the acta and signs it with the presidente."""
    await _signer(update, context, session, found, rest, "secretario")


async def president(
    update: Update, context: Context, session: AsyncSession, found: Place, rest: str
) -> None:
    """`/reunion presidente @beto`: who presided (by default, who opened the meeting)."""
    await _signer(update, context, session, found, rest, "presidente")


async def _signer(
    update: Update, context: Context, session: AsyncSession, found: Place, rest: str, part: str
) -> None:
    meeting = await meetings.open_meeting(session, found.committee)
    if meeting is None:
        await reply(update, context, "reunion_no_abierta")
        return
    message = update.effective_message
    assert message is not None
    mentioned = [e.user.id for e in message.parse_entities([MessageEntity.TEXT_MENTION])
                 if e.user is not None]  # fmt: skip
    handle = rest.split()[0] if rest.split() else ""
    if mentioned:
        member = await committees.find_member(session, found.committee, telegram_id=mentioned[0])
    elif handle.startswith("@"):
        member = await committees.find_member(session, found.committee, username=handle)
    else:
        await reply(update, context, "reunion_secretario_formato", given=rest, part=part)
        return
    if member is None:
        await reply(update, context, "reunion_secretario_no_miembro", given=handle)
        return
    await meeting_details.set_signer(
        session, meeting, part, member, found.person, now=services(context).clock.now()
    )
    await reply(update, context, "reunion_secretario_listo", member=member, meeting=meeting,
                part=part)  # fmt: skip


# --- cerrar ----------------------------------------------------------------------------------


async def _unmarked_if_no_roll_call(
    session: AsyncSession, found: Place, meeting: Meeting
) -> list[str]:
    """Who closing would record absent, when nobody took the roll call (else nobody)."""
    called = await meetings.called_members(session, found.committee, meeting)
    marks = await meetings.attendance(session, meeting)
    # The opener's own mark is automatic, so it does not count as a roll call taken.
    taken = any(m.id in marks and m.person_id != meeting.opened_by_id for m in called)
    if taken:
        return []
    return [m.signing_name for m in called if m.id not in marks]


async def _finish(context: Context, session: AsyncSession, found: Place, meeting: Meeting) -> None:
    await meetings.close_meeting(
        session, found.committee, meeting, found.person, now=services(context).clock.now()
    )
    await meeting_review.close_review(context, found.committee, meeting)
    await meeting_roll.send_acta(context, session, found.committee, meeting)


async def close(
    update: Update, context: Context, session: AsyncSession, found: Place, _: str
) -> None:
    """Close the meeting and publish its acta; without a roll call, ask first."""
    meeting = await meetings.open_meeting(session, found.committee)
    if meeting is None:
        await reply(update, context, "reunion_no_abierta")
        return
    unmarked = await _unmarked_if_no_roll_call(session, found, meeting)
    if unmarked:
        keyboard = _buttons(
            ("Cerrar así", callbacks.encode(CLOSE, meeting.id, "c")),
            ("Tomar asistencia", callbacks.encode(CLOSE, meeting.id, "l")),
        )
        await reply(update, context, "reunion_cerrar_sin_llamado", reply_markup=keyboard,
                    meeting=meeting, unmarked=unmarked)  # fmt: skip
        return
    await _finish(context, session, found, meeting)


async def _meeting_button(
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


async def confirm_close(update: Update, context: Context) -> None:
    """«Cerrar así» closes without a roll call; «Tomar asistencia» posts the roll call again."""
    query = update.callback_query
    assert query is not None
    async with services(context).transaction() as session:
        chosen = await _meeting_button(update, context, session, CLOSE, {"c", "l"})
        if chosen is None:
            return
        found, meeting, choice = chosen
        if not meetings.is_open(meeting):
            await query.answer(render("reunion_alerta", motivo="cerrada"), show_alert=True)
            return
        await query.answer()
        await edit(update, "reunion_cerrar_decidido", meeting=meeting, closing=choice == "c")
        if choice == "c":
            await _finish(context, session, found, meeting)
        else:
            await meeting_roll.post_roll_call(context, session, found.committee, meeting)


# --- reabrir y corregir ----------------------------------------------------------------------


async def reopen(
    update: Update, context: Context, session: AsyncSession, found: Place, rest: str
) -> None:
    """`/reunion reabrir [fecha]`: ask before opening a closed acta again to correct it."""
    if rest:
        day = parse_date(rest, today=local_today(context), prefer="past")
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
    keyboard = _buttons(
        ("Reabrir", callbacks.encode(REOPEN, meeting.id, "s")),
        ("No", callbacks.encode(REOPEN, meeting.id, "n")),
    )
    await reply(update, context, "reunion_reabrir_confirmar", reply_markup=keyboard,
                meeting=meeting)  # fmt: skip


async def confirm_reopen(update: Update, context: Context) -> None:
    """«Reabrir» opens the closed meeting again and posts its roll call for corrections."""
    query = update.callback_query
    assert query is not None
    async with services(context).transaction() as session:
        chosen = await _meeting_button(update, context, session, REOPEN, {"s", "n"})
        if chosen is None:
            return
        found, meeting, choice = chosen
        await query.answer()
        if choice == "n":
            await edit(update, "reunion_reabrir_no", meeting=meeting)
            return
        try:
            await corrections.reopen_meeting(session, found.committee, meeting, found.person,
                                             now=services(context).clock.now())  # fmt: skip
        except committees.DomainError as error:
            await edit(update, error.code, **error.details)
            return
        await edit(update, "reunion_reabierta", meeting=meeting, person=found.person)
        await meeting_roll.post_roll_call(context, session, found.committee, meeting)


def _decision_keyboard(items: list[Decision]) -> InlineKeyboardMarkup | None:
    rows = [
        [InlineKeyboardButton(f"✏️ Editar {n}", callback_data=callbacks.encode(DECISION, d.id, "e")),
         InlineKeyboardButton(f"🗑 Borrar {n}", callback_data=callbacks.encode(DECISION, d.id, "b"))]
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
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    parts = callbacks.decode(query.data, DECISION, 2)
    decision_id = callbacks.decode_int(parts[0]) if parts else None
    if parts is None or decision_id is None or parts[1] not in {"e", "b"}:
        await query.answer(render("reunion_alerta", motivo="invalido"), show_alert=True)
        return
    chat_id = query.message.chat.id if query.message is not None else None
    svc = services(context)
    async with svc.transaction() as session:
        found = await in_group(session, chat_id, update.effective_user, context)
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
                      placeholder="El texto corregido de la decisión", decision=decision,
                      number=number)  # fmt: skip
            return
        await corrections.delete_decision(session, decision, found.person, now=svc.clock.now())
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
        await pending.resolve(session, prompt)
        return
    try:
        number = await corrections.decision_number(session, decision)
        before = decision.text
        await corrections.edit_decision(session, decision, message.text or "", person,
                                        now=services(context).clock.now())  # fmt: skip
    except committees.DomainError as error:
        await reply(update, context, error.code, **error.details)
        if error.code == "reunion_cerrada_corregir":
            await pending.resolve(session, prompt)
        return
    await pending.resolve(session, prompt)
    await reply(update, context, "reunion_decision_editada", number=number, before=before,
                decision=decision)  # fmt: skip


ANSWERS: dict[str, Answer] = {
    ASK_PLACE: _answer_detail,
    ASK_AGENDA: _answer_detail,
    ASK_EDIT: _answer_edit,
}
