"""The dispatcher's scans find their rows through the partial indexes (migration 0002).

Recording a send changes no entry of the index of pending rows; that only pays if the queries
that look for due or abandoned rows can still use an index. Asked of each database's planner,
with the statements as the dispatcher runs them (the status written as a literal, the moment
as a parameter). On PostgreSQL a table this small would be scanned whole anyway, so the test
turns sequential scans off and asks whether an index is usable at all.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from gelbot.clock import ManualClock
from gelbot.models import Reminder
from gelbot.reminders.claims import (
    CLAIM_GROUPS_PG,
    GROUP_ROWS,
    NEXT_ROWS,
    abandoned_claims,
    group_params,
)
from gelbot.reminders.dispatcher import Dispatcher
from gelbot.reminders.outbox import Delivery, OutgoingMessage
from gelbot.reminders.tick import tick
from gelbot.services import Services

NOW = datetime(2009, 3, 2, 14, 0, tzinfo=UTC)
GROUPS = [("compromiso", "persona", 7), ("sitio_web", "comite", 3)]


async def plan_of(connection: AsyncConnection, statement: Any, params: dict[str, Any]) -> str:
    # The SQL as executed: lists (IN) spelled out, one parameter a value.
    state = statement.compile(dialect=connection.dialect).construct_expanded_state(params)
    values = state.positional_parameters
    if connection.dialect.name == "sqlite":
        # What SQLAlchemy binds for a datetime on SQLite: its text form, in UTC.
        bound = tuple(
            v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v
            for v in values
        )
        rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {state.statement}", bound)
        return "\n".join(str(row[-1]) for row in rows)
    await connection.execute(text("SET LOCAL enable_seqscan = off"))
    rows = await connection.exec_driver_sql(f"EXPLAIN {state.statement}", tuple(values))
    return "\n".join(str(row[0]) for row in rows)


@pytest.mark.parametrize(
    ("what", "index"),
    [
        ("due", "ix_reminders_pendiente_due_at"),
        ("abandoned", "ix_reminders_enviando_claimed_at"),
    ],
)
async def test_the_dispatchers_scans_use_the_partial_indexes(
    services: Services, what: str, index: str
) -> None:
    statement, params = {
        "due": (NEXT_ROWS, {"now": NOW, "limit": 100}),
        "abandoned": (abandoned_claims(NOW), {}),
    }[what]
    async with services.engine.begin() as connection:
        plan = await plan_of(connection, statement, params)
    assert index in plan, plan


async def test_sqlite_claims_a_batchs_groups_through_the_reminder_key(services: Services) -> None:
    # After downtime thousands are due; reading them all for each batch's 100 made the claim
    # grow with the backlog. SQLite must look each group up in the (kind, target) key instead.
    params = {"now": NOW, **group_params("sqlite", GROUPS)}
    async with services.engine.begin() as connection:
        if connection.dialect.name != "sqlite":
            pytest.skip("PostgreSQL claims groups with its own statement (the test below)")
        plan = await plan_of(connection, GROUP_ROWS, params)
    assert "kind=? AND target_kind=? AND target_id=?" in plan, plan


async def test_postgresql_claims_a_batchs_groups_one_lookup_per_group(services: Services) -> None:
    # The same on PostgreSQL, where an IN over the groups read the whole backlog for each batch
    # when the table had no statistics yet (just planned). So the groups are a table, each
    # looked up in the key by a nested loop; asked here of a table with no statistics either.
    async with services.engine.begin() as connection:
        if connection.dialect.name != "postgresql":
            pytest.skip("SQLite claims groups with the IN form (the test above)")
        await connection.execute(
            insert(Reminder),
            [
                {"kind": "compromiso", "target_kind": "persona", "target_id": target,
                 "occurrence": f"{n}", "scheduled_for": NOW, "status": "pendiente",
                 "due_at": NOW + timedelta(days=n - 10), "attempts": 0, "payload": {},
                 "created_at": NOW}
                for target in range(400) for n in range(50)
            ],
        )  # fmt: skip
        params = {"now": NOW, "worker": "w", **group_params("postgresql", GROUPS)}
        plan = await plan_of(connection, CLAIM_GROUPS_PG, params)
    assert "Function Scan on groups" in plan, plan
    lookup = plan[plan.index("Function Scan on groups") :]
    assert "Index Scan using uq_reminders_kind_target_kind_target_id_occurrence" in lookup, plan
    assert "(target_id = groups.target_id)" in lookup, plan


async def a_year_of_history(services: Services) -> None:
    """15,000 reminders sent over the past ten months and 15,000 pending over the next ten, as
    the dispatcher leaves them; the database's statistics up to date."""
    rows = []
    for n in range(30_000):
        moment = NOW + timedelta(minutes=30 * (n - 15_000) + 15)
        sent = moment <= NOW
        rows.append(
            {"kind": "compromiso", "committee_id": None, "target_kind": "persona",
             "target_id": n % 500, "occurrence": f"{n}:{moment.date()}:antes",
             "scheduled_for": moment, "due_at": moment, "expires_at": moment + timedelta(days=7),
             "status": "enviado" if sent else "pendiente", "attempts": 1 if sent else 0,
             "claimed_at": moment if sent else None,
             "claimed_by": "gelbot-host:4242:0123abcd" if sent else None,
             "sent_at": moment if sent else None, "chat_id": 10_000 + n % 500 if sent else None,
             "message_id": n if sent else None, "created_at": NOW,
             "payload": {"compromiso": n, "vence": moment.date().isoformat(), "paso": "antes"}}
        )  # fmt: skip
    # In no particular order of time, as the planner inserts them (committee by committee):
    # an index scan then costs a page read per row, and a whole-table scan looks cheaper.
    random.Random(1151).shuffle(rows)
    async with services.engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            await connection.execute(insert(Reminder), rows[start : start + 5000])
        await connection.execute(text("ANALYZE"))


