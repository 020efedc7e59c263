"""Turning claimed rows into a message: where it goes, whether it may go now, what it says.

The rows of a whole claimed batch are prepared in one transaction, with the committees, people,
compromisos and settings they need read in a handful of queries up front — so the per-message
cost is the builder, the template and the send, not a round of lookups.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm.interfaces import ORMOption

from gelbot.domain import compromisos as compromisos_domain
from gelbot.domain import sitio_web
from gelbot.domain.calendar import WorkingCalendar
from gelbot.domain.vacations import on_vacation
from gelbot.models import Committee, Compromiso, Person, Reminder, ReminderStatus, TargetKind
from gelbot.reminders import builders
from gelbot.reminders.job import Builder, Job, Known
from gelbot.reminders.kinds import NAG_KINDS, PAUSED_BY_VACATION, SILENT_KINDS, Kind
from gelbot.reminders.outbox import Claimed, Delivery, OutgoingMessage
from gelbot.reminders.schedule import DEFAULT_SCHEDULE, CommitteeSchedule, load_schedules
from gelbot.reminders.vacations import PAUSED
from gelbot.services import Services
from gelbot.texts import render, split_message

_Row = TypeVar("_Row", Committee, Person, Compromiso)

LATE_AFTER_SECONDS = 30 * 60  # a message this late says it is a catch-up
SQLITE_SLICE = 25  # on SQLite: groups prepared per transaction, between turns of the loop


@dataclass
class DispatchReport:
    sent: int = 0  # messages
    rows_sent: int = 0  # reminders covered by those messages (more after downtime)
    done_silently: int = 0
    deferred: int = 0
    retried: int = 0
    failed: int = 0
    dropped: Counter[str] = field(default_factory=Counter)  # reason → rows
    released: int = 0  # abandoned claims returned to the queue


@dataclass(frozen=True)
class Route:
    chat_id: int
    private: bool
    committee_id: int | None


@dataclass
class Prepared:
    """A message ready to send for one group of claimed rows."""

    rows: list[Claimed]
    message: OutgoingMessage
    route: Route
    job: Job

    @property
    def ids(self) -> list[int]:
        return [r.id for r in self.rows]


# Built once: these run for every message, and building a statement costs more than running it.
_TABLE = cast(Table, Reminder.__table__)
_CLAIMED_IDS = _TABLE.c.id.in_(bindparam("ids", expanding=True))
_MINE_SENDING = (
    _TABLE.c.claimed_by == bindparam("worker"),
    _TABLE.c.status == ReminderStatus.ENVIANDO.value,
)
_OUTCOME: dict[str, BindParameter[Any]] = {
    "status": bindparam("status"),
    "last_error": bindparam("reason"),
    "sent_at": bindparam("sent_at"),
    "chat_id": bindparam("chat_id"),
    "message_id": bindparam("message_id"),
}
_FINISH = update(_TABLE).where(_CLAIMED_IDS, *_MINE_SENDING).values(_OUTCOME)
# The usual case, one row per message: a plain `id = ?` skips re-rendering an expanding IN.
_FINISH_ONE = update(_TABLE).where(_TABLE.c.id == bindparam("one"), *_MINE_SENDING).values(_OUTCOME)
_PARTS_SENT = (
    update(_TABLE).where(_CLAIMED_IDS, *_MINE_SENDING).values(parts_sent=bindparam("parts"))
)
_RELEASE = (
    update(_TABLE)
    .where(
        _TABLE.c.id.in_(bindparam("ids", expanding=True)),
        _TABLE.c.claimed_by == bindparam("worker"),
    )
    .values(
        status=ReminderStatus.PENDIENTE.value,
        due_at=bindparam("due_at"),
        claimed_by=None,
        last_error=bindparam("reason"),
    )
)


async def finish(
    session: AsyncSession | AsyncConnection,
    worker: str,
    ids: list[int],
    status: ReminderStatus,
    now: datetime,
    reason: str | None = None,
    *,
    delivery: Delivery | None = None,
) -> int:
    """Record the outcome of rows this worker holds; 0 if its claim was lost meanwhile."""
    statement = _FINISH_ONE if len(ids) == 1 else _FINISH
    result = await session.execute(
        statement,
        {
            "ids": ids, "one": ids[0], "worker": worker, "status": status.value, "reason": reason,
            "sent_at": now if delivery is not None else None,
            "chat_id": delivery.chat_id if delivery is not None else None,
            "message_id": delivery.message_id if delivery is not None else None,
        },
    )  # fmt: skip
    return max(getattr(result, "rowcount", 0) or 0, 0)


async def parts_sent(
    connection: AsyncSession | AsyncConnection, worker: str, ids: list[int], parts: int
) -> None:
    """Record that the first `parts` parts of the rows' message were accepted by Telegram."""
    await connection.execute(_PARTS_SENT, {"ids": ids, "worker": worker, "parts": parts})


