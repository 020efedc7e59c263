"""The conversation engine: start a flow, store each answer as it comes, move on, expire, correct.

Everything about a run lives in the database (flow_runs, flow_answers), so a restart resumes at
the next unanswered question. No Telegram here: the edge asks the `Ask` this module returns and
hands back a `Reply`; what the bot says about it is the `Outcome`.

In a private chat a person answers one flow at a time: a second flow for them waits «en cola»
until the first ends, because free text there has no reply to tell the two apart.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.flows import context as flow_context
from gelbot.flows import corrections, effects
from gelbot.flows.answers import ChoiceOption, Parsed, Reply, clean, parse_answer
from gelbot.flows.corrections import correctable, describe_answer, start_correction
from gelbot.flows.expiry import Expired, expire_due_runs
from gelbot.flows.loader import LoadedFlow, definition
from gelbot.flows.runs import (
    START_BUTTON,
    Ask,
    Outcome,
    Subject,
    is_private,
    item_of,
    lifetime,
    local_date,
    make_scope,
    merge_notes,
    next_target,
    question_of,
    release_next,
    remember_notes,
    run_notes,
    same,
    same_person,
    start_button_data,
    waiting_in,
)
from gelbot.flows.schema import END, Flow, Question
from gelbot.flows.scope import current_answers
from gelbot.models import Committee, Person
from gelbot.models.flows import OPEN_RUN_STATUSES, AnswerStatus, FlowAnswer, FlowRun, RunStatus

MAX_PASSES = 25  # a loop ("¿otro logro?") ends here whatever the answers say

__all__ = [
    "START_BUTTON", "Ask", "Expired", "Outcome", "Subject", "answer", "correctable",
    "current_ask", "describe_answer", "expire_due_runs", "is_private", "merge_notes",
    "question_of", "run_notes", "start_button_data", "start_correction", "start_flow",
    "waiting_in",
]  # fmt: skip


# --- starting ------------------------------------------------------------------------------------


async def start_flow(
    session: AsyncSession,
    *,
    loaded: LoadedFlow,
    committee: Committee,
    person: Person | None,
    chat_id: int,
    subject: Subject,
    now: datetime,
    tz: tzinfo,
    trigger: str,
    started_by: Person | None = None,
    prefill: dict[str, str] | None = None,
    queue: bool = True,
    replace: bool = False,
) -> tuple[FlowRun, bool] | None:
    """Open a run of `loaded` for `person` in `chat_id`; (run, created) or None if nothing to ask.

    A run already open for the same flow, person and subject is returned instead of a second
    one (a reminder that fires again must not ask twice); with `replace` (a command typed
    again) it is cancelled instead. With `queue`, a run for someone already answering another
    flow in that private chat waits its turn; without it (the person asked for this one
    now), it is asked at once and takes their next messages.
    """
    flow = loaded.flow
    if replace:
        for stale in await session.scalars(
            select(FlowRun).where(
                FlowRun.flow_id == flow.id, FlowRun.committee_id == committee.id,
                same_person(person), FlowRun.status.in_(OPEN_RUN_STATUSES),
                FlowRun.corrects_answer_id.is_(None),
            )
        ):  # fmt: skip
            stale.status, stale.finished_at, stale.updated_at = RunStatus.CANCELADO.value, now, now
    if subject.kind != "ninguno":
        existing = await session.scalar(
            select(FlowRun).where(
                FlowRun.flow_id == flow.id, FlowRun.committee_id == committee.id,
                same_person(person), FlowRun.subject_kind == subject.kind,
                same(FlowRun.subject_id, subject.id), same(FlowRun.subject_key, subject.key),
                FlowRun.status.in_(OPEN_RUN_STATUSES), FlowRun.corrects_answer_id.is_(None),
            ).limit(1)
        )  # fmt: skip
        if existing is not None:
            return existing, False
    items = await flow_context.items(session, flow, committee, subject)
    if flow.for_each and not items:
        return None
    busy = (
        queue
        and person is not None
        and is_private(chat_id)
        and await waiting_in(session, chat_id, person.id) is not None
    )
    run = FlowRun(
        committee_id=committee.id, definition_id=loaded.definition_id, flow_id=flow.id,
        flow_version=loaded.version, person_id=person.id if person else None, chat_id=chat_id,
        trigger=trigger[:60], subject_kind=subject.kind, subject_id=subject.id,
        subject_key=subject.key,
        status=(RunStatus.EN_COLA if busy else RunStatus.ESPERANDO).value,
        item_index=0, question_id=flow.questions[0].id, iteration=0, step=1, attempts=0,
        state={"items": items, "choices": {}}, started_by_id=started_by.id if started_by else None,
        started_at=now, updated_at=now, expires_at=now + lifetime(flow),
    )  # fmt: skip
    session.add(run)
    await session.flush()
    for question_id, text in (prefill or {}).items():
        if run.question_id == question_id and text.strip():
            outcome = await answer(session, run, Reply(text=text), person=person or started_by,
                                   now=now, tz=tz, flow=flow)  # fmt: skip
            if outcome.kind == "repetir":  # a prefill that does not fit is simply asked
                run.attempts = 0
    return run, True


# --- asking --------------------------------------------------------------------------------------


async def current_ask(
    session: AsyncSession, run: FlowRun, *, now: datetime, tz: tzinfo, flow: Flow | None = None
) -> Ask | None:
    """The question the run waits on, ready to send (None when it waits on nothing)."""
    if run.status != RunStatus.ESPERANDO.value or run.question_id is None:
        return None
    flow = flow or await definition(session, run.definition_id)
    question = flow.question(run.question_id)
    committee = await session.get(Committee, run.committee_id)
    person = await session.get(Person, run.person_id) if run.person_id else None
    assert committee is not None
    choices = await _choices(session, run, question, committee, person)
    answers = await current_answers(session, run.id, run.item_index, run.iteration)
    values = await flow_context.template_context(
        session, run, committee, person, answers, local_date(now, tz)
    )
    items = run.state.get("items") or []
    return Ask(
        run=run, flow=flow, question=question, text=flow_context.render(question.text, values),
        choices=choices, person=person, number=flow.index(question.id) + 1,
        total=len(flow.questions), item=item_of(run), item_number=run.item_index + 1,
        item_total=len(items),
    )  # fmt: skip


async def _choices(
    session: AsyncSession,
    run: FlowRun,
    question: Question,
    committee: Committee,
    person: Person | None,
) -> list[ChoiceOption]:
    """The buttons: sí/no, the listed choices, or computed ones frozen on first use."""
    if question.type == "si_no":
        return [ChoiceOption("si", "Sí"), ChoiceOption("no", "No")]
    if question.type != "opcion":
        return []
    if not question.choices_from:
        return [ChoiceOption(c.value, c.label, c.aliases) for c in question.choices]
    key = f"{run.item_index}:{run.iteration}:{question.id}"
    frozen: dict[str, list[Any]] = dict(run.state.get("choices") or {})
    if key not in frozen:
        found = await flow_context.dynamic_choices(
            session, question.choices_from, committee, person
        )
        frozen[key] = [[c.value, c.label, list(c.aliases)] for c in found]
        run.state = {**run.state, "choices": frozen}
    return [ChoiceOption(value, label, tuple(aliases)) for value, label, aliases in frozen[key]]


# --- answering -----------------------------------------------------------------------------------


async def answer(
    session: AsyncSession,
    run: FlowRun,
    reply: Reply,
    *,
    person: Person | None,
    now: datetime,
    tz: tzinfo,
    flow: Flow | None = None,
) -> Outcome:
    """Read and store `person`'s answer to the run's current question, then move on."""
    flow = flow or await definition(session, run.definition_id)
    if run.status != RunStatus.ESPERANDO.value or run.question_id is None:
        return Outcome("terminado", run)
    question = flow.question(run.question_id)
    committee = await session.get(Committee, run.committee_id)
    assert committee is not None
    choices = await _choices(session, run, question, committee, person)
    today = local_date(now, tz)
    parsed = parse_answer(question, reply, choices=choices, today=today)
    run.updated_at = now
    if not parsed.ok:
        run.attempts += 1
        gave_up = run.attempts >= flow.max_attempts and run.gave_up_at is None
        released = None
        if gave_up:
            run.gave_up_at = now
            released = await release_next(session, run, now)
        ask = await current_ask(session, run, now=now, tz=tz, flow=flow)
        return Outcome("abierta" if gave_up else "repetir", run, parsed, ask=ask, released=released)
    stored = await _store(session, run, question, reply, parsed, person, now)
    if run.corrects_answer_id is not None:
        outcome = await corrections.finish(session, run, flow, stored, committee, person, now, tz)
        if outcome.reopened is not None:
            outcome.ask = await current_ask(session, outcome.reopened, now=now, tz=tz, flow=flow)
        return outcome
    scope = await make_scope(session, run, flow, committee, person, now, today)
    notes = await effects.apply_question(scope, question)
    outcome = Outcome("siguiente", run, parsed, stored, notes=notes)
    await _advance(session, run, flow, question, parsed, now)
    if run.status == RunStatus.COMPLETADO.value:
        outcome.kind = "terminado"
        outcome.notes = merge_notes([*run_notes(run), *notes])
        outcome.closing = await _closing(session, run, flow, committee, person, today)
        outcome.released = await release_next(session, run, now)
    else:
        outcome.ask = await current_ask(session, run, now=now, tz=tz, flow=flow)
    remember_notes(run, notes)
    return outcome


async def _store(
    session: AsyncSession,
    run: FlowRun,
    question: Question,
    reply: Reply,
    parsed: Parsed,
    person: Person | None,
    now: datetime,
) -> FlowAnswer:
    """Keep the answer now: who, when, what they sent, what it meant, under which version."""
    target = run
    if run.corrects_answer_id is not None:  # a correction belongs to the original pass
        original = await session.get(FlowAnswer, run.corrects_answer_id)
        assert original is not None
        target = await session.get(FlowRun, original.run_id) or run
    raw = clean(reply.text or (reply.file.name if reply.file else "") or parsed.display)
    item = item_of(run)
    stored = FlowAnswer(
        run_id=target.id, committee_id=run.committee_id, definition_id=run.definition_id,
        flow_id=run.flow_id, flow_version=run.flow_version, question_id=question.id,
        item_index=run.item_index, item_key=(item or {}).get("clave"), iteration=run.iteration,
        person_id=person.id if person else None,
        status=(AnswerStatus.OMITIDA if parsed.skipped else AnswerStatus.RESPONDIDA).value,
        raw_text=raw[:4096], value=parsed.value, display=parsed.display[:500], answered_at=now,
    )  # fmt: skip
    session.add(stored)
    await session.flush()
    return stored


async def _advance(
    session: AsyncSession,
    run: FlowRun,
    flow: Flow,
    question: Question,
    parsed: Parsed,
    now: datetime,
) -> None:
    target = next_target(flow, question, parsed.value, parsed.skipped)
    run.attempts, run.gave_up_at = 0, None
    run.step += 1
    if target != END:
        if flow.index(target) <= flow.index(question.id):
            run.iteration += 1  # back to an earlier question: a new pass ("¿otro logro?")
        if run.iteration < MAX_PASSES:
            run.question_id = target
            return
    items = run.state.get("items") or []
    following = run.item_index + 1
    if target == END and following < len(items):
        # Someone else (control interno, say) may have settled a later criterion meanwhile.
        settled = await flow_context.settled_items(session, run.committee_id, flow)
        while following < len(items) and items[following].get("clave") in settled:
            following += 1
    if target == END and following < len(items):
        run.item_index, run.iteration = following, 0
        run.question_id = flow.questions[0].id
        return
    run.status, run.question_id, run.finished_at = RunStatus.COMPLETADO.value, None, now


async def _closing(
    session: AsyncSession,
    run: FlowRun,
    flow: Flow,
    committee: Committee,
    person: Person | None,
    today: date,
) -> str | None:
    if flow.closing is None:
        return None
    answers = await current_answers(session, run.id, run.item_index, run.iteration)
    values = await flow_context.template_context(session, run, committee, person, answers, today)
    return flow_context.render(flow.closing, values)
