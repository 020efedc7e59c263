"""The reporting calendar of a committee's frameworks, as reminder rows (pure, like rules.py).

Each obligation of a framework file (plan de acción by 31 January, FURAG's window, the
committee's own informe…) gets the same ladder of warnings as a phase deadline: 90, 30, 7 and
1 day(s) before, moved off weekends and festivos without passing the date. Obligations whose
dates are not confirmed get warnings only for the windows the file lists.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, tzinfo

from gelbot.domain.calendar import WorkingCalendar
from gelbot.domain.framework_schema import Obligation
from gelbot.domain.reporting_calendar import due_dates
from gelbot.models import TargetKind
from gelbot.reminders.facts import utc_at
from gelbot.reminders.kinds import MORNING, PHASE_WARNING_DAYS, Kind

Rung = tuple[int, datetime, datetime]  # days before, when, obsolete after


def warning_ladder(deadline: date, tz: tzinfo, calendar: WorkingCalendar) -> tuple[Rung, ...]:
    """The warnings before a deadline: (days before, when, obsolete after), earliest first."""
    return _ladder(deadline, tz, calendar)


@functools.lru_cache(maxsize=256)
def _ladder(deadline: date, tz: tzinfo, calendar: WorkingCalendar) -> tuple[Rung, ...]:
    moments = []
    for days in PHASE_WARNING_DAYS:
        day = calendar.next_working_day(deadline - timedelta(days=days))
        if day >= deadline:  # moving forward would pass the deadline: warn earlier instead
            day = calendar.previous_working_day(deadline - timedelta(days=days))
        moments.append((days, utc_at(day, MORNING, tz)))
    found = []
    for (days, at), following in zip(moments, [*moments[1:], None], strict=True):
        expires = following[1] if following else utc_at(deadline, time(0, 0), tz)
        found.append((days, at, max(expires, at + timedelta(hours=1))))
    return tuple(found)


def calendar_warnings(
    committee_id: int,
    obligations: tuple[Obligation, ...],
    around: date,
    informe: tuple[int, int],
    set_dates: Mapping[str, tuple[date, ...]],
    tz: tzinfo,
    calendar: WorkingCalendar,
) -> list[tuple[str, str, int, str, datetime, datetime, int, dict[str, object]]]:
    """Rows (kind, target kind, target, occurrence, when, expires, committee, payload)."""
    found = []
    for obligation in obligations:
        dates = due_dates(obligation, around, *informe, set_dates.get(obligation.key, ()))
        for deadline in dates:
            for days, at, expires in _ladder(deadline, tz, calendar):
                found.append(
                    (
                        Kind.CALENDARIO.value,
                        TargetKind.COMITE.value,
                        committee_id,
                        f"{obligation.key}:{deadline.isoformat()}:{days}",
                        at,
                        expires,
                        committee_id,
                        {"obligacion": obligation.key, "dias": days, "plazo": deadline.isoformat()},
                    )
                )
    return found
