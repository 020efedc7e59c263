"""Acting on one compromiso: cumplido, reprogramar, cancelar — from a list or a meeting's review.

A button asks for what the bot needs in a sentence (the result, the new date, the reason) with a
ForceReply question; the answer arrives through gelbot.telegram.prompts and is handled here.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, Update

from gelbot.domain import committees, compromisos, meetings, pending_prompts
from gelbot.domain.spanish import parse_date
from gelbot.models import Committee, Compromiso, EvidenceKind, Meeting, PendingPrompt, Person
from gelbot.telegram import callbacks
from gelbot.telegram.common import Context, label, reply
from gelbot.telegram.handlers import meeting_review
from gelbot.telegram.handlers.compromisos import ACTION
from gelbot.telegram.place import in_group
from gelbot.telegram.prompts import Answer, ask
from gelbot.texts import render

RESULT = "compromiso_cumplido"  # prompt kinds
NEW_DATE = "compromiso_fecha"
REASON = "compromiso_cancelar"
_ASKS = {
    RESULT: ("compromiso_pide_resultado", "pide_resultado"),
    NEW_DATE: ("compromiso_pide_fecha", "pide_fecha"),
    REASON: ("compromiso_pide_motivo", "pide_motivo"),
}
_URL = re.compile(r"https?://\S+", re.I)


async def _ask(
    context: Context,
    session: AsyncSession,
    chat_id: int,
    kind: str,
    compromiso: Compromiso,
    person: Person,
    data: dict[str, Any] | None,
    **values: Any,
) -> None:
    template, placeholder = _ASKS[kind]
    await ask(
        context, session, chat_id, template, person=person, kind=kind, subject_id=compromiso.id,
        data=data, placeholder=label(placeholder), compromiso=compromiso,
        responsable=compromisos.responsable_label(compromiso), **values,
    )  # fmt: skip


async def _alert(update: Update, motivo: str, **values: Any) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(render("compromiso_alerta", motivo=motivo, **values), show_alert=True)


async def act(update: Update, context: Context) -> None:
    """A list button: ask for the result (cumplido), the new date, or the reason to cancel."""
    pressed = await callbacks.read(update, ACTION, 2, ids=1, choices={"c", "r", "x"})
    if pressed is None:
        return
    query, (compromiso_id,), parts = pressed.query, pressed.ids, pressed.parts
    svc = context.services
    async with svc.transaction() as session:
        found = await in_group(session, pressed.chat_id, pressed.user, context)
        compromiso = (
            await compromisos.get(session, found.committee, compromiso_id) if found else None
        )
        if found is None or compromiso is None:
            await _alert(update, "invalido")
            return
        if not compromisos.is_open(compromiso):
            await _alert(update, "cerrado", compromiso=compromiso)
            return
        if parts[1] == "x":
            if not compromisos.may_cancel(compromiso, found.member):
                await _alert(update, "solo_coordinador")
                return
            kind = REASON
        else:
            if not compromisos.may_update(compromiso, found.member):
                await _alert(update, "responsable", compromiso=compromiso)
                return
            kind = RESULT if parts[1] == "c" else NEW_DATE
        await _ask(context, session, found.committee.chat_id, kind, compromiso, found.person, None)
    await query.answer()


async def review(update: Update, context: Context) -> None:
    """A meeting review button: cumplido and reprogramar ask; en curso is recorded at once."""
    pressed = await callbacks.read(update, meeting_review.REVIEW, 3, ids=2, choices={"c", "e", "r"})
    if pressed is None:
        return
    query, (meeting_id, compromiso_id), parts = pressed.query, pressed.ids, pressed.parts
    svc = context.services
    async with svc.transaction() as session:
        found = await in_group(session, pressed.chat_id, pressed.user, context)
        meeting = await session.get(Meeting, meeting_id) if found else None
        if found is None or meeting is None or meeting.committee_id != found.committee.id:
            await _alert(update, "invalido")
            return
        if not meetings.is_open(meeting):
            await _alert(update, "reunion_cerrada")
            return
        compromiso = await compromisos.get(session, found.committee, compromiso_id)
        if compromiso is None:
            await _alert(update, "invalido")
            return
        if not compromisos.is_open(compromiso):
            await _alert(update, "cerrado", compromiso=compromiso)
            return
        if not compromisos.may_update(compromiso, found.member):
            await _alert(update, "responsable", compromiso=compromiso)
            return
        if parts[2] == "e":
            await compromisos.mark_in_progress(
                session, compromiso, found.person, now=context.now(), meeting_id=meeting.id
            )
            await meeting_review.refresh(
                context, session, found.committee, meeting.id, compromiso.id
            )
        else:
            kind = RESULT if parts[2] == "c" else NEW_DATE
            await _ask(context, session, found.committee.chat_id, kind, compromiso, found.person,
                       {"meeting_id": meeting.id})  # fmt: skip
    await query.answer()


# --- answers ---------------------------------------------------------------------------------


def _evidence(message: Message) -> compromisos.Evidence | None:
    """A file, a photo or a link in an answer, as evidence of a cumplido."""
    if message.document is not None:
        name = message.document.file_name or "archivo"
        return compromisos.Evidence(EvidenceKind.DOCUMENTO.value, name, message.document.file_id)
    if message.photo:
        return compromisos.Evidence(EvidenceKind.FOTO.value, "foto", message.photo[-1].file_id)
    link = _URL.search(message.text or message.caption or "")
    if link is not None:
        return compromisos.Evidence(EvidenceKind.ENLACE.value, link.group().rstrip(".,;)"))
    return None


async def _subject(
    update: Update, context: Context, session: AsyncSession, prompt: PendingPrompt, person: Person
) -> tuple[Committee, Compromiso, int | None] | None:
    """The compromiso a question was about, if it can still be answered by `person`."""
    committee = await committees.committee_for_chat(session, prompt.chat_id)
    compromiso = (
        await compromisos.get(session, committee, prompt.subject_id or 0) if committee else None
    )
    if committee is None or compromiso is None:
        await pending_prompts.resolve(session, prompt)
        return None
    if not compromisos.is_open(compromiso):
        await pending_prompts.resolve(session, prompt)
        await reply(update, context, "compromiso_cerrado", compromiso=compromiso)
        return None
    member = await committees.membership(session, committee, person)
    allowed = (
        compromisos.may_cancel(compromiso, member)
        if prompt.kind == REASON
        else compromisos.may_update(compromiso, member)
    )
    if not allowed:
        await pending_prompts.resolve(session, prompt)
        await reply(update, context, "compromiso_sin_permiso", compromiso=compromiso)
        return None
    meeting_id = (prompt.data or {}).get("meeting_id")
    meeting = await session.get(Meeting, int(meeting_id)) if meeting_id is not None else None
    # Asked in a meeting's review but answered after it closed: not part of that acta.
    in_review = meeting is not None and meetings.is_open(meeting)
    return committee, compromiso, meeting.id if meeting is not None and in_review else None


async def _ask_again(
    context: Context,
    session: AsyncSession,
    prompt: PendingPrompt,
    compromiso: Compromiso,
    person: Person,
    **values: Any,
) -> None:
    """Replace a question with the same one, saying what was wrong with the answer."""
    await pending_prompts.resolve(session, prompt)
    await _ask(context, session, prompt.chat_id, prompt.kind, compromiso, person, prompt.data,
               **values)  # fmt: skip


async def answer_result(
    update: Update, context: Context, session: AsyncSession, prompt: PendingPrompt, person: Person
) -> None:
    """The result of a cumplido, with any evidence (file, photo or link)."""
    subject = await _subject(update, context, session, prompt, person)
    if subject is None:
        return
    committee, compromiso, meeting_id = subject
    message = update.effective_message
    assert message is not None
    evidence = _evidence(message)
    stored = (prompt.data or {}).get("evidence")
    if evidence is None and isinstance(stored, dict):
        evidence = compromisos.Evidence(**stored)
    text = message.text or message.caption or ""
    if not text.strip():
        if evidence is not None:
            # A file without a caption: keep it, and ask for the sentence that goes with it.
            prompt.data = {**(prompt.data or {}), "evidence": evidence.__dict__}
        await _ask_again(context, session, prompt, compromiso, person,
                         error="vacio", evidence=evidence)  # fmt: skip
        return
    try:
        await compromisos.complete(
            session, compromiso, person, result=text, evidence=evidence, now=context.now(),
            meeting_id=meeting_id,
        )  # fmt: skip
    except committees.DomainError as error:
        await _ask_again(context, session, prompt, compromiso, person, error=error.code,
                         evidence=evidence, **error.details)  # fmt: skip
        return
    await pending_prompts.resolve(session, prompt)
    await reply(update, context, "compromiso_cumplido_listo", compromiso=compromiso, person=person)
    if meeting_id is not None:
        await meeting_review.refresh(context, session, committee, meeting_id, compromiso.id)


async def answer_new_date(
    update: Update, context: Context, session: AsyncSession, prompt: PendingPrompt, person: Person
) -> None:
    """The new due date of a reprogramar; the old one stays in the history."""
    subject = await _subject(update, context, session, prompt, person)
    if subject is None:
        return
    committee, compromiso, meeting_id = subject
    message = update.effective_message
    assert message is not None
    text = message.text or message.caption or ""
    today = context.today()
    when = parse_date(text, today=today, prefer="future")
    problem = (
        "ilegible" if when is None
        else "pasada" if when < today
        else "misma" if when == compromiso.due_on
        else None
    )  # fmt: skip
    if problem is not None or when is None:
        await _ask_again(context, session, prompt, compromiso, person, error=problem,
                         given=text[:80])  # fmt: skip
        return
    old = await compromisos.reschedule(
        session, compromiso, person, new_due_on=when, now=context.now(), meeting_id=meeting_id
    )
    await pending_prompts.resolve(session, prompt)
    await reply(update, context, "compromiso_reprogramado", compromiso=compromiso, old=old,
                person=person)  # fmt: skip
    if meeting_id is not None:
        await meeting_review.refresh(context, session, committee, meeting_id, compromiso.id)


async def answer_reason(
    update: Update, context: Context, session: AsyncSession, prompt: PendingPrompt, person: Person
) -> None:
    """The reason to cancel a compromiso (coordinador only): replying is confirming."""
    subject = await _subject(update, context, session, prompt, person)
    if subject is None:
        return
    _, compromiso, _ = subject
    message = update.effective_message
    assert message is not None
    text = message.text or message.caption or ""
    try:
        await compromisos.cancel(session, compromiso, person, reason=text, now=context.now())
    except committees.DomainError as error:
        await _ask_again(context, session, prompt, compromiso, person, error=error.code,
                         **error.details)  # fmt: skip
        return
    await pending_prompts.resolve(session, prompt)
    await reply(update, context, "compromiso_cancelado", compromiso=compromiso, person=person)


ANSWERS: dict[str, Answer] = {
    RESULT: answer_result,
    NEW_DATE: answer_new_date,
    REASON: answer_reason,
}
