"""What the informe keeps from conversations: progress notes (/avance) and semester rows."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import compromisos, phases
from gelbot.flows.schema import Question
from gelbot.flows.scope import MAX_NOTE, Note, Scope
from gelbot.flows.updates import ProgressNoteEffect, SemesterItemEffect
from gelbot.models import PlanAction
from gelbot.models.flows import FlowAnswer, ProgressNote, SemesterItem


async def forget(session: AsyncSession, answer_ids: list[int]) -> None:
    """Drop the progress notes and informe rows that answers no longer standing wrote."""
    if answer_ids:
        for model in (ProgressNote, SemesterItem):
            await session.execute(delete(model).where(model.answer_id.in_(answer_ids)))


def _period_start(scope: Scope) -> date:
    run = scope.run
    if run.subject_kind == "periodo" and run.subject_key:
        return date.fromisoformat(run.subject_key)
    return phases.informe_period_start(scope.committee, scope.today)


async def progress_note(
    scope: Scope, question: Question, index: int, effect: ProgressNoteEffect, answer: FlowAnswer
) -> Note | None:
    text = scope.text(effect.text_from or question.id)
    if not text:
        return None
    target = scope.text(effect.target_from) if effect.target_from else None
    compromiso_id = plan_action_id = None
    label = None
    if target and target[:1] in {"c", "a"} and target[1:].isdigit():
        if target[0] == "c":
            found = await compromisos.get(scope.session, scope.committee, int(target[1:]))
            compromiso_id, label = (found.id, found.description) if found else (None, None)
        else:
            action = await scope.session.get(PlanAction, int(target[1:]))
            if action is not None and action.committee_id == scope.committee.id:
                plan_action_id, label = action.id, action.accion
    key = scope.effect_key(question, index)
    row = await scope.session.scalar(
        select(ProgressNote).where(
            ProgressNote.run_id == scope.run.id, ProgressNote.effect_key == key
        )
    )
    if row is None:
        row = ProgressNote(committee_id=scope.committee.id, run_id=scope.run.id, effect_key=key,
                           noted_on=scope.today, created_at=scope.now)  # fmt: skip
        scope.session.add(row)
    row.text, row.person_id = text[:MAX_NOTE], scope.person.id if scope.person else None
    row.compromiso_id, row.plan_action_id = compromiso_id, plan_action_id
    row.answer_id, row.updated_at = answer.id, scope.now
    await scope.session.flush()
    return Note("avance", {"texto": row.text, "destino": label})


async def semester_item(
    scope: Scope, question: Question, index: int, effect: SemesterItemEffect, answer: FlowAnswer
) -> Note | None:
    key = scope.effect_key(question, index)
    row = await scope.session.scalar(
        select(SemesterItem).where(
            SemesterItem.run_id == scope.run.id, SemesterItem.effect_key == key
        )
    )
    accion = scope.text(effect.accion_from or question.id)
    if not accion:
        if row is not None:  # corrected to «omitida»: the row no longer says anything
            await scope.session.delete(row)
        return None
    if row is None:
        row = SemesterItem(committee_id=scope.committee.id, run_id=scope.run.id, effect_key=key,
                           created_at=scope.now)  # fmt: skip
        scope.session.add(row)
    fecha = scope.answer(effect.fecha_from) if effect.fecha_from else None
    asistentes = scope.answer(effect.asistentes_from) if effect.asistentes_from else None
    row.period_start = _period_start(scope)
    row.kind = (effect.kind or scope.text(effect.kind_from) or "otro")[:40]
    row.accion = accion[:MAX_NOTE]
    row.resultado = (scope.text(effect.resultado_from) or None) if effect.resultado_from else None
    row.fecha = date.fromisoformat(fecha.value) if fecha and isinstance(fecha.value, str) else None
    row.asistentes = (
        int(asistentes.value) if asistentes and isinstance(asistentes.value, int | float) else None
    )
    row.person_id = scope.person.id if scope.person else None
    row.answer_id, row.updated_at = answer.id, scope.now
    await scope.session.flush()
    return Note("informe", {"tipo": row.kind, "accion": row.accion})
