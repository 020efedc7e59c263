"""The one place the board asks a committee's framework for its phases or sections.

Another part of gelbot is generalising frameworks (several per committee, sections instead of
phases); when it exposes a per-section function, only this adapter changes.
"""

from __future__ import annotations

from collections.abc import Set

from gelbot.board.figures import SectionShare
from gelbot.domain import phases
from gelbot.domain.frameworks import FrameworkError
from gelbot.models import Committee


def section_shares(
    committee: Committee, met_keys: Set[str]
) -> tuple[tuple[SectionShare, ...], str]:
    """The share of criteria met per phase or section, and the framework's name."""
    try:
        framework = phases.framework_of(committee)
    except FrameworkError:
        return (), committee.framework_id
    shares = tuple(
        SectionShare(
            key=phase.key,
            name=phase.name,
            met=len(phase.criterion_keys() & met_keys),
            total=len(phase.criteria),
            deadline=phase.deadline_for(committee.orden) if committee.orden else None,
        )
        for phase in framework.phases
    )
    return shares, framework.name
