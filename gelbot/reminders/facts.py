"""What the reminder rules read and write: a committee's facts, the window, the planned rows.

Also the calendar arithmetic every rule shares (local moments in UTC, weekly dates, a meeting
rule's dates), cached because in one tick many committees ask for the same dates.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from gelbot.domain.calendar import WorkingCalendar
from gelbot.domain.recurrence import MeetingRule
from gelbot.reminders.kinds import CATCH_UP, CATCH_UP_KINDS
from gelbot.reminders.schedule import CommitteeSchedule


@dataclass(frozen=True)
class Planned:
    """One reminder a rule asks for."""

    kind: str
    target_kind: str
    target_id: int
    occurrence: str
    scheduled_for: datetime  # aware, UTC
    expires_at: datetime | None
    committee_id: int | None
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.kind, self.target_kind, self.target_id, self.occurrence)


@dataclass(frozen=True)
class CompromisoFacts:
    id: int
    due_on: date
    owner_person_id: int | None  # None: nobody holds the cargo, so the group is told


@dataclass(frozen=True)
class CommitteeFacts:
    """What a committee's reminders are planned from."""

    id: int
    created_at: datetime
    orden: str | None
    framework_id: str
    meeting_rule: MeetingRule
    schedule: CommitteeSchedule
    editors: tuple[int, ...]  # person ids with role editor_web
    coordinators: tuple[int, ...]
    compromisos: tuple[CompromisoFacts, ...]  # the open ones
    informe: tuple[int, int] = (6, 2)  # months per informe period, month the year's first starts
    reporting_dates: Mapping[str, tuple[date, ...]] = field(default_factory=dict)  # /calendario
    # False while the committee never set `/reunion programar`: no convocatoria is sent for
    # the default rule's dates, a rule is suggested instead (meeting_rules.py).
    meeting_rule_set: bool = True


@dataclass(frozen=True)
class Window:
    """Plan rows scheduled in [start, end); rule occurrences before `since` never existed."""

    start: datetime
    end: datetime
    since: datetime
    tz: tzinfo
    calendar: WorkingCalendar

    def at(self, day: date, moment: time) -> datetime:
        """A local wall-clock moment as an aware UTC datetime."""
        return utc_at(day, moment, self.tz)

    def keeps(self, planned: Planned) -> bool:
        """In the window; or, for a catch-up kind, past but not yet superseded."""
        if planned.scheduled_for >= self.end:
            return False
        return self.start <= planned.scheduled_for or (
            planned.kind in CATCH_UP_KINDS
            and planned.expires_at is not None
            and planned.expires_at > self.start
            and planned.scheduled_for >= max(self.since, self.start - CATCH_UP)
        )


@functools.lru_cache(maxsize=8192)
def utc_at(day: date, moment: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=tz).astimezone(UTC)


@functools.lru_cache(maxsize=64)
def weekly(
    weekday: int, at: time, start: datetime, end: datetime, tz: tzinfo
) -> tuple[datetime, ...]:
    """Every `weekday` at `at` (local) in [start, end), as aware local datetimes.

    Cached: in one tick every committee with the same schedule asks for the same dates.
    """
    day = start.astimezone(tz).date()
    day += timedelta(days=(weekday - day.weekday()) % 7)
    found = []
    while (moment := datetime.combine(day, at, tzinfo=tz)) < end:
        if moment >= start:
            found.append(moment)
        day += timedelta(days=7)
    return tuple(found)


@functools.lru_cache(maxsize=64)
def meetings_between(
    rule: MeetingRule, start: datetime, end: datetime, tz: tzinfo
) -> tuple[datetime, ...]:
    """The rule's meetings in [start, end); cached, as most committees share the default rule."""
    return tuple(rule.occurrences(start, end, tz))


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
