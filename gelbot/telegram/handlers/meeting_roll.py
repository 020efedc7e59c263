"""The llamado a lista (roll call) buttons and the acta sent to the group: shared by the
/reunion steps that open, close, reopen and correct a meeting."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode

from gelbot import acta as acta_docs
from gelbot.domain import meeting_corrections as corrections
from gelbot.domain import meetings
from gelbot.models import Attendance, Committee, Meeting, Membership
from gelbot.telegram import callbacks
from gelbot.telegram.common import Context, edit, send
from gelbot.telegram.handlers import meeting_review
from gelbot.telegram.place import in_group
from gelbot.texts import render

ROLL = "rel"  # rel:<meeting id>:<membership id>:<p|a|e>
_STATUS = {"p": Attendance.PRESENTE, "a": Attendance.AUSENTE, "e": Attendance.EXCUSA}
_CODES = {status.value: code for code, status in _STATUS.items()}


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


async def roll_call(
    session: AsyncSession, committee: Committee, meeting: Meeting
) -> tuple[dict[str, Any], InlineKeyboardMarkup]:
    """The roll call's text values and its buttons, as the record stands."""
    called = await meetings.called_members(session, committee, meeting)
    marks = await meetings.attendance(session, meeting)
    present = sum(1 for m in called if marks.get(m.id) == Attendance.PRESENTE.value)
    values: dict[str, Any] = {
        "meeting": meeting, "rows": [(m, marks.get(m.id)) for m in called],
        "present": present, "total": len(called), "needed": len(called) // 2 + 1,
        "correcting": corrections.was_closed(meeting),
    }  # fmt: skip
    return values, _roll_keyboard(meeting, called, marks)


async def mark(update: Update, context: Context) -> None:
    """A roll call button: presente / ausente / excusa for one member."""
    pressed = await callbacks.read(update, ROLL, 3, ids=2, choices=set(_STATUS))
    if pressed is None:
        return
    query, ids, status = pressed.query, pressed.ids, _STATUS[pressed.parts[2]]
    svc = context.services
    async with svc.transaction() as session:
        found = await in_group(session, pressed.chat_id, pressed.user, context)
        meeting = await session.get(Meeting, ids[0]) if found else None
        target = await session.get(Membership, ids[1])
        if found is None or meeting is None or meeting.committee_id != found.committee.id:
            await query.answer(render("reunion_alerta", motivo="invalido"), show_alert=True)
            return
        if target is None or target.committee_id != found.committee.id:
            await query.answer(render("reunion_alerta", motivo="invalido"), show_alert=True)
            return
        if not meetings.is_open(meeting):
            await query.answer(render("reunion_alerta", motivo="cerrada"), show_alert=True)
            return
        correcting = corrections.was_closed(meeting)
        called = {m.id for m in await meetings.called_members(session, found.committee, meeting)}
        if target.id not in called:
            await query.answer(render("reunion_alerta", motivo="invalido"), show_alert=True)
            return
        # After the fact only a coordinador corrects attendance, and every change is recorded.
        if correcting and not corrections.may_correct(found.member):
            await query.answer(render("reunion_alerta", motivo="corregir"), show_alert=True)
            return
        if not correcting and not meetings.may_mark_attendance(found.member, target):
            await query.answer(render("reunion_alerta", motivo="asistencia"), show_alert=True)
            return
        before = (await meetings.attendance(session, meeting)).get(target.id)
        await meetings.mark_attendance(
            session, meeting, target, status, found.person, now=context.now()
        )
        values, keyboard = await roll_call(session, found.committee, meeting)
    await query.answer()
    if before != status.value:  # Telegram refuses an edit that changes nothing
        await edit(update, "reunion_llamado", reply_markup=keyboard, **values)


async def post_roll_call(
    context: Context, session: AsyncSession, committee: Committee, meeting: Meeting
) -> None:
    """Post the roll call with its buttons; its message is the one the buttons edit."""
    values, keyboard = await roll_call(session, committee, meeting)
    roll = await send(
        context, committee.chat_id, "reunion_llamado", reply_markup=keyboard, **values
    )
    meeting.roll_message_id = roll.message_id


async def open_record(
    context: Context, session: AsyncSession, committee: Committee, meeting: Meeting
) -> None:
    """Post the roll call and (for a meeting held today) the review of compromisos due."""
    await post_roll_call(context, session, committee, meeting)
    if not meeting.after_the_fact:
        await meeting_review.send_review(context, session, committee, meeting)


async def send_acta(
    context: Context, session: AsyncSession, committee: Committee, meeting: Meeting
) -> None:
    """The acta as a message in the group and as a Word document."""
    acta = await meetings.acta_of(session, committee, meeting, context.services.settings.zone)
    await send(context, committee.chat_id, "reunion_acta", acta=acta)
    document = await context.bot.send_document(
        committee.chat_id,
        InputFile(acta_docs.acta_docx(acta), filename=acta_docs.file_name(acta, "docx")),
        caption=render("reunion_acta_documento", acta=acta),
        parse_mode=ParseMode.HTML,
    )
    meeting.acta_message_id = document.message_id
