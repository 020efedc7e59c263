"""Fixtures: a real database per test (SQLite file, or PostgreSQL when configured) and the bot."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from gelbot.clock import ManualClock
from gelbot.db import make_engine, make_sessionmaker, upgrade
from gelbot.models import Base
from gelbot.services import Services
from gelbot.settings import Settings, async_database_url
from gelbot.telegram.fake_api import FakeTelegram
from tests.support.committee_world import World, committee
from tests.support.harness import Harness, running
from tests.support.hostile import Hostile
from tests.support.instances import second_instance
from tests.support.reminders_world import Engine

POSTGRES_URL = os.environ.get("GELBOT_TEST_DATABASE_URL")


def sync_url(url: str) -> str:
    """The same database through a synchronous driver, for test bookkeeping."""
    return url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")


def reset_postgres(url: str) -> None:
    """Leave the test PostgreSQL database empty (it is for tests only)."""
    engine = create_engine(sync_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated to head once per run: a SQLite file to copy, or PostgreSQL itself."""
    if POSTGRES_URL:
        url = async_database_url(POSTGRES_URL)
        reset_postgres(url)
        upgrade(url)
        return url
    path = tmp_path_factory.mktemp("template") / "gelbot.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return str(path)


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for one test."""
    if POSTGRES_URL:
        yield migrated_template
        engine = create_engine(sync_url(migrated_template))
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return
    path = tmp_path / "gelbot.sqlite3"
    shutil.copy(migrated_template, path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def clock() -> ManualClock:
    # A Monday in the seeds' semester: 2 March 2009, 09:00 in Bogotá.
    return ManualClock(datetime(2009, 3, 2, 14, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, token=None, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def telegram(clock: ManualClock) -> FakeTelegram:
    return FakeTelegram(now=clock.now)


@pytest.fixture
async def services(settings: Settings, clock: ManualClock) -> AsyncIterator[Services]:
    engine = make_engine(settings.database_url)
    yield Services(settings, engine, make_sessionmaker(engine), clock)
    await engine.dispose()


@pytest.fixture
async def bot(
    settings: Settings, services: Services, telegram: FakeTelegram
) -> AsyncIterator[Harness]:
    """The real gelbot Application, initialised, talking to the fake Telegram."""
    async with running(settings, services, telegram) as harness:
        yield harness


@pytest.fixture
def hostile(bot: Harness, services: Services, caplog: pytest.LogCaptureFixture) -> Hostile:
    """The bot under bad input: see tests/support/hostile.py."""
    return Hostile(bot, services, caplog)


@pytest.fixture
async def world(bot: Harness) -> World:
    """Alcaldía de Mocoa, registered in its group by dialog: Ana, Beto and Carla have joined."""
    return await committee(bot)


@pytest.fixture
def engine(bot: Harness, services: Services, clock: ManualClock) -> Engine:
    """The reminder engine as the running bot has it, on the injected clock."""
    return Engine(bot, services, clock)


@pytest.fixture
async def other(services: Services) -> AsyncIterator[Services]:
    """A second gelbot instance on the same database: its own engine (tests/support/instances)."""
    async with second_instance(services) as instance:
        yield instance
