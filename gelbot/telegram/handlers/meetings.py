"""Meetings in the group: /reunion (programar, iniciar, registrar, cerrar, acta), the roll call,
and /decision. Who may do what is decided in gelbot.domain.meetings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode

from gelbot import acta as acta_docs
from gelbot.domain import committees, meetings
from gelbot.domain import prompts as pending
from gelbot.domain.spanish import format_datetime, normalize, parse_date
from gelbot.models import Attendance, Committee, Meeting, Membership, PendingPrompt, Person
from gelbot.telegram import callbacks
from gelbot.telegram.common import Context, edit, is_group, raw_args, reply, send, services
from gelbot.telegram.handlers import meeting_review
from gelbot.telegram.handlers.compromisos import local_today
from gelbot.telegram.place import Place, in_group, member_in_group
from gelbot.telegram.prompts import Answer, ask
from gelbot.texts import render

ROLL = "rel"  # rel:<meeting id>:<membership id>:<p|a|e>
DECISION = "reunion_decision"  # prompt kind
_STATUS = {"p": Attendance.PRESENTE, "a": Attendance.AUSENTE, "e": Attendance.EXCUSA}
_CODES = {status.value: code for code, status in _STATUS.items()}


# --- the roll call ---------------------------------------------------------------------------


def _roll_keyboard(
    meeting: Meeting, called: list[Membership], marks: dict[int, str]
) -> InlineKeyboardMarkup:
    rows = []
    for member in called:
        name = member.person.display_name
        short = name if len(name) <= 18 else name[:17] + "…"
        current = _CODES.get(marks.get(member.id, ""))
        labels = {"p": f"{short}: presente", "a": "ausente", "e": "excusa"}
        rows.append(
            [
                InlineKeyboardButton(
                    ("• " if code == current else "") + label,
                    callback_data=callbacks.encode(ROLL, meeting.id, member.id, code),
                )
                for code, label in labels.items()
            ]
        )
    return InlineKeyboardMarkup(rows)


async def _roll_call(
    session: AsyncSession, committee: Committee, meeting: Meeting
) -> tuple[dict[str, Any], InlineKeyboardMarkup]:
    called = await meetings.roll_call_members(session, committee)
    marks = await meetings.attendance(session, meeting)
    present = sum(1 for m in called if marks.get(m.id) == Attendance.PRESENTE.value)
    values: dict[str, Any] = {
        "meeting": meeting, "rows": [(m, marks.get(m.id)) for m in called],
        "present": present, "total": len(called), "needed": len(called) // 2 + 1,
    }  # fmt: skip
    return values, _roll_keyboard(meeting, called, marks)


async def mark(update: Update, context: Context) -> None:
    """A roll call button: presente / ausente / excusa for one member."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    parts = callbacks.decode(query.data, ROLL, 3)
    ids = [callbacks.decode_int(p) for p in parts[:2]] if parts else []
    status = _STATUS.get(parts[2]) if parts else None
    if parts is None or None in ids or status is None:
        await query.answer(render("reunion_alerta", motivo="invalido"), show_alert=True)
        return
    chat_id = query.message.chat.id if query.message is not None else None
    svc = services(context)
    async with svc.transaction() as session:
        found = await in_group(session, chat_id, update.effective_user, context)
        meeting = await session.get(Meeting, ids[0] or 0) if found else None
        target = await session.get(Membership, ids[1] or 0)
        if found is None or meeting is None or meeting.committee_id != found.committee.id:
            await query.answer(render("reunion_alerta", motivo="invalido"), show_alert=True)
            return
        if target is None or target.committee_id != found.committee.id or not target.active:
            await query.answer(render("reunion_alerta", motivo="invalido"), show_alert=True)
            return
        if not meetings.is_open(meeting):
            await query.answer(render("reunion_alerta", motivo="cerrada"), show_alert=True)
            return
        if not meetings.may_mark_attendance(found.member, target):
            await query.answer(render("reunion_alerta", motivo="asistencia"), show_alert=True)
            return
        before = (await meetings.attendance(session, meeting)).get(target.id)
        await meetings.mark_attendance(
            session, meeting, target, status, found.person, now=svc.clock.now()
        )
        values, keyboard = await _roll_call(session, found.committee, meeting)
    await query.answer()
    if before != status.value:  # Telegram refuses an edit that changes nothing
        await edit(update, "reunion_llamado", reply_markup=keyboard, **values)


