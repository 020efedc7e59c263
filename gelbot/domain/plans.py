"""Store a parsed plan de acción for a committee, and read it back. No Telegram here.

Re-importing replaces the plan:
- Acciones: the new file's rows are the plan. A row whose text matches a row of the previous plan
  (ignoring case, accents and spacing) keeps its database row, so compromisos linked to it stay
  linked; rows no longer in the file are deleted.
- Indicators are matched by key. The key is the file's `clave` when given, otherwise a slug of
  the name ("Cantidad de quejas recibidas" -> cantidad_de_quejas_recibidas; a repeated name gets
  _2, _3 in order). An indicator whose key is in the new plan keeps its row and its readings and
  takes the new name, meta and frequency. One that left the plan is retired (kept for the
  informe) when it has readings, deleted when it has none. Renaming an indicator in the file
  gives it a new key: write `clave` to keep its history across a rename.
- The weekly web-site indicator the reminders feed is `sitio_web_semanal`: a plan that doesn't
  name it gets it on its first weekly indicator about the sitio/página web. Indicators of the
  share of a phase's criteria ("Porcentaje de criterios cumplidos en la fase de información")
  get `criterios_fase_<fase>`, and marking criteria records their value. An indicator the
  reminders created before any plan (outside the plan) is adopted by the plan when the key
  matches, and left alone otherwise.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.indicators import (
    MAX_KEY,
    PHASE_SHARE_PREFIX,
    SITIO_WEB_SEMANAL,
    claim_indicator,
)
from gelbot.domain.phases import feed_share_indicators
from gelbot.domain.plan_import import Indicador, PlanDeAccion
from gelbot.domain.spanish import normalize
from gelbot.models import (
    Committee,
    Frequency,
    Indicator,
    IndicatorReading,
    PendingPrompt,
    Person,
    PlanAction,
    PlanImport,
)

ACCION = "accion"
PROYECTO = "proyecto"
_SLUG_LENGTH = 60  # leaves room for a _N suffix within MAX_KEY


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, for the answer to whoever sent the file."""

    plan_import: PlanImport
    replaced: bool  # there was a plan before
    actions: int
    proyectos: int
    indicators: int
    new_keys: list[str] = field(default_factory=list)
    kept_keys: list[str] = field(default_factory=list)
    retired_keys: list[str] = field(default_factory=list)
    deleted_keys: list[str] = field(default_factory=list)


def slug(text: str) -> str:
    """A key from a name: lowercase, no accents, words joined by "_", at most 60 characters."""
    words = re.sub(r"[^a-z0-9]+", " ", normalize(text)).split()
    key = ""
    for word in words:
        candidate = f"{key}_{word}" if key else word
        if len(candidate) > _SLUG_LENGTH:
            break
        key = candidate
    if not key:
        key = words[0][:_SLUG_LENGTH] if words else "indicador"
    return key if key[0].isalpha() else f"i_{key}"[:_SLUG_LENGTH]


_PHASE_SHARE = re.compile(r"criterios cumplidos en (?:la )?fase (?:de )?([a-z]+)")


def phase_share_key(name: str) -> str | None:
    """criterios_fase_informacion for "% de criterios cumplidos en la fase de información"."""
    found = _PHASE_SHARE.search(normalize(name))
    return f"{PHASE_SHARE_PREFIX}{found[1]}" if found else None


def _is_weekly_site(indicador: Indicador) -> bool:
    name = normalize(indicador.nombre)
    about_site = any(w in name for w in ("sitio web", "pagina web", "portal web"))
    return indicador.frecuencia == Frequency.SEMANAL.value and about_site


def indicator_keys(plan: PlanDeAccion) -> list[str]:
    """The key of every indicator of the plan (acciones first, then proyectos), in order."""
    indicadores = plan.indicadores() + [i for p in plan.proyectos for i in p.indicadores]
    keys: list[str | None] = [i.clave for i in indicadores]
    if SITIO_WEB_SEMANAL not in keys:
        weekly = next(
            (n for n, i in enumerate(plan.indicadores()) if i.clave is None and _is_weekly_site(i)),
            None,
        )
        if weekly is not None:
            keys[weekly] = SITIO_WEB_SEMANAL
    for n, indicador in enumerate(indicadores):
        derived = phase_share_key(indicador.nombre) if keys[n] is None else None
        if derived is not None and derived not in keys:
            keys[n] = derived
    taken = {k for k in keys if k is not None}
    found: list[str] = []
    for key, indicador in zip(keys, indicadores, strict=True):
        if key is None:
            base = slug(indicador.nombre)
            key, number = base, 1
            while key in taken:
                number += 1
                key = f"{base}_{number}"
            taken.add(key)
        found.append(key[:MAX_KEY])
    return found


