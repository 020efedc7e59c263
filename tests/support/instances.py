"""Two gelbot instances on one database, and a race between them played out in order.

The first instance's transaction stays open after its work, the second instance's runs until it
waits on the first, then the first commits: what a plain INSERT-if-missing gets wrong shows up
every time, not once in a thousand runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.db import make_engine, make_sessionmaker
from gelbot.domain import committees
from gelbot.domain.committees import PersonInfo
from gelbot.services import Services

T = TypeVar("T")
Work = Callable[[AsyncSession], Awaitable[T]]


@asynccontextmanager
async def second_instance(services: Services) -> AsyncIterator[Services]:
    """Another instance: its own engine, so its own connections, on the same database."""
    engine = make_engine(services.settings.database_url)
    try:
        yield Services(services.settings, engine, make_sessionmaker(engine), services.clock)
    finally:
        await engine.dispose()


async def waiting_on_another(session: AsyncSession) -> bool:
    """Whether some other connection waits for a lock this transaction holds (PostgreSQL)."""
    waiting = await session.scalar(
        text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND datname = current_database() AND pid <> pg_backend_pid()"
        )
    )
    return bool(waiting)


async def race(services: Services, other: Services, first: Work[T], second: Work[T]) -> list[T]:
    """`first` in this instance, held open until `second`, in the other one, waits on it."""
    async with services.transaction() as session:
        first_result = await first(session)

        async def in_other() -> T:
            async with other.transaction() as other_session:
                return await second(other_session)

        task = asyncio.create_task(in_other())
        if session.get_bind().dialect.name == "postgresql":
            for _ in range(500):
                if task.done() or await waiting_on_another(session):
                    break
                await asyncio.sleep(0.01)
            assert not task.done(), "the second instance did not wait for the first"
        else:  # SQLite has no view of who waits: give the second instance time to reach the lock
            await asyncio.wait({task}, timeout=0.3)
    return [first_result, await task]


async def mocoa_with_ana_and_beto(services: Services, now: datetime) -> tuple[int, int, int]:
    """Alcaldía de Mocoa, registered by Ana, with Beto known; (committee id, Ana's, Beto's)."""
    async with services.transaction() as session:
        ana = await committees.upsert_person(session, PersonInfo(101, "Ana"), now=now)
        beto = await committees.upsert_person(session, PersonInfo(102, "Beto"), now=now)
        committee, _ = await committees.register_committee(
            session, chat_id=-1001, entity_name="Alcaldía de Mocoa", founder=ana, now=now
        )
        return committee.id, ana.id, beto.id
