"""The review of compromisos due, in an open meeting: its messages, sent once and kept current.

Each review message lists up to REVIEW_SIZE compromisos with buttons cumplido / en curso /
reprogramar. Which compromisos each message shows is stored on the Meeting, so after any
change (a button, or the answer to a question the buttons asked) the message is redrawn from
the database.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest

from gelbot.domain import compromisos, meetings
from gelbot.models import Committee, Compromiso, CompromisoEvent, Meeting
from gelbot.telegram import callbacks
from gelbot.telegram.common import Context, send
from gelbot.texts import render, split_message

log = logging.getLogger(__name__)

REVIEW = "rer"  # rer:<meeting id>:<compromiso id>:<c|e|r>  cumplido / en curso / reprogramar
REVIEW_SIZE = 8


def _keyboard(meeting: Meeting, items: list[Compromiso]) -> InlineKeyboardMarkup | None:
    rows = [
        [
            InlineKeyboardButton(
                f"#{c.id} {label}", callback_data=callbacks.encode(REVIEW, meeting.id, c.id, code)
            )
            for code, label in (("c", "cumplido"), ("e", "en curso"), ("r", "reprogramar"))
        ]
        for c in items
        if compromisos.is_open(c)
    ]
    return InlineKeyboardMarkup(rows) if rows else None


async def _outcomes(session: AsyncSession, meeting: Meeting, ids: list[int]) -> dict[int, str]:
    """The last thing done to each compromiso in this meeting's review."""
    events = await session.scalars(
        select(CompromisoEvent)
        .where(CompromisoEvent.meeting_id == meeting.id, CompromisoEvent.compromiso_id.in_(ids))
        .order_by(CompromisoEvent.at, CompromisoEvent.id)
    )
    return {e.compromiso_id: e.kind for e in events}


async def _render(
    session: AsyncSession, meeting: Meeting, ids: list[int], part: int, parts: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    found = await session.scalars(
        select(Compromiso).where(Compromiso.id.in_(ids)).options(compromisos.WITH_OWNER)
    )
    by_id = {c.id: c for c in found}
    items = [by_id[i] for i in ids if i in by_id]
    rows = [(c, compromisos.responsable_label(c)) for c in items]
    text = render(
        "reunion_revision", rows=rows, outcomes=await _outcomes(session, meeting, ids),
        part=part, parts=parts, held_on=meeting.held_on,
    )  # fmt: skip
    return split_message(text)[0], _keyboard(meeting, items)


async def send_review(
    context: Context, session: AsyncSession, committee: Committee, meeting: Meeting
) -> int:
    """Send the review of every compromiso due by the meeting day; returns how many."""
    due = await meetings.compromisos_to_review(session, committee, meeting)
    chunks = [due[i : i + REVIEW_SIZE] for i in range(0, len(due), REVIEW_SIZE)]
    records = []
    for index, chunk in enumerate(chunks):
        ids = [c.id for c in chunk]
        text, keyboard = await _render(session, meeting, ids, index + 1, len(chunks))
        message = await context.bot.send_message(
            committee.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard,
            disable_web_page_preview=True,
        )  # fmt: skip
        records.append({"message_id": message.message_id, "compromiso_ids": ids,
                        "botones": keyboard is not None})  # fmt: skip
    meeting.review_messages = records  # reassigned, not mutated: JSON columns track assignment
    if not chunks:
        await send(context, committee.chat_id, "reunion_revision_vacia", held_on=meeting.held_on)
    return len(due)


async def refresh(
    context: Context,
    session: AsyncSession,
    committee: Committee,
    meeting_id: int,
    compromiso_id: int,
) -> None:
    """Redraw the review message that shows `compromiso_id`, if the meeting is still open."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or meeting.committee_id != committee.id:
        return
    records = meeting.review_messages or []
    for index, record in enumerate(records):
        ids = [int(i) for i in record.get("compromiso_ids", [])]
        if compromiso_id not in ids:
            continue
        text, keyboard = await _render(session, meeting, ids, index + 1, len(records))
        if not meetings.is_open(meeting):
            keyboard = None
        try:
            await context.bot.edit_message_text(
                text, chat_id=committee.chat_id, message_id=int(record["message_id"]),
                parse_mode=ParseMode.HTML, reply_markup=keyboard, disable_web_page_preview=True,
            )  # fmt: skip
        except BadRequest as error:
            # Deleted by someone, or already showing this: the database is what counts.
            log.info("review message not updated: %s", error.message)
        # Whether it still shows buttons, so closing the meeting edits only those that do.
        shown = {**record, "botones": keyboard is not None}
        meeting.review_messages = [*records[:index], shown, *records[index + 1 :]]
        return


async def close_review(context: Context, committee: Committee, meeting: Meeting) -> None:
    """Take the buttons off the roll call and review messages of a closed meeting."""
    # Only messages that still show buttons: Telegram answers 400 «message is not modified»
    # to removing buttons already removed (a review whose compromisos were all settled).
    message_ids = [
        int(r["message_id"]) for r in meeting.review_messages or [] if r.get("botones", True)
    ]
    if meeting.roll_message_id is not None:
        message_ids.append(meeting.roll_message_id)
    for message_id in message_ids:
        try:
            await context.bot.edit_message_reply_markup(
                chat_id=committee.chat_id, message_id=message_id, reply_markup=None
            )
        except BadRequest as error:
            log.info("buttons not removed from %s: %s", message_id, error.message)
