"""Indicators of the plan de acción: their readings and whether they meet the meta.

Each reading belongs to a calendar period of the indicator's frequency (indicator_periods.py).
Every meta is a minimum ("mínimo 1 vez a la semana", "90 %"): a period is on track when its
value reaches the meta. No domain import here knows about Telegram.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.db import insert_missing
from gelbot.domain.indicator_periods import Period, frequency_of, period_of, periods_between
from gelbot.models import Committee, Frequency, Indicator, IndicatorReading, Person, ReadingStatus

SITIO_WEB_SEMANAL = "sitio_web_semanal"
# criterios_fase_<phase key>: the % of a phase's criteria met, recorded as criteria are marked.
PHASE_SHARE_PREFIX = "criterios_fase_"
MAX_KEY = 80

Row = TypeVar("Row", Indicator, IndicatorReading)


class IndicatorStatus(enum.StrEnum):
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


# --- indicators ------------------------------------------------------------------------------


async def find_indicator(session: AsyncSession, committee: Committee, key: str) -> Indicator | None:
    """The committee's indicator with this key (retired ones included)."""
    return await session.scalar(
        select(Indicator).where(Indicator.committee_id == committee.id, Indicator.key == key)
    )


async def _claim(
    session: AsyncSession,
    model: type[Row],
    unique: dict[str, Any],
    values: dict[str, Any],
    *,
    lock: bool = False,
) -> tuple[Row, bool]:
    """The `model` row with the `unique` columns, inserted with `values` if missing; (row, new?).

    Two gelbot instances may both find no row and both insert it: with a plain INSERT the
    second one failed on the unique constraint and its person read «algo falló». Through
    insert_missing it waits for the first one and reads the row the first one made. The SELECT
    comes first because the row is usually there, and an INSERT that does nothing takes an id.
    `lock` holds the row until commit, so whoever replaces its value after this one waits.
    """
    table = cast(Table, model.__table__)
    matches: list[ColumnElement[bool]] = [table.c[name] == value for name, value in unique.items()]
    query = select(model).where(*matches)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
        if session.get_bind().dialect.name != "postgresql":
            # SQLite has no FOR UPDATE, and reads outside a write transaction: a write that
            # changes nothing takes the database's write lock first, so the read is the latest.
            await session.execute(update(table).where(*matches).values(id=table.c.id))
    found = await session.scalar(query)
    if found is not None:
        return found, False
    created = await insert_missing(session, table, unique, values)
    found = await session.scalar(query)
    assert found is not None  # inserted now, or by whoever the conflict was with
    return found, created


async def claim_indicator(
    session: AsyncSession, committee_id: int, key: str, **values: Any
) -> tuple[Indicator, bool]:
    """The committee's indicator `key`, created with `values` (name, meta, ...) when missing;
    (indicator, created now?). Every creation of an indicator goes through here."""
    unique = {"committee_id": committee_id, "key": key[:MAX_KEY]}
    return await _claim(session, Indicator, unique, {"position": 0, **values})


async def ensure_indicator(
    session: AsyncSession,
    committee: Committee,
    key: str,
    name: str,
    meta: float | None,
    frequency: str,
    *,
    unit: str | None = None,
    meta_text: str | None = None,
) -> Indicator:
    """The committee's indicator `key`, created with these values when it doesn't exist.

    An existing indicator is returned as it is (the plan's name and meta win over a caller's
    defaults), except that a retired one comes back into use: whoever ensures it feeds it.
    """
    frequency_of(frequency)
    found, _ = await claim_indicator(
        session, committee.id, key, name=name, meta=meta, meta_text=meta_text, unit=unit,
        frequency=frequency,
    )  # fmt: skip
    found.retired_at = None
    return found


async def active_indicators(session: AsyncSession, committee: Committee) -> list[Indicator]:
    """The indicators in use (not retired), in the plan's order; ones outside the plan last."""
    rows = await session.scalars(
        select(Indicator)
        .where(Indicator.committee_id == committee.id, Indicator.retired_at.is_(None))
        .order_by(Indicator.plan_action_id.is_(None), Indicator.position, Indicator.id)
    )
    return list(rows)


# --- readings --------------------------------------------------------------------------------


