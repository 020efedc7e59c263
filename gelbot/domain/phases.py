"""A committee's progress through the phases of its framework, criterion by criterion.

The criteria themselves live in the framework's data file; the database holds each committee's
standing on them (CriterionStatus) and every change (CriterionEvent), so the share of a phase
at any past moment can be recomputed for the informe. A criterion without a row is not met.
Criteria are numbered 1..N across the whole framework, in the file's order, so "/criterio 12"
means the same criterion whatever the current phase. No Telegram here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast
from urllib.parse import urlsplit

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.db import insert_missing
from gelbot.domain.committee_frameworks import merged_for
from gelbot.domain.criterion_names import (
    MAX_TARGETS,
    NumberedCriterion,
    numbered,
    resolve_criterion,
    resolve_phase,
    resolve_targets,
)
from gelbot.domain.errors import DomainError
from gelbot.domain.frameworks import DEFAULT_FRAMEWORK_ID, Framework, Phase
from gelbot.domain.indicators import PHASE_SHARE_PREFIX, find_indicator, record_reading
from gelbot.domain.informe_periods import committee_period
from gelbot.models import Committee, CriterionEvent, CriterionStatus, Membership, Person, Role

__all__ = [
    "MAX_TARGETS",
    "NumberedCriterion",
    "numbered",
    "resolve_criterion",
    "resolve_phase",
    "resolve_targets",
]

MAX_EVIDENCE = 1000
# Who may mark criteria: the coordinador runs the implementation, control interno audits it.
MARKING_ROLES = frozenset({Role.COORDINADOR.value, Role.CONTROL_INTERNO.value})


class CriterionChange(enum.StrEnum):
    CUMPLE = "cumple"
    NO_CUMPLE = "no_cumple"
    FECHA = "fecha"  # only the target date changed
    NO_APLICA = "no_aplica"  # does not apply to this entity; counts as met


@dataclass(frozen=True)
class PhaseStatus:
    """How far a committee is in one phase, and how long it has until the deadline."""

    phase: Phase
    met: int
    total: int
    deadline: date | None  # None until the committee's orden is known
    days_left: int | None  # negative once the deadline has passed
    first_unmet: NumberedCriterion | None

    @property
    def share(self) -> float:
        return self.met / self.total if self.total else 1.0

    @property
    def complete(self) -> bool:
        return self.met >= self.total


def framework_of(committee: Committee) -> Framework:
    """The committee's framework; with several, one with all their sections in order.

    Cached: framework files ship with gelbot and never change while it runs, and reading one
    takes long enough to matter when a command marks fifty criteria.
    """
    return merged_for(committee.framework_id or DEFAULT_FRAMEWORK_ID)


def is_url(text: str) -> bool:
    """Whether the text is one web address (http or https, with a host)."""
    if any(c.isspace() for c in text) or len(text) > MAX_EVIDENCE:
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and "." in (parts.hostname or "")


def needs_url(items: Iterable[NumberedCriterion], evidence: str | None) -> list[NumberedCriterion]:
    """The items whose evidence must be a link, when the evidence given is not one."""
    if evidence is None or is_url(evidence):
        return []
    return [i for i in items if i.phase.wants_url(i.criterion)]


def may_mark(member: Membership | None) -> bool:
    """Whether this member may mark criteria met or unmet."""
    return member is not None and member.active and member.role in MARKING_ROLES


async def statuses(session: AsyncSession, committee: Committee) -> dict[str, CriterionStatus]:
    """The committee's standing on every criterion it has touched, by criterion key."""
    rows = await session.scalars(
        select(CriterionStatus).where(CriterionStatus.committee_id == committee.id)
    )
    return {row.criterion_key: row for row in rows}


def _met_keys(found: dict[str, CriterionStatus]) -> set[str]:
    return {key for key, status in found.items() if status.met}


def _deadline(phase: Phase, committee: Committee) -> date | None:
    return phase.deadline_for(committee.orden) if committee.orden else None


def section_label(phase: Phase) -> str:
    """A section as charts and tables name it: "1. Información de la entidad"."""
    return f"{phase.numeral}. {phase.name}" if phase.numeral else phase.name


async def criteria_status(
    session: AsyncSession, committee: Committee, framework: Framework, *, today: date
) -> list[PhaseStatus]:
    """Per phase: criteria met of total, the deadline for the committee's orden, first unmet."""
    met = _met_keys(await statuses(session, committee))
    everything = numbered(framework)
    result: list[PhaseStatus] = []
    for phase in framework.phases:
        mine = [c for c in everything if c.phase.key == phase.key]
        unmet = [c for c in mine if c.criterion.key not in met]
        deadline = _deadline(phase, committee)
        result.append(
            PhaseStatus(
                phase=phase,
                met=len(mine) - len(unmet),
                total=len(mine),
                deadline=deadline,
                days_left=(deadline - today).days if deadline is not None else None,
                first_unmet=unmet[0] if unmet else None,
            )
        )
    return result


