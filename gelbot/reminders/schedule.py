"""Each committee's reminder schedule: sensible defaults, changed per aspect by the coordinador."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.calendar import QuietHours
from gelbot.domain.errors import DomainError
from gelbot.domain.spanish import normalize, parse_time, parse_yes_no
from gelbot.models import ReminderSetting


class Aspect(enum.StrEnum):
    """What the coordinador turns on, off or moves with /recordatorios."""

    SITIO = "sitio"
    REUNION = "reunion"
    COMPROMISOS = "compromisos"
    FASES = "fases"
    RESUMEN = "resumen"
    SILENCIO = "silencio"


@dataclass(frozen=True)
class AspectSetting:
    enabled: bool = True
    weekday: int | None = None  # 0 lunes … 6 domingo
    at: time | None = None
    until: time | None = None


DEFAULTS: Mapping[Aspect, AspectSetting] = {
    Aspect.SITIO: AspectSetting(weekday=0, at=time(9, 0)),
    Aspect.REUNION: AspectSetting(),
    Aspect.COMPROMISOS: AspectSetting(),
    Aspect.FASES: AspectSetting(),
    # The digest is the delegado's, across committees: its day and hour are the same for all;
    # a committee can only leave it.
    Aspect.RESUMEN: AspectSetting(weekday=4, at=time(16, 0)),
    Aspect.SILENCIO: AspectSetting(at=time(7, 0), until=time(19, 0)),
}
DIGEST_WEEKDAY = 4
DIGEST_AT = time(16, 0)

ALIASES = {
    "sitio": Aspect.SITIO,
    "sitio_web": Aspect.SITIO,
    "web": Aspect.SITIO,
    "pagina": Aspect.SITIO,
    "reunion": Aspect.REUNION,
    "reuniones": Aspect.REUNION,
    "compromiso": Aspect.COMPROMISOS,
    "compromisos": Aspect.COMPROMISOS,
    "fase": Aspect.FASES,
    "fases": Aspect.FASES,
    "plazos": Aspect.FASES,
    "resumen": Aspect.RESUMEN,
    "delegados": Aspect.RESUMEN,
    "silencio": Aspect.SILENCIO,
    "horario": Aspect.SILENCIO,
}
WEEKDAYS = ("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo")


@dataclass(frozen=True)
class CommitteeSchedule:
    """The effective settings of one committee: its changes over the defaults."""

    settings: Mapping[Aspect, AspectSetting]

    def __getitem__(self, aspect: Aspect) -> AspectSetting:
        return self.settings.get(aspect, DEFAULTS[aspect])

    def quiet_hours(self, timezone: str) -> QuietHours:
        window = self[Aspect.SILENCIO]
        start = window.at or time(7, 0)
        end = window.until or time(19, 0)
        return QuietHours(start=start, end=end, timezone=timezone)


DEFAULT_SCHEDULE = CommitteeSchedule({})


def _time(text: str | None) -> time | None:
    if not text:
        return None
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def _from_row(row: ReminderSetting) -> AspectSetting:
    return AspectSetting(
        enabled=row.enabled, weekday=row.weekday, at=_time(row.at), until=_time(row.until)
    )


async def load_schedules(
    session: AsyncSession, committee_ids: Iterable[int]
) -> dict[int, CommitteeSchedule]:
    """The schedules of several committees in one query (defaults where nothing changed)."""
    ids = list(set(committee_ids))
    found: dict[int, dict[Aspect, AspectSetting]] = {i: {} for i in ids}
    if ids:
        rows = await session.scalars(
            select(ReminderSetting).where(ReminderSetting.committee_id.in_(ids))
        )
        for row in rows:
            if row.aspect in Aspect.__members__.values():
                found[row.committee_id][Aspect(row.aspect)] = _from_row(row)
    return {i: CommitteeSchedule(settings) for i, settings in found.items()}


async def load_schedule(session: AsyncSession, committee_id: int) -> CommitteeSchedule:
    return (await load_schedules(session, [committee_id]))[committee_id]


@dataclass(frozen=True)
class Change:
    """A coordinador's change to one aspect, as understood from buttons or arguments."""

    aspect: Aspect
    enabled: bool | None = None
    weekday: int | None = None
    at: time | None = None
    until: time | None = None