async def record_reading(
    session: AsyncSession,
    indicator: Indicator,
    period_start: date,
    value: float | None,
    person: Person | None,
    answer_id: int | None,
    now: datetime,
    *,
    status: ReadingStatus = ReadingStatus.RESPONDIDO,
) -> IndicatorReading:
    """Store the value for the period containing `period_start`, replacing an earlier one.

    Who gave the value, from which answer and when is kept; a replaced value moves into
    details["history"] so the informe can still tell who said what first.
    """
    period = period_of(indicator.frequency, period_start)
    given = {
        "value": value,
        "status": status.value,
        "person_id": person.id if person is not None else None,
        "answer_id": answer_id,
        "recorded_at": now,
    }
    reading, created = await claim_reading(session, indicator.id, period, given, lock=True)
    if created:
        return reading
    history: list[dict[str, Any]] = list((reading.details or {}).get("history", []))
    history.append(
        {
            "value": reading.value,
            "status": reading.status,
            "person_id": reading.person_id,
            "answer_id": reading.answer_id,
            "recorded_at": reading.recorded_at.isoformat(),
        }
    )
    reading.details = {**(reading.details or {}), "history": history}
    for name, new in given.items():
        setattr(reading, name, new)
    await session.flush()
    return reading


async def claim_reading(
    session: AsyncSession,
    indicator_id: int,
    period: Period,
    values: dict[str, Any],
    *,
    lock: bool = False,
) -> tuple[IndicatorReading, bool]:
    """The indicator's reading for `period`, created with `values` when there is none;
    (reading, created now?). An existing one is returned untouched (locked until commit with
    `lock`, for a caller that replaces it)."""
    unique = {"indicator_id": indicator_id, "period_start": period.start}
    row = {"period_end": period.end, "details": None, **values}
    return await _claim(session, IndicatorReading, unique, row, lock=lock)


async def record_no_answer(
    session: AsyncSession, indicator: Indicator, period_start: date, now: datetime
) -> IndicatorReading | None:
    """Mark the period as «sin respuesta» unless someone already answered; None if they did."""
    period = period_of(indicator.frequency, period_start)
    values = {"value": None, "status": ReadingStatus.SIN_RESPUESTA.value, "recorded_at": now}
    reading, created = await claim_reading(session, indicator.id, period, values)
    return reading if created else None


async def readings_between(
    session: AsyncSession, indicator: Indicator, start: date, end: date
) -> list[IndicatorReading]:
    """The indicator's readings whose period begins within [start, end], oldest first."""
    rows = await session.scalars(
        select(IndicatorReading)
        .where(
            IndicatorReading.indicator_id == indicator.id,
            IndicatorReading.period_start >= start,
            IndicatorReading.period_start <= end,
        )
        .order_by(IndicatorReading.period_start)
    )
    return list(rows)


# --- status and summaries --------------------------------------------------------------------


def reading_meets(indicator: Indicator, reading: IndicatorReading) -> bool | None:
    """Whether the reading reaches the meta; None when there is nothing to compare."""
    if indicator.meta is None or reading.value is None:
        return None
    return reading.value >= indicator.meta


def current_reading(
    indicator: Indicator, readings: Sequence[IndicatorReading], today: date
) -> IndicatorReading | None:
    """The reading that speaks for today: this period's, or for `unica` the latest so far."""
    if indicator.frequency == Frequency.UNICA.value:
        past = [r for r in readings if r.period_start <= today and r.value is not None]
        return max(past, key=lambda r: r.period_start, default=None)
    period = period_of(indicator.frequency, today)
    return next((r for r in readings if r.period_start == period.start), None)


def indicator_status(
    indicator: Indicator, readings: Sequence[IndicatorReading], today: date
) -> IndicatorStatus:
    """On track when the current period's value reaches the meta; no data without a number."""
    reading = current_reading(indicator, readings, today)
    meets = reading_meets(indicator, reading) if reading is not None else None
    if meets is None:
        return IndicatorStatus.NO_DATA
    return IndicatorStatus.ON_TRACK if meets else IndicatorStatus.OFF_TRACK