def current_phase(phases: Iterable[PhaseStatus]) -> PhaseStatus | None:
    """The first phase with criteria still unmet (None when every phase is complete)."""
    return next((p for p in phases if not p.complete), None)


async def unmet_criteria(
    session: AsyncSession, committee: Committee, framework: Framework, phase: Phase
) -> list[tuple[NumberedCriterion, CriterionStatus | None]]:
    """The phase's criteria not yet met, with their status row (target date) when there is one."""
    found = await statuses(session, committee)
    return [
        (c, found.get(c.criterion.key))
        for c in numbered(framework)
        if c.phase.key == phase.key
        and not (c.criterion.key in found and found[c.criterion.key].met)
    ]


async def _status_row(
    session: AsyncSession, committee: Committee, key: str, now: datetime
) -> CriterionStatus:
    query = select(CriterionStatus).where(
        CriterionStatus.committee_id == committee.id, CriterionStatus.criterion_key == key
    )
    row = await session.scalar(query)
    if row is None:
        # Two people marking it at once may reach two gelbot instances: the second one waits.
        unique = {"committee_id": committee.id, "criterion_key": key}
        values = {"met": False, "not_applicable": False, "updated_at": now}
        await insert_missing(session, cast(Table, CriterionStatus.__table__), unique, values)
        row = await session.scalar(query)
        assert row is not None
    return row


def _framework_key(committee: Committee, key: str) -> str:
    framework = framework_of(committee)
    if key not in {c.criterion.key for c in numbered(framework)}:
        raise DomainError("criterio_desconocido", given=key, total=len(numbered(framework)))
    return key


async def mark_criterion(
    session: AsyncSession,
    committee: Committee,
    key: str,
    met: bool,
    evidence: str | None,
    actor: Person | None,
    now: datetime,
    target_on: date | None = None,
    *,
    today: date | None = None,
    not_applicable: bool = False,
) -> tuple[CriterionStatus, bool]:
    """Record that a criterion is met (or not), with evidence; (status, whether it changed).

    `not_applicable` records «no aplica» (with the reason as evidence): it counts as met, as
    the ITA does not penalise it, and the matrix shows it as N.A.

    Every call leaves a CriterionEvent, even when nothing changed, because a new evidence or
    a second confirmation is still something someone did. When the plan has an indicator of the
    phase's share (criterios_fase_<fase>), its value for the period of `today` (the committee's
    local date; UTC's by default) is recorded too.
    """
    _framework_key(committee, key)
    evidence = " ".join(evidence.split())[:MAX_EVIDENCE] if evidence else None
    row = await _status_row(session, committee, key, now)
    met = met or not_applicable
    changed = row.met != met or bool(row.not_applicable) != not_applicable
    row.met = met
    row.not_applicable = not_applicable
    if evidence or not met:
        # Unmarking drops the old evidence: it proved something that no longer holds.
        row.evidence = evidence
    if target_on is not None:
        row.target_on = target_on
    if not_applicable:
        change = CriterionChange.NO_APLICA
    else:
        change = CriterionChange.CUMPLE if met else CriterionChange.NO_CUMPLE
    _record_change(session, row, change, actor, now, target_on=target_on, evidence=evidence)
    await session.flush()
    await _feed_share_indicator(session, committee, key, actor, now, today or now.date())
    return row, changed


async def _feed_share_indicator(
    session: AsyncSession,
    committee: Committee,
    key: str,
    actor: Person | None,
    now: datetime,
    today: date,
) -> None:
    phase = framework_of(committee).phase_of(key)
    indicator = await find_indicator(session, committee, PHASE_SHARE_PREFIX + phase.key)
    if indicator is None or indicator.retired_at is not None:
        return
    met = _met_keys(await statuses(session, committee))
    share = len(phase.criterion_keys() & met) / len(phase.criteria)
    await record_reading(session, indicator, today, round(share * 100, 1), actor, None, now)