async def release(
    session: AsyncSession | AsyncConnection,
    worker: str,
    ids: list[int],
    when: datetime,
    reason: str | None,
) -> None:
    """Back to the queue, to be tried at `when` (quiet hours, flood wait, network down)."""
    await session.execute(
        _RELEASE, {"ids": ids, "worker": worker, "due_at": when, "reason": reason}
    )


def route_for(
    committee: Committee | None, person: Person | None, *, allow_private: bool
) -> Route | None:
    """Privately when the person opened a chat; otherwise mentioned in the group."""
    committee_id = committee.id if committee is not None else None
    if person is not None and person.reachable_privately and allow_private:
        return Route(person.telegram_id, True, committee_id)
    if committee is not None and committee.active and committee.reachable:
        return Route(committee.chat_id, False, committee_id)
    return None


def unusable(committee: Committee | None, row: Claimed) -> str | None:
    """Why the rows' committee cannot be acted for (None when it can)."""
    if committee is None:
        return None if row.committee_id is None else "sin_comite"
    if not committee.active and row.kind != Kind.AVISO_COORDINADOR:
        return "comite_inactivo"
    if row.target_kind == TargetKind.COMITE and not committee.reachable:
        return "grupo_inaccesible"
    return None


@dataclass
class Batch:
    """What a claimed batch needs, read once. Holding the objects keeps them in the session
    (its identity map holds them weakly), so builders' `session.get` find them there too."""

    schedules: dict[int, CommitteeSchedule]
    committees: dict[int, Committee]
    people: dict[int, Person]
    known: Known  # what builders would otherwise read one message at a time

    async def committee(self, session: AsyncSession, committee_id: int) -> Committee | None:
        # A dictionary first: AsyncSession.get costs a greenlet even when it finds the object.
        found = self.committees.get(committee_id)
        return found if found is not None else await session.get(Committee, committee_id)

    async def person(self, session: AsyncSession, person_id: int) -> Person | None:
        found = self.people.get(person_id)
        return found if found is not None else await session.get(Person, person_id)


async def _by_id(
    session: AsyncSession, model: type[_Row], ids: set[int], *options: ORMOption
) -> dict[int, _Row]:
    """The `model` rows with these ids, by id (no query for no ids)."""
    if not ids:
        return {}
    found = await session.scalars(select(model).where(model.id.in_(ids)).options(*options))
    return {row.id: row for row in found}


