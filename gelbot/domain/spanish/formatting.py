"""Write dates, moments, weekdays and months in Spanish, the way a committee reads them."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import get_day_names, get_month_names

from gelbot.domain.calendar import ensure_aware
from gelbot.domain.spanish.text import LOCALE


def format_date(d: date) -> str:
    """Write a date in full: "27 de febrero de 2009"."""
    return _in_full(_day(d))


def format_date_short(d: date) -> str:
    """Write a date briefly: "27 feb 2009"."""
    return _briefly(_day(d))


def _day(d: date) -> date:
    """The calendar day of `d`: a datetime would make every moment its own cache entry."""
    return d if type(d) is date else date(d.year, d.month, d.day)


# Reminders and digests write the same few dates thousands of times; Babel takes ~40 µs each.
@lru_cache(maxsize=4096)
def _in_full(d: date) -> str:
    return str(_babel_date(d, format="d 'de' MMMM 'de' y", locale=LOCALE))


@lru_cache(maxsize=4096)
def _briefly(d: date) -> str:
    return str(_babel_date(d, format="d MMM y", locale=LOCALE)).replace(".", "")


def format_datetime(moment: datetime, tz: str | tzinfo | None = None) -> str:
    """Write a moment as "27 de febrero de 2009, 09:00" (in `tz` when given)."""
    if tz is not None:
        # A naive moment would be read in the server's zone: refuse it rather than guess.
        moment = ensure_aware(moment).astimezone(ZoneInfo(tz) if isinstance(tz, str) else tz)
    return f"{format_date(moment)}, {moment:%H:%M}"


def weekday_name(d: date) -> str:
    """Return the Spanish name of the weekday of `d`: "viernes"."""
    return str(get_day_names("wide", locale=LOCALE)[d.weekday()])


def month_name(month: int) -> str:
    """Return the Spanish name of month 1..12: "febrero"."""
    if not 1 <= month <= 12:
        raise ValueError(f"mes fuera de rango: {month}")
    return str(get_month_names("wide", locale=LOCALE)[month])