async def feed_share_indicators(
    session: AsyncSession, committee: Committee, actor: Person | None, now: datetime, today: date
) -> int:
    """Give the plan's phase-share indicators the value the criteria already have; how many.

    Marking criteria feeds them as it happens; this covers criteria marked before the plan
    (with its «Porcentaje de criterios cumplidos en la fase…») was imported. A committee that
    has marked nothing yet is left alone: its indicators have no data, not a measured 0 %.
    """
    marked = await session.scalar(
        select(CriterionEvent.id).where(CriterionEvent.committee_id == committee.id).limit(1)
    )
    if marked is None:
        return 0
    met = _met_keys(await statuses(session, committee))
    fed = 0
    for phase in framework_of(committee).phases:
        indicator = await find_indicator(session, committee, PHASE_SHARE_PREFIX + phase.key)
        if indicator is None or indicator.retired_at is not None:
            continue
        share = len(phase.criterion_keys() & met) / len(phase.criteria)
        await record_reading(session, indicator, today, round(share * 100, 1), actor, None, now)
        fed += 1
    return fed


async def set_target(
    session: AsyncSession,
    committee: Committee,
    key: str,
    target_on: date,
    actor: Person | None,
    now: datetime,
) -> CriterionStatus:
    """Set the date by which the committee expects to meet a criterion."""
    _framework_key(committee, key)
    row = await _status_row(session, committee, key, now)
    row.target_on = target_on
    _record_change(session, row, CriterionChange.FECHA, actor, now, target_on=target_on)
    await session.flush()
    return row


def _record_change(
    session: AsyncSession,
    row: CriterionStatus,
    change: CriterionChange,
    actor: Person | None,
    now: datetime,
    *,
    target_on: date | None,
    evidence: str | None = None,
) -> None:
    """Stamp who changed the criterion and when, and leave the CriterionEvent that says so."""
    row.updated_by_id = actor.id if actor is not None else None
    row.updated_at = now
    session.add(
        CriterionEvent(
            committee_id=row.committee_id,
            criterion_key=row.criterion_key,
            kind=change.value,
            met=row.met,
            target_on=target_on,
            evidence=evidence,
            actor_id=row.updated_by_id,
            at=now,
        )
    )


async def met_keys_at(session: AsyncSession, committee: Committee, moment: datetime) -> set[str]:
    """The criteria met at `moment`, replaying the events up to it."""
    rows = await session.execute(
        select(CriterionEvent.criterion_key, CriterionEvent.met)
        .where(CriterionEvent.committee_id == committee.id, CriterionEvent.at <= moment)
        .order_by(CriterionEvent.at, CriterionEvent.id)
    )
    standing: dict[str, bool] = {}
    for key, met in rows:
        standing[key] = met
    return {key for key, met in standing.items() if met}


async def share_at(
    session: AsyncSession, committee: Committee, phase: Phase, moment: datetime
) -> float:
    """The share (0..1) of the phase's criteria met at `moment`."""
    met = await met_keys_at(session, committee, moment)
    return len(phase.criterion_keys() & met) / len(phase.criteria)


async def shares_at(
    session: AsyncSession, committee: Committee, framework: Framework, moment: datetime
) -> dict[str, float]:
    """The share of every phase at `moment`, by phase key (one query for all of them)."""
    met = await met_keys_at(session, committee, moment)
    return {p.key: len(p.criterion_keys() & met) / len(p.criteria) for p in framework.phases}


async def pending_targets(
    session: AsyncSession, committee: Committee
) -> list[tuple[NumberedCriterion, CriterionStatus]]:
    """Unmet criteria that have a target date, soonest first (for reminders)."""
    framework = framework_of(committee)
    by_key = {c.criterion.key: c for c in numbered(framework)}
    rows = await session.scalars(
        select(CriterionStatus)
        .where(
            CriterionStatus.committee_id == committee.id,
            CriterionStatus.met.is_(False),
            CriterionStatus.target_on.is_not(None),
        )
        .order_by(CriterionStatus.target_on)
    )
    return [(by_key[r.criterion_key], r) for r in rows if r.criterion_key in by_key]


def informe_period_start(committee: Committee, today: date) -> date:
    """The first day of the informe period `today` is in (February–July, August–January)."""
    return committee_period(committee, today).start


async def criterion_history(
    session: AsyncSession, committee: Committee, key: str, limit: int = 5
) -> list[tuple[CriterionEvent, Person | None]]:
    """The latest changes to one criterion, newest first, with who made each."""
    rows = await session.execute(
        select(CriterionEvent, Person)
        .outerjoin(Person, Person.id == CriterionEvent.actor_id)
        .where(CriterionEvent.committee_id == committee.id, CriterionEvent.criterion_key == key)
        .order_by(CriterionEvent.at.desc(), CriterionEvent.id.desc())
        .limit(limit)
    )
    return [(event, person) for event, person in rows]