_NOUNS = {
    Frequency.SEMANAL: ("semana", "semanas"),
    Frequency.MENSUAL: ("mes", "meses"),
    Frequency.TRIMESTRAL: ("trimestre", "trimestres"),
    Frequency.SEMESTRAL: ("semestre", "semestres"),
    Frequency.ANUAL: ("año", "años"),
    Frequency.UNICA: ("medición", "mediciones"),
}


def period_noun(frequency: str, count: int) -> str:
    """ "semana" or "semanas", as `count` asks."""
    singular, plural = _NOUNS[frequency_of(frequency)]
    return singular if count == 1 else plural


@dataclass(frozen=True)
class Compliance:
    """How many periods of a span met the meta: the informe's "24 de 26 semanas"."""

    frequency: str
    met: int
    total: int
    answered: int  # periods with a value, met or not
    missing: int  # periods without a value (no answer, or «sin respuesta»)

    def describe(self) -> str:
        return f"{self.met} de {self.total} {period_noun(self.frequency, self.total)}"


def compliance_between(
    indicator: Indicator,
    readings: Sequence[IndicatorReading],
    start: date,
    end: date,
    *,
    today: date,
) -> Compliance:
    """Count the periods beginning in [start, end] that met the meta.

    A period still running on `today` counts only once it has a value: a week that has not
    ended yet is not a missed week.
    """
    by_start = {r.period_start: r for r in readings}
    met = answered = missing = total = 0
    for period in periods_between(indicator.frequency, start, end):
        reading = by_start.get(period.start)
        has_value = reading is not None and reading.value is not None
        if period.end >= today and not has_value:
            continue
        total += 1
        if not has_value:
            missing += 1
            continue
        answered += 1
        assert reading is not None
        if reading_meets(indicator, reading):
            met += 1
    return Compliance(indicator.frequency, met, total, answered, missing)


# --- what /indicadores shows -----------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator as /indicadores shows it: this period's value against the meta."""

    number: int  # 1-based, in plan order: what "/indicadores 3 12" refers to
    indicator: Indicator
    status: IndicatorStatus
    period: Period  # the current period (for `unica`, today)
    current: IndicatorReading | None
    previous: IndicatorReading | None  # the latest earlier reading, for context


async def overview(session: AsyncSession, committee: Committee, today: date) -> list[IndicatorLine]:
    """Every active indicator with its status today."""
    indicators = await active_indicators(session, committee)
    rows = await session.scalars(
        select(IndicatorReading)
        .where(
            IndicatorReading.indicator_id.in_([i.id for i in indicators]),
            IndicatorReading.period_start <= today,
        )
        .order_by(IndicatorReading.period_start.desc())
    )
    by_indicator: dict[int, list[IndicatorReading]] = {i.id: [] for i in indicators}
    for reading in rows:
        by_indicator[reading.indicator_id].append(reading)
    lines: list[IndicatorLine] = []
    for number, indicator in enumerate(indicators, start=1):
        readings = by_indicator[indicator.id]
        current = current_reading(indicator, readings, today)
        earlier = [r for r in readings if r is not current and r.value is not None]
        if current is not None:
            earlier = [r for r in earlier if r.period_start < current.period_start]
        lines.append(
            IndicatorLine(
                number=number,
                indicator=indicator,
                status=indicator_status(indicator, readings, today),
                period=period_of(indicator.frequency, today),
                current=current,
                previous=earlier[0] if earlier else None,
            )
        )
    return lines


def find_line(lines: Sequence[IndicatorLine], text: str) -> IndicatorLine | None:
    """The line a person named by number or by key."""
    given = text.strip().lower()
    if given.isascii() and given.isdigit() and len(given) <= 6:
        number = int(given)
        return lines[number - 1] if 1 <= number <= len(lines) else None
    return next((line for line in lines if line.indicator.key == given), None)


async def history(
    session: AsyncSession, indicator: Indicator, limit: int = 10
) -> list[tuple[IndicatorReading, Person | None]]:
    """The indicator's latest readings, newest first, with who gave each value."""
    rows = await session.execute(
        select(IndicatorReading, Person)
        .outerjoin(Person, Person.id == IndicatorReading.person_id)
        .where(IndicatorReading.indicator_id == indicator.id)
        .order_by(IndicatorReading.period_start.desc())
        .limit(limit)
    )
    return [(reading, person) for reading, person in rows]
