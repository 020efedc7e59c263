"""The planner: turns each committee's rules into reminder rows, a few weeks ahead.

A tick plans only the scopes (committees, delegados) whose inputs changed or whose plan runs
short; everything else costs nothing, so a tick's cost follows the work to do, not the number of
rows stored. Re-planning touches future rows only — and, of the committee's calendar warnings
(kinds.CATCH_UP_KINDS), due ones not yet superseded by the next: a warning whose moment passed
while the bot was down is still planned once, and a pending one follows a change (a new editor
web). Rows sent or failed stay as they are, and keys that still exist keep their row (so a sent
reminder is never planned again).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from gelbot.db import autocommit, insert_missing
from gelbot.domain.calendar import WorkingCalendar
from gelbot.domain.recurrence import MeetingRule
from gelbot.domain.reporting_calendar import committee_dates
from gelbot.models import (
    OPEN_COMPROMISO_STATUSES,
    Committee,
    Compromiso,
    DelegateFollow,
    FollowStatus,
    Membership,
    PlanScope,
    Reminder,
    ReminderPlan,
    ReminderStatus,
    Role,
    TargetKind,
)
from gelbot.reminders.facts import CommitteeFacts, CompromisoFacts, Planned, Window
from gelbot.reminders.kinds import CATCH_UP, CATCH_UP_KINDS, PLANNED_KINDS, Kind
from gelbot.reminders.outbox import insert_new
from gelbot.reminders.rules import (
    DEFAULT_MEETING_RULE,
    plan_committee,
    plan_delegate,
)
from gelbot.reminders.schedule import load_schedules
from gelbot.services import Services

log = logging.getLogger(__name__)

HORIZON = timedelta(days=35)
# A plan shorter than this is extended; so a committee is re-planned about every three weeks.
LOW_WATER = timedelta(days=14)
SCOPES_PER_TICK = 200
CHUNK = 50  # committees planned per transaction
REPLANNED = "replanificado"
_COMMITTEE_KINDS = frozenset(PLANNED_KINDS - {Kind.RESUMEN_DELEGADO})
_LIVE = (ReminderStatus.PENDIENTE.value, ReminderStatus.DESCARTADO.value)
_PLANS = cast(Table, ReminderPlan.__table__)


@dataclass(frozen=True)
class _Due:
    """A plan scope to plan, with the change count it is planned from."""

    id: int
    scope: str
    scope_id: int
    changes: int


@dataclass
class PlanReport:
    scopes: int = 0
    created: int = 0
    moved: int = 0
    withdrawn: int = 0
    remaining: bool = False  # more scopes wait for the next tick
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))


async def plan(
    services: Services,
    *,
    now: datetime | None = None,
    calendar: WorkingCalendar | None = None,
    limit: int = SCOPES_PER_TICK,
) -> PlanReport:
    """Plan the scopes that need it (changed inputs, or a plan running short)."""
    now = now or services.clock.now()
    calendar = calendar or WorkingCalendar(services.settings.zone)
    report = PlanReport()
    # Two reads and, rarely, one insert, each atomic by itself: no transaction around them (on
    # PostgreSQL its BEGIN and COMMIT were two of a quiet tick's few round trips).
    async with autocommit(services.engine) as connection:
        await _adopt_new_committees(connection)
        due = await _scopes(
            connection,
            (
                (ReminderPlan.changes != ReminderPlan.planned_changes)
                | ReminderPlan.planned_until.is_(None)
                | (ReminderPlan.planned_until < now + LOW_WATER)
            ),
            limit + 1,
        )
    report.remaining = len(due) > limit
    await _plan_scopes(services, due[:limit], now, calendar, report)
    return report


async def replan(
    services: Services,
    scope: PlanScope,
    scope_id: int,
    *,
    now: datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> PlanReport:
    """Plan one committee (or delegado) now, e.g. right after its coordinador changed a rule."""
    now = now or services.clock.now()
    report = PlanReport()
    async with services.transaction() as session:
        rows = await _scopes(
            session, (ReminderPlan.scope == scope.value) & (ReminderPlan.scope_id == scope_id), 1
        )
    await _plan_scopes(
        services, rows, now, calendar or WorkingCalendar(services.settings.zone), report
    )
    return report


async def _scopes(
    session: AsyncSession | AsyncConnection, condition: Any, limit: int
) -> list[_Due]:
    found = await session.execute(
        select(ReminderPlan.id, ReminderPlan.scope, ReminderPlan.scope_id, ReminderPlan.changes)
        .where(condition)
        .order_by(ReminderPlan.id)
        .limit(limit)
    )
    return [_Due(*row) for row in found]


async def _plan_scopes(
    services: Services,
    due: Sequence[_Due],
    now: datetime,
    calendar: WorkingCalendar,
    report: PlanReport,
) -> None:
    tz = services.settings.zone
    committees = [row for row in due if row.scope == PlanScope.COMITE]
    delegates = [row for row in due if row.scope == PlanScope.DELEGADO]
    # Committees in chunks: one transaction, one read of their future rows and one insert per
    # chunk (not per committee) — the first plan of 1,102 committees is ~100,000 rows.
    for start in range(0, len(committees), CHUNK):
        chunk = committees[start : start + CHUNK]
        async with services.sessions() as session:
            facts = await gather_facts(session, [row.scope_id for row in chunk])
        async with services.transaction() as session:
            existing = await _future_rows(session, now, committee_ids=[r.scope_id for r in chunk])
            new: list[Planned] = []
            for row in chunk:
                found = facts.get(row.scope_id)
                if found is None and not await _committee_exists(session, row.scope_id):
                    await session.execute(delete(ReminderPlan).where(ReminderPlan.id == row.id))
                    continue
                desired = []
                if found is not None:
                    window = Window(now, now + HORIZON, found.created_at, tz, calendar)
                    desired = plan_committee(found, window)
                new += _match(desired, existing.get(row.scope_id, {}), report)
                report.scopes += 1
            await session.flush()
            report.created += await insert_new(session, new, now=now)
            await _planned(session, [(row.id, row.changes) for row in chunk], now)
    for row in delegates:
        async with services.transaction() as session:
            desired = await _delegate_plan(session, row.scope_id, now, tz, calendar)
            existing = await _future_rows(session, now, delegate_id=row.scope_id)
            new = _match(desired, existing.get(0, {}), report)
            await session.flush()
            report.created += await insert_new(session, new, now=now)
            await _planned(session, [(row.id, row.changes)], now)
        report.scopes += 1


async def _adopt_new_committees(connection: AsyncConnection) -> None:
    """Committees created before the flush hook existed (or by bulk inserts) get a plan row."""
    missing = await connection.scalars(
        select(Committee.id)
        .outerjoin(
            ReminderPlan,
            and_(
                ReminderPlan.scope == PlanScope.COMITE.value, ReminderPlan.scope_id == Committee.id
            ),
        )
        .where(ReminderPlan.id.is_(None))
    )
    # Every instance's planner adopts them on its tick: whichever comes second inserts nothing.
    for committee_id in list(missing):
        scope = {"scope": PlanScope.COMITE.value, "scope_id": committee_id}
        await insert_missing(connection, _PLANS, scope, {"changes": 1, "planned_changes": 0})


async def _committee_exists(session: AsyncSession, committee_id: int) -> bool:
    return await session.get(Committee, committee_id) is not None


async def _planned(session: AsyncSession, plans: list[tuple[int, int]], now: datetime) -> None:
    """Record, for each plan row, the change count it was planned from and the new horizon."""
    if plans:
        await session.execute(
            update(_PLANS)
            .where(_PLANS.c.id == bindparam("plan_id"))
            .values(
                planned_changes=bindparam("planned"), planned_until=now + HORIZON, planned_at=now
            ),
            [{"plan_id": plan_id, "planned": changes} for plan_id, changes in plans],
        )


async def gather_facts(
    session: AsyncSession, committee_ids: Sequence[int]
) -> dict[int, CommitteeFacts]:
    """The facts of the active committees among `committee_ids`, in a handful of queries."""
    committees = list(
        await session.scalars(
            select(Committee).where(Committee.id.in_(committee_ids), Committee.active.is_(True))
        )
    )
    ids = [c.id for c in committees]
    roles: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    holders: dict[int, int] = {}
    for member in await session.scalars(
        select(Membership).where(Membership.committee_id.in_(ids), Membership.active.is_(True))
    ):
        roles[member.committee_id][member.role].append(member.person_id)
        holders[member.id] = member.person_id
    compromisos: dict[int, list[CompromisoFacts]] = defaultdict(list)
    for c in await session.scalars(
        select(Compromiso).where(
            Compromiso.committee_id.in_(ids), Compromiso.status.in_(OPEN_COMPROMISO_STATUSES)
        )
    ):
        owner = holders.get(c.owner_membership_id) if c.owner_membership_id else None
        compromisos[c.committee_id].append(CompromisoFacts(c.id, c.due_on, owner))
    schedules = await load_schedules(session, ids)
    reporting = await committee_dates(session, ids)
    return {
        c.id: CommitteeFacts(
            id=c.id,
            created_at=c.created_at,
            orden=c.orden,
            framework_id=c.framework_id,
            meeting_rule=meeting_rule(c),
            meeting_rule_set=bool(c.meeting_rule),
            schedule=schedules[c.id],
            editors=tuple(sorted(roles[c.id][Role.EDITOR_WEB.value])),
            coordinators=tuple(sorted(roles[c.id][Role.COORDINADOR.value])),
            compromisos=tuple(sorted(compromisos[c.id], key=lambda f: f.id)),
            informe=(c.informe_months, c.informe_start_month),
            reporting_dates=reporting.get(c.id, {}),
        )
        for c in committees
    }


def meeting_rule(committee: Committee) -> MeetingRule:
    """The committee's meeting rule, or the default (primer martes, 09:00)."""
    if not committee.meeting_rule:
        return DEFAULT_MEETING_RULE
    try:
        return MeetingRule.from_text(committee.meeting_rule)
    except ValueError:
        log.warning(
            "committee %s: unreadable meeting rule %r", committee.id, committee.meeting_rule
        )
        return DEFAULT_MEETING_RULE


