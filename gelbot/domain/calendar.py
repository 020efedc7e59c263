"""Working days in Colombia and the quiet hours in which the bot may write to people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import holidays

DEFAULT_TIMEZONE = "America/Bogota"


def _zone(tz: str | tzinfo) -> tzinfo:
    """Return a tzinfo for a zone name, or the tzinfo itself."""
    return ZoneInfo(tz) if isinstance(tz, str) else tz


class WorkingCalendar:
    """Colombian working days: Monday to Friday minus the festivos (country code CO)."""

    def __init__(self, timezone: str | tzinfo = DEFAULT_TIMEZONE) -> None:
        """Build a calendar whose dates are local to `timezone`."""
        self.tz = _zone(timezone)
        # Festivos are computed per year (Ley Emiliani moves many to Monday); a committee asks
        # about the same few years again and again, so each year is computed once.
        self._festivos: dict[int, dict[date, str]] = {}

    def _year(self, year: int) -> dict[date, str]:
        """Return the festivos of `year`, computing them on first use."""
        if year not in self._festivos:
            found = holidays.country_holidays("CO", years=year, language="es")
            self._festivos[year] = {day: str(name) for day, name in found.items()}
        return self._festivos[year]

    def local_date(self, d: date) -> date:
        """Return the local calendar date of `d` (an aware datetime is moved to this zone)."""
        if isinstance(d, datetime):
            return (d.astimezone(self.tz) if d.tzinfo is not None else d).date()
        return d

    def festivo(self, d: date) -> str | None:
        """Return the Spanish name of the festivo on `d`, or None if it is not one."""
        day = self.local_date(d)
        return self._year(day.year).get(day)

    def is_working_day(self, d: date) -> bool:
        """Tell whether `d` is a working day (not a weekend, not a festivo)."""
        day = self.local_date(d)
        return day.weekday() < 5 and day not in self._year(day.year)

    def next_working_day(self, d: date) -> date:
        """Return `d` itself if it is a working day, else the first working day after it."""
        day = self.local_date(d)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, d: date) -> date:
        """Return `d` itself if it is a working day, else the last working day before it."""
        day = self.local_date(d)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def add_working_days(self, d: date, n: int) -> date:
        """Move `n` working days from `d` (negative `n` goes back); `n == 0` returns `d`."""
        day = self.local_date(d)
        step = timedelta(days=1 if n > 0 else -1)
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Count working days in (start, end], or minus those in [end, start) going back.

        This is the inverse of `add_working_days`: counting from `start` to
        `add_working_days(start, n)` gives `n`, for negative `n` too.
        """
        first, last = self.local_date(start), self.local_date(end)
        if last < first:
            # Going back, the day we arrive on counts and the day we leave does not.
            return -self.working_days_between(last - timedelta(days=1), first - timedelta(days=1))
        count = 0
        day = first + timedelta(days=1)
        while day <= last:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count


@dataclass(frozen=True)
class QuietHours:
    """The daily window [start, end) in which messages may be sent; the rest is quiet."""

    start: time = time(7)
    end: time = time(19)
    timezone: str = DEFAULT_TIMEZONE
    tz: tzinfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Check the window and resolve the zone once."""
        if not self.start < self.end:
            raise ValueError("las horas de silencio necesitan inicio < fin")
        object.__setattr__(self, "tz", ZoneInfo(self.timezone))

    def is_allowed(self, moment: datetime, calendar: WorkingCalendar | None = None) -> bool:
        """Tell whether a message may go out at `moment` (on a working day, if a calendar)."""
        local = ensure_aware(moment).astimezone(self.tz)
        if calendar is not None and not calendar.is_working_day(local.date()):
            return False
        return self.start <= local.time().replace(tzinfo=None) < self.end

    def next_allowed(self, moment: datetime, calendar: WorkingCalendar | None = None) -> datetime:
        """Return `moment` if allowed, else the next window start (a working day if a calendar).

        The result is in this window's time zone; `moment` must be aware.
        """
        local = ensure_aware(moment).astimezone(self.tz)
        if self.is_allowed(local, calendar):
            return local
        day = local.date()
        if local.time().replace(tzinfo=None) >= self.end:
            day += timedelta(days=1)
        if calendar is not None:
            day = calendar.next_working_day(day)
        # Built from the wall-clock fields so the start is right even on a DST change day.
        return datetime.combine(day, self.start, tzinfo=self.tz)


def ensure_aware(moment: datetime) -> datetime:
    """Return `moment`, refusing naive datetimes: their zone would be a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("se necesita una fecha y hora con zona horaria")
    return moment
