"""Corrections: a member changes an answer of the current period; what it fed is updated again.

The old answer stays, pointing at the one that replaced it (`superseded_by_id`). A correction
that changes a branch ("no" → "sí") retires the answers of the old path and asks the new one.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.phases import informe_period_start
from gelbot.flows import context as flow_context
from gelbot.flows import effects
from gelbot.flows.informe_notes import forget
from gelbot.flows.loader import definition
from gelbot.flows.runs import Outcome, lifetime, local_date, make_scope, next_target
from gelbot.flows.schema import END, Flow
from gelbot.flows.scope import current_answers
from gelbot.flows.templating import plain_text
from gelbot.models import Committee, Person
from gelbot.models.flows import AnswerStatus, FlowAnswer, FlowRun, RunStatus

CORRECTION_HOURS = 24


async def correctable(
    session: AsyncSession, person: Person, committees: list[Committee], now: datetime, tz: tzinfo
) -> list[FlowAnswer]:
    """The person's standing answers of the current informe period, newest first."""
    today = local_date(now, tz)
    since = {c.id: informe_period_start(c, today) for c in committees}
    rows = await session.scalars(
        select(FlowAnswer)
        .where(
            FlowAnswer.person_id == person.id,
            FlowAnswer.committee_id.in_(since),
            FlowAnswer.superseded_by_id.is_(None),
            FlowAnswer.status.in_((AnswerStatus.RESPONDIDA.value, AnswerStatus.OMITIDA.value)),
        )
        .order_by(FlowAnswer.answered_at.desc(), FlowAnswer.id.desc())
        .limit(200)
    )
    return [a for a in rows if local_date(a.answered_at, tz) >= since[a.committee_id]]


async def describe_answer(
    session: AsyncSession, found: FlowAnswer, *, now: datetime, tz: tzinfo
) -> tuple[str, str]:
    """(flow name, question as plain text) of an answer, for lists like /corregir's."""
    flow = await definition(session, found.definition_id)
    run = await session.get(FlowRun, found.run_id)
    committee = await session.get(Committee, found.committee_id)
    if not flow.has_question(found.question_id) or run is None or committee is None:
        return flow.name, found.question_id
    person = await session.get(Person, found.person_id) if found.person_id else None
    answers = await current_answers(session, run.id, found.item_index, found.iteration)
    values = await flow_context.template_context(
        session, run, committee, person, answers, local_date(now, tz), found.item_index
    )
    text = flow_context.render(flow.question(found.question_id).text, values)
    return flow.name, plain_text(text)


async def start_correction(
    session: AsyncSession, previous: FlowAnswer, person: Person, chat_id: int, now: datetime
) -> FlowRun:
    """A run that asks `previous`'s question again; its answer replaces `previous`."""
    original = await session.get(FlowRun, previous.run_id)
    assert original is not None
    for stale in await session.scalars(
        select(FlowRun).where(
            FlowRun.person_id == person.id,
            FlowRun.corrects_answer_id.is_not(None),
            FlowRun.status == RunStatus.ESPERANDO.value,
        )
    ):
        stale.status, stale.finished_at = RunStatus.CANCELADO.value, now
    run = FlowRun(
        committee_id=previous.committee_id, definition_id=previous.definition_id,
        flow_id=previous.flow_id, flow_version=previous.flow_version, person_id=person.id,
        chat_id=chat_id, trigger="correccion", subject_kind=original.subject_kind,
        subject_id=original.subject_id, subject_key=original.subject_key,
        status=RunStatus.ESPERANDO.value, item_index=previous.item_index,
        question_id=previous.question_id, iteration=previous.iteration, step=1, attempts=0,
        corrects_answer_id=previous.id, state=dict(original.state), started_by_id=person.id,
        started_at=now, updated_at=now, expires_at=now + timedelta(hours=CORRECTION_HOURS),
    )  # fmt: skip
    session.add(run)
    await session.flush()
    return run


async def finish(
    session: AsyncSession,
    run: FlowRun,
    flow: Flow,
    stored: FlowAnswer,
    committee: Committee,
    person: Person | None,
    now: datetime,
    tz: tzinfo,
) -> Outcome:
    """Replace the old answer, update again what it fed, and follow a changed branch."""
    previous = await session.get(FlowAnswer, run.corrects_answer_id or 0)
    original = await session.get(FlowRun, stored.run_id)
    assert previous is not None and original is not None
    previous.superseded_by_id = stored.id
    run.status, run.question_id, run.finished_at = RunStatus.COMPLETADO.value, None, now
    scope = await make_scope(session, original, flow, committee, person, now, local_date(now, tz),
                         stored.item_index, stored.iteration)  # fmt: skip
    notes = await effects.reapply(scope, stored.question_id)
    outcome = Outcome("corregido", run, answer=stored, notes=notes, previous=previous)
    question = flow.question(stored.question_id)
    before = next_target(flow, question, previous.value, previous.status == AnswerStatus.OMITIDA)
    after = next_target(flow, question, stored.value, stored.status == AnswerStatus.OMITIDA)
    if before != after:
        # The answers given after it followed the old path: they no longer stand (they stay
        # as history), nor do the informe rows they wrote; the run asks the new path.
        stale = [a for a in scope.answers.values() if previous.id < a.id != stored.id]
        for answer_ in stale:
            answer_.superseded_by_id = stored.id
        await forget(session, [a.id for a in stale])
    if before != after and after != END:
        original.status, original.finished_at = RunStatus.ESPERANDO.value, None
        original.item_index, original.iteration = stored.item_index, stored.iteration
        original.question_id, original.chat_id = after, run.chat_id
        original.attempts, original.gave_up_at, original.step = 0, None, original.step + 1
        original.updated_at, original.expires_at = now, now + lifetime(flow)
        outcome.reopened = original  # the engine asks its question
    return outcome