async def _delegate_plan(
    session: AsyncSession, person_id: int, now: datetime, tz: tzinfo, calendar: WorkingCalendar
) -> list[Planned]:
    follows = await session.scalar(
        select(DelegateFollow.id).where(
            DelegateFollow.person_id == person_id,
            DelegateFollow.status == FollowStatus.ACEPTADO.value,
        )
    )
    if follows is None:
        return []
    return plan_delegate(person_id, Window(now, now + HORIZON, now, tz, calendar))


Key = tuple[str, str, int, str]


async def _future_rows(
    session: AsyncSession,
    now: datetime,
    *,
    committee_ids: list[int] | None = None,
    delegate_id: int | None = None,
) -> dict[int, dict[Key, Reminder]]:
    """The rows re-planning may touch (future, pending or withdrawn), by committee and key."""
    # Status and kind are checked below, in Python: given `status IN (...)` or `kind IN (...)`
    # SQLite searches by that index — every pending row, or every row of those kinds, of every
    # committee: 70–90 ms a chunk with 90,000 rows stored — instead of by the committee's
    # (committee_id, scheduled_for), which finds just the chunk's rows. The rows left out in
    # Python (claimed or sent, a delegado's digest) are few.
    # Past rows too, as far back as a catch-up reaches: a pending warning that is due but not
    # yet sent follows a change (a new editor) like a future one.
    query = select(Reminder).where(Reminder.scheduled_for >= now - CATCH_UP)
    if committee_ids is not None:
        query = query.where(Reminder.committee_id.in_(committee_ids))
    else:
        query = query.where(
            Reminder.kind == Kind.RESUMEN_DELEGADO.value,
            Reminder.target_kind == TargetKind.PERSONA.value,
            Reminder.target_id == delegate_id,
        )
    found: dict[int, dict[Key, Reminder]] = defaultdict(dict)
    for r in await session.scalars(query):
        if r.status not in _LIVE or (committee_ids is not None and r.kind not in _COMMITTEE_KINDS):
            continue
        past = r.scheduled_for < now
        if past and (r.kind not in CATCH_UP_KINDS or r.expires_at is None or r.expires_at <= now):
            continue  # due and not a live catch-up: the dispatcher's, not the planner's
        scope = r.committee_id if committee_ids is not None and r.committee_id else 0
        found[scope][(r.kind, r.target_kind, r.target_id, r.occurrence)] = r
    return found


