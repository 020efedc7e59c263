"""The periods an indicator is read in, by its frequency.

Periods are local calendar dates (the committee's time zone decides which day "today" is):
- semanal: Monday to Sunday;
- mensual: the calendar month;
- trimestral: calendar quarters (January–March, April–June, ...);
- semestral: calendar semesters, January–June and July–December. The informe's own period is
  configurable per committee (February–July in the seeds), but a plan's "2 veces al año" means
  the calendar halves, and fixed periods keep readings comparable across committees;
- anual: the calendar year;
- unica: no repeating period. Each reading is a snapshot taken that day (its period is that one
  day), and the current value is the latest snapshot: "Porcentaje de trámites publicados"
  climbs towards its meta over the whole plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from gelbot.models import Frequency


@dataclass(frozen=True)
class Period:
    """A run of local days, both ends included."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def frequency_of(value: str) -> Frequency:
    try:
        return Frequency(value)
    except ValueError:
        raise ValueError(f"unknown frequency {value!r}") from None


def period_of(frequency: str, day: date) -> Period:
    """The period of `frequency` that contains `day`."""
    kind = frequency_of(frequency)
    if kind is Frequency.SEMANAL:
        start = day - timedelta(days=day.weekday())
        return Period(start, start + timedelta(days=6))
    if kind is Frequency.UNICA:
        return Period(day, day)
    months = {
        Frequency.MENSUAL: 1,
        Frequency.TRIMESTRAL: 3,
        Frequency.SEMESTRAL: 6,
        Frequency.ANUAL: 12,
    }[kind]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return Period(start, _add_months(start, months) - timedelta(days=1))


def next_period(frequency: str, period: Period) -> Period:
    """The period right after `period`."""
    return period_of(frequency, period.end + timedelta(days=1))


def periods_between(frequency: str, start: date, end: date) -> list[Period]:
    """The periods of `frequency` that begin within [start, end]; none for `unica`."""
    if frequency_of(frequency) is Frequency.UNICA or end < start:
        return []
    period = period_of(frequency, start)
    if period.start < start:
        period = next_period(frequency, period)
    found: list[Period] = []
    while period.start <= end:
        found.append(period)
        period = next_period(frequency, period)
    return found


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)
