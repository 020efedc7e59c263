"""The dispatcher's scans find their rows through the partial indexes (migration 0002).

Recording a send changes no entry of the index of pending rows; that only pays if the queries
that look for due or abandoned rows can still use an index. Asked of each database's planner,
with the statements as the dispatcher runs them (the status written as a literal, the moment
as a parameter). On PostgreSQL a table this small would be scanned whole anyway, so the test
turns sequential scans off and asks whether an index is usable at all.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from gelbot.models import Reminder
from gelbot.reminders.dispatcher import (
    _CLAIM_GROUPS_PG,
    _GROUP_ROWS,
    _NEXT_ROWS,
    abandoned_claims,
    group_params,
    obsolete_rows,
)
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
        ("obsolete", "ix_reminders_pendiente_due_at"),
        ("abandoned", "ix_reminders_enviando_claimed_at"),
    ],
)
async def test_the_dispatchers_scans_use_the_partial_indexes(
    services: Services, what: str, index: str
) -> None:
    statement, params = {
        "due": (_NEXT_ROWS, {"now": NOW, "limit": 100}),
        "obsolete": (obsolete_rows(NOW), {}),
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
        plan = await plan_of(connection, _GROUP_ROWS, params)
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
        plan = await plan_of(connection, _CLAIM_GROUPS_PG, params)
    assert "Function Scan on groups" in plan, plan
    lookup = plan[plan.index("Function Scan on groups") :]
    assert "Index Scan using uq_reminders_kind_target_kind_target_id_occurrence" in lookup, plan
    assert "(target_id = groups.target_id)" in lookup, plan
