"""The dispatcher: claims due reminders atomically, sends each through the one sender, records it.

Per pass: (1) claims abandoned by a crashed dispatcher return to the queue once their lease
ends; (2) due rows are claimed in batches, oldest first — on PostgreSQL one UPDATE … RETURNING
over `SELECT … FOR UPDATE SKIP LOCKED`, committed by itself; on SQLite, whose writers are
serialised, a read and an UPDATE by key — so two dispatchers never hold the same row; (3)
claimed rows that time made obsolete are dropped (gelbot.reminders.prepare); (4) the rows of
one (kind, target) go out as ONE message (after downtime that is the catch-up message), each
claim committed before sending and each send recorded in its own commit before the next
message: see gelbot.reminders for the delivery rule. The claim statements are in
gelbot.reminders.claims.

Every scan of due rows walks the index of pending rows in order, with a LIMIT, so its cost
follows what is due. An UPDATE of "every due row that expired" had no LIMIT: PostgreSQL,
which cannot know that the pending rows are the future ones, then expected thousands of rows
and read the whole table, history included, on every pass.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from gelbot.db import autocommit
from gelbot.domain import committees, pending_prompts
from gelbot.domain.calendar import WorkingCalendar
from gelbot.domain.committees import follow_migration
from gelbot.models import Committee, Person, ReminderStatus, TargetKind
from gelbot.reminders import prepare
from gelbot.reminders.claims import (
    CLAIM_GROUPS,
    CLAIM_GROUPS_PG,
    CLAIM_NEXT_PG,
    CLAIM_ROWS,
    NEXT_ROWS,
    Group,
    abandoned_claims,
    attempt_returned,
    group_params,
)
from gelbot.reminders.job import Job
from gelbot.reminders.kinds import NAG_KINDS, Kind
from gelbot.reminders.outbox import Claimed, Delivery, Outcome, Sender, enqueue
from gelbot.reminders.prepare import (
    DispatchReport,
    Prepared,
    Preparer,
    finish,
    parts_sent,
    release,
)
from gelbot.reminders.sent_recorder import SentRecorder
from gelbot.services import Services

log = logging.getLogger(__name__)

# A claim older than this belongs to a dispatcher that died: the row goes back to the queue.
CLAIM_LEASE = timedelta(minutes=10)
BATCH_SIZE = 100
MAX_ATTEMPTS = 8
MAX_BATCHES = 1000  # per pass: a bound, not a goal (a pass normally ends when nothing is due)
NAG_PROMPT = "sitio_web_veces"  # PendingPrompt kind: a reply with a number answers the nag

Hook = Callable[[str], None]

__all__ = ["CLAIM_LEASE", "MAX_ATTEMPTS", "NAG_PROMPT", "DispatchReport", "Dispatcher"]


@dataclass(frozen=True)
class Record:
    """Where a batch's sends are recorded: the autocommit connection, and its fast path."""

    connection: AsyncConnection
    fast: SentRecorder | None


