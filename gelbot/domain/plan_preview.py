"""What importing a plan file would change, said before anything is replaced.

A coordinador who attaches a plan to a committee that already has one, or a file that names
another entity (Mocoa's plan sent to Chitagá's group), sees the entity named in the file and
the rows added, removed and changed, and confirms before the plan is replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.plan_import import PlanDeAccion
from gelbot.domain.plans import plan_rows
from gelbot.domain.spanish import normalize
from gelbot.models import Committee, Indicator, PlanAction

# Words every entity name shares; what remains names the place («chitaga», «mocoa»).
_GENERIC = {"alcaldia", "municipal", "municipio", "gobernacion", "departamento", "de", "del",
            "la", "el", "y", "distrital", "distrito", "entidad", "comite", "plan", "accion",
            "gobierno", "en", "linea", "norte", "sur", "santander"}  # fmt: skip
_COMPARED = ("beneficios", "actividades", "responsables", "recursos", "tiempos", "details")


@dataclass
class PlanPreview:
    """The differences between the committee's plan and the one in the file."""

    entity_in_file: str | None
    entity_differs: bool
    has_plan: bool
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    kept: int = 0

    @property
    def needs_confirmation(self) -> bool:
        """Replacing a plan, or loading another entity's, waits for the coordinador's yes."""
        return self.has_plan or self.entity_differs


def _place_words(name: str) -> set[str]:
    return {w for w in normalize(name).replace(",", " ").replace("-", " ").split()} - _GENERIC


def entity_differs(committee: Committee, plan: PlanDeAccion) -> bool:
    """The file names an entity (or municipio) that shares no place word with the committee."""
    named = " ".join(x for x in (plan.entidad, plan.municipio) if x)
    ours, theirs = _place_words(committee.entity_name), _place_words(named)
    return bool(ours and theirs and not ours & theirs)


async def preview(
    session: AsyncSession, committee: Committee, plan: PlanDeAccion, *, now: datetime
) -> PlanPreview:
    """Compare the file's rows with the committee's plan, matched by the text of each acción."""
    old_actions = list(
        await session.scalars(
            select(PlanAction)
            .where(PlanAction.committee_id == committee.id)
            .order_by(PlanAction.position)
        )
    )
    indicators: dict[int, list[tuple[object, ...]]] = {}
    for indicator in await session.scalars(
        select(Indicator)
        .where(Indicator.committee_id == committee.id, Indicator.retired_at.is_(None))
        .order_by(Indicator.position)
    ):
        if indicator.plan_action_id is not None:
            indicators.setdefault(indicator.plan_action_id, []).append(
                (indicator.name, indicator.meta, indicator.meta_text, indicator.unit,
                 indicator.frequency, indicator.formula)
            )  # fmt: skip
    old_by_text = {(a.kind, normalize(a.accion)): a for a in old_actions}
    found = PlanPreview(
        entity_in_file=plan.entidad or plan.municipio,
        entity_differs=entity_differs(committee, plan),
        has_plan=bool(old_actions),
    )
    seen = set()
    for fields, indicadores in plan_rows(plan, now):
        key = (fields["kind"], normalize(fields["accion"]))
        seen.add(key)
        old = old_by_text.get(key)
        if old is None:
            found.added.append(fields["accion"])
            continue
        new_indicators = [(i.nombre, i.meta, i.meta_texto, i.unidad, i.frecuencia, i.formula)
                          for i in indicadores]  # fmt: skip
        same = all(getattr(old, name) == fields[name] for name in _COMPARED)
        if same and indicators.get(old.id, []) == new_indicators:
            found.kept += 1
        else:
            found.changed.append(fields["accion"])
    found.removed = [a.accion for a in old_actions if (a.kind, normalize(a.accion)) not in seen]
    return found
