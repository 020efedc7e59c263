"""Which frameworks a committee follows, and how far it is in each section of each.

A committee follows one or several frameworks (`committees.framework_id` holds their ids in
order, comma-separated: one short column keeps every reader synchronous and every existing
committee, which stores "decreto_1151", as it was). By default it gets the frameworks in force
the day it registers; the coordinador changes them with /marcos.

The rest of gelbot sees one framework per committee: with several, their sections are put one
after another in a merged framework (section and item keys are unique across shipped files,
which `check_framework_files` enforces). No Telegram here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.errors import DomainError
from gelbot.domain.framework_schema import Framework, FrameworkError, Phase, Vocabulary
from gelbot.domain.frameworks import (
    DEFAULT_FRAMEWORK_ID,
    available_frameworks,
    frameworks_in_force,
    get_framework,
)
from gelbot.models import Committee, CriterionEvent, CriterionStatus

SEPARATOR = ","
MAX_IDS_LENGTH = 200  # the column's length


def parse_ids(stored: str | None) -> tuple[str, ...]:
    """The framework ids a stored value names, in order ("decreto_1151" → one)."""
    ids = tuple(i.strip() for i in (stored or "").split(SEPARATOR) if i.strip())
    return ids or (DEFAULT_FRAMEWORK_ID,)


def default_ids(day: date) -> str:
    """What a committee registered on `day` follows: the frameworks in force that day."""
    return SEPARATOR.join(f.id for f in frameworks_in_force(day))


@functools.cache
def frameworks_for(stored: str) -> tuple[Framework, ...]:
    """The frameworks a stored value names; unknown ids are skipped (a file was removed)."""
    found = []
    for framework_id in parse_ids(stored):
        try:
            found.append(get_framework(framework_id))
        except FrameworkError:
            continue
    return tuple(found) or (get_framework(DEFAULT_FRAMEWORK_ID),)


@functools.cache
def merged_for(stored: str) -> Framework:
    """One framework with the sections of all of them, in order (the only one, if one)."""
    chosen = frameworks_for(stored)
    if len(chosen) == 1:
        return chosen[0]
    first = chosen[0]
    # Built from validated parts: model_construct skips the per-file checks (e.g. that dated
    # phases go in order), which hold inside each file and mean nothing across files.
    return Framework.model_construct(
        id="+".join(f.id for f in chosen),
        name=" · ".join(f.name for f in chosen),
        short_name=" · ".join(f.short_name or f.name for f in chosen),
        norm=None,
        source=None,
        valid_from=None,
        valid_until=None,
        deadline=None,
        vocabulary=first.vocabulary,
        position=first.position,
        sources={},
        attribution=None,
        calendar=tuple(o for f in chosen for o in f.calendar),
        phases=tuple(p for f in chosen for p in f.phases),
    )


def frameworks_of(committee: Committee) -> tuple[Framework, ...]:
    """The frameworks the committee follows, in order."""
    return frameworks_for(committee.framework_id or DEFAULT_FRAMEWORK_ID)


def vocabulary_of(committee: Committee) -> Vocabulary:
    """How to speak to this committee of its framework (its first framework's words)."""
    return frameworks_of(committee)[0].vocabulary


def owner_of(committee: Committee, phase: Phase) -> Framework:
    """The framework a section of the committee's frameworks comes from."""
    for framework in frameworks_of(committee):
        if any(p.key == phase.key for p in framework.phases):
            return framework
    raise FrameworkError(f"La sección «{phase.key}» no es de los marcos del comité.")


def resolve_framework_ids(words: list[str]) -> list[str]:
    """The shipped framework ids named (by id), without repeats; DomainError if one is unknown."""
    shipped = available_frameworks()
    chosen: list[str] = []
    for word in words:
        wanted = word.strip().strip(",").lower()
        if not wanted:
            continue
        if wanted not in shipped:
            raise DomainError("marcos_desconocido", given=word, disponibles=list(shipped.values()))
        if wanted not in chosen:
            chosen.append(wanted)
    if not chosen:
        raise DomainError("marcos_uso")
    return chosen


def choose_frameworks(committee: Committee, ids: list[str]) -> bool:
    """Make the committee follow these frameworks, in this order; whether anything changed.

    Marks already recorded stay: they are stored by item key, so going back restores them.
    """
    stored = SEPARATOR.join(ids)
    if len(stored) > MAX_IDS_LENGTH:
        raise DomainError("marcos_uso")
    changed = committee.framework_id != stored
    committee.framework_id = stored
    return changed


@dataclass(frozen=True)
class SectionCompliance:
    """How much of one section (or phase) of one framework a committee meets."""

    framework_id: str
    framework_name: str  # short name, for tables and charts
    section_key: str
    section_name: str
    numeral: str | None
    met: int
    total: int

    @property
    def share(self) -> float:
        return self.met / self.total if self.total else 1.0


async def compliance_by_section(
    session: AsyncSession, committee: Committee, *, at: datetime | None = None
) -> list[SectionCompliance]:
    """Per framework the committee follows, per section: items met of total.

    The one place the informe and the board read compliance from. `at` replays the record
    up to that moment (for a period's start); without it, the current standing.
    """
    if at is None:
        rows = await session.scalars(
            select(CriterionStatus.criterion_key).where(
                CriterionStatus.committee_id == committee.id, CriterionStatus.met.is_(True)
            )
        )
        met = set(rows)
    else:
        events = await session.execute(
            select(CriterionEvent.criterion_key, CriterionEvent.met)
            .where(CriterionEvent.committee_id == committee.id, CriterionEvent.at <= at)
            .order_by(CriterionEvent.at, CriterionEvent.id)
        )
        standing: dict[str, bool] = {key: is_met for key, is_met in events}
        met = {key for key, is_met in standing.items() if is_met}
    return [
        SectionCompliance(
            framework_id=framework.id,
            framework_name=framework.short_name or framework.name,
            section_key=phase.key,
            section_name=phase.name,
            numeral=phase.numeral,
            met=len(phase.criterion_keys() & met),
            total=len(phase.criteria),
        )
        for framework in frameworks_of(committee)
        for phase in framework.phases
    ]
