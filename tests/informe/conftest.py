"""The known semester for the informe's tests: in the test's database when the test asks for it."""

from __future__ import annotations

import shutil

import pytest

from tests.support.informe_world import Built, people, semester, semester_file

__all__ = ["people", "semester", "semester_file"]  # fixtures for this folder's tests


@pytest.fixture
def database_url(database_url: str, request: pytest.FixtureRequest) -> str:
    """The test's database, with the prebuilt semester copied in when the test uses `semester`."""
    if "semester" in request.fixturenames:
        built: Built | None = request.getfixturevalue("semester_file")
        if built is not None:  # None on PostgreSQL: the semester fixture builds it per test
            shutil.copy(built.path, database_url.removeprefix("sqlite+aiosqlite:///"))
    return database_url
