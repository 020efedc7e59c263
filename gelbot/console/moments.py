"""The console's clock in words: reading `:hora`/`--hora` and saying what time it is."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from gelbot.domain.spanish import format_date

# A Monday in the seeds' semester, when the Decreto 1151 deadlines still lie ahead: the moment the
# tests use too, so a console session and a test tell the same story.
DEFAULT_START = "2009-03-02 09:00"
# Message dates are Unix timestamps; far-off years only break things nobody is testing.
FIRST_YEAR, LAST_YEAR = 1971, 2100

_JUMP = re.compile(r"^\+\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?$")
_WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
# Each accepted form, and the parts of the present moment it keeps.
_FORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("%Y-%m-%d %H:%M", ()),
    ("%Y-%m-%dT%H:%M", ()),
    ("%Y-%m-%d", ("hour", "minute")),
    ("%H:%M", ("year", "month", "day")),
)


def parse_moment(text: str, zone: ZoneInfo, *, now: datetime) -> datetime:
    """A moment (aware, UTC): a date and time in `zone`, a date, a time today, +1d2h30m, «ahora»."""
    text = text.strip().casefold()
    out_of_range = ValueError(f"El reloj de la consola va de {FIRST_YEAR} a {LAST_YEAR}.")
    try:
        moment = _moment(text, zone, now)
    except OverflowError:
        raise out_of_range from None
    if moment is None:
        raise ValueError(
            f"No entiendo la hora «{text[:40]}». Use AAAA-MM-DD HH:MM (ej. 2009-03-02 09:00), "
            "solo la fecha, solo HH:MM, un salto como +1d, +2h, +30m, o «ahora»."
        )
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise out_of_range
    return moment


def _moment(text: str, zone: ZoneInfo, now: datetime) -> datetime | None:
    if text == "ahora":
        return datetime.now(UTC)
    jump = _JUMP.match(text)
    if jump and any(jump.groups()):
        days, hours, minutes = (int(part or 0) for part in jump.groups())
        return now + timedelta(days=days, hours=hours, minutes=minutes)
    local = now.astimezone(zone)
    for form, kept in _FORMS:
        try:
            parsed = datetime.strptime(text, form)
        except ValueError:
            continue
        parsed = parsed.replace(**{part: getattr(local, part) for part in kept})
        return parsed.replace(tzinfo=zone).astimezone(UTC)
    return None


def describe(moment: datetime, zone: ZoneInfo) -> str:
    """«lunes 2 de marzo de 2009, 09:00 (America/Bogota)»."""
    local = moment.astimezone(zone)
    return f"{_WEEKDAYS[local.weekday()]} {format_date(local.date())}, {local:%H:%M} ({zone.key})"