async def explain(connection: AsyncConnection, statement: str, params: Any) -> str:
    """The plan of a statement as the driver received it."""
    if connection.dialect.name == "sqlite":
        rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
        return "\n".join(str(row[-1]) for row in rows)
    # A table this small makes reading by index look cheap whatever the plan. These settings
    # price it as on a large table whose history is spread over many pages (and leave no bitmap
    # middle way), so a statement that expects many due rows shows the whole-table scan it would
    # get there; `bench/reminders.py` got one with 23,400 rows and the defaults.
    await connection.execute(text("SET LOCAL random_page_cost = 10"))
    await connection.execute(text("SET LOCAL enable_bitmapscan = off"))
    rows = await connection.exec_driver_sql(f"EXPLAIN {statement}", params)
    return "\n".join(str(row[0]) for row in rows)


class NothingToSend:
    async def send(self, message: OutgoingMessage, progress: object = None) -> Delivery:
        raise AssertionError("nothing is due")


async def test_a_tick_never_reads_the_whole_table_however_long_the_history(
    services: Services, clock: ManualClock
) -> None:
    # Months of sent reminders and months of pending ones, with fresh statistics: then
    # PostgreSQL guesses that most pending rows are due (it cannot know that the pending ones
    # are the future ones), and a statement that filtered due rows without a LIMIT read the
    # whole table on every tick — a cost growing with the history, not with what is due.
    await a_year_of_history(services)
    clock.set(NOW)
    statements: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        statements.append((statement, params))

    event.listen(services.engine.sync_engine, "before_cursor_execute", seen)
    try:
        report = await tick(Dispatcher(services, NothingToSend()))
    finally:
        event.remove(services.engine.sync_engine, "before_cursor_execute", seen)
    assert report.dispatch.sent == 0
    scans = [(sql, params) for sql, params in statements if " reminders" in sql]
    assert len(scans) >= 2  # abandoned claims, the next due rows
    async with services.engine.begin() as connection:
        for statement, params in scans:
            plan = await explain(connection, statement, params)
            assert "Seq Scan on reminders" not in plan and "SCAN reminders" not in plan, (
                statement,
                plan,
            )


async def test_postgresql_reads_and_claims_the_next_rows_in_one_statement_on_its_own(
    services: Services, clock: ManualClock
) -> None:
    # A read, then the claim, in a transaction: four round trips (BEGIN, read, claim, COMMIT)
    # and the session around them, per batch. One statement, committed by itself, claims the
    # same rows: every due row of the groups of the next batch.
    if services.engine.dialect.name != "postgresql":
        pytest.skip("SQLite reads, then claims, in one transaction (its writers are serialised)")
    async with services.engine.begin() as connection:
        await connection.execute(
            insert(Reminder),
            [
                {"kind": "compromiso", "target_kind": "persona", "target_id": target,
                 "occurrence": f"{target}:{n}", "scheduled_for": NOW, "status": "pendiente",
                 "due_at": NOW - timedelta(minutes=10 * target + n), "attempts": 0,
                 "payload": {}, "created_at": NOW}
                for target in (1, 2, 3) for n in range(3)
            ],
        )  # fmt: skip
    statements: list[tuple[str, object]] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append((statement, conn.get_execution_options().get("isolation_level")))

    clock.set(NOW)
    dispatcher = Dispatcher(services, NothingToSend(), worker="w", batch_size=2)
    event.listen(services.engine.sync_engine, "before_cursor_execute", seen)
    try:
        claimed = await dispatcher._claim(NOW)
    finally:
        event.remove(services.engine.sync_engine, "before_cursor_execute", seen)
    # Oldest first: target 3's rows are the oldest, then target 2's; the batch of 2 takes two
    # rows of target 3, and with them its whole group.
    assert [(row.target_id, row.occurrence) for row in claimed] == [
        (3, "3:2"), (3, "3:1"), (3, "3:0"),
    ]  # fmt: skip
    [(statement, isolation)] = statements
    assert "UPDATE reminders SET" in statement and isolation == "AUTOCOMMIT"
    # What is left (six rows) fits in a batch of ten: those very rows are claimed.
    rest = await Dispatcher(services, NothingToSend(), worker="w", batch_size=10)._claim(NOW)
    assert [(row.target_id, row.occurrence) for row in rest] == [
        (2, "2:2"), (2, "2:1"), (2, "2:0"), (1, "1:2"), (1, "1:1"), (1, "1:0"),
    ]  # fmt: skip
