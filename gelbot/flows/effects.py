"""Carry out a question's updates: indicator readings, compromisos, criteria, notes, informe rows.

Each effect of a question runs when the question is answered (and its `when` holds), reading
the answers it names from the same pass of the flow. Every effect can run again with the same
inputs and land in the same place (a reading per period, a row per run and effect), so a
correction simply re-applies the effects its answer feeds.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from gelbot.domain import committees, compromisos, indicators, phases
from gelbot.domain.errors import DomainError
from gelbot.domain.indicator_periods import period_of
from gelbot.flows import informe_notes
from gelbot.flows.answers import format_number
from gelbot.flows.schema import Question
from gelbot.flows.scope import MAX_NOTE, Note, Scope
from gelbot.flows.updates import (
    CompromisoDueDateEffect,
    CompromisoStatusEffect,
    CriterionStatusEffect,
    Effect,
    IndicatorReadingEffect,
    ProgressNoteEffect,
    SemesterItemEffect,
    matches,
)
from gelbot.models import (
    Compromiso,
    CompromisoEvent,
    CompromisoStatus,
    CriterionStatus,
    Indicator,
    IndicatorReading,
    ReadingStatus,
)
from gelbot.models.flows import AnswerStatus, FlowAnswer


async def apply_question(
    scope: Scope, question: Question, *, only_reading: str | None = None
) -> list[Note]:
    """Run the effects of `question` whose `when` holds for its current answer."""
    answer = scope.answers.get(question.id)
    if answer is None:
        return []
    skipped = answer.status != AnswerStatus.RESPONDIDA
    notes: list[Note] = []
    for index, effect in enumerate(question.updates):
        if only_reading is not None and not _reads(effect, question, only_reading):
            continue
        if not matches(effect.when, answer.value, skipped):
            continue
        note = await _apply(scope, question, index, effect, answer)
        if note is not None:
            notes.append(note)
    return notes


def _reads(effect: Effect, question: Question, question_id: str) -> bool:
    """Whether an effect depends on the answer to `question_id`."""
    return question.id == question_id or question_id in effect.references().values()


async def reapply(scope: Scope, corrected: str) -> list[Note]:
    """After a correction: run again every effect of the pass that reads the corrected answer."""
    notes: list[Note] = []
    for question in scope.flow.questions:
        notes += await apply_question(scope, question, only_reading=corrected)
    return notes


async def _apply(
    scope: Scope, question: Question, index: int, effect: Effect, answer: FlowAnswer
) -> Note | None:
    if isinstance(effect, IndicatorReadingEffect):
        return await _indicator(scope, question, effect, answer)
    if isinstance(effect, CompromisoStatusEffect):
        return await _compromiso_status(scope, effect)
    if isinstance(effect, CompromisoDueDateEffect):
        return await _due_date(scope, question, effect)
    if isinstance(effect, CriterionStatusEffect):
        return await _criterion(scope, question, effect)
    if isinstance(effect, ProgressNoteEffect):
        return await informe_notes.progress_note(scope, question, index, effect, answer)
    assert isinstance(effect, SemesterItemEffect)
    return await informe_notes.semester_item(scope, question, index, effect, answer)


# --- indicators ----------------------------------------------------------------------------------


def _period_day(scope: Scope) -> date:
    """The week a weekly flow is about, else today."""
    run = scope.run
    if run.subject_kind == "semana" and run.subject_key:
        return date.fromisoformat(run.subject_key)
    return scope.today


async def _ensure(scope: Scope, effect: IndicatorReadingEffect) -> Indicator:
    return await indicators.ensure_indicator(
        scope.session, scope.committee, effect.indicator, effect.name or effect.indicator,
        effect.meta, effect.frequency, unit=effect.unit,
    )  # fmt: skip


async def _indicator(
    scope: Scope, question: Question, effect: IndicatorReadingEffect, answer: FlowAnswer
) -> Note | None:
    if effect.value is not None:
        value: float | None = effect.value
    else:
        source = scope.answer(effect.value_from or question.id)
        raw = source.value if source is not None else None
        value = float(raw) if isinstance(raw, int | float) else None
    if value is None:
        return None
    indicator = await _ensure(scope, effect)
    day = _period_day(scope)
    reading = await scope.session.scalar(
        select(IndicatorReading).where(
            IndicatorReading.indicator_id == indicator.id,
            IndicatorReading.period_start == period_of(indicator.frequency, day).start,
        )
    )
    own = {a.id for a in scope.answers.values()}
    if (
        reading is None
        or reading.value != value
        or reading.status != ReadingStatus.RESPONDIDO.value
        or reading.answer_id not in own
    ):
        reading = await indicators.record_reading(
            scope.session, indicator, day, value, scope.person, answer.id, scope.now
        )
    # (Otherwise this pass already gave the same value; only the details below change, and
    # the reading's history does not fill with the same number twice.)
    details = {qid: scope.text(qid) for qid in effect.details_from if scope.text(qid)}
    history = (reading.details or {}).get("history")
    reading.details = {"fuente": "flujo", "flujo": scope.run.flow_id, **details,
                       **({"history": history} if history else {})}  # fmt: skip
    values = {
        "nombre": indicator.name,
        "valor": format_number(value),
        "inicio": reading.period_start,
        "fin": reading.period_end,
    }
    return Note("indicador", values)


async def record_no_answers(scope: Scope) -> None:
    """A run expired: its indicators' periods are «sin respuesta» unless someone answered."""
    for question in scope.flow.questions:
        for effect in question.updates:
            if isinstance(effect, IndicatorReadingEffect):
                indicator = await _ensure(scope, effect)
                await indicators.record_no_answer(
                    scope.session, indicator, _period_day(scope), scope.now
                )


