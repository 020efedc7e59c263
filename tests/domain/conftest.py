"""Fixtures shared by the domain's dialog tests."""

from __future__ import annotations

import pytest

from tests.support.committee_world import World, committee
from tests.support.harness import Harness


@pytest.fixture
async def world(bot: Harness) -> World:
    """Alcaldía de Mocoa, registered in its group: Ana, Beto and Carla have joined."""
    return await committee(bot)