def _match(
    desired: list[Planned], existing: dict[Key, Reminder], report: PlanReport
) -> list[Planned]:
    """Move or withdraw existing rows to match `desired`; return the rows still to insert."""
    new: list[Planned] = []
    for planned in desired:
        row = existing.pop(planned.key, None)
        if row is None:
            new.append(planned)
            report.by_kind[planned.kind] += 1
        elif _replannable(row) and _differs(row, planned):
            row.scheduled_for = row.due_at = planned.scheduled_for
            row.expires_at = planned.expires_at
            row.payload = planned.payload
            row.status = ReminderStatus.PENDIENTE.value
            row.last_error = None
            report.moved += 1
    for row in existing.values():
        if row.status == ReminderStatus.PENDIENTE:
            row.status = ReminderStatus.DESCARTADO.value
            row.last_error = REPLANNED
            report.withdrawn += 1
    return new


def _replannable(row: Reminder) -> bool:
    """Pending rows, and rows an earlier re-plan withdrew (they may come back)."""
    return row.status == ReminderStatus.PENDIENTE or row.last_error == REPLANNED


def _differs(row: Reminder, planned: Planned) -> bool:
    return (
        row.status != ReminderStatus.PENDIENTE
        or row.scheduled_for != planned.scheduled_for
        or row.due_at != planned.scheduled_for
        or row.expires_at != planned.expires_at
        or row.payload != planned.payload
    )