def worker_name() -> str:
    """Who claims: host, process and a random part (a restarted process is a new worker)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Dispatcher:
    """Sends what is due; one instance per process, any number of processes."""

    def __init__(
        self,
        services: Services,
        sender: Sender,
        *,
        worker: str | None = None,
        batch_size: int = BATCH_SIZE,
        lease: timedelta = CLAIM_LEASE,
        calendar: WorkingCalendar | None = None,
        hook: Hook | None = None,
        prepare_slice: int | None = None,
    ) -> None:
        self.services = services
        self.sender = sender
        self.worker = worker or worker_name()
        self.batch_size = batch_size
        self.lease = lease
        self.tz = services.settings.zone
        self.calendar = calendar or WorkingCalendar(self.tz)
        self._flooded: dict[int, datetime] = {}
        # Test machinery: called at "after_claim", "after_part" (a part of a long message sent
        # and recorded), "after_send" and "after_question" (a nag's question stored, its send
        # not yet recorded): see tests/…_crash.py.
        self.hook = hook or (lambda point: None)
        self.prepare_slice = prepare_slice or prepare.slice_for(services.engine.dialect.name)
        self.preparer = Preparer(self.worker, self.tz, services.settings.timezone, self.calendar)

    async def run(self) -> DispatchReport:
        """One pass: send everything due now, grouped per target and kind."""
        report = DispatchReport()
        now = self.services.clock.now()
        # Chats that answered 429 in this pass, and until when: their other messages are handed
        # back without trying, and no other chat waits for them.
        self._flooded = {}
        report.released = await self._release_abandoned(now)
        for _ in range(MAX_BATCHES):
            now = self.services.clock.now()
            claimed = await self._claim(now)
            if not claimed:
                break
            self.hook("after_claim")
            groups: dict[Group, list[Claimed]] = defaultdict(list)
            for row in claimed:
                groups[row.group].append(row)
            ready = await prepare.in_slices(
                self.services, self.preparer, list(groups.values()), now, report,
                self.prepare_slice,
            )  # fmt: skip
            # One connection records the whole batch, in autocommit: each record is a single
            # UPDATE, durable on its own, without a BEGIN/COMMIT round trip around it.
            async with autocommit(self.services.engine) as connection:
                await _quick_commits(connection, True)
                record = Record(connection, await SentRecorder.on(connection))
                try:
                    for index, prepared in enumerate(ready):
                        if self.services.clock.now() - now > self.lease / 2:
                            # Slow answers, backoff ate half the lease: hand the rest back before
                            # another dispatcher could take them as abandoned and send them too.
                            await self._hand_back(ready[index:], report)
                            break
                        if prepared is not None:
                            await self._send(prepared, report, record)
                finally:
                    await _quick_commits(connection, False)
        return report

    async def _hand_back(self, rest: list[Prepared | None], report: DispatchReport) -> None:
        ids = [i for prepared in rest if prepared is not None for i in prepared.ids]
        async with self.services.transaction() as session:
            await release(session, self.worker, ids, self.services.clock.now(), None)
        report.retried += len([p for p in rest if p is not None])

    async def _release_abandoned(self, now: datetime) -> int:
        # One UPDATE, atomic by itself: no transaction (a BEGIN and a COMMIT) around it.
        async with autocommit(self.services.engine) as connection:
            result = await connection.execute(abandoned_claims(now - self.lease))
        return max(getattr(result, "rowcount", 0) or 0, 0)

    async def _claim(self, now: datetime) -> list[Claimed]:
        """Take the due rows of the (kind, target) groups of the next `batch_size` due rows.

        Whole groups, so a group still goes out as one message even when the batch limit
        falls inside it. One row more than the batch is read: if it is not there, the rows read
        are all that is due, so their groups are already whole and they are claimed by key;
        otherwise (a backlog) every due row of their groups is. Prebuilt statements: building
        them per call cost more than running them. On PostgreSQL all of it is one statement,
        committed by itself (claims.CLAIM_NEXT_PG).
        """
        if self.services.engine.dialect.name == "postgresql":
            async with autocommit(self.services.engine) as connection:
                claimed = await connection.execute(
                    CLAIM_NEXT_PG,
                    {"now": now, "worker": self.worker, "limit": self.batch_size,
                     "read": self.batch_size + 1},
                )  # fmt: skip
                return sorted(
                    (Claimed(**row._mapping) for row in claimed), key=lambda c: (c.due_at, c.id)
                )
        async with self.services.transaction() as session:
            found = (
                await session.execute(NEXT_ROWS, {"now": now, "limit": self.batch_size + 1})
            ).all()
            if not found:
                return []
            params: dict[str, object] = {"now": now, "worker": self.worker}
            if len(found) <= self.batch_size:
                statement, params["ids"] = CLAIM_ROWS, [row.id for row in found]
            else:
                groups = list(dict.fromkeys(tuple(row)[1:] for row in found[: self.batch_size]))
                dialect = self.services.engine.dialect.name
                statement = CLAIM_GROUPS_PG if dialect == "postgresql" else CLAIM_GROUPS
                params.update(group_params(dialect, groups))
            result = await session.execute(statement, params)
            # RETURNING keeps no order on PostgreSQL: send the oldest first, as claimed.
            return sorted(
                (Claimed(**row._mapping) for row in result), key=lambda c: (c.due_at, c.id)
            )

    async def _send(self, prepared: Prepared, report: DispatchReport, record: Record) -> None:
        """Send one prepared message and record what Telegram answered, in its own commit."""
        ids, rows, job = prepared.ids, prepared.rows, prepared.job
        flooded_until = self._flooded.get(prepared.message.chat_id)
        if flooded_until is not None and flooded_until > self.services.clock.now():
            async with self.services.transaction() as session:
                await release(session, self.worker, ids, flooded_until, "espera por 429")
            report.retried += 1
            return

        async def progress(parts: int) -> None:
            # Each part Telegram accepted, in its own commit before the next part is sent.
            await parts_sent(record.connection, self.worker, ids, parts)
            self.hook("after_part")

        delivery = await self.sender.send(prepared.message, progress)
        self.hook("after_send")
        now = self.services.clock.now()
        nag = job.kind in NAG_KINDS and job.person is not None
        plain = delivery.migrated_from is None and delivery.error is None
        if delivery.outcome is Outcome.SENT and plain:
            # The common case, on a bare connection: one UPDATE and its commit per message.
            if nag:
                # Before the record, so a crash between the two loses no question: the nag is
                # sent again (the one duplicate the delivery rule allows), and a reply to
                # either copy answers the same week.
                await _remember_nag(record.connection, job, delivery, now)
                self.hook("after_question")
            if len(ids) == 1 and record.fast is not None:
                done = await record.fast.sent(
                    ids[0], self.worker, now, delivery.chat_id, delivery.message_id
                )
            else:
                done = await finish(
                    record.connection, self.worker, ids, ReminderStatus.ENVIADO, now,
                    delivery=delivery,
                )  # fmt: skip
            if done < len(ids):
                log.warning("reminders %s: claim lost before recording the send", ids)
            report.sent += 1
            report.rows_sent += len(rows)
            return
        retry_in_group = False
        async with self.services.transaction() as session:
            if delivery.outcome is Outcome.SENT:
                # Sent to the supergroup the group became (record, and follow it, in one
                # commit), or sent without an answer for some part: recorded as uncertain
                # (last_error), never sent again.
                done = await finish(session, self.worker, ids, ReminderStatus.ENVIADO, now,
                                    delivery.error, delivery=delivery)  # fmt: skip
                if done < len(ids):
                    log.warning("reminders %s: claim lost before recording the send", ids)
                if delivery.migrated_from is not None:
                    await follow_migration(session, delivery.migrated_from, delivery.chat_id)
                if nag and delivery.message_id is not None:
                    await _remember_nag(session, job, delivery, now)
                report.sent += 1
                report.rows_sent += len(rows)
            elif delivery.outcome is Outcome.FLOOD:
                # Telegram asked this chat to wait: a wait is no failed attempt.
                until = now + timedelta(seconds=delivery.retry_in)
                self._flooded[delivery.chat_id] = until
                await session.execute(attempt_returned(ids))
                await release(session, self.worker, ids, until, delivery.error)
                report.retried += 1
            elif delivery.outcome is Outcome.RETRY and max(r.attempts for r in rows) < MAX_ATTEMPTS:
                when = now + timedelta(seconds=delivery.retry_in)
                await release(session, self.worker, ids, when, delivery.error)
                report.retried += 1
            else:
                if delivery.outcome is Outcome.FORBIDDEN:
                    retry_in_group = await self._forbidden(session, prepared, now)
                if not retry_in_group:
                    await finish(session, self.worker, ids, ReminderStatus.FALLIDO, now,
                                 delivery.error)  # fmt: skip
                    report.failed += 1
        if retry_in_group:
            async with self.services.transaction() as session:
                batch = await self.preparer.prefetch(session, rows)
                again = await self.preparer.prepare(
                    session, rows, now, report, batch, allow_private=False
                )
            if again is not None:
                await self._send(again, report, record)

    async def _forbidden(self, session: AsyncSession, prepared: Prepared, now: datetime) -> bool:
        """403: mark who is unreachable, tell the coordinador; True to retry in the group."""
        route, job = prepared.route, prepared.job
        if route.private and job.person is not None:
            await session.execute(
                update(Person).where(Person.id == job.person.id).values(private_blocked=True)
            )
            motivo, payload = "bloqueado", {"motivo": "bloqueado", "persona": job.person.id}
            subject = job.person.id
        elif job.committee is not None:
            await session.execute(
                update(Committee).where(Committee.id == job.committee.id).values(reachable=False)
            )
            motivo, payload, subject = "grupo_inaccesible", {"motivo": "grupo_inaccesible"}, 0
        else:
            return False
        committee_id = prepared.rows[0].committee_id
        if committee_id is not None:
            coordinators = await committees.coordinators(session, committee_id)
            await enqueue(
                session, Kind.AVISO_COORDINADOR,
                targets=[(TargetKind.PERSONA.value, p) for p in coordinators if p != subject],
                occurrence=f"{motivo}:{subject or committee_id}:{now.astimezone(self.tz).date()}",
                committee_id=committee_id, due=now, payload=payload, now=now,
            )  # fmt: skip
        return route.private and job.committee is not None


async def _quick_commits(connection: AsyncConnection, on: bool) -> None:
    """On PostgreSQL, don't wait for the disk on each record's commit (the connection's own).

    The record of a send only prevents a duplicate: if the database server itself crashed
    before writing it, the reminder is sent again — still at least once, never lost. Our own
    process dying is unaffected: the commit has reached the server.
    """
    if connection.dialect.name == "postgresql":
        # On the driver itself, as a simple query: through SQLAlchemy it was prepared, then run.
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None  # a connection checked out of the pool is open
        await driver.execute("SET synchronous_commit TO off" if on else "RESET synchronous_commit")


async def _remember_nag(
    session: AsyncSession | AsyncConnection, job: Job, delivery: Delivery, now: datetime
) -> None:
    """A reply to the nag with a number answers it, like the buttons do."""
    assert job.person is not None and job.committee is not None and delivery.message_id
    await pending_prompts.remember(
        session, chat_id=delivery.chat_id, message_id=delivery.message_id,
        person_id=job.person.id, kind=NAG_PROMPT, subject_id=job.committee.id,
        data={"semana": job.latest().payload["semana"]}, now=now,
    )  # fmt: skip
