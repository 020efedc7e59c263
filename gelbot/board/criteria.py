"""The one place the board asks a committee's framework for its phases or sections.

Another part of gelbot is generalising frameworks (several per committee, sections instead of
phases); when it exposes a per-section function, only this adapter changes.
"""

from __future__ import annotations

from collections.abc import Set

from gelbot.board.figures import SectionShare
from gelbot.domain import phases
from gelbot.domain.frameworks import Framework, FrameworkError, Phase
from gelbot.models import Committee


def section_shares(
    committee: Committee, met_keys: Set[str]
) -> tuple[tuple[SectionShare, ...], str]:
    """The share of criteria met per phase or section, and the framework's name."""
    try:
        framework = phases.framework_of(committee)
    except FrameworkError:
        return (), committee.framework_id
    sections = _sections(framework)
    shares = tuple(
        SectionShare(
            key=phase.key,
            name=phase.name,
            met=len(keys & met_keys),
            total=len(keys),
            deadline=phase.deadline_for(committee.orden) if committee.orden else None,
        )
        for phase, keys in sections
    )
    return shares, framework.name


_SECTIONS: dict[tuple[str, int], tuple[tuple[Phase, frozenset[str]], ...]] = {}


def _sections(framework: Framework) -> tuple[tuple[Phase, frozenset[str]], ...]:
    # Frameworks never change while gelbot runs; a board of 1,102 committees would otherwise
    # build each phase's set of keys 1,102 times.
    key = (framework.id, id(framework))
    if key not in _SECTIONS:
        _SECTIONS[key] = tuple((p, p.criterion_keys()) for p in framework.phases)
    return _SECTIONS[key]
