"""Meetings in the group: /reunion (programar, iniciar, registrar, acta; the steps that set the
acta's details, close and correct a meeting are in meeting_record) and /decision.
Who may do what is decided in gelbot.domain.meetings and gelbot.domain.meeting_corrections."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from gelbot.domain import committees, meeting_details, meetings, pending_prompts
from gelbot.domain import meeting_corrections as corrections
from gelbot.domain.spanish import format_datetime, normalize, parse_date
from gelbot.models import Meeting, PendingPrompt, Person
from gelbot.telegram.common import Context, in_group_chat, label, raw_args, reply
from gelbot.telegram.handlers import acta_corrections, meeting_record, meeting_roll
from gelbot.telegram.handlers.meeting_roll import mark as mark
from gelbot.telegram.place import MemberPlace, Place, member_command, member_in_group
from gelbot.telegram.prompts import Answer, ask

DECISION = "reunion_decision"  # prompt kind


# --- /reunion --------------------------------------------------------------------------------

Step = Callable[[Update, Context, AsyncSession, Place, str], Awaitable[None]]


async def _show(
    update: Update, context: Context, session: AsyncSession, found: Place, _: str
) -> None:
    svc = context.services
    committee = found.committee
    rule = meetings.meeting_rule(committee)
    upcoming = meetings.next_meeting(committee, context.now(), svc.settings.zone)
    await reply(
        update, context, "reunion_estado", rule=rule,
        next_at=format_datetime(upcoming, svc.settings.zone) if upcoming else None,
        last=await meetings.last_meeting(session, committee),
        current=await meetings.open_meeting(session, committee),
        notice=await meeting_details.notice_of(session, committee),
    )  # fmt: skip


async def _program(
    update: Update, context: Context, session: AsyncSession, found: Place, rest: str
) -> None:
    svc = context.services
    rule = meetings.set_meeting_rule(found.committee, rest)
    upcoming = meetings.next_meeting(found.committee, context.now(), svc.settings.zone)
    assert upcoming is not None
    await reply(update, context, "reunion_programada", rule=rule,
                next_at=format_datetime(upcoming, svc.settings.zone))  # fmt: skip


async def _start(
    update: Update, context: Context, session: AsyncSession, found: Place, _: str
) -> None:
    svc = context.services
    meeting = await meetings.start_meeting(
        session, found.committee, found.person, now=context.now(), tz=svc.settings.zone
    )
    await reply(update, context, "reunion_iniciada", meeting=meeting, person=found.person)
    await meeting_roll.open_record(context, session, found.committee, meeting)


async def _register(
    update: Update, context: Context, session: AsyncSession, found: Place, rest: str
) -> None:
    svc = context.services
    held_on = parse_date(rest, today=context.today(), prefer="past") if rest else None
    if held_on is None:
        await reply(update, context, "reunion_fecha_ilegible", given=rest)
        return
    meeting = await meetings.register_past_meeting(
        session, found.committee, found.person, held_on, now=context.now(), tz=svc.settings.zone
    )
    await reply(update, context, "reunion_registrando", meeting=meeting)
    await meeting_roll.open_record(context, session, found.committee, meeting)


async def _acta(
    update: Update, context: Context, session: AsyncSession, found: Place, rest: str
) -> None:
    if rest:
        day = parse_date(rest, today=context.today(), prefer="past")
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
    await meeting_roll.send_acta(context, session, found.committee, meeting)


# name → (step, coordinador only)
_STEPS: dict[str, tuple[Step, bool]] = {
    "": (_show, False),
    "programar": (_program, True),
    "iniciar": (_start, True),
    "registrar": (_register, True),
    "cerrar": (meeting_record.close, True),
    "acta": (_acta, False),
    "lugar": (meeting_record.place, True),
    "orden": (meeting_record.agenda, True),
    "invitado": (meeting_record.guest, True),
    "invitada": (meeting_record.guest, True),
    "secretario": (meeting_record.secretary, True),
    "secretaria": (meeting_record.secretary, True),
    "presidente": (meeting_record.president, True),
    "presidenta": (meeting_record.president, True),
    "reabrir": (acta_corrections.reopen, True),
    "decisiones": (acta_corrections.decisions, True),
}


async def reunion(update: Update, context: Context) -> None:
    """Show the next and last meeting, or run a subcommand (programar, iniciar, …)."""
    if await in_group_chat(update, context, "reunion") is None:
        return
    word, _, rest = raw_args(update).partition(" ")
    step = _STEPS.get(normalize(word))
    if step is None:
        await reply(update, context, "reunion_ayuda", given=word)
        return
    svc = context.services
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


@member_command("decision", refusal="reunion_solo_miembros")
async def decision(
    update: Update, context: Context, session: AsyncSession, found: MemberPlace
) -> None:
    """Record a decision in the open meeting (or ask for its text)."""
    message = update.effective_message
    assert message is not None
    meeting = await meetings.open_meeting(session, found.committee)
    if meeting is None:
        await reply(update, context, "reunion_no_abierta")
        return
    if corrections.was_closed(meeting) and not corrections.may_correct(found.member):
        await reply(update, context, "reunion_solo_coordinador_corrige")
        return
    text = raw_args(update)
    if not text:
        await ask(context, session, message.chat.id, "reunion_pide_decision", person=found.person,
                  kind=DECISION, subject_id=meeting.id, reply_to=message.message_id,
                  placeholder=label("pide_decision"))  # fmt: skip
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
        decided = await meetings.add_decision(session, meeting, text, person, now=context.now())
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
        await pending_prompts.resolve(session, prompt)
        return
    if not meetings.is_open(meeting):
        await pending_prompts.resolve(session, prompt)
        await reply(update, context, "reunion_cerrada")
        return
    if await _record_decision(update, context, session, meeting, message.text or "", person):
        await pending_prompts.resolve(session, prompt)


ANSWERS: dict[str, Answer] = {DECISION: answer_decision, **meeting_record.ANSWERS}