def _action_fields(
    position: int, kind: str, text: str, *, now: datetime, **values: Any
) -> dict[str, Any]:
    return {
        "position": position,
        "kind": kind,
        "accion": text,
        "beneficios": values.get("beneficios"),
        "actividades": list(values.get("actividades", [])),
        "responsables": list(values.get("responsables", [])),
        "recursos": list(values.get("recursos", [])),
        "tiempos": values.get("tiempos"),
        "details": values.get("details"),
        "imported_at": now,
    }


def plan_rows(plan: PlanDeAccion, now: datetime) -> list[tuple[dict[str, Any], list[Indicador]]]:
    """Each acción and proyecto of the plan as PlanAction fields, with its indicators."""
    rows: list[tuple[dict[str, Any], list[Indicador]]] = []
    for accion in plan.acciones:
        values = accion.model_dump(exclude={"accion", "indicadores"})
        rows.append(
            (
                _action_fields(len(rows), ACCION, accion.accion, now=now, **values),
                accion.indicadores,
            )
        )
    for proyecto in plan.proyectos:
        details = {
            key: value
            for key, value in proyecto.model_dump(
                include={"eje", "linea_estrategica", "fase", "criterios"}
            ).items()
            if value is not None
        }
        fields = _action_fields(len(rows), PROYECTO, proyecto.proyecto, now=now, details=details)
        rows.append((fields, proyecto.indicadores))
    return rows


async def import_plan(
    session: AsyncSession,
    committee: Committee,
    plan: PlanDeAccion,
    *,
    now: datetime,
    actor: Person | None,
    filename: str = "",
    source: str = "chat",
    today: date | None = None,
) -> ImportSummary:
    """Make `plan` the committee's plan de acción (see the module docstring for re-imports)."""
    old_actions = list(
        await session.scalars(select(PlanAction).where(PlanAction.committee_id == committee.id))
    )
    by_text: dict[tuple[str, str], list[PlanAction]] = defaultdict(list)
    for old in sorted(old_actions, key=lambda a: a.position):
        by_text[(old.kind, normalize(old.accion))].append(old)
    existing = {
        i.key: i
        for i in await session.scalars(
            select(Indicator).where(Indicator.committee_id == committee.id)
        )
    }
    old_plan_keys = {
        key for key, i in existing.items() if i.plan_action_id is not None and i.retired_at is None
    }

    keys = iter(indicator_keys(plan))
    kept_actions: set[int] = set()
    new_keys: list[str] = []
    kept_keys: list[str] = []
    plan_keys: set[str] = set()
    indicator_position = 0
    for fields, indicadores in plan_rows(plan, now):
        matches = by_text.get((fields["kind"], normalize(fields["accion"])))
        action = matches.pop(0) if matches else None
        if action is None:
            action = PlanAction(committee_id=committee.id, **fields)
            session.add(action)
            await session.flush()
        else:
            for name, value in fields.items():
                setattr(action, name, value)
            kept_actions.add(action.id)
        for indicador in indicadores:
            key = next(keys)
            plan_keys.add(key)
            indicator = existing.get(key)
            if indicator is None:
                # Not there when the import began, but a weekly answer may be creating the
                # sitio web one right now (on another instance): claim it, don't just insert.
                indicator, created = await claim_indicator(
                    session, committee.id, key, name=indicador.nombre,
                    frequency=indicador.frecuencia,
                )  # fmt: skip
                existing[key] = indicator
                (new_keys if created else kept_keys).append(key)
            else:
                kept_keys.append(key)
            indicator.plan_action_id = action.id
            indicator.name = indicador.nombre
            indicator.meta = indicador.meta
            indicator.meta_text = indicador.meta_texto
            indicator.unit = indicador.unidad
            indicator.frequency = indicador.frecuencia
            indicator.formula = indicador.formula
            indicator.position = indicator_position
            indicator.retired_at = None
            indicator_position += 1
    await session.flush()

    retired, deleted = await _retire(session, existing, old_plan_keys - plan_keys, now=now)
    stale = [a.id for a in old_actions if a.id not in kept_actions]
    if stale:
        await session.execute(delete(PlanAction).where(PlanAction.id.in_(stale)))

    plan_import = PlanImport(
        committee_id=committee.id,
        imported_at=now,
        imported_by_id=actor.id if actor is not None else None,
        source=source,
        filename=filename[:255],
        entidad=plan.entidad,
        documento=plan.documento,
        fecha=plan.fecha,
        vigencia=plan.vigencia,
        actions_count=len(plan.acciones),
        proyectos_count=len(plan.proyectos),
        indicators_count=len(plan_keys),
        changes={
            "nuevos": new_keys,
            "conservados": kept_keys,
            "retirados": retired,
            "eliminados": deleted,
        },
    )
    session.add(plan_import)
    await session.flush()
    # Criteria marked before this plan existed give its phase indicators their value now.
    await feed_share_indicators(session, committee, actor, now, today or now.date())
    return ImportSummary(
        plan_import=plan_import,
        replaced=bool(old_actions),
        actions=len(plan.acciones),
        proyectos=len(plan.proyectos),
        indicators=len(plan_keys),
        new_keys=new_keys,
        kept_keys=kept_keys,
        retired_keys=retired,
        deleted_keys=deleted,
    )


