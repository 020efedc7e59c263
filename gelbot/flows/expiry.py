"""Expiry: a run nobody finished closes «sin respuesta», and what waited behind it goes ahead."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.flows import effects
from gelbot.flows.loader import definition
from gelbot.flows.runs import item_of, local_date, make_scope, release_next
from gelbot.models import Committee
from gelbot.models.flows import OPEN_RUN_STATUSES, AnswerStatus, FlowAnswer, FlowRun, RunStatus


@dataclass
class Expired:
    runs: list[FlowRun] = field(default_factory=list)
    released: list[FlowRun] = field(default_factory=list)


async def expire_due_runs(session: AsyncSession, now: datetime, tz: tzinfo) -> Expired:
    """Close every open run past its time as «sin respuesta», and start what waited behind it."""
    report = Expired()
    due = await session.scalars(
        select(FlowRun)
        .where(FlowRun.status.in_(OPEN_RUN_STATUSES), FlowRun.expires_at <= now)
        .order_by(FlowRun.id)
    )
    for run in list(due):
        if run.status not in OPEN_RUN_STATUSES:  # released and expired in this same pass
            continue
        run.status, run.finished_at, run.updated_at = RunStatus.SIN_RESPUESTA.value, now, now
        report.runs.append(run)
        if run.corrects_answer_id is not None:
            continue  # an abandoned correction leaves the original answer standing
        flow = await definition(session, run.definition_id)
        if run.question_id is not None:
            item = item_of(run)
            session.add(
                FlowAnswer(
                    run_id=run.id, committee_id=run.committee_id, definition_id=run.definition_id,
                    flow_id=run.flow_id, flow_version=run.flow_version,
                    question_id=run.question_id, item_index=run.item_index,
                    item_key=(item or {}).get("clave"), iteration=run.iteration,
                    person_id=run.person_id, status=AnswerStatus.SIN_RESPUESTA.value,
                    raw_text=None, value=None, display="sin respuesta", answered_at=now,
                )
            )  # fmt: skip
        committee = await session.get(Committee, run.committee_id)
        if committee is not None:
            scope = await make_scope(session, run, flow, committee, None, now, local_date(now, tz))
            await effects.record_no_answers(scope)
        released = await release_next(session, run, now)
        if released is not None:
            report.released.append(released)
    await session.flush()
    return report