def parse_aspect(text: str) -> Aspect | None:
    return ALIASES.get(normalize(text).replace(" ", "_"))


def parse_weekday(word: str) -> int | None:
    key = normalize(word)
    for index, name in enumerate(WEEKDAYS):
        if key in (name, name[:3]):
            return index
    return None


_RANGE = re.compile(r"^(.+?)(?:\s*-\s*|\s+a\s+|\s+hasta\s+)(.+)$")


def parse_change(aspect_text: str, value_text: str) -> Change:
    """Read `/recordatorios <aspecto> <valor>`; DomainError("recordatorios_valor") otherwise."""
    aspect = parse_aspect(aspect_text)
    if aspect is None:
        raise DomainError("recordatorios_aspecto", given=aspect_text)
    value = normalize(value_text)
    if not value:
        raise DomainError("recordatorios_valor", aspect=aspect.value)
    switch = _switch(value)
    if switch is not None:
        if aspect is Aspect.SILENCIO:
            raise DomainError("recordatorios_valor", aspect=aspect.value)
        return Change(aspect, enabled=switch)
    if aspect is Aspect.SITIO:
        return _weekday_and_time(aspect, value)
    if aspect is Aspect.SILENCIO:
        match = _RANGE.match(value)
        start = parse_time(match.group(1)) if match else None
        end = parse_time(match.group(2)) if match else None
        if start is None or end is None or not start < end:
            raise DomainError("recordatorios_valor", aspect=aspect.value)
        return Change(aspect, at=start, until=end)
    raise DomainError("recordatorios_valor", aspect=aspect.value)


def _switch(value: str) -> bool | None:
    if value in {"on", "activar", "activo", "encender", "prender"}:
        return True
    if value in {"off", "desactivar", "inactivo", "apagar", "quitar"}:
        return False
    return parse_yes_no(value) if len(value) <= 10 else None


def _weekday_and_time(aspect: Aspect, value: str) -> Change:
    words = value.split()
    weekday = parse_weekday(words[0]) if words else None
    rest = " ".join(words[1:] if weekday is not None else words)
    at = parse_time(rest) if rest else None
    if (weekday is None and at is None) or (rest and at is None):
        raise DomainError("recordatorios_valor", aspect=aspect.value)
    return Change(aspect, weekday=weekday, at=at, enabled=True)


async def apply_change(
    session: AsyncSession, committee_id: int, change: Change, *, by: int | None, now: datetime
) -> CommitteeSchedule:
    """Store a change (the flush hook then marks the committee for re-planning)."""
    row = await session.scalar(
        select(ReminderSetting).where(
            ReminderSetting.committee_id == committee_id,
            ReminderSetting.aspect == change.aspect.value,
        )
    )
    current = _from_row(row) if row is not None else DEFAULTS[change.aspect]
    updated = replace(
        current,
        enabled=current.enabled if change.enabled is None else change.enabled,
        weekday=current.weekday if change.weekday is None else change.weekday,
        at=current.at if change.at is None else change.at,
        until=current.until if change.until is None else change.until,
    )
    if row is None:
        row = ReminderSetting(committee_id=committee_id, aspect=change.aspect.value)
        session.add(row)
    row.enabled = updated.enabled
    row.weekday = updated.weekday
    row.at = f"{updated.at:%H:%M}" if updated.at else None
    row.until = f"{updated.until:%H:%M}" if updated.until else None
    row.updated_at = now
    row.updated_by_id = by
    await session.flush()
    return await load_schedule(session, committee_id)