async def _retire(
    session: AsyncSession, existing: dict[str, Indicator], gone: set[str], *, now: datetime
) -> tuple[list[str], list[str]]:
    """Retire the indicators that left the plan if they have readings; delete the others."""
    retired: list[str] = []
    deleted: list[str] = []
    for key in sorted(gone):
        indicator = existing[key]
        readings = await session.scalar(
            select(func.count())
            .select_from(IndicatorReading)
            .where(IndicatorReading.indicator_id == indicator.id)
        )
        if readings:
            indicator.retired_at = now
            indicator.plan_action_id = None
            retired.append(key)
        else:
            await session.delete(indicator)
            deleted.append(key)
    await session.flush()
    return retired, deleted


# --- reading the plan back -------------------------------------------------------------------


@dataclass(frozen=True)
class PlanView:
    """The committee's plan as stored: its last import and its rows with their indicators."""

    last_import: PlanImport | None
    imported_by: Person | None
    actions: list[tuple[PlanAction, list[Indicator]]]

    @property
    def empty(self) -> bool:
        return not self.actions


async def last_import(session: AsyncSession, committee: Committee) -> PlanImport | None:
    return await session.scalar(
        select(PlanImport)
        .where(PlanImport.committee_id == committee.id)
        .order_by(PlanImport.imported_at.desc(), PlanImport.id.desc())
        .limit(1)
    )


async def plan_of(session: AsyncSession, committee: Committee) -> PlanView:
    """The committee's current plan de acción."""
    actions = list(
        await session.scalars(
            select(PlanAction)
            .where(PlanAction.committee_id == committee.id)
            .order_by(PlanAction.position, PlanAction.id)
        )
    )
    indicators = await session.scalars(
        select(Indicator)
        .where(Indicator.committee_id == committee.id, Indicator.retired_at.is_(None))
        .order_by(Indicator.position, Indicator.id)
    )
    by_action: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        if indicator.plan_action_id is not None:
            by_action[indicator.plan_action_id].append(indicator)
    latest = await last_import(session, committee)
    person = (
        await session.get(Person, latest.imported_by_id)
        if latest is not None and latest.imported_by_id is not None
        else None
    )
    return PlanView(latest, person, [(a, by_action.get(a.id, [])) for a in actions])


async def close_questions(session: AsyncSession, committee: Committee, kind: str) -> None:
    """Stop waiting for answers of `kind` about this committee (the plan arrived another way)."""
    await session.execute(
        delete(PendingPrompt).where(
            PendingPrompt.kind == kind, PendingPrompt.subject_id == committee.id
        )
    )
