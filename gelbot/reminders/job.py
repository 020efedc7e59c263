"""A reminder job: the rows of one target and kind, as the builders get them to put into words."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.calendar import WorkingCalendar
from gelbot.models import Committee, Compromiso, Person
from gelbot.reminders.outbox import Claimed, Outgoing


@dataclass(frozen=True)
class Known:
    """What the dispatcher already read for its whole batch; builders read anything else."""

    compromisos: Mapping[int, Compromiso] = field(default_factory=dict)  # owners loaded
    # (committee, week) → whether that week's site-update answer is recorded
    weeks: Mapping[tuple[int, date], bool] = field(default_factory=dict)


@dataclass
class Job:
    """The rows of one target and kind, ready to be put into words."""

    rows: list[Claimed]
    committee: Committee | None
    person: Person | None  # the person addressed, privately or by mention in the group
    private: bool
    now: datetime
    tz: ZoneInfo
    calendar: WorkingCalendar
    late: bool
    known: Known = field(default_factory=Known)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    @property
    def kind(self) -> str:
        return self.rows[0].kind

    def latest(self) -> Claimed:
        return max(self.rows, key=lambda r: (r.scheduled_for, r.id))


Builder = Callable[[AsyncSession, Job], Awaitable[Outgoing | None]]
Action = Callable[[AsyncSession, Job], Awaitable[None]]
