"""The database: async engine, sessions, and Alembic migrations run from code."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Table, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from gelbot.resources import resource_dir
from gelbot.sqlite_inline import inline_dbapi


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys and a lock timeout.

    SQLite runs on the event loop's thread (gelbot.sqlite_inline), not aiosqlite's worker
    thread: handing each call to that thread cost more than the call itself.
    """
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
        kwargs.setdefault("module", inline_dbapi())
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


async def insert_missing(
    session: AsyncSession | AsyncConnection,
    table: Table,
    unique: dict[str, Any],
    values: dict[str, Any],
) -> bool:
    """INSERT … ON CONFLICT (the `unique` columns) DO NOTHING; True if the row went in now.

    Get-or-create for rows two gelbot instances may create at once: a plain INSERT makes the
    second one fail on the unique constraint. This one waits for the first (PostgreSQL waits
    for its commit, SQLite for the write lock) and inserts nothing; a SELECT after it finds
    the row either way.
    """
    # It skips the ORM's flush, so _strip_nul below does not see it: strip NUL here as well.
    values = {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in values.items()}
    bind = session if isinstance(session, AsyncConnection) else session.get_bind()
    insert = postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(**unique, **values)
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(table.c.id)
    )
    return (await session.execute(statement)).first() is not None


@asynccontextmanager
async def autocommit(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A pooled connection on which each statement commits by itself.

    For a read, or a single statement that is atomic on its own: on PostgreSQL a transaction
    costs a BEGIN and a COMMIT round trip around it, and SQLAlchemy's session work besides.
    """
    async with engine.connect() as pooled:
        yield await pooled.execution_options(isolation_level="AUTOCOMMIT")


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@event.listens_for(Session, "before_flush")
def _strip_nul(session: Session, _context: Any, _instances: Any) -> None:
    """Drop NUL characters from text people typed: PostgreSQL refuses them, SQLite keeps them.

    One place for every model, so no handler has to remember it.
    """
    for instance in (*session.new, *session.dirty):
        state = inspect(instance)
        for attribute in state.mapper.column_attrs:
            value = getattr(instance, attribute.key, None)
            if isinstance(value, str) and "\x00" in value:
                setattr(instance, attribute.key, value.replace("\x00", ""))


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at gelbot's migrations, for `url`."""
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision` (blocking; call from sync code)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "head") -> None:
    """Run migrations from async code: Alembic's env.py runs its own event loop, so use a thread."""
    await asyncio.to_thread(upgrade, url, revision)
