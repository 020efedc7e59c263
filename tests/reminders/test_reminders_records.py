"""A plain send is recorded on the driver's own connection (gelbot.reminders.sent_recorder).

The row must read back exactly as if SQLAlchemy had written it — the same moment, comparable in
queries — and a claim another worker holds must be left alone. On both databases. On
PostgreSQL the record finds its row by the primary key, however the claimed rows look to the
planner.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, text

from gelbot.db import autocommit
from gelbot.models import Reminder, ReminderStatus
from gelbot.reminders.dispatcher import _quick_commits
from gelbot.reminders.sent_recorder import POSTGRESQL, SentRecorder
from gelbot.services import Services

SENT = datetime(2009, 3, 2, 9, 0, 1, 123456, tzinfo=UTC)


async def claimed_row(services: Services, worker: str) -> int:
    values = {
        "kind": "compromiso", "committee_id": None, "target_kind": "persona", "target_id": 7,
        "occurrence": f"prueba:{worker}", "scheduled_for": SENT, "due_at": SENT,
        "status": ReminderStatus.ENVIANDO.value, "attempts": 1, "claimed_at": SENT,
        "claimed_by": worker, "payload": {}, "created_at": SENT, "last_error": "antes",
    }  # fmt: skip
    async with services.transaction() as session:
        found = await session.scalar(insert(Reminder).values(values).returning(Reminder.id))
    assert found is not None
    return found


async def record(services: Services, reminder_id: int, worker: str) -> int:
    async with services.engine.connect() as pooled:
        connection = await pooled.execution_options(isolation_level="AUTOCOMMIT")
        recorder = await SentRecorder.on(connection)
        assert recorder is not None  # both test databases have a fast path
        return await recorder.sent(reminder_id, worker, SENT, -100123, 4242)


async def test_a_recorded_send_reads_back_as_sqlalchemy_would_have_written_it(
    services: Services,
) -> None:
    reminder_id = await claimed_row(services, "w1")
    assert await record(services, reminder_id, "w1") == 1
    async with services.transaction() as session:
        row = await session.get_one(Reminder, reminder_id)
        assert (row.status, row.last_error) == (ReminderStatus.ENVIADO.value, None)
        assert (row.sent_at, row.chat_id, row.message_id) == (SENT, -100123, 4242)
        # Stored in the same form as SQLAlchemy's own writes: comparisons in queries still work.
        found = await session.scalars(
            select(Reminder.id).where(
                Reminder.sent_at == SENT, Reminder.sent_at > SENT - timedelta(microseconds=1)
            )
        )
        assert list(found) == [reminder_id]


async def test_a_claim_another_worker_holds_is_left_alone(services: Services) -> None:
    reminder_id = await claimed_row(services, "w2")
    assert await record(services, reminder_id, "w1") == 0
    async with services.transaction() as session:
        row = await session.get_one(Reminder, reminder_id)
        assert (row.status, row.sent_at, row.message_id) == (
            ReminderStatus.ENVIANDO.value, None, None,
        )  # fmt: skip


async def test_postgresql_finds_the_recorded_row_by_its_key_not_among_the_claimed(
    services: Services,
) -> None:
    # The statistics are gathered between passes, when nothing is claimed: the partial index of
    # claimed rows looks empty, so with the status written as a literal PostgreSQL's cached plan
    # read every row the batch still held, once per record.
    if services.engine.dialect.name != "postgresql":
        pytest.skip("SQLite looks a row up by its id (rowid) whatever the rest of the filter")
    rows = [
        {"kind": "compromiso", "committee_id": None, "target_kind": "persona", "target_id": n,
         "occurrence": f"{n}", "scheduled_for": SENT, "due_at": SENT + timedelta(minutes=n),
         "status": ReminderStatus.PENDIENTE.value, "attempts": 0, "payload": {},
         "created_at": SENT}
        for n in range(3000)
    ]  # fmt: skip
    async with services.engine.begin() as connection:
        await connection.execute(insert(Reminder), rows)
        await connection.execute(text("ANALYZE reminders"))
        await connection.execute(
            text("UPDATE reminders SET status = 'enviando', claimed_by = 'w' WHERE target_id < 100")
        )
        await connection.exec_driver_sql(f"PREPARE record AS {POSTGRESQL}")
        # The plan asyncpg's statement cache settles on after a few records.
        await connection.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
        found = await connection.exec_driver_sql(
            "EXPLAIN EXECUTE record(now(), 1, 1, 5, 'w', 'enviando')"
        )
        plan = "\n".join(str(row[0]) for row in found)
        await connection.exec_driver_sql("DEALLOCATE record")
    assert "Index Scan using pk_reminders" in plan, plan


async def test_postgresql_records_without_waiting_for_the_disk_on_that_connection_only(
    services: Services,
) -> None:
    # The dispatcher's records commit without waiting for the disk (see gelbot.reminders); the
    # pooled connection goes back to the pool as it came, so no other commit is affected.
    if services.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no per-connection synchronous_commit")
    async with autocommit(services.engine) as connection:
        await _quick_commits(connection, True)
        during = await connection.scalar(text("SHOW synchronous_commit"))
        await _quick_commits(connection, False)
        after = await connection.scalar(text("SHOW synchronous_commit"))
    assert (during, after) == ("off", "on")