@dataclass
class Preparer:
    """Prepares claimed rows on behalf of one dispatcher (whose claims it may settle)."""

    worker: str
    tz: ZoneInfo
    timezone: str
    calendar: WorkingCalendar
    builders: dict[str, Builder] = field(default_factory=builders.by_kind)

    async def prefetch(self, session: AsyncSession, claimed: list[Claimed]) -> Batch:
        """Read what the batch needs at once, a query per kind of object."""
        committee_ids = {r.committee_id for r in claimed if r.committee_id is not None}
        committee_ids |= {r.target_id for r in claimed if r.target_kind == TargetKind.COMITE}
        person_ids = {r.target_id for r in claimed if r.target_kind == TargetKind.PERSONA}
        compromiso_ids = {
            r.payload["compromiso"]
            for r in claimed
            if r.kind in (Kind.COMPROMISO, Kind.COMPROMISO_COORDINADOR)
        }
        # Compromisos first: their responsables come with them (WITH_OWNER), and those are
        # mostly the people the batch is for — read twice, they cost a query and as much ORM
        # work again (3 of a tick's 60 ms on PostgreSQL, bench/reminders.py (b)).
        compromisos = await _by_id(
            session, Compromiso, compromiso_ids, compromisos_domain.WITH_OWNER
        )
        people = {
            c.owner.person.id: c.owner.person
            for c in compromisos.values()
            if c.owner is not None and c.owner.person.id in person_ids
        }
        people |= await _by_id(session, Person, person_ids - people.keys())
        committees = await _by_id(session, Committee, committee_ids)
        weeks = await sitio_web.answered(
            session,
            {
                (r.committee_id, date.fromisoformat(r.payload["semana"]))
                for r in claimed
                if r.kind in NAG_KINDS and r.committee_id is not None
            },
        )
        return Batch(
            await load_schedules(session, committee_ids), committees, people,
            Known(compromisos, weeks),
        )  # fmt: skip

    async def prepare(
        self,
        session: AsyncSession,
        rows: list[Claimed],
        now: datetime,
        report: DispatchReport,
        batch: Batch,
        *,
        allow_private: bool = True,
    ) -> Prepared | None:
        """Decide where the rows go and what they say; or drop, defer, or act silently."""
        # A meeting already held, a week already over: drop, never send late one by one.
        expired = [r for r in rows if r.expires_at is not None and r.expires_at <= now]
        if expired:
            gone = [r.id for r in expired]
            await finish(session, self.worker, gone, ReminderStatus.DESCARTADO, now, "obsoleto")
            report.dropped["obsoleto"] += len(expired)
            rows = [r for r in rows if r not in expired]
            if not rows:
                return None
        first = rows[0]
        ids = [r.id for r in rows]
        committee_id = first.target_id if first.target_kind == TargetKind.COMITE else None
        committee_id = committee_id or first.committee_id
        committee = await batch.committee(session, committee_id) if committee_id else None
        person: Person | None = None
        reason = unusable(committee, first)
        if reason is None and first.target_kind == TargetKind.PERSONA:
            person = await batch.person(session, first.target_id)
            if person is None:
                reason = "sin_destino"
            elif first.kind in PAUSED_BY_VACATION and on_vacation(person, self._today(now)):
                reason = PAUSED
        oldest = min(r.scheduled_for for r in rows)
        late = len(rows) > 1 or (now - oldest).total_seconds() > LATE_AFTER_SECONDS
        job = Job(rows, committee, person, False, now, self.tz, self.calendar, late, batch.known)
        if reason is None and first.kind in SILENT_KINDS:
            await builders.ACTIONS[first.kind](session, job)
            await finish(session, self.worker, ids, ReminderStatus.ENVIADO, now)
            report.done_silently += len(rows)
            return None
        route = None if reason else route_for(committee, person, allow_private=allow_private)
        if route is None:
            reason = reason or "sin_destino"
            await finish(session, self.worker, ids, ReminderStatus.DESCARTADO, now, reason)
            report.dropped[reason] += len(rows)
            return None
        job.private = route.private
        if route.private:
            schedule = batch.schedules.get(first.committee_id or 0, DEFAULT_SCHEDULE)
            quiet = schedule.quiet_hours(self.timezone)
            if not quiet.is_allowed(now, self.calendar):
                await release(
                    session, self.worker, ids, quiet.next_allowed(now, self.calendar), None
                )
                report.deferred += len(rows)
                return None
        outgoing = await self.builders[first.kind](session, job)
        if outgoing is None:
            await finish(session, self.worker, ids, ReminderStatus.DESCARTADO, now, "sin_contenido")
            report.dropped["sin_contenido"] += len(rows)
            return None
        text = render(
            outgoing.template, **outgoing.values, comite=committee, destinatario=person,
            privado=route.private, atrasado=late,
        )  # fmt: skip
        parts = tuple(split_message(text))
        # Parts an earlier attempt got accepted are not sent again (delivery rule); the last
        # part, with the buttons, always goes.
        done = min(min(r.parts_sent for r in rows), len(parts) - 1)
        message = OutgoingMessage(route.chat_id, parts, outgoing.buttons, first_part=done)
        return Prepared(rows, message, route, job)

    def _today(self, now: datetime) -> Any:
        return now.astimezone(self.tz).date()


def slice_for(dialect: str) -> int | None:
    """Groups to prepare per transaction on this database (None: a whole batch at once)."""
    return SQLITE_SLICE if dialect == "sqlite" else None


async def in_slices(
    services: Services,
    preparer: Preparer,
    groups: list[list[Claimed]],
    now: datetime,
    report: DispatchReport,
    size: int | None,
) -> list[Prepared | None]:
    """Prepare a claimed batch's messages, `size` groups per transaction, in order.

    On SQLite the statements run on the event loop's thread (gelbot.sqlite_inline), so
    preparing a whole batch at once was one stretch of up to 100–300 ms in which no command was
    answered (bench/monday.py), with the write lock held from the first dropped row to the
    commit. Slices, each committed, with a turn of the loop between them, let a waiting command
    in after a few milliseconds. On PostgreSQL every query already gives the loop a turn, and
    each slice would cost its prefetch's round trips: there a batch is one slice.
    """
    ready: list[Prepared | None] = []
    step = size or max(len(groups), 1)
    for start in range(0, len(groups), step):
        if start:
            await asyncio.sleep(0)  # a turn for whatever waits on the loop
        part = groups[start : start + step]
        async with services.transaction() as session:
            batch = await preparer.prefetch(session, [row for rows in part for row in rows])
            for rows in part:
                ready.append(await preparer.prepare(session, rows, now, report, batch))
    return ready