# --- compromisos ---------------------------------------------------------------------------------


async def _subject_compromiso(scope: Scope) -> Compromiso | None:
    """The run's compromiso, if the person answering may update it."""
    compromiso = await compromisos.get(scope.session, scope.committee, scope.run.subject_id or 0)
    if compromiso is None or scope.person is None:
        return None
    member = await committees.membership(scope.session, scope.committee, scope.person)
    return compromiso if compromisos.may_update(compromiso, member) else None


def _evidence(scope: Scope, question_id: str | None) -> compromisos.Evidence | None:
    found = scope.answer(question_id) if question_id else None
    value = found.value if found is not None else None
    if not isinstance(value, dict):
        return None
    if value.get("kind") == "enlace":
        return compromisos.Evidence("enlace", str(value.get("url", "")))
    return compromisos.Evidence(
        str(value.get("kind", "documento")), str(value.get("name", "archivo")),
        str(value.get("file_id", "")) or None,
    )  # fmt: skip


def _event(scope: Scope, compromiso: Compromiso, kind: str, note: str | None) -> None:
    # compromisos.py has no function for «bloqueado» nor for reopening after a correction;
    # the change is recorded the same way its own functions record theirs.
    scope.session.add(
        CompromisoEvent(
            compromiso_id=compromiso.id, kind=kind, note=note, at=scope.now,
            actor_id=scope.person.id if scope.person is not None else None,
        )
    )  # fmt: skip


async def _compromiso_status(scope: Scope, effect: CompromisoStatusEffect) -> Note | None:
    compromiso = await _subject_compromiso(scope)
    if compromiso is None or scope.person is None:
        return None
    note = scope.text(effect.note_from)
    if effect.status != "cumplido" and compromiso.status == CompromisoStatus.CUMPLIDO.value:
        # A correction took back a «hecho»: the compromiso is open again.
        compromiso.status, compromiso.closed_at = effect.status, None
        _event(scope, compromiso, "reabierto", "Corrección de la respuesta")
    if effect.status == "cumplido":
        result = scope.text(effect.result_from) or "Cumplido"
        evidence = _evidence(scope, effect.evidence_from)
        if compromisos.is_open(compromiso):
            await compromisos.complete(scope.session, compromiso, scope.person,
                                       result=result[:compromisos.MAX_RESULT],
                                       evidence=evidence, now=scope.now)  # fmt: skip
        elif compromiso.status == CompromisoStatus.CUMPLIDO.value:
            compromiso.result = result[: compromisos.MAX_RESULT]
            if evidence is not None:
                compromiso.evidence, compromiso.evidence_kind = evidence.value, evidence.kind
                compromiso.evidence_file_id = evidence.file_id
            _event(scope, compromiso, "cumplido", f"Corrección: {result}"[:MAX_NOTE])
    elif effect.status == "en_curso" and compromisos.is_open(compromiso):
        await compromisos.mark_in_progress(scope.session, compromiso, scope.person, now=scope.now)
    elif effect.status == "bloqueado" and compromisos.is_open(compromiso):
        compromiso.status = CompromisoStatus.BLOQUEADO.value
        _event(scope, compromiso, "bloqueado", (note or "")[:MAX_NOTE] or None)
    await scope.session.flush()
    return Note("compromiso", {"descripcion": compromiso.description, "estado": compromiso.status})


async def _due_date(
    scope: Scope, question: Question, effect: CompromisoDueDateEffect
) -> Note | None:
    found = scope.answer(effect.value_from or question.id)
    compromiso = await _subject_compromiso(scope)
    if (
        found is None
        or compromiso is None
        or scope.person is None
        or not isinstance(found.value, str)
    ):
        return None
    new_date = date.fromisoformat(found.value)
    if not compromisos.is_open(compromiso) or new_date == compromiso.due_on:
        return None
    await compromisos.reschedule(scope.session, compromiso, scope.person, new_due_on=new_date,
                                 now=scope.now)  # fmt: skip
    return Note("fecha", {"descripcion": compromiso.description, "fecha": new_date})


# --- criteria ------------------------------------------------------------------------------------


async def _criterion(
    scope: Scope, question: Question, effect: CriterionStatusEffect
) -> Note | None:
    key = effect.criterion or (scope.item or {}).get("clave")
    if not key:
        return None
    met = effect.met
    if met is None:
        source = scope.answer(effect.met_from or question.id)
        met = source.value if source is not None and isinstance(source.value, bool) else None
    if met is None:
        return None
    evidence = _evidence_text(scope, effect.evidence_from)
    target = scope.answer(effect.target_from) if effect.target_from else None
    target_on = (
        date.fromisoformat(target.value) if target and isinstance(target.value, str) else None
    )
    current = await scope.session.scalar(
        select(CriterionStatus).where(
            CriterionStatus.committee_id == scope.committee.id,
            CriterionStatus.criterion_key == key,
        )
    )
    try:
        if met or (current is not None and current.met):
            await phases.mark_criterion(scope.session, scope.committee, key, met, evidence,
                                        scope.person, scope.now, target_on)  # fmt: skip
        elif target_on is not None:
            await phases.set_target(scope.session, scope.committee, key, target_on,
                                    scope.person, scope.now)  # fmt: skip
        else:
            return None
    except DomainError:  # the framework no longer has this criterion
        return None
    name = (scope.item or {}).get("nombre", key)
    return Note("criterio", {"nombre": name, "cumple": met, "fecha_meta": target_on})


def _evidence_text(scope: Scope, question_id: str | None) -> str | None:
    found = scope.answer(question_id) if question_id else None
    if found is None:
        return None
    value = found.value
    if isinstance(value, dict):
        return str(value.get("url") or value.get("name") or "archivo")
    return str(value)
