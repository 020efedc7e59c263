"""A plain send is recorded on the driver's own connection (gelbot.reminders.sent_recorder).

The row must read back exactly as if SQLAlchemy had written it — the same moment, comparable in
queries — and a claim another worker holds must be left alone. On both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from gelbot.models import Reminder, ReminderStatus
from gelbot.reminders.sent_recorder import SentRecorder
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
