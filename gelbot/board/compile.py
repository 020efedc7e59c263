"""Gather the board's figures for many committees at once: a fixed number of queries.

Every query covers all the committees (`committee_id IN …`, grouped in the database where it
can be), so the board for 1,102 committees costs the same ten queries as the board for one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any, cast

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.board import attention
from gelbot.board.criteria import section_shares
from gelbot.board.figures import Board, BoardRow
from gelbot.domain.indicators import SITIO_WEB_SEMANAL, compliance_between
from gelbot.domain.informe_periods import committee_period
from gelbot.domain.meetings import meeting_rule
from gelbot.models import (
    OPEN_COMPROMISO_STATUSES,
    AnswerStatus,
    Committee,
    Compromiso,
    CriterionStatus,
    DelegateFollow,
    FlowAnswer,
    FollowStatus,
    Indicator,
    IndicatorReading,
    InformeDraft,
    Meeting,
    MeetingStatus,
    Person,
    ReadingStatus,
)
from gelbot.reminders.facts import meetings_between
from gelbot.reminders.rules import DEFAULT_MEETING_RULE

_KEY_SEPARATOR = " "  # criterion keys are [a-z0-9_.] (frameworks.py): never a space


async def visible_committees(session: AsyncSession, person_id: int) -> list[Committee]:
    """The active committees that accepted this person as delegado: all the board may show."""
    found = await session.scalars(
        select(Committee)
        .join(DelegateFollow, DelegateFollow.committee_id == Committee.id)
        .where(
            DelegateFollow.person_id == person_id,
            DelegateFollow.status == FollowStatus.ACEPTADO.value,
            Committee.active.is_(True),
        )
        .order_by(Committee.entity_name, Committee.id)
    )
    return list(found)


async def board_for(session: AsyncSession, person: Person, *, now: datetime, tz: tzinfo) -> Board:
    """The board of every committee that accepted `person`, those needing attention first."""
    today = now.astimezone(tz).date()
    rows = await compile_rows(session, await visible_committees(session, person.id), now=now, tz=tz)
    return Board(person_name=person.first_name, today=today, generated_at=now, rows=rows)


async def compile_rows(
    session: AsyncSession, committees: Sequence[Committee], *, now: datetime, tz: tzinfo
) -> list[BoardRow]:
    """One judged row per committee, sorted so the ones that need attention come first."""
    if not committees:
        return []
    today = now.astimezone(tz).date()
    rows = {c.id: _row(c, today, tz) for c in committees}
    ids = list(rows)
    since = min(r.period_start for r in rows.values())
    await _meetings(session, rows, ids, since, today)
    await _compromisos(session, rows, ids, today)
    await _site(session, rows, ids, since, today)
    await _criteria(session, rows, committees)
    await _informes(session, rows, ids, tz)
    await _answers(session, rows, ids, today, tz)
    for committee in committees:
        row = rows[committee.id]
        row.meetings_expected = _expected_meetings(committee, row, now, tz)
        attention.judge(row, today)
    return attention.ordered(rows.values())


def _row(committee: Committee, today: date, tz: tzinfo) -> BoardRow:
    period = committee_period(committee, today)
    return BoardRow(
        committee_id=committee.id,
        entity_name=committee.entity_name,
        city=committee.city,
        framework_name=committee.framework_id,
        period_start=period.start,
        period_end=period.end,
        created_on=committee.created_at.astimezone(tz).date(),
    )


def _expected_meetings(committee: Committee, row: BoardRow, now: datetime, tz: tzinfo) -> int:
    """The meetings its monthly rule (primer martes by default) called for so far this period."""
    start_day = max(row.period_start, row.created_on or row.period_start)
    start = datetime.combine(start_day, time(0), tzinfo=tz).astimezone(UTC)
    if start >= now:
        return 0
    rule = meeting_rule(committee) or DEFAULT_MEETING_RULE
    # Whole hours, so committees sharing a rule share the cached occurrences.
    return len(meetings_between(rule, start, now.replace(minute=0, second=0, microsecond=0), tz))


async def _meetings(
    session: AsyncSession, rows: dict[int, BoardRow], ids: list[int], since: date, today: date
) -> None:
    held = Meeting.status != MeetingStatus.ABIERTA.value
    last = await session.execute(
        select(Meeting.committee_id, func.max(Meeting.held_on))
        .where(Meeting.committee_id.in_(ids), held)
        .group_by(Meeting.committee_id)
    )
    for committee_id, day in last:
        rows[committee_id].last_meeting = day
    recent = await session.execute(
        select(Meeting.committee_id, Meeting.held_on).where(
            Meeting.committee_id.in_(ids), held, Meeting.held_on >= since, Meeting.held_on <= today
        )
    )
    for committee_id, day in recent:
        row = rows[committee_id]
        if row.period_start <= day:
            row.meetings_held += 1


async def _compromisos(
    session: AsyncSession, rows: dict[int, BoardRow], ids: list[int], today: date
) -> None:
    open_ = Compromiso.status.in_(OPEN_COMPROMISO_STATUSES)
    counted = await session.execute(
        select(
            Compromiso.committee_id,
            func.count(),
            func.sum(case((Compromiso.due_on < today, 1), else_=0)),
        )
        .where(Compromiso.committee_id.in_(ids), open_)
        .group_by(Compromiso.committee_id)
    )
    for committee_id, total, overdue in counted:
        rows[committee_id].compromisos_open = int(total)
        rows[committee_id].compromisos_overdue = int(overdue or 0)


async def _site(
    session: AsyncSession, rows: dict[int, BoardRow], ids: list[int], since: date, today: date
) -> None:
    """Weeks the site was updated this period against the weekly indicator's meta."""
    # Plain rows, not ORM objects: a department holds thousands of readings, and the domain's
    # compliance_between reads only these attributes of an indicator and its readings.
    indicators = (
        await session.execute(
            select(Indicator.id, Indicator.committee_id, Indicator.meta, Indicator.frequency).where(
                Indicator.committee_id.in_(ids),
                Indicator.key == SITIO_WEB_SEMANAL,
                Indicator.retired_at.is_(None),
            )
        )
    ).all()
    if not indicators:
        return
    readings: dict[int, list[Any]] = defaultdict(list)
    for reading in await session.execute(
        select(
            IndicatorReading.indicator_id, IndicatorReading.period_start, IndicatorReading.value
        ).where(
            IndicatorReading.indicator_id.in_([i.id for i in indicators]),
            IndicatorReading.period_start >= since,
        )
    ):
        readings[reading.indicator_id].append(reading)
    for indicator in indicators:
        row = rows[indicator.committee_id]
        done = compliance_between(
            cast(Indicator, indicator), readings[indicator.id], row.period_start, today,
            today=today,
        )  # fmt: skip
        row.site_weeks_met, row.site_weeks_total = done.met, done.total
        row.site_meta = indicator.meta


