"""What every handler and job needs, built once in the composition root and passed down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gelbot.clock import Clock, SystemClock
from gelbot.db import make_engine, make_sessionmaker
from gelbot.settings import Settings


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Services:
        """The one way gelbot opens its database: an engine on `settings.database_url`."""
        engine = make_engine(settings.database_url)
        return cls(settings, engine, make_sessionmaker(engine), clock or SystemClock())

    @classmethod
    @asynccontextmanager
    async def opened(
        cls, settings: Settings, clock: Clock | None = None
    ) -> AsyncIterator[Services]:
        """Services for one command line's work: the engine is closed when it ends."""
        services = cls.build(settings, clock)
        try:
            yield services
        finally:
            await services.engine.dispose()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits on success, rolls back on any error."""
        async with self.sessions() as session, session.begin():
            yield session
