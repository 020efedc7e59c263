"""The weekly site-update indicator: one reading per week, from the nag's answer or its silence."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.errors import DomainError
from gelbot.domain.indicator_periods import Period
from gelbot.domain.indicators import SITIO_WEB_SEMANAL, claim_indicator, claim_reading
from gelbot.domain.spanish import normalize
from gelbot.models import (
    Committee,
    Frequency,
    Indicator,
    IndicatorReading,
    PlanAction,
    ReadingStatus,
)

INDICATOR_KEY = SITIO_WEB_SEMANAL
INDICATOR_NAME = "Número de veces que se actualiza el sitio web por semana"
MAX_UPDATES = 100  # a week has 168 hours; more than this is a typo


async def indicator(session: AsyncSession, committee_id: int) -> Indicator:
    """The committee's weekly site indicator, created (meta: mínimo 1) the first time."""
    found, _ = await claim_indicator(
        session, committee_id, INDICATOR_KEY, name=INDICATOR_NAME, meta=1,
        meta_text="mínimo 1 vez por semana", unit="veces", frequency=Frequency.SEMANAL.value,
    )  # fmt: skip
    return found


# Built once: every weekly nag asks it, and building the statement cost more than running it.
_READING = (
    select(IndicatorReading)
    .join(Indicator)
    .where(
        Indicator.committee_id == bindparam("committee_id"),
        Indicator.key == INDICATOR_KEY,
        IndicatorReading.period_start == bindparam("week"),
    )
)


async def reading(session: AsyncSession, committee_id: int, week: date) -> IndicatorReading | None:
    """The recorded answer for the week starting `week`, if any."""
    return await session.scalar(_READING, {"committee_id": committee_id, "week": week})


async def answered(
    session: AsyncSession, weeks: Iterable[tuple[int, date]]
) -> dict[tuple[int, date], bool]:
    """Whether each (committee, week) has its answer recorded: one query for a batch of nags."""
    asked = set(weeks)
    if not asked:
        return {}
    found = await session.execute(
        select(Indicator.committee_id, IndicatorReading.period_start)
        .join(Indicator)
        .where(
            Indicator.key == INDICATOR_KEY,
            Indicator.committee_id.in_({committee for committee, _ in asked}),
            IndicatorReading.period_start.in_({week for _, week in asked}),
        )
    )
    recorded = {(committee, week) for committee, week in found}
    return {key: key in recorded for key in asked}


def check_week(week: date, today: date, since: date | None = None) -> None:
    """A week one may answer about: a Monday, not in the future, and not before the week the
    committee's first nag asked about (the one before the committee was created, `since`)."""
    first = since - timedelta(days=since.weekday() + 7) if since is not None else date.min
    if week.weekday() != 0 or week > today or week < first:
        raise DomainError("sitio_semana_invalida")


async def record_answer(
    session: AsyncSession,
    committee_id: int,
    week: date,
    times: int,
    *,
    person_id: int | None,
    now: datetime,
    today: date,
    zone: tzinfo = UTC,
) -> tuple[IndicatorReading, bool]:
    """Record how many times the site was updated that week; (reading, replaced an answer?)."""
    committee = await session.get(Committee, committee_id)
    since = committee.created_at.astimezone(zone).date() if committee is not None else None
    check_week(week, today, since)
    if not 0 <= times <= MAX_UPDATES:
        raise DomainError("sitio_numero_invalido", limit=MAX_UPDATES)
    values = {
        "value": float(times),
        "status": ReadingStatus.RESPONDIDO.value,
        "person_id": person_id,
        "recorded_at": now,
        "details": {"fuente": "recordatorio"},
    }
    week_period = Period(week, week + timedelta(days=6))
    indicator_id = (await indicator(session, committee_id)).id
    found, created = await claim_reading(session, indicator_id, week_period, values)
    if created:
        return found, False
    # Someone answered first (perhaps a moment ago, on another instance): the last word wins.
    replaced = found.status == ReadingStatus.RESPONDIDO
    for name, value in values.items():
        setattr(found, name, value)
    await session.flush()
    return found, replaced


async def close_week(
    session: AsyncSession, committee_id: int, week: date, *, now: datetime
) -> bool:
    """Nobody answered: record the week as «sin respuesta» (True if it was recorded now)."""
    if await reading(session, committee_id, week) is not None:
        return False
    values = {
        "value": None,
        "status": ReadingStatus.SIN_RESPUESTA.value,
        "recorded_at": now,
        "details": {"fuente": "recordatorio"},
    }
    week_period = Period(week, week + timedelta(days=6))
    indicator_id = (await indicator(session, committee_id)).id
    # An answer recorded meanwhile (another instance) wins: then nothing is recorded here.
    _, created = await claim_reading(session, indicator_id, week_period, values)
    return created


async def plan_meta(session: AsyncSession, committee_id: int) -> Indicator | None:
    """The indicator of the committee's own plan that measures site updates, if it has one.

    The weekly question states that meta (Chitagá's plan: monthly, 12 a year), never one the
    committee did not adopt. The indicator that only the weekly answers feed does not count
    unless a plan row owns it.
    """
    found = await session.execute(
        select(Indicator, PlanAction)
        .join(PlanAction, Indicator.plan_action_id == PlanAction.id)
        .where(Indicator.committee_id == committee_id, Indicator.retired_at.is_(None))
        .order_by(Indicator.position, Indicator.id)
    )
    for indicator_, action in found:
        if indicator_.key == INDICATOR_KEY:
            return indicator_
        said = normalize(" ".join([indicator_.name, action.accion, *action.recursos]))
        if "actualiz" in normalize(indicator_.name + " " + action.accion) and (
            "sitio web" in said or "pagina web" in said
        ):
            return indicator_
    return None
