"""Migrations: empty → head → base → head on every database, and no drift from the models.

SQLite always runs, in its own file. PostgreSQL runs when GELBOT_TEST_DATABASE_URL is set, on
that very database (the session fixture `migrated_template` already migrated it): these tests
empty it, walk it down and up, and in all cases — pass or fail — leave it empty and at head, as
the other tests expect it. No second database or schema is needed, so no extra privileges either.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from gelbot.db import alembic_config, downgrade, upgrade
from gelbot.models import Base
from tests.conftest import POSTGRES_URL, reset_postgres, sync_url

MODEL_TABLES = {table.name for table in Base.metadata.sorted_tables}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (async URL, as gelbot takes it) of each kind available."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'gelbot.sqlite3'}"
        return
    if not POSTGRES_URL:
        pytest.skip("GELBOT_TEST_DATABASE_URL is not set")
    url: str = request.getfixturevalue("migrated_template")
    reset_postgres(url)
    try:
        yield url
    finally:
        # The rest of the run expects the shared database migrated and empty.
        reset_postgres(url)
        upgrade(url)


def schema_objects(url: str) -> set[str]:
    """Tables, views, sequences and enum types left in the database (alembic's own excepted)."""
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            found = {f"table {t}" for t in inspector.get_table_names()}
            found |= {f"view {v}" for v in inspector.get_view_names()}
            if engine.dialect.name == "postgresql":
                found |= {f"sequence {s}" for s in inspector.get_sequence_names()}
                found |= {f"type {e['name']}" for e in inspector.get_enums()}  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    return found - {"table alembic_version"}


def current_revision(url: str) -> str | None:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def tables(url: str) -> set[str]:
    return {o.removeprefix("table ") for o in schema_objects(url) if o.startswith("table ")}


def test_upgrade_downgrade_upgrade(empty_database: str) -> None:
    url = empty_database
    assert schema_objects(url) == set()

    upgrade(url)
    assert tables(url) == MODEL_TABLES
    assert current_revision(url) == head_revision(url)

    downgrade(url, "base")
    assert schema_objects(url) == set()  # nothing left behind: no table, sequence or type
    assert current_revision(url) is None

    upgrade(url)
    assert tables(url) == MODEL_TABLES
    assert current_revision(url) == head_revision(url)


def test_every_revision_steps_down_and_up(empty_database: str) -> None:
    """Each revision's downgrade undoes exactly its upgrade (the 'stairway' test)."""
    url = empty_database
    script = ScriptDirectory.from_config(alembic_config(url))
    revisions = list(reversed(list(script.walk_revisions())))
    assert revisions, "no migrations found"
    for revision in revisions:
        upgrade(url, revision.revision)
        after_upgrade = schema_objects(url)
        downgrade(url, revision.down_revision or "base")  # type: ignore[arg-type]
        upgrade(url, revision.revision)
        assert schema_objects(url) == after_upgrade, revision.revision
    assert current_revision(url) == script.get_current_head()


def test_models_and_migrations_agree(empty_database: str) -> None:
    """What `alembic check` does: autogenerate against a migrated database finds nothing."""
    url = empty_database
    upgrade(url)
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            # The same comparison options as migrations/env.py.
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == [], "models and migrations differ; regenerate the migration:\n" + "\n".join(
        map(repr, diff)
    )
    command.check(alembic_config(url))  # and through env.py itself, as CI's `alembic check`


def test_postgres_left_migrated_and_empty(request: pytest.FixtureRequest) -> None:
    """After the tests above, the shared PostgreSQL database is at head with no rows."""
    if not POSTGRES_URL:
        pytest.skip("GELBOT_TEST_DATABASE_URL is not set")
    url: str = request.getfixturevalue("migrated_template")
    assert current_revision(url) == head_revision(url)
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            for table in MODEL_TABLES:
                count = connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
                assert count == 0, table
    finally:
        engine.dispose()