# --- /reunion --------------------------------------------------------------------------------

Step = Callable[[Update, Context, AsyncSession, Place, str], Awaitable[None]]


async def _show(
    update: Update, context: Context, session: AsyncSession, found: Place, _: str
) -> None:
    svc = services(context)
    committee = found.committee
    rule = meetings.meeting_rule(committee)
    upcoming = meetings.next_meeting(committee, svc.clock.now(), svc.settings.zone)
    await reply(
        update, context, "reunion_estado", rule=rule,
        next_at=format_datetime(upcoming, svc.settings.zone) if upcoming else None,
        last=await meetings.last_meeting(session, committee),
        current=await meetings.open_meeting(session, committee),
    )  # fmt: skip


async def _program(
    update: Update, context: Context, session: AsyncSession, found: Place, rest: str
) -> None:
    svc = services(context)
    rule = meetings.set_meeting_rule(found.committee, rest)
    upcoming = meetings.next_meeting(found.committee, svc.clock.now(), svc.settings.zone)
    assert upcoming is not None
    await reply(update, context, "reunion_programada", rule=rule,
                next_at=format_datetime(upcoming, svc.settings.zone))  # fmt: skip


async def _open_record(
    context: Context, session: AsyncSession, committee: Committee, meeting: Meeting
) -> None:
    """Post the roll call and (for a meeting held today) the review of compromisos due."""
    values, keyboard = await _roll_call(session, committee, meeting)
    roll = await send(
        context, committee.chat_id, "reunion_llamado", reply_markup=keyboard, **values
    )
    meeting.roll_message_id = roll.message_id
    if not meeting.after_the_fact:
        await meeting_review.send_review(context, session, committee, meeting)


async def _start(
    update: Update, context: Context, session: AsyncSession, found: Place, _: str
) -> None:
    svc = services(context)
    meeting = await meetings.start_meeting(
        session, found.committee, found.person, now=svc.clock.now(), tz=svc.settings.zone
    )
    await reply(update, context, "reunion_iniciada", meeting=meeting, person=found.person)
    await _open_record(context, session, found.committee, meeting)


async def _register(
    update: Update, context: Context, session: AsyncSession, found: Place, rest: str
) -> None:
    svc = services(context)
    held_on = parse_date(rest, today=local_today(context), prefer="past") if rest else None
    if held_on is None:
        await reply(update, context, "reunion_fecha_ilegible", given=rest)
        return
    meeting = await meetings.register_past_meeting(
        session, found.committee, found.person, held_on, now=svc.clock.now(), tz=svc.settings.zone
    )
    await reply(update, context, "reunion_registrando", meeting=meeting)
    await _open_record(context, session, found.committee, meeting)


async def _send_acta(
    context: Context, session: AsyncSession, committee: Committee, meeting: Meeting
) -> None:
    acta = await meetings.acta_of(session, committee, meeting, services(context).settings.zone)
    await send(context, committee.chat_id, "reunion_acta", acta=acta)
    document = await context.bot.send_document(
        committee.chat_id,
        InputFile(acta_docs.acta_docx(acta), filename=acta_docs.file_name(acta, "docx")),
        caption=render("reunion_acta_documento", acta=acta),
        parse_mode=ParseMode.HTML,
    )
    meeting.acta_message_id = document.message_id


async def _close(
    update: Update, context: Context, session: AsyncSession, found: Place, _: str
) -> None:
    meeting = await meetings.open_meeting(session, found.committee)
    if meeting is None:
        await reply(update, context, "reunion_no_abierta")
        return
    await meetings.close_meeting(
        session, found.committee, meeting, found.person, now=services(context).clock.now()
    )
    await meeting_review.close_review(context, found.committee, meeting)
    await _send_acta(context, session, found.committee, meeting)


