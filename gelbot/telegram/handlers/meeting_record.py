"""/reunion steps that make the acta complete and correct: lugar, orden del día, invitados,
secretario; closing, which asks first when nobody took the roll call (reopening and correcting
are in acta_corrections). Permissions: gelbot.domain.meeting_corrections."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import MessageEntity, Update

from gelbot.domain import committees, meeting_details, meetings, pending_prompts
from gelbot.domain.spanish import normalize
from gelbot.models import Meeting, PendingPrompt, Person
from gelbot.telegram import callbacks
from gelbot.telegram.common import Context, edit, reply
from gelbot.telegram.handlers import acta_corrections, meeting_review, meeting_roll
from gelbot.telegram.place import Place
from gelbot.telegram.prompts import Answer, ask
from gelbot.texts import render

CLOSE = "rcc"  # rcc:<meeting id>:<c|l>  cerrar así / tomar asistencia
ASK_PLACE, ASK_AGENDA = "reunion_lugar", "reunion_orden"  # prompt kinds


# --- lugar y orden del día -------------------------------------------------------------------


async def _set_place(
    update: Update, context: Context, session: AsyncSession, found: Place, text: str
) -> None:
    meeting = await meetings.open_meeting(session, found.committee)
    now = context.now()
    place = await meeting_details.set_place(
        session, found.committee, meeting, text, found.person, now=now
    )
    await reply(update, context, "reunion_lugar_listo", place=place, meeting=meeting)


async def _set_agenda(
    update: Update, context: Context, session: AsyncSession, found: Place, text: str
) -> None:
    meeting = await meetings.open_meeting(session, found.committee)
    now = context.now()
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
        await pending_prompts.resolve(session, prompt)
        return
    found = Place(committee, person, member)
    setter = _set_place if prompt.kind == ASK_PLACE else _set_agenda
    try:
        await setter(update, context, session, found, message.text or "")
    except committees.DomainError as error:
        await reply(update, context, error.code, **error.details)
        return
    await pending_prompts.resolve(session, prompt)


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
    now = context.now()
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
        session, meeting, part, member, found.person, now=context.now()
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
    await meetings.close_meeting(session, found.committee, meeting, found.person, now=context.now())
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
        keyboard = acta_corrections.buttons(
            ("Cerrar así", callbacks.encode(CLOSE, meeting.id, "c")),
            ("Tomar asistencia", callbacks.encode(CLOSE, meeting.id, "l")),
        )
        await reply(update, context, "reunion_cerrar_sin_llamado", reply_markup=keyboard,
                    meeting=meeting, unmarked=unmarked)  # fmt: skip
        return
    await _finish(context, session, found, meeting)


async def confirm_close(update: Update, context: Context) -> None:
    """«Cerrar así» closes without a roll call; «Tomar asistencia» posts the roll call again."""
    query = update.callback_query
    assert query is not None
    async with context.services.transaction() as session:
        chosen = await acta_corrections.coordinador_button(
            update, context, session, CLOSE, {"c", "l"}
        )
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


ANSWERS: dict[str, Answer] = {
    ASK_PLACE: _answer_detail,
    ASK_AGENDA: _answer_detail,
    **acta_corrections.ANSWERS,
}
