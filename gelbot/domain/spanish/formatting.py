"""Write dates, moments, weekdays and months in Spanish, the way a committee reads them.

The words are ours, not a locale library's: what the committee reads in an acta or an informe
must not change because CLDR's data did (Babel 2.19 turned «sept» into «sep» overnight). The
full forms follow the seeds («27 de febrero de 2009»); the abbreviations are the ones Colombian
offices write in lists and tables («3 sept 2009»), without the final period.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from gelbot.domain.calendar import ensure_aware

MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip
MONTH_ABBREVIATIONS = (
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
)  # fmt: skip
WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


def format_date(d: date) -> str:
    """Write a date in full: "27 de febrero de 2009"."""
    return f"{d.day} de {MONTHS[d.month - 1]} de {d.year}"


def format_date_short(d: date) -> str:
    """Write a date briefly: "27 feb 2009", "3 sept 2009"."""
    return f"{d.day} {MONTH_ABBREVIATIONS[d.month - 1]} {d.year}"


def format_datetime(moment: datetime, tz: str | tzinfo | None = None) -> str:
    """Write a moment as "27 de febrero de 2009, 09:00" (in `tz` when given)."""
    if tz is not None:
        # A naive moment would be read in the server's zone: refuse it rather than guess.
        moment = ensure_aware(moment).astimezone(ZoneInfo(tz) if isinstance(tz, str) else tz)
    return f"{format_date(moment)}, {moment:%H:%M}"


def weekday_name(d: date) -> str:
    """Return the Spanish name of the weekday of `d`: "viernes"."""
    return WEEKDAYS[d.weekday()]


def month_name(month: int) -> str:
    """Return the Spanish name of month 1..12: "febrero"."""
    if not 1 <= month <= 12:
        raise ValueError(f"mes fuera de rango: {month}")
    return MONTHS[month - 1]
