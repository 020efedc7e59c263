"""How people name criteria: by number, numeral, key or name. No Telegram, no database.

Criteria are numbered 1..N across the whole (possibly merged) framework, in the file's order,
so "/criterio 12" means the same criterion whatever the current phase. Items with a numeral of
their own (Res. 1519: "1.3", "CC5") are called by it, and the lists show it instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gelbot.domain.errors import DomainError
from gelbot.domain.framework_schema import Criterion, Framework, Phase
from gelbot.domain.spanish import normalize


@dataclass(frozen=True)
class NumberedCriterion:
    """A criterion with its number in the framework and its phase."""

    number: int
    criterion: Criterion
    phase: Phase

    @property
    def label(self) -> str:
        """What people call it: its numeral ("1.3", "CC5") or, without one, its number."""
        return self.criterion.numeral or str(self.number)


def numbered(framework: Framework) -> list[NumberedCriterion]:
    """Every criterion of the framework with its number, in the file's order."""
    found: list[NumberedCriterion] = []
    for phase in framework.phases:
        for criterion in phase.criteria:
            found.append(NumberedCriterion(len(found) + 1, criterion, phase))
    return found


def resolve_criterion(framework: Framework, text: str) -> NumberedCriterion:
    """The criterion a person named: by number, by key (with or without the phase), or by name.

    Raises DomainError("criterio_desconocido") or ("criterio_ambiguo", opciones=[...]).
    """
    given = text.strip()
    everything = numbered(framework)
    # A numeral the norm prints ("1.3", "5", "CC12") wins over a position in the list.
    by_numeral = [c for c in everything if c.criterion.numeral == given.upper()]
    if by_numeral:
        return by_numeral[0]
    if given.isascii() and given.isdigit() and len(given) <= 6:
        number = int(given)
        if 1 <= number <= len(everything):
            return everything[number - 1]
        raise DomainError("criterio_desconocido", given=given, total=len(everything))
    wanted = normalize(given).replace(" ", "_")
    for candidate in everything:
        if candidate.criterion.key == wanted:
            return candidate
    by_suffix = [c for c in everything if c.criterion.key.split(".", 1)[-1] == wanted]
    by_name = [c for c in everything if normalize(c.criterion.name) == normalize(given)]
    matches = by_suffix or by_name
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise DomainError("criterio_ambiguo", given=given, opciones=matches)
    raise DomainError("criterio_desconocido", given=given, total=len(everything))


def resolve_phase(framework: Framework, text: str) -> Phase | None:
    """The phase a person named: "interacción", "Fase de Interacción" (numbers are criteria)."""
    wanted = normalize(text)
    for word in ("fase de ", "fase ", "seccion de ", "seccion "):
        wanted = wanted.replace(word, "")
    wanted = wanted.strip()
    for phase in framework.phases:
        if wanted in {phase.key, normalize(phase.name)}:
            return phase
    return None


MAX_TARGETS = 100
_RANGE = re.compile(r"(\d{1,6})\s*-\s*(\d{1,6})")


def resolve_targets(framework: Framework, text: str) -> list[NumberedCriterion]:
    """The criteria "12", "1,2,5-9" or "mision_vision" name, in order and without repeats."""
    everything = numbered(framework)
    found: list[NumberedCriterion] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        span = _RANGE.fullmatch(part)
        if span is None:
            found.append(resolve_criterion(framework, part))
            continue
        first, last = int(span[1]), int(span[2])
        if not 1 <= first <= last <= len(everything):
            raise DomainError("criterio_rango", given=part, total=len(everything))
        found.extend(everything[first - 1 : last])
    unique = list({c.number: c for c in found}.values())
    if not unique:
        raise DomainError("criterio_desconocido", given=text, total=len(everything))
    if len(unique) > MAX_TARGETS:
        raise DomainError("criterio_rango", given=text, total=len(everything))
    return unique
