"""What a flow's templates and buttons are built from: the subject, the items, dynamic choices.

Templates see plain values only (names, dates, counts), never database objects: a template a
coordinador uploaded has nothing to reach through.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain import committees as committees_domain
from gelbot.domain import compromisos, phases
from gelbot.domain.frameworks import FrameworkError
from gelbot.domain.informe_periods import committee_period
from gelbot.flows import templating
from gelbot.flows.answers import ChoiceOption
from gelbot.flows.schema import Flow
from gelbot.models import Committee, CriterionStatus, Person, PlanAction, Role
from gelbot.models.flows import FlowAnswer, FlowRun

MAX_ITEMS = 40
MAX_COMPROMISO_CHOICES = 8
MAX_ACTION_CHOICES = 8
LABEL_LENGTH = 40

render = templating.render


def informe_period(committee: Committee, today: date) -> tuple[date, date]:
    """The informe period `today` falls in: its first and last day."""
    period = committee_period(committee, today)
    return period.start, period.end


async def items(
    session: AsyncSession, flow: Flow, committee: Committee, subject: Any
) -> list[dict[str, Any]]:
    """What a `for_each` flow repeats over: today, the phase's criteria not yet met."""
    if flow.for_each != "criterios_pendientes" or subject.kind != "fase" or not subject.key:
        return []
    try:
        framework = phases.framework_of(committee)
        phase = framework.phase(subject.key)
    except FrameworkError:
        return []
    unmet = await phases.unmet_criteria(session, committee, framework, phase)
    return [
        {
            "clave": numbered.criterion.key,
            "nombre": numbered.criterion.name,
            # The numeral the norm gives it ("1.3"), else its number in the framework.
            "numero": numbered.label if numbered.criterion.numeral else numbered.number,
            "fecha_meta": status.target_on.isoformat() if status and status.target_on else None,
        }
        for numbered, status in unmet[:MAX_ITEMS]
    ]


async def settled_items(session: AsyncSession, committee_id: int, flow: Flow) -> set[str]:
    """Item keys no longer worth asking about: criteria already met."""
    if flow.for_each != "criterios_pendientes":
        return set()
    met = await session.scalars(
        select(CriterionStatus.criterion_key).where(
            CriterionStatus.committee_id == committee_id, CriterionStatus.met.is_(True)
        )
    )
    return set(met)


async def subject_context(
    session: AsyncSession, run: FlowRun, committee: Committee, today: date
) -> dict[str, Any]:
    """The subject as templates see it, read fresh (a due date may have moved)."""
    if run.subject_kind == "compromiso":
        found = await compromisos.get(session, committee, run.subject_id or 0)
        if found is None:
            return {}
        return {
            "descripcion": found.description,
            "vence": found.due_on,
            "responsable": compromisos.responsable_label(found),
            "estado": found.status,
        }
    if run.subject_kind == "semana" and run.subject_key:
        monday = date.fromisoformat(run.subject_key)
        return {"inicio": monday, "fin": monday + timedelta(days=6)}
    if run.subject_kind == "fase" and run.subject_key:
        try:
            phase = phases.framework_of(committee).phase(run.subject_key)
        except FrameworkError:
            return {"clave": run.subject_key, "nombre": run.subject_key}
        deadline = phase.deadline_for(committee.orden) if committee.orden else None
        words = phases.framework_of(committee).vocabulary
        return {
            "clave": phase.key, "nombre": phase.name, "plazo": deadline,
            "seccion": words.section, "numeral": phase.numeral,
        }  # fmt: skip
    if run.subject_kind == "periodo":
        start, end = informe_period(committee, today)
        if run.subject_key:
            start = date.fromisoformat(run.subject_key)
            end = informe_period(committee, start)[1]
        return {"inicio": start, "fin": end}
    return {}


async def template_context(
    session: AsyncSession,
    run: FlowRun,
    committee: Committee,
    person: Person | None,
    answers: Mapping[str, FlowAnswer],
    today: date,
    item_index: int | None = None,
) -> dict[str, Any]:
    """Everything a question's template may name (about item `item_index`, else the run's)."""
    start, end = informe_period(committee, today)
    found = run.state.get("items") or []
    index = run.item_index if item_index is None else item_index
    return {
        "comite": {"nombre": committee.entity_name, "ciudad": committee.city},
        "persona": {"nombre": person.display_name if person else ""},
        "asunto": await subject_context(session, run, committee, today),
        "periodo": {"inicio": start, "fin": end},
        "item": found[index] if index < len(found) else {},
        "respuestas": {qid: a.display or "" for qid, a in answers.items()},
        "hoy": today,
    }


async def audience(
    session: AsyncSession, flow: Flow, committee: Committee, subject: Any
) -> list[Person | None]:
    """Who a flow started by a reminder asks; None stands for the whole group."""
    who = flow.asks.who
    if who == "grupo":
        return [None]
    members = await committees_domain.members(session, committee)
    coordinadores: list[Person | None] = [
        m.person for m in members if m.role == Role.COORDINADOR.value
    ]
    if who == "responsable":
        found = await compromisos.get(session, committee, subject.id or 0)
        if found is not None and found.owner is not None and found.owner.active:
            return [found.owner.person]
        return coordinadores or [None]  # a vacant cargo: the coordinación answers for it
    if who == "roles":
        holders: list[Person | None] = [m.person for m in members if m.role in flow.asks.roles]
        # Nobody holds the role yet (no editor web): the coordinadores answer meanwhile.
        return holders or coordinadores or [None]
    return []  # quien_inicia: only a person's own command or button starts it


def _label(prefix: str, text: str) -> str:
    text = " ".join(text.split())
    room = LABEL_LENGTH - len(prefix)
    return prefix + (text if len(text) <= room else text[: room - 1] + "…")


async def dynamic_choices(
    session: AsyncSession, source: str, committee: Committee, person: Person | None
) -> list[ChoiceOption]:
    """Choices computed when asked: for /avance, the person's compromisos and the plan's actions."""
    found: list[ChoiceOption] = []
    if source == "destinos_avance":
        member = await committees_domain.membership(session, committee, person) if person else None
        own = await compromisos.owned_by(session, committee, member) if member else []
        others = [c for c in await compromisos.open_compromisos(session, committee) if c not in own]
        for compromiso in [*own, *others][:MAX_COMPROMISO_CHOICES]:
            found.append(ChoiceOption(f"c{compromiso.id}", _label("📌 ", compromiso.description)))
        actions = await session.scalars(
            select(PlanAction)
            .where(PlanAction.committee_id == committee.id)
            .order_by(PlanAction.position, PlanAction.id)
            .limit(MAX_ACTION_CHOICES)
        )
        for action in actions:
            found.append(ChoiceOption(f"a{action.id}", _label("🗂 ", action.accion)))
    found.append(ChoiceOption("ninguno", "Otro / ninguno", ("otro", "ninguno", "ninguna")))
    return found
