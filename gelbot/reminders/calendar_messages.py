"""What a reporting-calendar warning says: which obligation, when, and the norm behind it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from gelbot.domain.phases import section_label
from gelbot.flows.runs import Subject, start_button_data
from gelbot.models import CriterionStatus
from gelbot.reminders.outbox import Button, Outgoing
from gelbot.reminders.rules import framework

CRITERIA_FLOW = "revision_criterios"

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from gelbot.reminders.job import Job


async def reporting_deadline(session: AsyncSession, job: Job) -> Outgoing | None:
    """Warn the group of the next dates of its frameworks' calendar (dropped once past)."""
    assert job.committee is not None
    chosen = framework(job.committee.framework_id)
    if chosen is None:
        return None
    by_key = {o.key: o for o in chosen.calendar}
    items: dict[tuple[str, date], dict[str, Any]] = {}
    for row in sorted(job.rows, key=lambda r: r.scheduled_for):
        deadline = date.fromisoformat(row.payload["plazo"])
        obligation = by_key.get(row.payload["obligacion"])
        # Past dates, and obligations of a framework the committee no longer follows, say nothing.
        if deadline <= job.today or obligation is None:
            continue
        items[(obligation.key, deadline)] = {
            "obligacion": obligation,
            "plazo": deadline,
            "dias": (deadline - job.today).days,
        }
    if not items:
        return None
    met = set(
        await session.scalars(
            select(CriterionStatus.criterion_key).where(
                CriterionStatus.committee_id == job.committee.id, CriterionStatus.met.is_(True)
            )
        )
    )
    # The section an obligation publishes, when items of it are pending: review them now.
    sections = {
        key: phase
        for key in dict.fromkeys(i["obligacion"].section for i in items.values())
        if key is not None
        for phase in chosen.phases
        if phase.key == key and not phase.criterion_keys() <= met
    }
    buttons = tuple(
        (Button(f"Revisar ítems: {section_label(phase)}"[:60], start_button_data(
            job.committee.id, CRITERIA_FLOW, Subject.phase(key))),)
        for key, phase in sections.items()
    )  # fmt: skip
    return Outgoing(
        "recordatorio_calendario",
        {"items": list(items.values()), "nombre_comite": chosen.vocabulary.committee},
        buttons,
    )
