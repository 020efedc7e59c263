"""A member's vacation: when it may end, and whether someone is away on a given day."""

from __future__ import annotations

from datetime import date, timedelta

from gelbot.domain.errors import DomainError
from gelbot.models import Person

MAX_DAYS = 366


def on_vacation(person: Person, today: date) -> bool:
    return person.vacation_until is not None and today <= person.vacation_until


def check_until(until: date, today: date) -> None:
    """A vacation ends today or later, and within MAX_DAYS."""
    if until < today:
        raise DomainError("vacaciones_pasado", hasta=until)
    if until > today + timedelta(days=MAX_DAYS):
        raise DomainError("vacaciones_lejos", hasta=until, limite=MAX_DAYS)


def check_away(person: Person, today: date) -> None:
    """Only someone on vacation can come back from it."""
    if not on_vacation(person, today):
        raise DomainError("vacaciones_no_esta")