async def _acta(
    update: Update, context: Context, session: AsyncSession, found: Place, rest: str
) -> None:
    if rest:
        day = parse_date(rest, today=local_today(context), prefer="past")
        if day is None:
            await reply(update, context, "reunion_fecha_ilegible", given=rest)
            return
        meeting = await meetings.meeting_on(session, found.committee, day)
        if meeting is not None and meetings.is_open(meeting):
            meeting = None
    else:
        meeting = await meetings.last_meeting(session, found.committee)
    if meeting is None:
        await reply(update, context, "reunion_sin_acta", given=rest)
        return
    await _send_acta(context, session, found.committee, meeting)


# name → (step, coordinador only)
_STEPS: dict[str, tuple[Step, bool]] = {
    "": (_show, False),
    "programar": (_program, True),
    "iniciar": (_start, True),
    "registrar": (_register, True),
    "cerrar": (_close, True),
    "acta": (_acta, False),
}


async def reunion(update: Update, context: Context) -> None:
    """Show the next and last meeting, or run a subcommand (programar, iniciar, …)."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if not is_group(chat):
        await reply(update, context, "solo_en_grupo", command="reunion")
        return
    word, _, rest = raw_args(update).partition(" ")
    step = _STEPS.get(normalize(word))
    if step is None:
        await reply(update, context, "reunion_ayuda", given=word)
        return
    svc = services(context)
    async with svc.transaction() as session:
        found = await member_in_group(
            update, context, session, refusal="reunion_solo_miembros", command="reunion"
        )
        if found is None or found.member is None:
            return
        if step[1] and not meetings.may_run_meetings(found.member):
            await reply(update, context, "solo_coordinador", command=f"reunion {normalize(word)}")
            return
        try:
            await step[0](update, context, session, found, rest.strip())
        except committees.DomainError as error:
            await reply(update, context, error.code, **error.details)


# --- /decision -------------------------------------------------------------------------------


async def decision(update: Update, context: Context) -> None:
    """Record a decision in the open meeting (or ask for its text)."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    assert chat is not None and user is not None and message is not None
    if not is_group(chat):
        await reply(update, context, "solo_en_grupo", command="decision")
        return
    svc = services(context)
    async with svc.transaction() as session:
        found = await member_in_group(
            update, context, session, refusal="reunion_solo_miembros", command="decision"
        )
        if found is None or found.member is None:
            return
        meeting = await meetings.open_meeting(session, found.committee)
        if meeting is None:
            await reply(update, context, "reunion_no_abierta")
            return
        text = raw_args(update)
        if not text:
            await ask(context, session, chat.id, "reunion_pide_decision", person=found.person,
                      kind=DECISION, subject_id=meeting.id, reply_to=message.message_id,
                      placeholder="La decisión, en una frase")  # fmt: skip
            return
        await _record_decision(update, context, session, meeting, text, found.person)


async def _record_decision(
    update: Update,
    context: Context,
    session: AsyncSession,
    meeting: Meeting,
    text: str,
    person: Person,
) -> bool:
    try:
        decided = await meetings.add_decision(
            session, meeting, text, person, now=services(context).clock.now()
        )
    except committees.DomainError as error:
        await reply(update, context, error.code, **error.details)
        return False
    await reply(update, context, "reunion_decision_anotada", decision=decided, meeting=meeting)
    return True


async def answer_decision(
    update: Update, context: Context, session: AsyncSession, prompt: PendingPrompt, person: Person
) -> None:
    """The text of a decision asked for by a bare /decision."""
    message = update.effective_message
    assert message is not None
    meeting = await session.get(Meeting, prompt.subject_id or 0)
    committee = await committees.committee_for_chat(session, prompt.chat_id)
    if meeting is None or committee is None or meeting.committee_id != committee.id:
        await pending.resolve(session, prompt)
        return
    if not meetings.is_open(meeting):
        await pending.resolve(session, prompt)
        await reply(update, context, "reunion_cerrada")
        return
    if await _record_decision(update, context, session, meeting, message.text or "", person):
        await pending.resolve(session, prompt)


ANSWERS: dict[str, Answer] = {DECISION: answer_decision}