async def _criteria(
    session: AsyncSession, rows: dict[int, BoardRow], committees: Sequence[Committee]
) -> None:
    # One row per committee with its met keys joined (group_concat / string_agg): a department
    # has tens of thousands of met criteria, and fetching them one row each cost most of a board.
    met: dict[int, set[str]] = defaultdict(set)
    found = await session.execute(
        select(
            CriterionStatus.committee_id,
            func.aggregate_strings(CriterionStatus.criterion_key, _KEY_SEPARATOR),
        )
        .where(CriterionStatus.committee_id.in_(list(rows)), CriterionStatus.met.is_(True))
        .group_by(CriterionStatus.committee_id)
    )
    for committee_id, keys in found:
        met[committee_id] = set(keys.split(_KEY_SEPARATOR))
    for committee in committees:
        row = rows[committee.id]
        row.sections, row.framework_name = section_shares(committee, met[committee.id])


async def _informes(
    session: AsyncSession, rows: dict[int, BoardRow], ids: list[int], tz: tzinfo
) -> None:
    """Informes generated (sent) and the latest one; a handful per committee a year."""
    found = await session.execute(
        select(
            InformeDraft.committee_id,
            InformeDraft.period_start,
            InformeDraft.period_end,
            InformeDraft.generated_at,
        ).where(InformeDraft.committee_id.in_(ids), InformeDraft.generated_at.is_not(None))
    )
    for committee_id, start, end, generated_at in found:
        if generated_at is None:
            continue
        row = rows[committee_id]
        row.informes_sent += 1
        if row.last_informe_period is None or end > row.last_informe_period[1]:
            row.last_informe_period = (start, end)
            row.last_informe_on = generated_at.astimezone(tz).date()


async def _answers(
    session: AsyncSession, rows: dict[int, BoardRow], ids: list[int], today: date, tz: tzinfo
) -> None:
    """The last time anyone answered the bot: a flow answer, or a button answer to a nag."""
    latest: dict[int, datetime] = {}
    flows = await session.execute(
        select(FlowAnswer.committee_id, func.max(FlowAnswer.answered_at))
        .where(
            FlowAnswer.committee_id.in_(ids),
            FlowAnswer.status == AnswerStatus.RESPONDIDA.value,
        )
        .group_by(FlowAnswer.committee_id)
    )
    readings = await session.execute(
        select(Indicator.committee_id, func.max(IndicatorReading.recorded_at))
        .join(Indicator, Indicator.id == IndicatorReading.indicator_id)
        .where(
            Indicator.committee_id.in_(ids),
            IndicatorReading.status == ReadingStatus.RESPONDIDO.value,
            IndicatorReading.person_id.is_not(None),
        )
        .group_by(Indicator.committee_id)
    )
    for committee_id, moment in [*flows, *readings]:
        if moment is None:
            continue
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if committee_id not in latest or moment > latest[committee_id]:
            latest[committee_id] = moment
    for committee_id, moment in latest.items():
        row = rows[committee_id]
        row.last_answer_on = moment.astimezone(tz).date()
        row.days_since_answer = (today - row.last_answer_on).days
